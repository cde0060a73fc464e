import { describe, expect, it } from "vitest";

import { clampPercent, formatPercent, isRag, ragColor, rowErrorsOf, statusColor } from "./rollouts";

describe("ragColor", () => {
  it("maps red, amber and green to Mantine colours", () => {
    expect(ragColor("red")).toBe("red");
    expect(ragColor("amber")).toBe("orange");
    expect(ragColor("green")).toBe("green");
  });
  it("is gray without a status or for an unknown one", () => {
    expect(ragColor(null)).toBe("gray");
    expect(ragColor(undefined)).toBe("gray");
    expect(ragColor("purple")).toBe("gray");
  });
  it("knows which values are RAG statuses", () => {
    expect(isRag("amber")).toBe(true);
    expect(isRag("rules")).toBe(false);
    expect(isRag(null)).toBe(false);
  });
});

describe("formatPercent", () => {
  it("formats 0–100 values with at most one decimal", () => {
    expect(formatPercent(95.5, "en-US")).toBe("95.5%");
    expect(formatPercent(80, "en-US")).toBe("80%");
    expect(formatPercent(0, "en-US")).toBe("0%");
    expect(formatPercent(33.333, "en-US")).toBe("33.3%");
  });
  it("clamps out-of-range values and shows a dash for none", () => {
    expect(formatPercent(120, "en-US")).toBe("100%");
    expect(formatPercent(-3, "en-US")).toBe("0%");
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(Number.NaN)).toBe("—");
  });
  it("clamps for progress bars", () => {
    expect(clampPercent(101)).toBe(100);
    expect(clampPercent(undefined)).toBe(0);
    expect(clampPercent(42.5)).toBe(42.5);
  });
});

describe("statusColor", () => {
  it("colours install statuses", () => {
    expect(statusColor("installed")).toBe("green");
    expect(statusColor("failed")).toBe("red");
    expect(statusColor("weird")).toBe("gray");
  });
});

describe("rowErrorsOf", () => {
  it("keeps the row/column details of a report_invalid answer", () => {
    const body = {
      error: {
        code: "report_invalid",
        message: "bad",
        details: [
          { row: 3, column: "Status", message: "unknown" },
          { row: 1, column: null, message: "no header" },
          { field: "cycle", cycle: "May" },
        ],
      },
    };
    expect(rowErrorsOf(body)).toEqual([
      { row: 3, column: "Status", message: "unknown" },
      { row: 1, column: null, message: "no header" },
    ]);
  });
  it("is empty for other bodies", () => {
    expect(rowErrorsOf(null)).toEqual([]);
    expect(rowErrorsOf({ error: { details: "x" } })).toEqual([]);
  });
});
