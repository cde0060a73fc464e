/** A due date picked as a calendar day ("2026-11-30") means the end of that day, local time. */
export function dueAtFromDay(day: string | null | undefined): string | undefined {
  if (!day) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!match) return undefined;
  const [, y, m, d] = match;
  const local = new Date(Number(y), Number(m) - 1, Number(d), 23, 59, 0, 0);
  return Number.isNaN(local.getTime()) ? undefined : local.toISOString();
}
