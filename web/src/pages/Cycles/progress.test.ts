import { describe, expect, it } from "vitest";

import { progressShares } from "./progress";

describe("progressShares", () => {
  it("splits the bar by the targets' states", () => {
    expect(progressShares({ targets: 8, done: 4, remaining: 2, failed: 2, done_on_time: 3, done_late: 1 })).toEqual({
      onTime: 37.5,
      late: 12.5,
      failed: 25,
      remaining: 25,
    });
  });
  it("is empty without targets", () => {
    expect(progressShares({ targets: 0, done: 0, remaining: 0, failed: 0, done_on_time: 0, done_late: 0 })).toEqual({ onTime: 0, late: 0, failed: 0, remaining: 0 });
  });
});
