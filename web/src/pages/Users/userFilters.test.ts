import { describe, expect, it } from "vitest";

import { canApprove, toUsersQuery } from "./userFilters";

const base = { view: "all" as const, role: "", approval: "", active: "", q: "" };

describe("toUsersQuery", () => {
  it("sends nothing without filters", () => {
    expect(toUsersQuery(base)).toEqual({});
  });
  it("maps every filter", () => {
    expect(toUsersQuery({ ...base, role: "engineer", approval: "approved", active: "inactive", q: " ann " })).toEqual({
      role: "engineer",
      is_approved: true,
      is_active: false,
      q: "ann",
    });
  });
  it("the pending view always asks for unapproved users", () => {
    expect(toUsersQuery({ ...base, view: "pending", approval: "approved" })).toEqual({ is_approved: false });
  });
});

describe("canApprove", () => {
  it("follows the approve endpoint: platform admins and login approvers only", () => {
    expect(canApprove(["users:approve"], [])).toBe(false);
    expect(canApprove(["platform:admin"], [])).toBe(true);
    expect(canApprove([], ["login_approvers"])).toBe(true);
    expect(canApprove(["users:read"], ["other"])).toBe(false);
  });
});
