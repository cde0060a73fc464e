import { describe, expect, it } from "vitest";

import { allowedDecisions } from "./decisions";

const now = new Date("2026-11-23T12:00:00Z");
const request = { state: "pending", starts_at: "2026-12-01T10:00:00Z", requester_uuid: "rita" };
const manager = { canDecide: true, canRequest: true, uuid: "maria" };
const requester = { canDecide: false, canRequest: true, uuid: "rita" };

describe("allowedDecisions", () => {
  it("lets managers decide pending requests", () => {
    expect(allowedDecisions(request, manager, now)).toEqual(["accept", "reject"]);
    expect(allowedDecisions({ ...request, state: "accepted" }, manager, now)).toEqual([]);
  });
  it("lets the requester cancel their own request before it starts", () => {
    expect(allowedDecisions(request, requester, now)).toEqual(["cancel"]);
    expect(allowedDecisions({ ...request, state: "accepted" }, requester, now)).toEqual(["cancel"]);
    expect(allowedDecisions({ ...request, state: "rejected" }, requester, now)).toEqual([]);
    expect(allowedDecisions({ ...request, starts_at: "2026-11-01T10:00:00Z" }, requester, now)).toEqual([]);
    expect(allowedDecisions(request, { ...requester, uuid: "erik" }, now)).toEqual([]);
    expect(allowedDecisions({ ...request, requester_uuid: null }, { ...requester, uuid: undefined }, now)).toEqual([]);
  });
});
