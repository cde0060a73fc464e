import { Button, Group, Modal, Select, Stack, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate, useParams } from "react-router";

import { api, data, unwrap } from "../../api/client";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorState, LoadingState } from "../../components/States";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { IMPORT_STATUSES, KINDS, type ImportKind, type ImportRecord } from "./importApi";
import { ImportResult } from "./ImportResult";
import { ImportStatusBadge } from "./ImportStatusBadge";

function ImportDetails({ uuid, onClose }: { uuid: string | null; onClose: () => void }) {
  const t = useT();
  const record = useQuery({
    queryKey: ["imports", "one", uuid],
    queryFn: () => data(api.GET("/imports/{import_uuid}", { params: { path: { import_uuid: uuid! } } })),
    enabled: Boolean(uuid),
  });
  return (
    <Modal opened={Boolean(uuid)} onClose={onClose} title={record.data?.file_name ?? t("operations.imports.result")} size="xl">
      {record.error ? (
        <ErrorState error={record.error} onRetry={() => void record.refetch()} />
      ) : record.data ? (
        <ImportResult outcome={{ record: record.data, rowErrors: record.data.errors, error: null }} />
      ) : (
        <LoadingState />
      )}
    </Modal>
  );
}

/** The record of past imports, newest first, filtered by kind and status. */
export function ImportsHistory() {
  const t = useT();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const [shown, setShown] = useState<string | null>(null);
  // `/imports/<uuid>` (where the "import finished" notification links) opens that import.
  const { importUuid } = useParams();
  const navigate = useNavigate();
  const details = shown ?? importUuid ?? null;
  const closeDetails = () => {
    setShown(null);
    if (importUuid) navigate({ pathname: "/imports", search: table.params.toString() }, { replace: true });
  };
  const query = {
    ...toQuery(state),
    kind: (filter("kind") || undefined) as ImportKind | undefined,
    status: (filter("status") || undefined) as ImportRecord["status"] | undefined,
  };
  const imports = useQuery({
    queryKey: ["imports", query],
    queryFn: () => unwrap(api.GET("/imports", { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const columns: Column<ImportRecord>[] = [
    { key: "created_at", header: t("operations.imports.when"), sortField: "created_at", render: (r) => formatDateTime(r.created_at) },
    {
      key: "file",
      header: t("operations.imports.fileName"),
      render: (r) => (
        <Stack gap={0}>
          <Text size="sm" fw={600} truncate maw={260}>
            {r.file_name}
          </Text>
          <Text size="xs" c="dimmed">
            {t(`operations.imports.kinds.${r.kind}` as MessageKey)} · {r.dry_run ? t("operations.imports.dry") : t("operations.imports.real")}
          </Text>
        </Stack>
      ),
    },
    { key: "status", header: t("operations.imports.status"), render: (r) => <ImportStatusBadge status={r.status} /> },
    {
      key: "counts",
      header: `${t("operations.imports.created")} / ${t("operations.imports.updated")} / ${t("operations.imports.unchanged")} / ${t("operations.imports.errors")}`,
      wide: true,
      render: (r) => `${r.rows_created} / ${r.rows_updated} / ${r.rows_unchanged} / ${r.rows_failed}`,
    },
    { key: "by", header: t("operations.imports.by"), wide: true, render: (r) => r.actor.label },
    {
      key: "view",
      header: t("operations.common.actions"),
      render: (r) => (
        <Button size="xs" variant="subtle" onClick={() => setShown(r.uuid)} aria-label={t("operations.imports.viewOf", { file: r.file_name })}>
          {t("operations.imports.view")}
        </Button>
      ),
    },
  ];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2} size="h4">
          {t("operations.imports.history")}
        </Title>
        <Group gap="sm">
          <Select
            label={t("operations.imports.filterKind")}
            data={KINDS.map((k) => ({ value: k, label: t(`operations.imports.kinds.${k}` as MessageKey) }))}
            value={filter("kind") || null}
            onChange={(v) => setFilter("kind", v)}
            clearable
            placeholder={t("common.all")}
            w={150}
          />
          <Select
            label={t("operations.imports.filterStatus")}
            data={IMPORT_STATUSES.map((s) => ({ value: s, label: t(`operations.imports.statuses.${s}` as MessageKey) }))}
            value={filter("status") || null}
            onChange={(v) => setFilter("status", v)}
            clearable
            placeholder={t("common.all")}
            w={150}
          />
        </Group>
      </Group>
      <DataTable
        caption={t("operations.imports.history")}
        columns={columns}
        rows={imports.data?.data}
        rowKey={(r) => r.uuid}
        total={imports.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={imports.isFetching}
        error={imports.error}
        onRetry={() => void imports.refetch()}
        emptyTitle={t("operations.imports.empty")}
        emptyHelp={t("operations.imports.emptyHelp")}
      />
      <ImportDetails uuid={details} onClose={closeDetails} />
    </Stack>
  );
}
