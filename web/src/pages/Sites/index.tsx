import { Anchor, Badge, Button, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, type Column } from "../../components/DataTable";
import { STATUSES, StatusBadge } from "../../components/StatusBadge";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";

type Site = components["schemas"]["SiteOut"];
type Kind = components["schemas"]["Kind"];
type Environment = components["schemas"]["Environment"];
type WorstStatus = components["schemas"]["WorstStatus"];

const KINDS: Kind[] = ["drupal", "server", "application"];
const ENVIRONMENTS: Environment[] = ["production", "staging", "development"];
const FILTERS = ["kind", "environment", "status", "tag", "q"] as const;

export default function Sites() {
  const t = useT();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const [search, setSearch] = useState(filter("q"));
  const applySearch = useDebouncedCallback((value: string) => setFilter("q", value.trim()), 300);

  const query = {
    ...toQuery(state),
    kind: (filter("kind") || undefined) as Kind | undefined,
    environment: (filter("environment") || undefined) as Environment | undefined,
    status: (filter("status") || undefined) as WorstStatus | undefined,
    tag: filter("tag") || undefined,
    q: filter("q") || undefined,
  };
  const sites = useQuery({
    queryKey: ["sites", query],
    queryFn: () => unwrap(api.GET("/sites", { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const columns: Column<Site>[] = [
    {
      key: "name",
      header: t("sites.name"),
      sortField: "name",
      render: (site) => (
        <Stack gap={0}>
          <Anchor component={Link} to={`/sites/${site.uuid}`} fw={600} size="sm">
            {site.name}
          </Anchor>
          <Text size="xs" c="dimmed" truncate maw={320}>
            {site.url}
          </Text>
        </Stack>
      ),
    },
    { key: "status", header: t("sites.status"), sortField: "worst_status", render: (site) => <StatusBadge status={site.worst_status} /> },
    { key: "kind", header: t("sites.kind"), wide: true, render: (site) => t(`kind.${site.kind}` as MessageKey) },
    { key: "environment", header: t("sites.environment"), wide: true, render: (site) => t(`environment.${site.environment}` as MessageKey) },
    {
      key: "tags",
      header: t("sites.tags"),
      wide: true,
      render: (site) => (
        <Group gap={4}>
          {site.tags.map((tag) => (
            <Badge key={tag} variant="outline" size="sm" component="button" onClick={() => setFilter("tag", tag)} style={{ cursor: "pointer" }}>
              {tag}
            </Badge>
          ))}
        </Group>
      ),
    },
    {
      key: "last_snapshot_at",
      header: t("sites.lastSnapshot"),
      sortField: "last_snapshot_at",
      wide: true,
      render: (site) => formatDateTime(site.last_snapshot_at, t("sites.never")),
    },
  ];

  const options = (values: readonly string[], prefix: string) =>
    values.map((value) => ({ value, label: t(`${prefix}.${value}` as MessageKey) }));
  const anyFilter = FILTERS.some((name) => filter(name));

  return (
    <Stack>
      <Title order={1} size="h2">
        {t("sites.title")}
      </Title>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <TextInput
          label={t("common.search")}
          placeholder={t("sites.searchPlaceholder")}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            applySearch(event.currentTarget.value);
          }}
          type="search"
          w={{ base: "100%", sm: 240 }}
        />
        <Select label={t("sites.status")} data={options(STATUSES, "status")} value={filter("status") || null} onChange={(v) => setFilter("status", v)} clearable placeholder={t("common.all")} w={180} />
        <Select label={t("sites.kind")} data={options(KINDS, "kind")} value={filter("kind") || null} onChange={(v) => setFilter("kind", v)} clearable placeholder={t("common.all")} w={150} />
        <Select label={t("sites.environment")} data={options(ENVIRONMENTS, "environment")} value={filter("environment") || null} onChange={(v) => setFilter("environment", v)} clearable placeholder={t("common.all")} w={160} />
        <TextInput label={t("sites.tag")} value={filter("tag")} onChange={(e) => setFilter("tag", e.currentTarget.value)} w={140} />
        {anyFilter && (
          <Button
            variant="subtle"
            onClick={() => {
              setSearch("");
              table.setParams(new URLSearchParams());
            }}
          >
            {t("common.clearFilters")}
          </Button>
        )}
      </Group>
      <DataTable
        caption={t("sites.title")}
        columns={columns}
        rows={sites.data?.data}
        rowKey={(site) => site.uuid}
        total={sites.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={sites.isFetching}
        error={sites.error}
        onRetry={() => void sites.refetch()}
        emptyTitle={t("sites.empty")}
        emptyHelp={t("sites.emptyHelp")}
      />
    </Stack>
  );
}
