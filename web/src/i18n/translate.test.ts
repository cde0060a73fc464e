import { describe, expect, it } from "vitest";

import { t } from ".";
import { en } from "./en";
import { translate } from "./translate";

describe("translate", () => {
  const catalogue = { a: { b: "Hello {name}, {count} new", c: "Plain" } };

  it("finds nested keys and fills placeholders", () => {
    expect(translate(catalogue, "a.b", { name: "Ada", count: 3 })).toBe("Hello Ada, 3 new");
    expect(translate(catalogue, "a.c")).toBe("Plain");
  });

  it("leaves unknown placeholders and shows the key of a missing text", () => {
    expect(translate(catalogue, "a.b", { name: "Ada" })).toBe("Hello Ada, {count} new");
    expect(translate(catalogue, "a.missing")).toBe("a.missing");
    expect(translate(catalogue, "a")).toBe("a");
  });

  it("has a text for every status of the status engine", () => {
    for (const status of ["security_update", "revoked", "unsupported", "update_available", "current", "unknown"]) {
      expect(translate(en, `status.${status}`)).not.toBe(`status.${status}`);
    }
    expect(t("nav.sites")).toBe("Sites");
  });
});
