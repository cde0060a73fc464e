import { describe, expect, it } from "vitest";

import { dueAtFromDay } from "./dueDate";

describe("dueAtFromDay", () => {
  it("is the end of the local day, as an ISO time with zone", () => {
    const iso = dueAtFromDay("2026-11-30")!;
    expect(iso.endsWith("Z")).toBe(true);
    const back = new Date(iso);
    expect(back.getFullYear()).toBe(2026);
    expect(back.getMonth()).toBe(10);
    expect(back.getDate()).toBe(30);
    expect(back.getHours()).toBe(23);
    expect(back.getMinutes()).toBe(59);
  });

  it("accepts a date-time string and ignores the time", () => {
    expect(dueAtFromDay("2026-01-02 10:00:00")).toBe(dueAtFromDay("2026-01-02"));
  });

  it("is undefined without a day", () => {
    expect(dueAtFromDay(null)).toBeUndefined();
    expect(dueAtFromDay("")).toBeUndefined();
    expect(dueAtFromDay("tomorrow")).toBeUndefined();
  });
});
