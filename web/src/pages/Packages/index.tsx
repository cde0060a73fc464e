import { Anchor, Checkbox, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, type Column } from "../../components/DataTable";
import { STATUSES, StatusBadge } from "../../components/StatusBadge";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDate } from "../../format";
import { useT, type MessageKey } from "../../i18n";

type Installed = components["schemas"]["InstalledPackageOut"];
type PackageStatus = components["schemas"]["PackageStatus"];

/** Installed packages across the fleet: the list behind the overview's numbers. */
export default function Packages() {
  const t = useT();
  const table = useTableState();
  const { filter, setFilter } = table;
  const flag = (name: string) => (filter(name) === "true" ? true : undefined);
  const query = {
    ...toQuery(table.state),
    status: (filter("status") || undefined) as PackageStatus | undefined,
    package: filter("package") || undefined,
    overdue: flag("overdue"),
    missing_security: flag("missing_security"),
  };
  const packages = useQuery({
    queryKey: ["installed-packages", query],
    queryFn: () => unwrap(api.GET("/installed-packages", { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const columns: Column<Installed>[] = [
    {
      key: "site",
      header: t("packages.site"),
      render: (p) => (
        <Anchor component={Link} to={`/sites/${p.site_uuid}`} size="sm" fw={600}>
          {p.site_name}
        </Anchor>
      ),
    },
    { key: "package", header: t("site.package"), sortField: "package", render: (p) => <Text size="sm">{p.package}</Text> },
    { key: "version", header: t("site.version"), render: (p) => p.version ?? t("common.none") },
    { key: "status", header: t("sites.status"), sortField: "status", render: (p) => <StatusBadge status={p.status} /> },
    { key: "recommended", header: t("site.recommended"), wide: true, render: (p) => p.recommended_version ?? t("common.none") },
    { key: "exposure", header: t("packages.exposedSince"), sortField: "exposure_started_at", wide: true, render: (p) => formatDate(p.exposure_started_at) },
    { key: "sla_due_at", header: t("site.slaDue"), sortField: "sla_due_at", render: (p) => formatDate(p.sla_due_at) },
  ];

  return (
    <Stack>
      <Title order={1} size="h2">
        {t("packages.title")}
      </Title>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <TextInput label={t("packages.packageName")} value={filter("package")} onChange={(e) => setFilter("package", e.currentTarget.value)} w={200} />
        <Select
          label={t("sites.status")}
          data={STATUSES.map((value) => ({ value, label: t(`status.${value}` as MessageKey) }))}
          value={filter("status") || null}
          onChange={(v) => setFilter("status", v)}
          clearable
          placeholder={t("common.all")}
          w={180}
        />
        <Checkbox label={t("packages.missingSecurityOnly")} checked={flag("missing_security") ?? false} onChange={(e) => setFilter("missing_security", e.currentTarget.checked ? "true" : null)} mb={8} />
        <Checkbox label={t("packages.overdueOnly")} checked={flag("overdue") ?? false} onChange={(e) => setFilter("overdue", e.currentTarget.checked ? "true" : null)} mb={8} />
      </Group>
      <DataTable
        caption={t("packages.title")}
        columns={columns}
        rows={packages.data?.data}
        rowKey={(p) => `${p.site_uuid}:${p.ecosystem}:${p.package}`}
        total={packages.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={packages.isFetching}
        error={packages.error}
        onRetry={() => void packages.refetch()}
        emptyTitle={t("packages.empty")}
      />
    </Stack>
  );
}
