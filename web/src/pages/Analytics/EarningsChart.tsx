import { BarChart } from "@mantine/charts";
import { Group, Paper, SegmentedControl, Table, Title, VisuallyHidden } from "@mantine/core";

import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { formatDate } from "../../format";
import { useT } from "../../i18n";
import { formatMoney } from "../Ledger/money";
import { dayRange, fillDays } from "./dates";
import { useEarnings } from "./queries";

export const RANGES = [7, 30, 90] as const;

interface Props {
  until: string;
  days: number;
  onDays: (days: number) => void;
  currency: string | undefined;
  organization: string | undefined;
}

/** Management earnings per day as bars (and the same numbers as a table for screen readers). */
export function EarningsChart({ until, days, onDays, currency, organization }: Props) {
  const t = useT();
  const { since } = dayRange(until, days);
  const earnings = useEarnings(since, until, organization);
  const money = (value: number | string) => (currency ? formatMoney(value, currency) : Number(value).toFixed(2));

  let body;
  if (earnings.error) body = <ErrorState error={earnings.error} onRetry={() => void earnings.refetch()} />;
  else if (!earnings.data) body = <LoadingState />;
  else {
    const rows = fillDays(since, until, earnings.data, (day) => ({ day, management_earnings: "0", debits: "0", credits: "0" }));
    const chart = rows.map((r) => ({
      day: formatDate(r.day),
      earnings: Number(r.management_earnings),
    }));
    const anything = earnings.data.some((r) => Number(r.debits) !== 0 || Number(r.credits) !== 0);
    body = anything ? (
      <>
        <BarChart
          h={280}
          data={chart}
          dataKey="day"
          series={[{ name: "earnings", label: t("work.analytics.earnings"), color: "teal.6" }]}
          valueFormatter={(value) => money(value)}
          getBarColor={(value) => (value < 0 ? "red.6" : "teal.6")}
          tickLine="y"
          gridAxis="x"
          aria-hidden="true"
        />
        <VisuallyHidden>
          <Table>
            <caption>{t("work.analytics.tableCaption")}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("work.analytics.dateCol")}</Table.Th>
                <Table.Th>{t("work.analytics.earnings")}</Table.Th>
                <Table.Th>{t("work.analytics.debits")}</Table.Th>
                <Table.Th>{t("work.analytics.credits")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.day}>
                  <Table.Td>{formatDate(r.day)}</Table.Td>
                  <Table.Td>{money(r.management_earnings)}</Table.Td>
                  <Table.Td>{money(r.debits)}</Table.Td>
                  <Table.Td>{money(r.credits)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </VisuallyHidden>
      </>
    ) : (
      <EmptyState title={t("work.analytics.chartEmpty")} />
    );
  }

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="analytics-earnings">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4" id="analytics-earnings">
          {t("work.analytics.earningsChart")}
        </Title>
        <SegmentedControl
          aria-label={t("work.analytics.range")}
          size="xs"
          value={String(days)}
          onChange={(value) => onDays(Number(value))}
          data={RANGES.map((d) => ({ value: String(d), label: t("work.analytics.rangeDays", { days: d }) }))}
        />
      </Group>
      {body}
    </Paper>
  );
}
