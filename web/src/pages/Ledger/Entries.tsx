import { Anchor, Badge, Group, Select, Stack, Text, Title } from "@mantine/core";

import { DataTable, type Column } from "../../components/DataTable";
import { toQuery } from "../../components/tableState";
import type { useTableState } from "../../components/useTableState";
import { formatDate, formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { EngineerSelect } from "../TaskBoard/EngineerSelect";
import { Money } from "./Money";
import { ENTRY_KINDS, useEntries, type Entry, type EntryKind } from "./queries";

const KIND_COLORS: Record<EntryKind, string> = { fee: "orange", reward: "teal", payout: "blue", correction: "grape" };

/** The ledger's entries, newest first; bill readers see everyone's and may pick an engineer. */
export function Entries({ table, everyone }: { table: ReturnType<typeof useTableState>; everyone: boolean }) {
  const t = useT();
  const kind = (ENTRY_KINDS as string[]).includes(table.filter("kind")) ? (table.filter("kind") as EntryKind) : undefined;
  const user = everyone ? table.filter("user") || undefined : undefined;
  const entries = useEntries({ ...toQuery(table.state), kind, user_uuid: user });

  const columns: Column<Entry>[] = [
    {
      key: "occurred_at",
      header: t("work.ledger.when"),
      sortField: "occurred_at",
      render: (e) => (
        <Stack gap={0}>
          <Text size="sm">{formatDateTime(e.occurred_at)}</Text>
          <Text size="xs" c="dimmed">
            {t("work.ledger.accountingDay")}: {formatDate(e.day)}
          </Text>
        </Stack>
      ),
    },
    ...(everyone ? [{ key: "user", header: t("work.ledger.user"), render: (e: Entry) => e.user.name || e.user.login }] : []),
    {
      key: "kind",
      header: t("work.ledger.kind"),
      render: (e) => (
        <Badge color={KIND_COLORS[e.kind]} variant="light" radius="sm">
          {t(`work.ledger.kinds.${e.kind}` as MessageKey)}
        </Badge>
      ),
    },
    { key: "amount", header: t("work.ledger.amount"), sortField: "amount", render: (e) => <Money amount={e.amount} currency={e.currency} signed /> },
    {
      key: "description",
      header: t("work.ledger.entryDescription"),
      wide: true,
      render: (e) => (
        <Text size="sm" lineClamp={2}>
          {e.description}
        </Text>
      ),
    },
  ];

  return (
    <Stack component="section" aria-labelledby="ledger-entries" gap="sm">
      <Title order={2} size="h4" id="ledger-entries">
        {t("work.ledger.entries")}
      </Title>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label={t("work.ledger.kind")}
          placeholder={t("common.all")}
          clearable
          data={ENTRY_KINDS.map((k) => ({ value: k, label: t(`work.ledger.kinds.${k}` as MessageKey) }))}
          value={kind ?? null}
          onChange={(v) => table.setFilter("kind", v)}
          w={170}
        />
        {everyone && (
          <EngineerSelect
            label={t("work.ledger.user")}
            placeholder={t("common.all")}
            value={user ?? null}
            onChange={(v) => table.setFilter("user", v)}
            w={{ base: "100%", sm: 240 }}
          />
        )}
        {(kind || user) && (
          <Anchor component="button" type="button" size="sm" onClick={() => table.setParams(new URLSearchParams(table.filter("day") ? { day: table.filter("day") } : {}))}>
            {t("common.clearFilters")}
          </Anchor>
        )}
      </Group>
      <DataTable
        caption={t("work.ledger.entries")}
        columns={columns}
        rows={entries.data?.data}
        rowKey={(e) => e.uuid}
        total={entries.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={entries.isFetching}
        error={entries.error}
        onRetry={() => void entries.refetch()}
        emptyTitle={t("work.ledger.entriesEmpty")}
        emptyHelp={t("work.ledger.entriesEmptyHelp")}
      />
    </Stack>
  );
}
