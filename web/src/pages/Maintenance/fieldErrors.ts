import { formatDateTime } from "../../format";
import type { TFunction } from "../../i18n";

/** The API's field errors (`location.country`, `starts_at`) matched to a form's field paths. */
export function matchFieldErrors(
  fieldErrors: Record<string, string>,
  paths: readonly string[],
  aliases: Record<string, string> = {},
): { matched: Record<string, string>; rest: string[] } {
  const known = new Set(paths);
  const matched: Record<string, string> = {};
  const rest: string[] = [];
  for (const [raw, message] of Object.entries(fieldErrors)) {
    const field = aliases[raw] ?? raw;
    // The deepest known path that is the field or a parent of it: `location.country.x` -> `location.country`.
    const parts = field.split(".");
    let hit: string | undefined;
    for (let i = parts.length; i > 0 && !hit; i -= 1) {
      const candidate = parts.slice(0, i).join(".");
      if (known.has(candidate)) hit = candidate;
    }
    if (hit) matched[hit] ??= message;
    else rest.push(`${field}: ${message}`);
  }
  return { matched, rest };
}

export interface ClashingWindow {
  starts_at: string;
  ends_at: string;
}

/** The accepted windows a 409 `window_overlaps` names in its details (anything else is skipped). */
export function clashingWindows(details: readonly unknown[]): ClashingWindow[] {
  return details.filter(
    (d): d is ClashingWindow =>
      typeof d === "object" && d !== null && typeof (d as ClashingWindow).starts_at === "string" && typeof (d as ClashingWindow).ends_at === "string",
  );
}

/** "Overlaps an accepted window from … to …", one sentence per window a 409 names. */
export function clashTexts(details: readonly unknown[], t: TFunction): string[] {
  return clashingWindows(details).map((w) =>
    t("operations.maintenance.form.overlaps", { from: formatDateTime(w.starts_at), to: formatDateTime(w.ends_at) }),
  );
}
