/** The versions of one package across the fleet, as the API groups them (pure, tested). */
import type { components } from "../../api/schema";

export type VersionRow = components["schemas"]["VersionUsage"];

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Newest version first (numeric-aware), unknown versions last. */
export function compareVersions(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return -collator.compare(a, b);
}

/** The API's rows, newest version first (the API sorts by text: 10.x before 9.x needs this). */
export function sortVersions(rows: readonly VersionRow[]): VersionRow[] {
  return [...rows].sort((a, b) => compareVersions(a.version ?? null, b.version ?? null));
}

/** On how many sites the package runs, and on how many it misses a security release. */
export function totals(rows: readonly VersionRow[]): { sites: number; insecure: number } {
  return rows.reduce((sum, row) => ({ sites: sum.sites + row.sites, insecure: sum.insecure + row.insecure }), { sites: 0, insecure: 0 });
}
