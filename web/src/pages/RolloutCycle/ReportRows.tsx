import { Badge, Code, Drawer, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";

import { DataTable, type Column } from "../../components/DataTable";
import { DEFAULT_TABLE_STATE, type TableState } from "../../components/tableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import type { Report } from "../Rollouts/queries";
import { INSTALL_STATUSES, statusColor, type InstallStatus } from "../Rollouts/rollouts";
import { useReportRows, type ReportRow } from "./queries";

/** One report's machine statuses in a drawer: filter by status, paginated on the server. */
export function ReportRows({ report, onClose }: { report: Report | null; onClose: () => void }) {
  const t = useT();
  const [state, setState] = useState<TableState>(DEFAULT_TABLE_STATE);
  const [status, setStatus] = useState<InstallStatus | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  if ((report?.uuid ?? null) !== shown) {
    setShown(report?.uuid ?? null);
    setState(DEFAULT_TABLE_STATE);
    setStatus(null);
  }
  const rows = useReportRows(report?.uuid ?? null, state, status);
  const statusLabel = (s: string) => t(`rollouts.status.${s}` as MessageKey);

  const columns: Column<ReportRow>[] = [
    { key: "row_number", header: t("rollouts.rows.row"), sortField: "row_number", wide: true, render: (r) => r.row_number },
    { key: "device", header: t("rollouts.rows.device"), sortField: "device", render: (r) => <Text size="sm" fw={600}>{r.device}</Text> },
    {
      key: "status",
      header: t("rollouts.rows.status"),
      sortField: "status",
      render: (r) => (
        <Badge color={statusColor(r.status)} variant="light" radius="sm" title={r.status_raw} style={{ flexShrink: 0 }} styles={{ label: { overflow: "visible" } }}>
          {r.status === "other" ? r.status_raw || statusLabel(r.status) : statusLabel(r.status)}
        </Badge>
      ),
    },
    { key: "collection", header: t("rollouts.rows.collection"), render: (r) => r.collection ?? t("common.none") },
    { key: "ring", header: t("rollouts.rows.ring"), wide: true, render: (r) => r.ring ?? t("common.none") },
    { key: "error_code", header: t("rollouts.rows.errorCode"), sortField: "error_code", render: (r) => (r.error_code ? <Code>{r.error_code}</Code> : t("common.none")) },
    { key: "os_build", header: t("rollouts.rows.osBuild"), wide: true, render: (r) => r.os_build ?? t("common.none") },
    { key: "last_logon_at", header: t("rollouts.rows.lastLogon"), sortField: "last_logon_at", wide: true, render: (r) => formatDateTime(r.last_logon_at) },
    { key: "note", header: t("rollouts.rows.note"), wide: true, render: (r) => <Text size="xs">{r.note || t("common.none")}</Text> },
  ];

  return (
    <Drawer
      opened={report !== null}
      onClose={onClose}
      position="right"
      size="min(100%, 72rem)"
      title={t("rollouts.rows.heading", { file: report?.file_name ?? "" })}
      closeButtonProps={{ "aria-label": t("rollouts.rows.close") }}
    >
      <Stack>
        <Select
          label={t("rollouts.rows.filter")}
          placeholder={t("rollouts.rows.allStatuses")}
          data={INSTALL_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          value={status}
          onChange={(v) => {
            setStatus(v as InstallStatus | null);
            setState((s) => ({ ...s, page: 1 }));
          }}
          clearable
          w={220}
        />
        <DataTable
          caption={t("rollouts.rows.caption")}
          columns={columns}
          rows={rows.data?.data}
          rowKey={(r) => String(r.row_number)}
          total={rows.data?.meta.total ?? 0}
          state={state}
          onStateChange={(change) => setState((s) => ({ ...s, ...change }))}
          isLoading={rows.isFetching}
          error={rows.error}
          onRetry={() => void rows.refetch()}
          emptyTitle={t("rollouts.rows.empty")}
        />
      </Stack>
    </Drawer>
  );
}
