import { describe, expect, it } from "vitest";

import { t } from "../../i18n";
import { clashTexts, clashingWindows, matchFieldErrors } from "./fieldErrors";

describe("matchFieldErrors", () => {
  it("puts nested errors on the nested field", () => {
    const result = matchFieldErrors(
      { "location.country": "unknown country", starts_at: "must be in the future", location: "incomplete" },
      ["location.country", "starts_at", "site_uuid"],
    );
    expect(result.matched).toEqual({ "location.country": "unknown country", starts_at: "must be in the future" });
    expect(result.rest).toEqual(["location: incomplete"]);
  });
  it("follows aliases and parents", () => {
    expect(matchFieldErrors({ "scope.tags.0": "bad tag" }, ["tags"], { "scope.tags.0": "tags" }).matched).toEqual({ tags: "bad tag" });
    expect(matchFieldErrors({ "location.country.0": "x" }, ["location.country"]).matched).toEqual({ "location.country": "x" });
  });
});

describe("clashingWindows", () => {
  it("keeps the windows a 409 names and skips anything else", () => {
    const details = [
      { uuid: "a", starts_at: "2026-05-01T10:00:00+00:00", ends_at: "2026-05-01T12:00:00+00:00" },
      { field: "body.starts_at", message: "no" },
      null,
      "text",
    ];
    expect(clashingWindows(details)).toEqual([details[0]]);
    expect(clashingWindows([])).toEqual([]);
  });
});

describe("clashTexts", () => {
  it("says one sentence per clashing window", () => {
    const details = [{ starts_at: "2026-05-01T10:00:00Z", ends_at: "2026-05-01T12:00:00Z" }, { message: "no" }];
    const texts = clashTexts(details, t);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^Overlaps an accepted window from .+ to .+\.$/);
  });
});
