import { describe, expect, it } from "vitest";

import { dayRange, fillDays } from "./dates";

describe("dayRange", () => {
  it("counts the last day in", () => {
    expect(dayRange("2026-11-23", 7)).toEqual({ since: "2026-11-17", until: "2026-11-23" });
    expect(dayRange("2026-03-01", 2)).toEqual({ since: "2026-02-28", until: "2026-03-01" });
    expect(dayRange("2026-03-01", 0)).toEqual({ since: "2026-03-01", until: "2026-03-01" });
  });
});

describe("fillDays", () => {
  it("fills the days without rows", () => {
    const rows = [{ day: "2026-11-02", v: 5 }];
    expect(fillDays("2026-11-01", "2026-11-03", rows, (day) => ({ day, v: 0 }))).toEqual([
      { day: "2026-11-01", v: 0 },
      { day: "2026-11-02", v: 5 },
      { day: "2026-11-03", v: 0 },
    ]);
  });
});
