/** The site's other lists; their paging stays in the tab (the URL keeps the packages list's). */
import { Badge, Text } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, type Column } from "../../components/DataTable";
import { DEFAULT_TABLE_STATE, toQuery, type TableState } from "../../components/tableState";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";

type S = components["schemas"];

function useLocalTable(): [TableState, (change: Partial<TableState>) => void] {
  const [state, setState] = useState<TableState>({ ...DEFAULT_TABLE_STATE, perPage: 10 });
  return [state, (change) => setState((current) => ({ ...current, ...change }))];
}

export function SnapshotsTab({ siteUuid }: { siteUuid: string }) {
  const t = useT();
  const [state, setState] = useLocalTable();
  const result = useQuery({
    queryKey: ["sites", siteUuid, "snapshots", state],
    queryFn: () => unwrap(api.GET("/sites/{site_uuid}/snapshots", { params: { path: { site_uuid: siteUuid }, query: toQuery(state) } })),
    placeholderData: keepPreviousData,
  });
  const columns: Column<S["SnapshotOut"]>[] = [
    { key: "received_at", header: t("site.receivedAt"), sortField: "received_at", render: (s) => formatDateTime(s.received_at) },
    { key: "format", header: t("site.format"), render: (s) => s.format },
    {
      key: "status",
      header: t("site.snapshotStatus"),
      render: (s) => (
        <Badge color={s.status === "failed" ? "red" : s.status === "processed" ? "green" : "gray"} variant="light" title={s.failure_reason ?? undefined}>
          {s.status}
        </Badge>
      ),
    },
    { key: "package_count", header: t("site.packagesCount"), render: (s) => s.package_count ?? t("common.none") },
  ];
  return (
    <DataTable caption={t("site.snapshots")} columns={columns} rows={result.data?.data} rowKey={(s) => s.uuid} total={result.data?.meta.total ?? 0}
      state={state} onStateChange={setState} isLoading={result.isFetching} error={result.error} onRetry={() => void result.refetch()} emptyTitle={t("site.noSnapshots")} />
  );
}

export function PatchRunsTab({ siteUuid }: { siteUuid: string }) {
  const t = useT();
  const [state, setState] = useLocalTable();
  const result = useQuery({
    queryKey: ["patch-runs", { site_uuid: siteUuid, ...state }],
    queryFn: () => unwrap(api.GET("/patch-runs", { params: { query: { site_uuid: siteUuid, ...toQuery(state) } } })),
    placeholderData: keepPreviousData,
  });
  const columns: Column<S["PatchRunOut"]>[] = [
    { key: "started_at", header: t("site.startedAt"), sortField: "started_at", render: (r) => formatDateTime(r.started_at) },
    { key: "finished_at", header: t("site.finishedAt"), wide: true, render: (r) => formatDateTime(r.finished_at) },
    { key: "status", header: t("site.runStatus"), render: (r) => <Badge variant="light" color={r.status === "failed" ? "red" : r.status === "succeeded" ? "green" : "gray"}>{r.status}</Badge> },
    { key: "items", header: t("site.summary"), render: (r) => <Text size="sm">{r.items.map((i) => `${i.package} ${i.from_version ?? ""}→${i.to_version ?? ""}`).join(", ")}</Text> },
  ];
  return (
    <DataTable caption={t("site.patchRuns")} columns={columns} rows={result.data?.data} rowKey={(r) => r.uuid} total={result.data?.meta.total ?? 0}
      state={state} onStateChange={setState} isLoading={result.isFetching} error={result.error} onRetry={() => void result.refetch()} emptyTitle={t("site.noRuns")} />
  );
}

export function TasksTab({ siteUuid }: { siteUuid: string }) {
  const t = useT();
  const [state, setState] = useLocalTable();
  const result = useQuery({
    queryKey: ["tasks", { site_uuid: siteUuid, status: "open", ...state }],
    queryFn: () => unwrap(api.GET("/tasks", { params: { query: { site_uuid: siteUuid, status: "open", ...toQuery(state) } } })),
    placeholderData: keepPreviousData,
  });
  const columns: Column<S["TaskOut"]>[] = [
    { key: "title", header: t("site.title"), sortField: "title", render: (task) => task.title },
    { key: "assignee", header: t("site.assignee"), render: (task) => task.assignee?.name || task.assignee?.login || t("common.none") },
    { key: "due_at", header: t("site.dueAt"), sortField: "due_at", render: (task) => <Text size="sm" c={task.overdue ? "red" : undefined}>{formatDateTime(task.due_at)}</Text> },
  ];
  return (
    <DataTable caption={t("site.tasks")} columns={columns} rows={result.data?.data} rowKey={(task) => task.uuid} total={result.data?.meta.total ?? 0}
      state={state} onStateChange={setState} isLoading={result.isFetching} error={result.error} onRetry={() => void result.refetch()} emptyTitle={t("site.noTasks")} />
  );
}

export function MaintenanceTab({ siteUuid }: { siteUuid: string }) {
  const t = useT();
  const [state, setState] = useLocalTable();
  const result = useQuery({
    queryKey: ["maintenance-requests", { site_uuid: siteUuid, ...state }],
    queryFn: () => unwrap(api.GET("/maintenance-requests", { params: { query: { site_uuid: siteUuid, ...toQuery(state) } } })),
    placeholderData: keepPreviousData,
  });
  const columns: Column<S["MaintenanceRequestOut"]>[] = [
    { key: "window", header: t("site.window"), sortField: "starts_at", render: (m) => `${formatDateTime(m.starts_at)} – ${formatDateTime(m.ends_at)}` },
    { key: "topic", header: t("site.title"), render: (m) => m.topic },
    { key: "state", header: t("site.state"), render: (m) => <Badge variant="light" color={m.state === "accepted" ? "green" : m.state === "rejected" ? "red" : "gray"}>{m.state}</Badge> },
  ];
  return (
    <DataTable caption={t("site.maintenance")} columns={columns} rows={result.data?.data} rowKey={(m) => m.uuid} total={result.data?.meta.total ?? 0}
      state={state} onStateChange={setState} isLoading={result.isFetching} error={result.error} onRetry={() => void result.refetch()} emptyTitle={t("site.noMaintenance")} />
  );
}
