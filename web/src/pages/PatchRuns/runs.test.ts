import { describe, expect, it } from "vitest";

import { nextStatuses } from "./runs";

describe("nextStatuses", () => {
  it("offers only the legal transitions", () => {
    expect(nextStatuses("planned")).toEqual(["running", "succeeded", "failed", "rolled_back"]);
    expect(nextStatuses("running")).toEqual(["succeeded", "failed", "rolled_back"]);
    expect(nextStatuses("succeeded")).toEqual(["rolled_back"]);
    expect(nextStatuses("failed")).toEqual([]);
    expect(nextStatuses("nonsense")).toEqual([]);
  });
});
