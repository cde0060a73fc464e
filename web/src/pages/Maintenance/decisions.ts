/** Which decisions a user may take on a maintenance request (the API checks again). */
export type Decision = "accept" | "reject" | "cancel";

export interface DecisionSubject {
  state: string;
  starts_at: string;
  requester_uuid: string | null;
}

export interface Decider {
  canDecide: boolean;
  canRequest: boolean;
  uuid: string | undefined;
}

/** Managers accept or reject pending requests; a requester cancels their own pending or
 * accepted one before its window starts. */
export function allowedDecisions(request: DecisionSubject, user: Decider, now: Date = new Date()): Decision[] {
  const allowed: Decision[] = [];
  if (user.canDecide && request.state === "pending") allowed.push("accept", "reject");
  const own = Boolean(user.uuid) && request.requester_uuid === user.uuid;
  const ahead = new Date(request.starts_at).getTime() > now.getTime();
  if (user.canRequest && own && ahead && (request.state === "pending" || request.state === "accepted")) allowed.push("cancel");
  return allowed;
}
