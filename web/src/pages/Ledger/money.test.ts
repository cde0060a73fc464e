import { describe, expect, it } from "vitest";

import { amountColor, formatMoney, isNegative } from "./money";

describe("formatMoney", () => {
  it("formats decimal strings with the currency", () => {
    const text = formatMoney("12.5", "EUR");
    expect(text).toContain("12");
    expect(text).toContain("50");
    expect(text).toMatch(/€|EUR/);
  });

  it("shows a dash when there is no amount", () => {
    expect(formatMoney(null, "EUR")).toBe("—");
    expect(formatMoney("", "EUR")).toBe("—");
  });

  it("falls back to the code for an unknown currency", () => {
    expect(formatMoney("3", "not-a-code")).toBe("3.00 not-a-code");
  });

  it("keeps the sign", () => {
    expect(formatMoney("-3.00", "USD")).toMatch(/-|−|\(/);
  });
});

describe("signs", () => {
  it("tells negative amounts", () => {
    expect(isNegative("-0.01")).toBe(true);
    expect(isNegative("0")).toBe(false);
    expect(amountColor("-1")).toBe("red");
    expect(amountColor("1")).toBe("green");
    expect(amountColor("0")).toBeUndefined();
  });
});
