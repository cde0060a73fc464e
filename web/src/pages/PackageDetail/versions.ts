/** Installs of one package grouped by version: how many, their worst status, how many insecure. */
import { STATUSES, isStatus } from "../../components/StatusBadge";

export interface Install {
  version: string | null;
  status: string;
  missing_security: boolean;
  site_uuid?: string | null;
}

export interface VersionRow {
  version: string | null;
  installs: number;
  sites: number;
  worstStatus: string;
  insecure: number;
  statuses: Record<string, number>;
}

function rank(status: string): number {
  return isStatus(status) ? STATUSES.indexOf(status) : STATUSES.length;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Newest version first (numeric-aware), unknown versions last. */
export function compareVersions(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return -collator.compare(a, b);
}

export function groupByVersion(installs: Install[]): VersionRow[] {
  const rows = new Map<string | null, VersionRow & { siteSet: Set<string> }>();
  for (const item of installs) {
    let row = rows.get(item.version);
    if (!row) {
      row = { version: item.version, installs: 0, sites: 0, worstStatus: item.status, insecure: 0, statuses: {}, siteSet: new Set() };
      rows.set(item.version, row);
    }
    row.installs += 1;
    if (item.site_uuid) row.siteSet.add(item.site_uuid);
    if (item.missing_security) row.insecure += 1;
    row.statuses[item.status] = (row.statuses[item.status] ?? 0) + 1;
    if (rank(item.status) < rank(row.worstStatus)) row.worstStatus = item.status;
  }
  return [...rows.values()]
    .map(({ siteSet, ...row }) => ({ ...row, sites: siteSet.size || row.installs }))
    .sort((a, b) => compareVersions(a.version, b.version));
}
