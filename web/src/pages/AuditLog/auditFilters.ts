/** The audit log's URL filters as the API's query (pure, tested). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value.trim());
}

/** `2026-11-23` (a day in the viewer's zone) -> the ISO instant it starts; `days` later. */
export function dayStart(day: string, days = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export interface AuditFilters {
  action: string;
  actor: string;
  target: string;
  since: string;
  until: string;
}

export function toAuditQuery(filters: AuditFilters) {
  const action = filters.action.trim();
  return {
    action: action || undefined,
    actor_uuid: isUuid(filters.actor) ? filters.actor.trim() : undefined,
    target_uuid: isUuid(filters.target) ? filters.target.trim() : undefined,
    since: dayStart(filters.since),
    // "until" names the last day shown: the API's bound is exclusive, so the next day's start.
    until: dayStart(filters.until, 1),
  };
}
