import { Anchor, Badge, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useParams } from "react-router";

import { api, data, unwrap } from "../../api/client";
import { isApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { DataTable, type Column } from "../../components/DataTable";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { DEFAULT_TABLE_STATE, toQuery, type TableState } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { CycleActions } from "../Cycles/CycleActions";
import { CycleProgress } from "../Cycles/CycleProgress";
import { CycleStateBadge } from "../Cycles/CycleStateBadge";
import { SiteLink } from "../PatchRuns/RunBadges";

type SiteProgress = components["schemas"]["CycleSiteProgress"];
type Target = components["schemas"]["CycleTargetOut"];
type TargetState = "remaining" | "done" | "failed";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function SitesProgress({ cycleUuid }: { cycleUuid: string }) {
  const t = useT();
  const table = useTableState();
  const query = toQuery(table.state);
  const sites = useQuery({
    queryKey: ["cycles", "sites", cycleUuid, query],
    queryFn: () => unwrap(api.GET("/cycles/{cycle_uuid}/sites", { params: { path: { cycle_uuid: cycleUuid }, query } })),
    placeholderData: keepPreviousData,
  });
  const columns: Column<SiteProgress>[] = [
    {
      key: "site",
      header: t("operations.common.site"),
      render: (s) => (
        <Stack gap={0}>
          <Anchor component={Link} to={`/sites/${s.site_uuid}`} size="sm" fw={600}>
            {s.site_name}
          </Anchor>
          <Text size="xs" c="dimmed" truncate maw={260}>
            {s.site_url}
          </Text>
        </Stack>
      ),
    },
    { key: "progress", header: t("operations.cycles.progress"), render: (s) => <CycleProgress progress={s.progress} compact /> },
  ];
  return (
    <DataTable
      caption={t("operations.cycles.sitesTitle")}
      columns={columns}
      rows={sites.data?.data}
      rowKey={(s) => s.site_uuid}
      total={sites.data?.meta.total ?? 0}
      state={table.state}
      onStateChange={table.setState}
      isLoading={sites.isFetching}
      error={sites.error}
      onRetry={() => void sites.refetch()}
      emptyTitle={t("operations.cycles.noSites")}
    />
  );
}

function Targets({ cycleUuid }: { cycleUuid: string }) {
  const t = useT();
  // The page's URL holds the sites table's state; this second table keeps its own.
  const [state, setState] = useState<TableState>(DEFAULT_TABLE_STATE);
  const [targetState, setTargetState] = useState<TargetState | "">("");
  const query = { ...toQuery(state), state: targetState || undefined };
  const targets = useQuery({
    queryKey: ["cycles", "targets", cycleUuid, query],
    queryFn: () => unwrap(api.GET("/cycles/{cycle_uuid}/targets", { params: { path: { cycle_uuid: cycleUuid }, query } })),
    placeholderData: keepPreviousData,
  });
  const columns: Column<Target>[] = [
    {
      key: "package",
      header: t("operations.cycles.package"),
      render: (x) => (
        <Stack gap={0}>
          <Group gap={4}>
            <Text size="sm" fw={600}>
              {x.package}
            </Text>
            {x.is_security && (
              <Badge color="red" size="xs" variant="light" miw="max-content">
                {t("operations.cycles.security")}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {x.ecosystem}
          </Text>
        </Stack>
      ),
    },
    { key: "from", header: t("operations.cycles.fromVersion"), wide: true, render: (x) => x.from_version ?? t("common.none") },
    { key: "target", header: t("operations.cycles.targetVersion"), render: (x) => x.target_version ?? t("common.none") },
    {
      key: "state",
      header: t("operations.cycles.targetState"),
      render: (x) => (
        <Badge color={x.state === "done" ? "green" : x.state === "failed" ? "red" : "gray"} variant="light" miw="max-content">
          {t(`operations.cycles.targetStates.${x.state}` as MessageKey)}
        </Badge>
      ),
    },
    { key: "site", header: t("operations.common.site"), wide: true, render: (x) => <SiteLink uuid={x.site_uuid} /> },
    {
      key: "run",
      header: t("operations.cycles.run"),
      wide: true,
      render: (x) =>
        x.patch_run_uuid ? (
          <Anchor component={Link} to={`/patch-runs/${x.patch_run_uuid}`} size="sm">
            {formatDateTime(x.done_at, t("operations.cycles.run"))}
          </Anchor>
        ) : (
          t("common.none")
        ),
    },
  ];
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label={t("operations.cycles.targetState")}
        value={targetState || "all"}
        onChange={(v) => {
          setTargetState(v === "all" ? "" : (v as TargetState));
          setState((s) => ({ ...s, page: 1 }));
        }}
        data={[
          { value: "all", label: t("common.all") },
          { value: "remaining", label: t("operations.cycles.targetStates.remaining") },
          { value: "done", label: t("operations.cycles.targetStates.done") },
          { value: "failed", label: t("operations.cycles.targetStates.failed") },
        ]}
        w="fit-content"
      />
      <DataTable
        caption={t("operations.cycles.targetsTitle")}
        columns={columns}
        rows={targets.data?.data}
        rowKey={(x) => `${x.site_uuid}:${x.ecosystem}:${x.package}`}
        total={targets.data?.meta.total ?? 0}
        state={state}
        onStateChange={(change) => setState((s) => ({ ...s, ...change }))}
        isLoading={targets.isFetching}
        error={targets.error}
        onRetry={() => void targets.refetch()}
        emptyTitle={t("operations.cycles.noTargets")}
        emptyHelp={t("operations.cycles.noTargetsHelp")}
      />
    </Stack>
  );
}

export default function CyclePage() {
  const t = useT();
  const { cycleUuid = "" } = useParams();
  const cycle = useQuery({
    queryKey: ["cycles", "one", cycleUuid],
    queryFn: () => data(api.GET("/cycles/{cycle_uuid}", { params: { path: { cycle_uuid: cycleUuid } } })),
  });
  const back = (
    <Anchor component={Link} to="/cycles" size="sm">
      ← {t("operations.cycles.back")}
    </Anchor>
  );
  if (cycle.error)
    return (
      <Stack>
        {back}
        {isApiError(cycle.error) && cycle.error.status === 404 ? (
          <EmptyState title={t("operations.cycles.notFound")} />
        ) : (
          <ErrorState error={cycle.error} onRetry={() => void cycle.refetch()} />
        )}
      </Stack>
    );
  if (!cycle.data) return <LoadingState />;
  const c = cycle.data;
  const scope = [
    ...c.scope.environments.map((e) => t(`environment.${e}` as MessageKey)),
    ...c.scope.kinds.map((k) => t(`kind.${k}` as MessageKey)),
    ...c.scope.tags.map((tag) => `#${tag}`),
  ];
  return (
    <Stack>
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {c.name}
          </Title>
          <Group gap="xs">
            <CycleStateBadge state={c.state} />
          </Group>
        </Stack>
        <CycleActions cycle={c} size="sm" />
      </Group>
      {c.description && (
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {c.description}
        </Text>
      )}
      <Card withBorder>
        <Stack>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
            <Fact label={t("operations.cycles.startsAt")}>{formatDateTime(c.starts_at)}</Fact>
            <Fact label={t("operations.cycles.deadline")}>{formatDateTime(c.deadline)}</Fact>
            <Fact label={t("operations.cycles.scope")}>{scope.length ? scope.join(", ") : t("operations.cycles.scopeAll")}</Fact>
            <Fact label={t("operations.cycles.targets")}>
              {c.include_all_updates ? t("operations.cycles.includesAll") : t("operations.cycles.securityOnly")}
            </Fact>
          </SimpleGrid>
          <CycleProgress progress={c.progress} />
        </Stack>
      </Card>
      {c.state !== "planned" && (
        <>
          <Title order={2} size="h4">
            {t("operations.cycles.sitesTitle")}
          </Title>
          <SitesProgress cycleUuid={c.uuid} />
          <Title order={2} size="h4">
            {t("operations.cycles.targetsTitle")}
          </Title>
          <Targets cycleUuid={c.uuid} />
        </>
      )}
    </Stack>
  );
}
