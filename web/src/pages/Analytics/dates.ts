/** Calendar days as the API takes them ("YYYY-MM-DD"), computed in UTC to stay pure. */

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The `days` days ending with `until` (included): `{since, until}`. */
export function dayRange(until: string, days: number): { since: string; until: string } {
  const end = new Date(`${until}T00:00:00Z`);
  const start = new Date(end.getTime() - (Math.max(1, days) - 1) * 86_400_000);
  return { since: isoDay(start), until: isoDay(end) };
}

/** Every day from `since` to `until`, with a value where the API had one and 0 elsewhere. */
export function fillDays<T extends { day: string }>(since: string, until: string, rows: T[], empty: (day: string) => T): T[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const out: T[] = [];
  for (let t = new Date(`${since}T00:00:00Z`).getTime(), end = new Date(`${until}T00:00:00Z`).getTime(); t <= end; t += 86_400_000) {
    const day = isoDay(new Date(t));
    out.push(byDay.get(day) ?? empty(day));
  }
  return out;
}
