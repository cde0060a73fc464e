/** Dates and numbers as people read them (the browser's locale; UTC values from the API). */

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDate(value: string | null | undefined, empty = "—"): string {
  return value ? dateFormat.format(new Date(value)) : empty;
}

export function formatDateTime(value: string | null | undefined, empty = "—"): string {
  return value ? dateTimeFormat.format(new Date(value)) : empty;
}

/** Whole days between an ISO time and now (never negative). */
export function daysSince(value: string, now: Date = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(value).getTime()) / 86_400_000));
}
