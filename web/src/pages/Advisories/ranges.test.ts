import { describe, expect, it } from "vitest";

import { describeRange } from "./ranges";

describe("describeRange", () => {
  it("reads introduced and fixed", () => {
    expect(describeRange({ type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.2" }] })).toBe(">= 1.0, < 1.2 (ECOSYSTEM)");
  });

  it("drops the open start", () => {
    expect(describeRange({ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "2.0.1" }] })).toBe("< 2.0.1 (SEMVER)");
  });

  it("survives odd input", () => {
    expect(describeRange({})).toBe("");
    expect(describeRange({ type: "GIT", events: "nope" })).toBe("GIT");
  });
});
