import { describe, expect, it } from "vitest";

import { activeNavPath } from "./navActive";

const NAV = ["/", "/sites", "/tasks", "/tasks/board", "/rollouts"];

describe("activeNavPath", () => {
  it("lights the deepest entry only", () => {
    expect(activeNavPath("/tasks/board", NAV)).toBe("/tasks/board");
    expect(activeNavPath("/tasks", NAV)).toBe("/tasks");
    expect(activeNavPath("/tasks/3f2a", NAV)).toBe("/tasks");
  });

  it("lights a list for its detail pages, and the overview only at the root", () => {
    expect(activeNavPath("/sites/abc", NAV)).toBe("/sites");
    expect(activeNavPath("/", NAV)).toBe("/");
    expect(activeNavPath("/sitesx", NAV)).toBeUndefined();
    expect(activeNavPath("/account", NAV)).toBeUndefined();
  });
});
