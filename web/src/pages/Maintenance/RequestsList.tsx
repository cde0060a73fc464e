import { Anchor, Group, Select, Stack, Text } from "@mantine/core";
import { Link } from "react-router";

import { DataTable, type Column } from "../../components/DataTable";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { STATES, useMaintenanceRequests, type Decision, type MaintenanceRequest, type MaintenanceState } from "./queries";
import { RequestActions, useAllowedDecisions } from "./RequestActions";
import { StateBadge } from "./StateBadge";

/** The requests, filtered by state, paginated and sorted by the server. */
export function RequestsList({
  onDecide,
  onShow,
}: {
  onDecide: (request: MaintenanceRequest, decision: Decision) => void;
  onShow: (request: MaintenanceRequest) => void;
}) {
  const t = useT();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const allowed = useAllowedDecisions();
  const stateFilter = (filter("state") || undefined) as MaintenanceState | undefined;
  const query = { ...toQuery(state), state: stateFilter };
  const requests = useMaintenanceRequests(query);

  const columns: Column<MaintenanceRequest>[] = [
    {
      key: "starts_at",
      header: t("operations.maintenance.window"),
      sortField: "starts_at",
      render: (r) => (
        <Stack gap={0}>
          <Text size="sm">{formatDateTime(r.starts_at)}</Text>
          <Text size="xs" c="dimmed">
            {t("operations.maintenance.duration", { minutes: r.duration_minutes })}
          </Text>
        </Stack>
      ),
    },
    {
      key: "topic",
      header: t("operations.maintenance.topic"),
      render: (r) => (
        <Stack gap={0}>
          <Anchor component="button" type="button" size="sm" fw={600} ta="left" onClick={() => onShow(r)}>
            {r.topic}
          </Anchor>
          <Anchor component={Link} to={`/sites/${r.site_uuid}`} size="xs" c="dimmed">
            {r.site_name}
          </Anchor>
        </Stack>
      ),
    },
    { key: "requester", header: t("operations.maintenance.requester"), wide: true, render: (r) => r.requester_label },
    {
      key: "state",
      header: t("operations.maintenance.status"),
      render: (r) => (
        <Stack gap={2} align="flex-start">
          <StateBadge state={r.state} />
          {r.reason && (
            <Text size="xs" c="dimmed" lineClamp={2} maw={220}>
              {r.reason}
            </Text>
          )}
        </Stack>
      ),
    },
    {
      key: "actions",
      header: t("operations.common.actions"),
      render: (r) => <RequestActions request={r} allowed={allowed(r)} onDecide={onDecide} />,
    },
  ];

  return (
    <Stack>
      <Group align="flex-end">
        <Select
          label={t("operations.maintenance.status")}
          data={STATES.map((s) => ({ value: s, label: t(`operations.maintenance.state.${s}` as MessageKey) }))}
          value={stateFilter ?? null}
          onChange={(v) => setFilter("state", v)}
          clearable
          placeholder={t("common.all")}
          w={200}
        />
      </Group>
      <DataTable
        caption={t("operations.maintenance.title")}
        columns={columns}
        rows={requests.data?.data}
        rowKey={(r) => r.uuid}
        total={requests.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={requests.isFetching}
        error={requests.error}
        onRetry={() => void requests.refetch()}
        emptyTitle={t("operations.maintenance.empty")}
        emptyHelp={stateFilter ? t("operations.maintenance.emptyFiltered") : t("operations.maintenance.emptyHelp")}
      />
    </Stack>
  );
}
