import { describe, expect, it } from "vitest";

import { compareVersions, sortVersions, totals, type VersionRow } from "./versions";

const row = (version: string | null, sites: number, insecure = 0): VersionRow => ({
  version,
  sites,
  insecure,
  worst_status: insecure ? "security_update" : "current",
  statuses: insecure ? { security_update: insecure, current: sites - insecure } : { current: sites },
});

describe("sortVersions", () => {
  it("puts the newest version first, numerically, and unknown versions last", () => {
    const rows = sortVersions([row(null, 1), row("10.1.2", 2, 1), row("9.5.11", 1), row("10.2.0", 4)]);
    expect(rows.map((r) => r.version)).toEqual(["10.2.0", "10.1.2", "9.5.11", null]);
  });
});

describe("totals", () => {
  it("adds the sites and the insecure installs of every version", () => {
    expect(totals([row("10.1.2", 2, 1), row("10.2.0", 4)])).toEqual({ sites: 6, insecure: 1 });
    expect(totals([])).toEqual({ sites: 0, insecure: 0 });
  });
});

describe("compareVersions", () => {
  it("orders numerically", () => {
    expect(["1.10", "1.9", "1.2"].sort(compareVersions)).toEqual(["1.10", "1.9", "1.2"]);
    expect(["8.x-1.3", "8.x-1.12"].sort(compareVersions)).toEqual(["8.x-1.12", "8.x-1.3"]);
  });
});
