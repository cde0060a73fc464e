import { Anchor, Badge, Button, Checkbox, Group, Select, Stack, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import { DataTable, type Column } from "../../components/DataTable";
import { SitePicker } from "../../components/SitePicker";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { RunStatusBadge, SiteLink } from "./RunBadges";
import { RUN_STATUSES, SOURCES, type PatchRun, type RunStatus, type Source } from "./runs";

const FILTERS = ["status", "source", "site", "confirmation"] as const;

export default function PatchRuns() {
  const t = useT();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const query = {
    ...toQuery(state),
    status: (filter("status") || undefined) as RunStatus | undefined,
    source: (filter("source") || undefined) as Source | undefined,
    site_uuid: filter("site") || undefined,
    confirmation: filter("confirmation") === "unconfirmed" ? ("unconfirmed" as const) : undefined,
  };
  const urlFlagged = filter("confirmation") === "unconfirmed";
  const [flaggedOnly, setFlaggedOnly] = useState(urlFlagged);
  useEffect(() => setFlaggedOnly(urlFlagged), [urlFlagged]);
  const runs = useQuery({
    queryKey: ["patch-runs", query],
    queryFn: () => unwrap(api.GET("/patch-runs", { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const columns: Column<PatchRun>[] = [
    {
      key: "started_at",
      header: t("operations.patchRuns.started"),
      sortField: "started_at",
      render: (run) => (
        <Anchor component={Link} to={`/patch-runs/${run.uuid}`} size="sm" fw={600}>
          {formatDateTime(run.started_at ?? run.created_at)}
        </Anchor>
      ),
    },
    { key: "site", header: t("operations.patchRuns.site"), render: (run) => <SiteLink uuid={run.site_uuid} /> },
    {
      key: "status",
      header: t("operations.patchRuns.status"),
      render: (run) => (
        <Group gap={4} wrap="nowrap">
          <RunStatusBadge status={run.status} />
          {run.flagged && (
            <Badge color="red" variant="outline" size="sm" title={t("operations.patchRuns.flaggedHelp")} miw="max-content">
              {t("operations.patchRuns.flagged")}
            </Badge>
          )}
        </Group>
      ),
    },
    { key: "source", header: t("operations.patchRuns.source"), wide: true, render: (run) => t(`operations.patchRuns.sources.${run.source}` as MessageKey) },
    {
      key: "items",
      header: t("operations.patchRuns.packages"),
      wide: true,
      render: (run) => (
        <Stack gap={0}>
          <Text size="sm">{t("operations.patchRuns.itemCount", { count: run.items.length })}</Text>
          <Text size="xs" c="dimmed" truncate maw={260}>
            {run.items.slice(0, 3).map((i) => i.package).join(", ")}
          </Text>
        </Stack>
      ),
    },
    { key: "finished_at", header: t("operations.patchRuns.finished"), sortField: "finished_at", wide: true, render: (run) => formatDateTime(run.finished_at) },
  ];
  const anyFilter = FILTERS.some((name) => filter(name));

  return (
    <Stack>
      <Title order={1} size="h2">
        {t("operations.patchRuns.title")}
      </Title>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <Select
          label={t("operations.patchRuns.status")}
          data={RUN_STATUSES.map((s) => ({ value: s, label: t(`operations.patchRuns.statuses.${s}` as MessageKey) }))}
          value={filter("status") || null}
          onChange={(v) => setFilter("status", v)}
          clearable
          placeholder={t("common.all")}
          w={170}
        />
        <Select
          label={t("operations.patchRuns.source")}
          data={SOURCES.map((s) => ({ value: s, label: t(`operations.patchRuns.sources.${s}` as MessageKey) }))}
          value={filter("source") || null}
          onChange={(v) => setFilter("source", v)}
          clearable
          placeholder={t("common.all")}
          w={150}
        />
        <SitePicker
          label={t("operations.patchRuns.site")}
          placeholder={t("common.all")}
          nothingFoundMessage={t("operations.common.siteNothingFound")}
          value={filter("site") || null}
          onChange={(v) => setFilter("site", v)}
          w={{ base: "100%", sm: 260 }}
        />
        <Checkbox
          label={t("operations.patchRuns.flaggedOnly")}
          checked={flaggedOnly}
          onChange={(e) => {
            // Kept here too: the URL changes in a transition, a controlled checkbox would flicker.
            setFlaggedOnly(e.currentTarget.checked);
            setFilter("confirmation", e.currentTarget.checked ? "unconfirmed" : null);
          }}
          mb={8}
        />
        {anyFilter && (
          <Button variant="subtle" onClick={() => table.setParams(new URLSearchParams())}>
            {t("common.clearFilters")}
          </Button>
        )}
      </Group>
      <DataTable
        caption={t("operations.patchRuns.title")}
        columns={columns}
        rows={runs.data?.data}
        rowKey={(run) => run.uuid}
        total={runs.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={runs.isFetching}
        error={runs.error}
        onRetry={() => void runs.refetch()}
        emptyTitle={t("operations.patchRuns.empty")}
        emptyHelp={t("operations.patchRuns.emptyHelp")}
      />
    </Stack>
  );
}
