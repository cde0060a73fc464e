import { describe, expect, it } from "vitest";

import { nextSort, readTableState, sortDirection, toQuery, writeFilter, writeTableState } from "./tableState";

describe("table state in the URL", () => {
  it("reads defaults from an empty URL", () => {
    expect(readTableState(new URLSearchParams())).toEqual({ page: 1, perPage: 25, sort: "" });
  });

  it("reads page, per_page and sort", () => {
    expect(readTableState(new URLSearchParams("page=3&per_page=100&sort=-name"))).toEqual({ page: 3, perPage: 100, sort: "-name" });
  });

  it("ignores nonsense and caps per_page at 200", () => {
    expect(readTableState(new URLSearchParams("page=-2&per_page=5000"))).toEqual({ page: 1, perPage: 200, sort: "" });
    expect(readTableState(new URLSearchParams("page=abc&per_page=0"))).toMatchObject({ page: 1, perPage: 25 });
  });

  it("writes only what differs from the defaults and keeps filters", () => {
    const params = writeTableState(new URLSearchParams("status=security_update"), { page: 2, sort: "name" });
    expect(params.toString()).toBe("status=security_update&page=2&sort=name");
    expect(writeTableState(params, { page: 1, sort: "" }).toString()).toBe("status=security_update");
  });

  it("goes back to page 1 when a filter changes", () => {
    expect(writeFilter(new URLSearchParams("page=4&kind=drupal"), "q", "shop").toString()).toBe("kind=drupal&q=shop");
    expect(writeFilter(new URLSearchParams("kind=drupal"), "kind", null).toString()).toBe("");
  });

  it("cycles a column's sort: ascending, descending, default", () => {
    expect(nextSort("", "name")).toBe("name");
    expect(nextSort("name", "name")).toBe("-name");
    expect(nextSort("-name", "name")).toBe("");
    expect(nextSort("-created_at", "name")).toBe("name");
    expect(sortDirection("-name", "name")).toBe("desc");
    expect(sortDirection("url", "name")).toBeNull();
  });

  it("turns the state into the API's query", () => {
    expect(toQuery({ page: 2, perPage: 50, sort: "" })).toEqual({ page: 2, per_page: 50 });
    expect(toQuery({ page: 1, perPage: 25, sort: "-name" })).toEqual({ page: 1, per_page: 25, sort: "-name" });
  });
});
