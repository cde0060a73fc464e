import { Anchor, Badge, Button, Checkbox, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { ConfirmActionModal } from "../../components/ConfirmActionModal";

import { DataTable, type Column } from "../../components/DataTable";
import { DEFAULT_TABLE_STATE, type TableState } from "../../components/tableState";
import { formatDate, formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { CycleFormModal } from "./CycleFormModal";
import { useDeleteCycle, useRolloutCycles, type Deployment, type RolloutCycle } from "./queries";
import { RagBadge } from "./RagBadge";

/**
 * Cycles of every deployment, or of the one picked (paginated on the server, local state).
 * Writers add a cycle to the picked deployment, and edit or delete each cycle.
 */
export function CyclesTable({ deployment, onClear, canWrite = false }: { deployment: Deployment | null; onClear: () => void; canWrite?: boolean }) {
  const t = useT();
  const navigate = useNavigate();
  const remove = useDeleteCycle();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<RolloutCycle | null>(null);
  const [deleting, setDeleting] = useState<RolloutCycle | null>(null);
  const [state, setState] = useState<TableState>(DEFAULT_TABLE_STATE);
  const [activeOnly, setActiveOnly] = useState(false);
  const [forDeployment, setForDeployment] = useState<string | null>(deployment?.uuid ?? null);
  // Back to page 1 when the deployment changes.
  if ((deployment?.uuid ?? null) !== forDeployment) {
    setForDeployment(deployment?.uuid ?? null);
    setState((s) => ({ ...s, page: 1 }));
  }
  const cycles = useRolloutCycles(state, activeOnly ? true : undefined, deployment?.uuid ?? null);

  const columns: Column<RolloutCycle>[] = [
    {
      key: "title",
      header: t("rollouts.cycles.cycle"),
      sortField: "title",
      render: (c) => (
        <Anchor component={Link} to={`/rollouts/cycles/${c.uuid}`} fw={600} size="sm">
          {c.title}
        </Anchor>
      ),
    },
    { key: "deployment", header: t("rollouts.cycles.deployment"), render: (c) => c.deployment_title },
    { key: "started_at", header: t("rollouts.cycles.started"), sortField: "started_at", render: (c) => formatDateTime(c.started_at) },
    { key: "deadline", header: t("rollouts.cycles.deadline"), sortField: "deadline", wide: true, render: (c) => formatDate(c.deadline) },
    {
      key: "active",
      header: t("rollouts.cycles.active"),
      wide: true,
      render: (c) => (
        <Badge variant="light" color={c.is_active ? "blue" : "gray"} radius="sm">
          {c.is_active ? t("rollouts.cycles.activeYes") : t("rollouts.cycles.activeNo")}
        </Badge>
      ),
    },
    { key: "rag", header: t("rollouts.cycles.rag"), sortField: "rag_status", render: (c) => <RagBadge rag={c.rag_status} size="sm" /> },
    {
      key: "note",
      header: t("rollouts.cycles.note"),
      wide: true,
      render: (c) => (
        <Text size="xs" c="dimmed" lineClamp={2} maw={280}>
          {c.rag_note || t("common.none")}
        </Text>
      ),
    },
  ];
  if (canWrite) {
    columns.push({
      key: "actions",
      header: t("rollouts.cycleActions.label"),
      render: (c) => (
        <Group gap="xs" wrap="nowrap">
          <Button size="compact-sm" variant="light" onClick={() => setEditing(c)} aria-label={t("rollouts.cycleActions.editOf", { title: c.title })}>
            {t("rollouts.cycleActions.edit")}
          </Button>
          <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(c)} aria-label={t("rollouts.cycleActions.deleteOf", { title: c.title })}>
            {t("rollouts.cycleActions.delete")}
          </Button>
        </Group>
      ),
    });
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Group gap="xs" align="center">
          <Title order={2} size="h3">
            {deployment ? `${t("rollouts.cycles.heading")}: ${deployment.title}` : t("rollouts.cycles.heading")}
          </Title>
          {deployment && (
            <Button variant="subtle" size="compact-sm" onClick={onClear}>
              {t("common.clearFilters")}
            </Button>
          )}
        </Group>
        <Group gap="md" align="center" wrap="wrap">
          {canWrite && deployment && (
            <Button size="sm" onClick={() => setCreating(true)} aria-label={t("rollouts.cycleActions.newCycleOf", { deployment: deployment.title })}>
              {t("rollouts.cycleActions.newCycle")}
            </Button>
          )}
          <Checkbox
            label={t("rollouts.cycles.activeFilter")}
            checked={activeOnly}
            onChange={(e) => {
              setActiveOnly(e.currentTarget.checked);
              setState((s) => ({ ...s, page: 1 }));
            }}
          />
        </Group>
      </Group>
      <DataTable
        caption={t("rollouts.cycles.caption")}
        columns={columns}
        rows={cycles.data?.data}
        rowKey={(c) => c.uuid}
        total={cycles.data?.meta.total ?? 0}
        state={state}
        onStateChange={(change) => setState((s) => ({ ...s, ...change }))}
        isLoading={cycles.isFetching}
        error={cycles.error}
        onRetry={() => void cycles.refetch()}
        emptyTitle={t("rollouts.cycles.empty")}
        emptyHelp={t("rollouts.cycles.emptyHelp")}
      />
      <CycleFormModal
        target={creating && deployment ? { mode: "create", deployment } : null}
        onClose={() => setCreating(false)}
        onSaved={(cycle) => navigate(`/rollouts/cycles/${cycle.uuid}`)}
      />
      <CycleFormModal target={editing ? { mode: "edit", cycle: editing } : null} onClose={() => setEditing(null)} />
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t("rollouts.cycleActions.deleteTitle")}
        confirmLabel={t("rollouts.cycleActions.deleteConfirm")}
        cancelLabel={t("rollouts.cycleForm.cancel")}
        onConfirm={async () => {
          const gone = deleting!;
          await remove.mutateAsync(gone.uuid);
          notifications.show({ color: "green", message: t("rollouts.cycleActions.deleted", { title: gone.title }) });
        }}
      >
        {t("rollouts.cycleActions.deleteText", { title: deleting?.title ?? "", deployment: deleting?.deployment_title ?? "" })}
      </ConfirmActionModal>
    </Stack>
  );
}
