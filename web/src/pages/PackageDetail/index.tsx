import { Anchor, Badge, Grid, Group, Paper, Select, Stack, Text, Title } from "@mantine/core";
import { Link, useParams } from "react-router";

import type { components } from "../../api/schema";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorState, LoadingState } from "../../components/States";
import { STATUSES, StatusBadge, type PackageStatus } from "../../components/StatusBadge";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDate } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { SeverityBadge } from "../Advisories/SeverityBadge";
import { useInstalls, usePackageAdvisories, usePackageVersions } from "./queries";
import { VersionsTable } from "./VersionsTable";
import { sortVersions, totals } from "./versions";

type Installed = components["schemas"]["InstalledPackageOut"];

function PackageAdvisories({ ecosystem, name }: { ecosystem: string; name: string }) {
  const t = useT();
  const advisories = usePackageAdvisories(ecosystem, name);
  let body;
  if (advisories.error) body = <ErrorState error={advisories.error} onRetry={() => void advisories.refetch()} />;
  else if (!advisories.data) body = <LoadingState />;
  else if (advisories.data.data.length === 0) body = <Text size="sm" c="dimmed">{t("work.packageDetail.advisoriesEmpty")}</Text>;
  else
    body = (
      <Stack gap="xs" component="ul" style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {advisories.data.data.map((a) => (
          <Group key={a.uuid} component="li" gap="xs" wrap="nowrap" align="flex-start">
            <div style={{ flexShrink: 0 }}>
              <SeverityBadge severity={a.severity} />
            </div>
            <div>
              <Anchor component={Link} to={`/advisories?advisory=${a.uuid}`} size="sm" fw={600}>
                {a.id}
              </Anchor>
              <Text size="xs" c="dimmed" lineClamp={2}>
                {a.title}
              </Text>
            </div>
          </Group>
        ))}
      </Stack>
    );
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="package-advisories">
      <Title order={2} size="h4" mb="sm" id="package-advisories">
        {t("work.packageDetail.advisories")}
      </Title>
      {body}
    </Paper>
  );
}

export default function PackageDetail() {
  const t = useT();
  const { ecosystem = "", name = "" } = useParams();
  const table = useTableState();
  const status = (STATUSES as readonly string[]).includes(table.filter("status")) ? (table.filter("status") as PackageStatus) : undefined;
  const all = usePackageVersions(ecosystem, name);
  const installs = useInstalls({ ...toQuery(table.state), package: name, ecosystem, status });

  const rows = all.data ? sortVersions(all.data) : [];
  const { sites, insecure } = totals(rows);

  const columns: Column<Installed>[] = [
    {
      key: "site",
      header: t("work.packageDetail.site"),
      render: (i) =>
        i.site_uuid ? (
          <Anchor component={Link} to={`/sites/${i.site_uuid}`} size="sm" fw={600}>
            {i.site_name}
          </Anchor>
        ) : (
          i.site_name
        ),
    },
    { key: "version", header: t("work.packageDetail.version"), render: (i) => <Text size="sm" ff="monospace">{i.version ?? t("work.packageDetail.unknownVersion")}</Text> },
    { key: "status", header: t("work.packageDetail.status"), sortField: "status", render: (i) => <StatusBadge status={i.status} /> },
    { key: "recommended", header: t("work.packageDetail.recommended"), wide: true, render: (i) => <Text size="sm" ff="monospace">{i.recommended_version ?? t("common.none")}</Text> },
    { key: "sla", header: t("work.packageDetail.slaDue"), sortField: "sla_due_at", wide: true, render: (i) => formatDate(i.sla_due_at) },
  ];

  return (
    <Stack>
      <div>
        <Anchor component={Link} to="/packages" size="sm">
          ← {t("work.packageDetail.back")}
        </Anchor>
        <Group gap="sm" align="center" mt={4}>
          <Title order={1} size="h2" style={{ wordBreak: "break-all" }}>
            {t("work.packageDetail.title", { name })}
          </Title>
          <Badge variant="default" radius="sm" tt="none">
            {t("work.packageDetail.ecosystem", { ecosystem })}
          </Badge>
        </Group>
        {all.data && (
          <Group gap="sm" mt={4}>
            <Text size="sm" c="dimmed">
              {t("work.packageDetail.summary", { sites, versions: rows.length })}
            </Text>
            {insecure > 0 ? (
              <Badge color="red" variant="light" radius="sm">
                {t("work.packageDetail.insecure", { count: insecure })}
              </Badge>
            ) : (
              <Badge color="green" variant="light" radius="sm">
                {t("work.packageDetail.allSecure")}
              </Badge>
            )}
          </Group>
        )}
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {all.error ? (
            <ErrorState error={all.error} onRetry={() => void all.refetch()} />
          ) : !all.data ? (
            <LoadingState />
          ) : (
            <VersionsTable rows={rows} />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <PackageAdvisories ecosystem={ecosystem} name={name} />
        </Grid.Col>
      </Grid>
      <Stack gap="sm" component="section" aria-labelledby="package-sites">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <Title order={2} size="h4" id="package-sites">
            {t("work.packageDetail.sites")}
          </Title>
          <Select
            label={t("work.packageDetail.filterStatus")}
            placeholder={t("common.all")}
            clearable
            data={STATUSES.map((s) => ({ value: s, label: t(`status.${s}` as MessageKey) }))}
            value={status ?? null}
            onChange={(v) => table.setFilter("status", v)}
            w={200}
          />
        </Group>
        <DataTable
          caption={t("work.packageDetail.sites")}
          columns={columns}
          rows={installs.data?.data}
          rowKey={(i) => `${i.site_uuid}-${i.version}-${i.package_type}-${i.status}`}
          total={installs.data?.meta.total ?? 0}
          state={table.state}
          onStateChange={table.setState}
          isLoading={installs.isFetching}
          error={installs.error}
          onRetry={() => void installs.refetch()}
          emptyTitle={t("work.packageDetail.sitesEmpty")}
          emptyHelp={t("work.packageDetail.sitesEmptyHelp")}
        />
      </Stack>
    </Stack>
  );
}
