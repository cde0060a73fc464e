import { Anchor, Button, Group, Modal, Select, Stack, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMediaQuery } from "@mantine/hooks";
import { useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { useCan } from "../../auth/session";
import { DataTable, type Column } from "../../components/DataTable";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { CycleActions } from "./CycleActions";
import { CycleForm } from "./CycleForm";
import { CycleProgress } from "./CycleProgress";
import { CycleStateBadge } from "./CycleStateBadge";

type Cycle = components["schemas"]["patchwatch__patching__schemas__CycleOut"];
type CycleState = components["schemas"]["CycleState"];
const STATES: CycleState[] = ["planned", "open", "closed"];

export default function Cycles() {
  const t = useT();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const canWrite = useCan("cycles:write");
  const [creating, setCreating] = useState(false);
  const phone = useMediaQuery("(max-width: 36em)");
  const query = { ...toQuery(state), state: (filter("state") || undefined) as CycleState | undefined };
  const cycles = useQuery({
    queryKey: ["cycles", query],
    queryFn: () => unwrap(api.GET("/cycles", { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const columns: Column<Cycle>[] = [
    {
      key: "name",
      header: t("operations.cycles.name"),
      render: (c) => (
        <Stack gap={2}>
          <Anchor component={Link} to={`/cycles/${c.uuid}`} fw={600} size="sm">
            {c.name}
          </Anchor>
          <Group gap={4}>
            <CycleStateBadge state={c.state} />
          </Group>
        </Stack>
      ),
    },
    {
      key: "deadline",
      header: t("operations.cycles.period"),
      sortField: "deadline",
      wide: true,
      render: (c) => (
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            {t("operations.cycles.startsAt")}: {formatDateTime(c.starts_at)}
          </Text>
          <Text size="sm">
            {t("operations.cycles.deadline")}: {formatDateTime(c.deadline)}
          </Text>
        </Stack>
      ),
    },
    { key: "progress", header: t("operations.cycles.progress"), render: (c) => <CycleProgress progress={c.progress} compact /> },
    ...(canWrite ? [{ key: "actions", header: t("operations.common.actions"), render: (c: Cycle) => <CycleActions cycle={c} /> }] : []),
  ];

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t("operations.cycles.title")}
        </Title>
        {canWrite && <Button onClick={() => setCreating(true)}>{t("operations.cycles.create")}</Button>}
      </Group>
      <Group align="flex-end">
        <Select
          label={t("operations.cycles.state")}
          data={STATES.map((s) => ({ value: s, label: t(`operations.cycles.states.${s}` as MessageKey) }))}
          value={filter("state") || null}
          onChange={(v) => setFilter("state", v)}
          clearable
          placeholder={t("common.all")}
          w={180}
        />
      </Group>
      <DataTable
        caption={t("operations.cycles.title")}
        columns={columns}
        rows={cycles.data?.data}
        rowKey={(c) => c.uuid}
        total={cycles.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={cycles.isFetching}
        error={cycles.error}
        onRetry={() => void cycles.refetch()}
        emptyTitle={t("operations.cycles.empty")}
        emptyHelp={t("operations.cycles.emptyHelp")}
      />
      <Modal opened={creating} onClose={() => setCreating(false)} title={t("operations.cycles.form.title")} size="lg" fullScreen={phone}>
        {creating && <CycleForm onDone={() => setCreating(false)} />}
      </Modal>
    </Stack>
  );
}
