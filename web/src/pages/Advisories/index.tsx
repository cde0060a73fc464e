import { Anchor, Button, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, type Column } from "../../components/DataTable";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDate } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { AdvisoryDrawer } from "./AdvisoryDrawer";
import { SEVERITIES, SeverityBadge } from "./SeverityBadge";

type Advisory = components["schemas"]["AdvisoryOut"];
type Severity = (typeof SEVERITIES)[number];
const FILTERS = ["q", "severity", "ecosystem", "package"] as const;

export default function Advisories() {
  const t = useT();
  const table = useTableState();
  const { filter, setFilter } = table;
  const [search, setSearch] = useState(filter("q"));
  const applySearch = useDebouncedCallback((value: string) => setFilter("q", value.trim()), 300);
  const [pkg, setPkg] = useState(filter("package"));
  const applyPkg = useDebouncedCallback((value: string) => setFilter("package", value.trim()), 300);
  const severity = (SEVERITIES as readonly string[]).includes(filter("severity")) ? (filter("severity") as Severity) : undefined;
  const query = {
    ...toQuery(table.state),
    q: filter("q") || undefined,
    severity,
    ecosystem: filter("ecosystem") || undefined,
    package: filter("package") || undefined,
  };
  const advisories = useQuery({
    queryKey: ["advisories", "list", query],
    queryFn: () => unwrap(api.GET("/catalog/advisories", { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const open = filter("advisory") || null;

  const columns: Column<Advisory>[] = [
    {
      key: "id",
      header: t("work.advisories.id"),
      sortField: "id",
      render: (a) => (
        <Anchor component="button" type="button" onClick={() => setFilterKeepPage("advisory", a.uuid)} fw={600} size="sm">
          {a.id}
        </Anchor>
      ),
    },
    {
      key: "title",
      header: t("work.advisories.titleCol"),
      render: (a) => (
        <Stack gap={0}>
          <Text size="sm" lineClamp={2}>
            {a.title}
          </Text>
          {a.withdrawn_at && (
            <Text size="xs" c="dimmed">
              {t("work.advisories.withdrawn")}
            </Text>
          )}
        </Stack>
      ),
    },
    { key: "severity", header: t("work.advisories.severity"), sortField: "severity", render: (a) => <SeverityBadge severity={a.severity} /> },
    {
      key: "packages",
      header: t("work.advisories.packages"),
      wide: true,
      render: (a) => (
        <Text size="sm" lineClamp={2}>
          {a.affected.map((p) => p.package).join(", ")}
        </Text>
      ),
    },
    { key: "published_at", header: t("work.advisories.published"), sortField: "published_at", wide: true, render: (a) => formatDate(a.published_at) },
  ];

  // Opening the drawer must not move the table back to page 1.
  function setFilterKeepPage(name: string, value: string | null) {
    table.setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });
  }

  const anyFilter = FILTERS.some((name) => filter(name));

  return (
    <Stack>
      <div>
        <Title order={1} size="h2">
          {t("work.advisories.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("work.advisories.intro")}
        </Text>
      </div>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <TextInput
          label={t("common.search")}
          placeholder={t("work.advisories.searchPlaceholder")}
          type="search"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            applySearch(e.currentTarget.value);
          }}
          w={{ base: "100%", sm: 220 }}
        />
        <Select
          label={t("work.advisories.severity")}
          placeholder={t("common.all")}
          clearable
          data={SEVERITIES.map((s) => ({ value: s, label: t(`work.advisories.severities.${s}` as MessageKey) }))}
          value={severity ?? null}
          onChange={(v) => setFilter("severity", v)}
          w={150}
        />
        <TextInput label={t("work.advisories.ecosystem")} value={filter("ecosystem")} onChange={(e) => setFilter("ecosystem", e.currentTarget.value.trim())} w={140} />
        <TextInput
          label={t("work.advisories.package")}
          value={pkg}
          onChange={(e) => {
            setPkg(e.currentTarget.value);
            applyPkg(e.currentTarget.value);
          }}
          w={180}
        />
        {anyFilter && (
          <Button
            variant="subtle"
            onClick={() => {
              setSearch("");
              setPkg("");
              table.setParams(new URLSearchParams());
            }}
          >
            {t("common.clearFilters")}
          </Button>
        )}
      </Group>
      <DataTable
        caption={t("work.advisories.title")}
        columns={columns}
        rows={advisories.data?.data}
        rowKey={(a) => a.uuid}
        total={advisories.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={advisories.isFetching}
        error={advisories.error}
        onRetry={() => void advisories.refetch()}
        emptyTitle={t("work.advisories.empty")}
        emptyHelp={t("work.advisories.emptyHelp")}
      />
      <AdvisoryDrawer uuid={open} onClose={() => setFilterKeepPage("advisory", null)} />
    </Stack>
  );
}
