import { ActionIcon, Anchor, Group, Menu, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useNavigate } from "react-router";

import { ConfirmActionModal } from "../../components/ConfirmActionModal";

import { DataTable, type Column } from "../../components/DataTable";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { CycleFormModal } from "./CycleFormModal";
import { DeploymentFormModal } from "./DeploymentFormModal";
import { useDeleteDeployment, useDeployments, type Deployment } from "./queries";

/**
 * Deployments (URL-paginated); picking one shows only its cycles. Writers edit, delete and add
 * a cycle from each row's actions menu.
 */
export function DeploymentsTable({
  selected,
  onSelect,
  canWrite = false,
}: {
  selected: string | null;
  onSelect: (deployment: Deployment | null) => void;
  canWrite?: boolean;
}) {
  const t = useT();
  const navigate = useNavigate();
  const remove = useDeleteDeployment();
  const [editing, setEditing] = useState<Deployment | null>(null);
  const [deleting, setDeleting] = useState<Deployment | null>(null);
  const [addingCycle, setAddingCycle] = useState<Deployment | null>(null);
  const table = useTableState();
  const [search, setSearch] = useState(table.filter("title"));
  const applySearch = useDebouncedCallback((value: string) => table.setFilter("title", value.trim()), 300);
  const deployments = useDeployments(table.state, table.filter("title"));

  const columns: Column<Deployment>[] = [
    {
      key: "title",
      header: t("rollouts.deployments.titleColumn"),
      sortField: "title",
      render: (d) => (
        <Stack gap={0}>
          <Anchor
            component="button"
            type="button"
            fw={600}
            size="sm"
            ta="left"
            aria-pressed={selected === d.uuid}
            onClick={() => onSelect(selected === d.uuid ? null : d)}
          >
            {d.title}
          </Anchor>
          {d.description && (
            <Text size="xs" c="dimmed" truncate maw={320}>
              {d.description}
            </Text>
          )}
        </Stack>
      ),
    },
    { key: "cycles", header: t("rollouts.deployments.cycles"), render: (d) => d.cycles },
    {
      key: "layout",
      header: t("rollouts.deployments.layout"),
      wide: true,
      render: (d) => (
        <Text size="xs">
          {t("rollouts.deployments.layoutText", {
            columns: d.excel_columns ?? t("rollouts.deployments.allColumns"),
            row: d.excel_header_row ?? 1,
            sheet: d.excel_sheet ?? t("rollouts.deployments.firstSheet"),
          })}
        </Text>
      ),
    },
    {
      key: "thresholds",
      header: t("rollouts.deployments.thresholds"),
      wide: true,
      render: (d) => (
        <Text size="xs" c="dimmed">
          {t("rollouts.deployments.thresholdsText", {
            green: d.rag_thresholds.green_installed ?? 95,
            amber: d.rag_thresholds.amber_installed ?? 80,
            amberFailed: d.rag_thresholds.amber_failed ?? 5,
            redFailed: d.rag_thresholds.red_failed ?? 20,
          })}
        </Text>
      ),
    },
    { key: "updated_at", header: t("rollouts.deployments.updated"), sortField: "updated_at", wide: true, render: (d) => formatDateTime(d.updated_at) },
  ];
  if (canWrite) {
    columns.push({
      key: "actions",
      header: t("rollouts.deploymentActions.label"),
      render: (d) => (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" aria-label={t("rollouts.deploymentActions.menu", { title: d.title })}>
              <span aria-hidden>⋯</span>
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => setEditing(d)}>{t("rollouts.deploymentActions.edit")}</Menu.Item>
            <Menu.Item onClick={() => setAddingCycle(d)}>{t("rollouts.deploymentActions.newCycle")}</Menu.Item>
            <Menu.Divider />
            <Menu.Item color="red" onClick={() => setDeleting(d)}>
              {t("rollouts.deploymentActions.delete")}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      ),
    });
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2} size="h3">
          {t("rollouts.deployments.heading")}
        </Title>
        <TextInput
          label={t("rollouts.deployments.search")}
          type="search"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            applySearch(e.currentTarget.value);
          }}
          w={{ base: "100%", sm: 240 }}
        />
      </Group>
      <DataTable
        caption={t("rollouts.deployments.caption")}
        columns={columns}
        rows={deployments.data?.data}
        rowKey={(d) => d.uuid}
        total={deployments.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={deployments.isFetching}
        error={deployments.error}
        onRetry={() => void deployments.refetch()}
        emptyTitle={t("rollouts.deployments.empty")}
        emptyHelp={t("rollouts.deployments.emptyHelp")}
      />
      <DeploymentFormModal
        deployment={editing}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          if (selected === saved.uuid) onSelect(saved);
        }}
      />
      <CycleFormModal
        target={addingCycle ? { mode: "create", deployment: addingCycle } : null}
        onClose={() => setAddingCycle(null)}
        onSaved={(cycle) => navigate(`/rollouts/cycles/${cycle.uuid}`)}
      />
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t("rollouts.deploymentActions.deleteTitle")}
        confirmLabel={t("rollouts.deploymentActions.deleteConfirm")}
        cancelLabel={t("rollouts.create.cancel")}
        onConfirm={async () => {
          const gone = deleting!;
          await remove.mutateAsync(gone.uuid);
          if (selected === gone.uuid) onSelect(null);
          notifications.show({ color: "green", message: t("rollouts.deploymentActions.deleted", { title: gone.title }) });
        }}
      >
        {t("rollouts.deploymentActions.deleteText", { title: deleting?.title ?? "", cycles: deleting?.cycles ?? 0 })}
      </ConfirmActionModal>
    </Stack>
  );
}
