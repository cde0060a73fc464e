import { Button, Group, Stack, Switch, Text, Title } from "@mantine/core";
import { useState } from "react";

import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { DataTable, type Column } from "../../components/DataTable";
import { DEFAULT_TABLE_STATE, type TableState } from "../../components/tableState";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import type { Report } from "../Rollouts/queries";
import { useCycleReports, useDeleteReport, useUpdateReport } from "./queries";

/** The cycle's reports, newest first; writers toggle "in trend" and delete. */
export function ReportsList({ cycleUuid, canWrite, onViewRows }: { cycleUuid: string; canWrite: boolean; onViewRows: (report: Report) => void }) {
  const t = useT();
  const [state, setState] = useState<TableState>({ ...DEFAULT_TABLE_STATE, perPage: 10 });
  const reports = useCycleReports(cycleUuid, state);
  const update = useUpdateReport();
  const remove = useDeleteReport();
  const [deleting, setDeleting] = useState<Report | null>(null);

  const columns: Column<Report>[] = [
    { key: "reported_at", header: t("rollouts.reports.reportedAt"), sortField: "reported_at", render: (r) => formatDateTime(r.reported_at) },
    {
      key: "file",
      header: t("rollouts.reports.file"),
      render: (r) => (
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          {r.file_name}
        </Text>
      ),
    },
    { key: "rows", header: t("rollouts.reports.rows"), wide: true, render: (r) => r.rows_total },
    {
      key: "history",
      header: t("rollouts.reports.inHistory"),
      render: (r) =>
        canWrite ? (
          <Switch
            checked={r.show_in_history}
            aria-label={t("rollouts.reports.toggleHistory", { file: r.file_name })}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ uuid: r.uuid, show: e.currentTarget.checked })}
          />
        ) : r.show_in_history ? (
          t("rollouts.reports.yes")
        ) : (
          t("rollouts.reports.no")
        ),
    },
    { key: "actor", header: t("rollouts.reports.uploadedBy"), wide: true, render: (r) => r.actor.label || t("common.none") },
    {
      key: "actions",
      header: t("rollouts.reports.actions"),
      render: (r) => (
        <Group gap="xs" wrap="nowrap">
          <Button size="compact-sm" variant="light" onClick={() => onViewRows(r)} aria-label={t("rollouts.reports.viewRowsOf", { file: r.file_name })}>
            {t("rollouts.reports.viewRows")}
          </Button>
          {canWrite && (
            <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(r)} aria-label={t("rollouts.reports.deleteOf", { file: r.file_name })}>
              {t("rollouts.reports.delete")}
            </Button>
          )}
        </Group>
      ),
    },
  ];

  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        {t("rollouts.reports.heading")}
      </Title>
      {update.error && (
        <Text size="sm" c="red" role="alert">
          {update.error.message}
        </Text>
      )}
      <DataTable
        caption={t("rollouts.reports.caption")}
        columns={columns}
        rows={reports.data?.data}
        rowKey={(r) => r.uuid}
        total={reports.data?.meta.total ?? 0}
        state={state}
        onStateChange={(change) => setState((s) => ({ ...s, ...change }))}
        isLoading={reports.isFetching}
        error={reports.error}
        onRetry={() => void reports.refetch()}
        emptyTitle={t("rollouts.reports.empty")}
      />
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t("rollouts.reports.deleteTitle")}
        confirmLabel={t("rollouts.reports.deleteConfirm")}
        cancelLabel={t("rollouts.reports.cancel")}
        onConfirm={() => remove.mutateAsync(deleting!.uuid)}
      >
        {t("rollouts.reports.deleteText", { file: deleting?.file_name ?? "" })}
      </ConfirmActionModal>
    </Stack>
  );
}
