import { describe, expect, it } from "vitest";

import { groupPermissions, permissionCatalogue, toggleArea } from "./permissionGroups";

describe("permission groups", () => {
  it("groups by area, sorted", () => {
    expect(groupPermissions(["users:write", "audit:read", "users:read"])).toEqual([
      { area: "audit", permissions: ["audit:read"] },
      { area: "users", permissions: ["users:read", "users:write"] },
    ]);
  });
  it("collects the catalogue from roles", () => {
    expect(permissionCatalogue([{ permissions: ["b:x", "a:y"] }, { permissions: ["a:y"] }])).toEqual(["a:y", "b:x"]);
  });
  it("toggles an area", () => {
    expect(toggleArea(["a:x"], ["b:x", "b:y"], true)).toEqual(["a:x", "b:x", "b:y"]);
    expect(toggleArea(["a:x", "b:x"], ["b:x", "b:y"], false)).toEqual(["a:x"]);
  });
});
