import { describe, expect, it } from "vitest";

import { changedPreferences, toggleChannel, type Preference } from "./preferences";

const pref: Preference = { kind: "task_assigned", description: "", channels: ["in_app"], digest: "immediate", is_default: true };

describe("preferences", () => {
  it("toggles channels in a stable order", () => {
    expect(toggleChannel(pref, "webhook", true).channels).toEqual(["in_app", "webhook"]);
    expect(toggleChannel(toggleChannel(pref, "webhook", true), "email", true).channels).toEqual(["in_app", "email", "webhook"]);
    expect(toggleChannel(pref, "in_app", false).channels).toEqual([]);
  });
  it("sends only what changed", () => {
    const other = { ...pref, kind: "x" };
    expect(changedPreferences([pref, other], [pref, other])).toEqual([]);
    expect(changedPreferences([pref, other], [toggleChannel(pref, "email", true), { ...other, digest: "daily" }])).toEqual([
      { kind: "task_assigned", channels: ["in_app", "email"], digest: "immediate" },
      { kind: "x", channels: ["in_app"], digest: "daily" },
    ]);
  });
});
