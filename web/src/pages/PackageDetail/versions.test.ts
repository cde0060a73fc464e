import { describe, expect, it } from "vitest";

import { compareVersions, groupByVersion } from "./versions";

describe("groupByVersion", () => {
  it("counts installs, sites and insecure ones per version, newest first", () => {
    const rows = groupByVersion([
      { version: "10.1.2", status: "security_update", missing_security: true, site_uuid: "a" },
      { version: "10.1.2", status: "current", missing_security: false, site_uuid: "b" },
      { version: "10.2.0", status: "current", missing_security: false, site_uuid: "c" },
      { version: "9.5.11", status: "unsupported", missing_security: false, site_uuid: "d" },
      { version: null, status: "unknown", missing_security: false, site_uuid: "e" },
    ]);
    expect(rows.map((r) => r.version)).toEqual(["10.2.0", "10.1.2", "9.5.11", null]);
    const v = rows[1]!;
    expect(v.installs).toBe(2);
    expect(v.sites).toBe(2);
    expect(v.insecure).toBe(1);
    expect(v.worstStatus).toBe("security_update");
    expect(v.statuses).toEqual({ security_update: 1, current: 1 });
  });

  it("is empty for no installs", () => {
    expect(groupByVersion([])).toEqual([]);
  });
});

describe("compareVersions", () => {
  it("orders numerically", () => {
    expect(["1.10", "1.9", "1.2"].sort(compareVersions)).toEqual(["1.10", "1.9", "1.2"]);
    expect(["8.x-1.3", "8.x-1.12"].sort(compareVersions)).toEqual(["8.x-1.12", "8.x-1.3"]);
  });
});
