import { Badge, Group, Select, Stack, Text } from "@mantine/core";

import { DataTable, type Column } from "../../components/DataTable";
import { toQuery } from "../../components/tableState";
import type { useTableState } from "../../components/useTableState";
import { formatDate } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { EngineerSelect } from "../TaskBoard/EngineerSelect";
import { Money } from "./Money";
import { useStatements, type Statement, type StatementKind } from "./queries";

const KINDS: StatementKind[] = ["engineer", "organization"];

/** Daily statements: one's own, or (bill readers) every engineer's and the organization's. */
export function Statements({ table, everyone }: { table: ReturnType<typeof useTableState>; everyone: boolean }) {
  const t = useT();
  const kind = (KINDS as string[]).includes(table.filter("kind")) ? (table.filter("kind") as StatementKind) : undefined;
  const user = everyone ? table.filter("user") || undefined : undefined;
  const statements = useStatements({ ...toQuery(table.state), kind: everyone ? kind : undefined, user_uuid: user });

  const columns: Column<Statement>[] = [
    { key: "day", header: t("work.ledger.day"), sortField: "day", render: (s) => <Text size="sm" style={{ whiteSpace: "nowrap" }}>{formatDate(s.day)}</Text> },
    ...(everyone
      ? [
          {
            key: "who",
            header: t("work.ledger.statementKind"),
            render: (s: Statement) =>
              s.user ? (
                s.user.name || s.user.login
              ) : (
                <Badge variant="light" color="blue" radius="sm">
                  {t("work.ledger.orgStatement")}
                </Badge>
              ),
          },
        ]
      : []),
    { key: "opening", header: t("work.ledger.opening"), render: (s) => <Money amount={s.opening} currency={s.currency} /> },
    { key: "debits", header: t("work.ledger.debits"), wide: true, render: (s) => <Money amount={s.debits} currency={s.currency} /> },
    { key: "credits", header: t("work.ledger.credits"), wide: true, render: (s) => <Money amount={s.credits} currency={s.currency} /> },
    { key: "payout", header: t("work.ledger.payout"), wide: true, render: (s) => <Money amount={s.payout} currency={s.currency} /> },
    { key: "closing", header: t("work.ledger.closing"), sortField: "closing", render: (s) => <Money amount={s.closing} currency={s.currency} /> },
  ];
  if (everyone) {
    columns.push({
      key: "earnings",
      header: t("work.ledger.managementEarnings"),
      wide: true,
      render: (s) => (s.management_earnings != null ? <Money amount={s.management_earnings} currency={s.currency} signed /> : t("common.none")),
    });
  }

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("work.ledger.statementsIntro")}
      </Text>
      {everyone && (
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label={t("work.ledger.statementKind")}
            placeholder={t("common.all")}
            clearable
            data={KINDS.map((k) => ({ value: k, label: t(`work.ledger.statementKinds.${k}` as MessageKey) }))}
            value={kind ?? null}
            onChange={(v) => table.setFilter("kind", v)}
            w={180}
          />
          <EngineerSelect
            label={t("work.ledger.user")}
            placeholder={t("common.all")}
            value={user ?? null}
            onChange={(v) => table.setFilter("user", v)}
            w={{ base: "100%", sm: 240 }}
          />
        </Group>
      )}
      <DataTable
        caption={t("work.ledger.statements")}
        columns={columns}
        rows={statements.data?.data}
        rowKey={(s) => s.uuid}
        total={statements.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={statements.isFetching}
        error={statements.error}
        onRetry={() => void statements.refetch()}
        emptyTitle={t("work.ledger.statementsEmpty")}
        emptyHelp={t("work.ledger.statementsEmptyHelp")}
      />
    </Stack>
  );
}
