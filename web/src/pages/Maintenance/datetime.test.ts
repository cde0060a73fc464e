import { describe, expect, it } from "vitest";

import { dayKey, locationComplete, monthGrid, windowsOnDay, zonedIso } from "./datetime";

describe("zonedIso", () => {
  it("adds the zone's offset for that date", () => {
    expect(zonedIso("2026-12-01T10:00", "Europe/Berlin")).toBe("2026-12-01T10:00:00+01:00");
    expect(zonedIso("2026-07-01T10:00", "Europe/Berlin")).toBe("2026-07-01T10:00:00+02:00");
    expect(zonedIso("2026-07-01T10:30", "America/New_York")).toBe("2026-07-01T10:30:00-04:00");
    expect(zonedIso("2026-07-01T10:30", "Asia/Kolkata")).toBe("2026-07-01T10:30:00+05:30");
    expect(zonedIso("2026-07-01T10:30", "UTC")).toBe("2026-07-01T10:30:00+00:00");
  });
  it("refuses what is not a date-time or a zone", () => {
    expect(zonedIso("", "UTC")).toBeNull();
    expect(zonedIso("tomorrow", "UTC")).toBeNull();
    expect(zonedIso("2026-07-01T10:30", "Nowhere/Else")).toBeNull();
  });
});

describe("monthGrid", () => {
  it("covers the month in whole weeks starting on Monday", () => {
    const weeks = monthGrid(2026, 1); // February 2026 starts on a Sunday
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(dayKey(weeks[0]![0]!)).toBe("2026-01-26");
    expect(dayKey(weeks[0]![6]!)).toBe("2026-02-01");
    expect(dayKey(weeks[weeks.length - 1]![6]!)).toBe("2026-03-01");
  });
});

describe("windowsOnDay", () => {
  it("keeps windows overlapping the local day", () => {
    const day = new Date(2026, 11, 3);
    const inside = { starts_at: new Date(2026, 11, 3, 10).toISOString(), ends_at: new Date(2026, 11, 3, 12).toISOString() };
    const across = { starts_at: new Date(2026, 11, 2, 22).toISOString(), ends_at: new Date(2026, 11, 3, 2).toISOString() };
    const before = { starts_at: new Date(2026, 11, 2, 10).toISOString(), ends_at: new Date(2026, 11, 3, 0).toISOString() };
    expect(windowsOnDay([inside, across, before], day)).toEqual([inside, across]);
  });
});

describe("locationComplete", () => {
  it("wants all four parts or none", () => {
    expect(locationComplete({ street: "", city: " ", state: "", country: "" })).toBe("none");
    expect(locationComplete({ street: "a", city: "b", state: "c", country: "d" })).toBe("all");
    expect(locationComplete({ street: "a", city: "", state: "", country: "d" })).toBe("partial");
  });
});
