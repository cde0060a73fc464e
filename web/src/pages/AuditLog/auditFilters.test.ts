import { describe, expect, it } from "vitest";

import { dayStart, isUuid, toAuditQuery } from "./auditFilters";

describe("audit filters", () => {
  it("recognises UUIDs", () => {
    expect(isUuid("0b6a3f1e-8f4e-4b8e-9f0a-1c2d3e4f5a6b")).toBe(true);
    expect(isUuid("0b6a3f1e")).toBe(false);
  });
  it("turns days into instants, until inclusive of its day", () => {
    expect(dayStart("2026-11-23")).toBe(new Date(2026, 10, 23).toISOString());
    expect(dayStart("2026-11-30", 1)).toBe(new Date(2026, 11, 1).toISOString());
    expect(dayStart("nope")).toBeUndefined();
  });
  it("leaves out empty and malformed filters", () => {
    expect(toAuditQuery({ action: " user.created ", actor: "abc", target: "", since: "", until: "" })).toEqual({
      action: "user.created",
      actor_uuid: undefined,
      target_uuid: undefined,
      since: undefined,
      until: undefined,
    });
  });
});
