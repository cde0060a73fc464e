import { describe, expect, it } from "vitest";

import { matchFieldErrors } from "./fieldErrors";

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
