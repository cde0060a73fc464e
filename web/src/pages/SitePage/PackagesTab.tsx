import { Anchor, Select, Stack, Text } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, type Column } from "../../components/DataTable";
import { STATUSES, StatusBadge } from "../../components/StatusBadge";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDate } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { releaseNotesUrl } from "./releaseNotes";

type Installed = components["schemas"]["InstalledPackageOut"];
type PackageStatus = components["schemas"]["PackageStatus"];

export function PackagesTab({ siteUuid }: { siteUuid: string }) {
  const t = useT();
  const table = useTableState();
  const status = (table.filter("status") || undefined) as PackageStatus | undefined;
  const query = { ...toQuery(table.state), status };
  const packages = useQuery({
    queryKey: ["sites", siteUuid, "packages", query],
    queryFn: () => unwrap(api.GET("/sites/{site_uuid}/packages", { params: { path: { site_uuid: siteUuid }, query } })),
    placeholderData: keepPreviousData,
  });

  const columns: Column<Installed>[] = [
    {
      key: "package",
      header: t("site.package"),
      sortField: "package",
      render: (p) => (
        <Stack gap={0}>
          <Text size="sm" fw={600}>
            {p.package}
          </Text>
          <Text size="xs" c="dimmed">
            {p.ecosystem}
          </Text>
        </Stack>
      ),
    },
    { key: "version", header: t("site.version"), render: (p) => p.version ?? t("common.none") },
    { key: "status", header: t("sites.status"), sortField: "status", render: (p) => <StatusBadge status={p.status} /> },
    {
      key: "recommended",
      header: t("site.recommended"),
      render: (p) => {
        const url = releaseNotesUrl(p.ecosystem, p.package, p.recommended_version, p.release_notes_url);
        if (!p.recommended_version) return t("common.none");
        return url ? (
          <Anchor href={url} target="_blank" rel="noreferrer" size="sm" aria-label={t("site.releaseNotesOf", { package: p.package, version: p.recommended_version })}>
            {p.recommended_version} ↗
          </Anchor>
        ) : (
          p.recommended_version
        );
      },
    },
    { key: "severity", header: t("site.severity"), wide: true, render: (p) => p.severity ?? t("common.none") },
    { key: "sla_due_at", header: t("site.slaDue"), sortField: "sla_due_at", wide: true, render: (p) => formatDate(p.sla_due_at) },
  ];

  return (
    <Stack>
      <Select
        label={t("site.filterStatus")}
        data={STATUSES.map((value) => ({ value, label: t(`status.${value}` as MessageKey) }))}
        value={status ?? null}
        onChange={(value) => table.setFilter("status", value)}
        clearable
        placeholder={t("common.all")}
        w={200}
      />
      <DataTable
        caption={t("site.packages")}
        columns={columns}
        rows={packages.data?.data}
        rowKey={(p) => `${p.ecosystem}:${p.package}`}
        total={packages.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={packages.isFetching}
        error={packages.error}
        onRetry={() => void packages.refetch()}
        emptyTitle={t("site.noPackages")}
      />
    </Stack>
  );
}
