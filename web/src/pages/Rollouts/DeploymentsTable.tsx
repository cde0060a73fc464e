import { Anchor, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";

import { DataTable, type Column } from "../../components/DataTable";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { useDeployments, type Deployment } from "./queries";

/** Deployments (URL-paginated); picking one shows only its cycles. */
export function DeploymentsTable({ selected, onSelect }: { selected: string | null; onSelect: (deployment: Deployment | null) => void }) {
  const t = useT();
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
    </Stack>
  );
}
