/** Wall-clock times in a chosen time zone, and the month grid of the calendar view. Pure. */

/** The offset of `timeZone` from UTC at the instant `utcMs`, in minutes (east positive). */
export function zoneOffsetMinutes(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, "0");
}

/**
 * `2026-12-01T10:00` (a `datetime-local` value) read in `timeZone`, as ISO 8601 with that zone's
 * offset: `2026-12-01T10:00:00+01:00`. Null when the value is not a date-time.
 */
export function zonedIso(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(wall)) return null;
  let offset: number;
  try {
    // Two rounds settle the offset near a daylight-saving change.
    offset = zoneOffsetMinutes(wall, timeZone);
    offset = zoneOffsetMinutes(wall - offset * 60_000, timeZone);
  } catch {
    return null;
  }
  const sign = offset < 0 ? "-" : "+";
  const hours = Math.floor(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}${sign}${pad(hours)}:${pad(minutes)}`;
}

/** The browser's time zone, e.g. `Europe/Berlin` (UTC when it cannot tell). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Every time zone the browser knows, the browser's own and UTC always among them. */
export function timeZones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = new Set<string>(supported ? supported("timeZone") : []);
  zones.add("UTC");
  zones.add(browserTimeZone());
  return [...zones].sort();
}

/** `YYYY-MM-DD` of a date in local time. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The weeks (Monday first) covering the month `month` (0-11) of `year`: each a list of seven
 * local dates, the days of neighbouring months included to fill the first and last week.
 */
export function monthGrid(year: number, month: number): Date[][] {
  const first = new Date(year, month, 1);
  const lead = (first.getDay() + 6) % 7; // days before it since Monday
  const start = new Date(year, month, 1 - lead);
  const weeks: Date[][] = [];
  const cursor = new Date(start);
  do {
    const week: Date[] = [];
    for (let i = 0; i < 7; i += 1) {
      week.push(new Date(cursor));
      cursor.setDate(cursor.getDate() + 1);
    }
    weeks.push(week);
  } while (cursor.getMonth() === month);
  return weeks;
}

export interface Window {
  starts_at: string;
  ends_at: string;
}

/** The windows overlapping the local day `day` (touching its end does not count). */
export function windowsOnDay<W extends Window>(windows: W[], day: Date): W[] {
  const start = new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime();
  const end = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).getTime();
  return windows.filter((w) => new Date(w.starts_at).getTime() < end && new Date(w.ends_at).getTime() > start);
}

/** The first instant of the grid and the first instant after it, as ISO (for `from`/`to`). */
export function gridRange(weeks: Date[][]): { from: string; to: string } {
  const first = weeks[0]![0]!;
  const last = weeks[weeks.length - 1]![6]!;
  const end = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1);
  return { from: first.toISOString(), to: end.toISOString() };
}

/** Which location parts are filled: all four or none is valid. */
export function locationComplete(parts: Record<string, string>): "none" | "all" | "partial" {
  const filled = Object.values(parts).filter((v) => v.trim() !== "").length;
  if (filled === 0) return "none";
  return filled === Object.keys(parts).length ? "all" : "partial";
}
