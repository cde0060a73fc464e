import "@mantine/charts/styles.css";
import "@mantine/dates/styles.css";

import { Anchor, Badge, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { Link } from "react-router";

import { useCan, useMe } from "../../auth/session";
import { ErrorState, LoadingState } from "../../components/States";
import { useTableState } from "../../components/useTableState";
import { formatDate } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { formatMoney, isNegative } from "../Ledger/money";
import { useBalances } from "../Ledger/queries";
import { useOrganizationOptions } from "../Users/queries";
import { isoDay } from "./dates";
import { EarningsChart, RANGES } from "./EarningsChart";
import { useOrganizationCurrency, useWorkAnalytics } from "./queries";

const PERIODS = ["day", "week", "month"] as const;

function Stat({ label, value, color, children }: { label: string; value: string; color?: string; children?: React.ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color}>
        {value}
      </Text>
      {children}
    </Paper>
  );
}

export default function Analytics() {
  const t = useT();
  const { filter, setFilter } = useTableState();
  const billing = useCan("billing:read");
  const today = isoDay(new Date());
  const day = filter("day") || undefined;
  const rangeParam = Number(filter("days"));
  const days = (RANGES as readonly number[]).includes(rangeParam) ? rangeParam : 30;
  // A platform admin picks the organization (their own by default); everyone else sees their own.
  const isAdmin = useCan("platform:admin");
  const me = useMe();
  const organizations = useOrganizationOptions(isAdmin);
  const organization = isAdmin ? filter("org") || me.data?.organization.uuid : undefined;
  const analytics = useWorkAnalytics(day, organization);
  const currency = useOrganizationCurrency(billing, organization).data;
  const balances = useBalances(day, billing, organization);
  const money = (value: string) => (currency ? formatMoney(value, currency) : Number(value).toFixed(2));
  const negative = (balances.data ?? []).filter((b) => isNegative(b.closing));

  return (
    <Stack>
      <div>
        <Title order={1} size="h2">
          {t("work.analytics.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("work.analytics.intro")}
        </Text>
      </div>
      <Group align="flex-end">
        {isAdmin && (
          <Select
            label={t("work.analytics.organization")}
            data={organizations.data ?? []}
            value={organization ?? null}
            onChange={(value) => setFilter("org", value)}
            allowDeselect={false}
            searchable
            w={260}
          />
        )}
        <DatePickerInput
          label={t("work.analytics.day")}
          value={day ?? today}
          onChange={(value) => setFilter("day", value ? String(value).slice(0, 10) : null)}
          maxDate={new Date()}
          valueFormat="YYYY-MM-DD"
          w={200}
        />
      </Group>
      {analytics.error ? (
        <ErrorState error={analytics.error} onRetry={() => void analytics.refetch()} />
      ) : !analytics.data ? (
        <LoadingState />
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Stat
              label={t("work.analytics.earningsToday")}
              value={money(analytics.data.management_earnings)}
              color={isNegative(analytics.data.management_earnings) ? "red" : "teal"}
            >
              <Text size="xs" c="dimmed">
                {formatDate(analytics.data.day)}
              </Text>
            </Stat>
            <Stat label={t("work.analytics.negativeEngineers")} value={String(analytics.data.negative_engineers)} color={analytics.data.negative_engineers > 0 ? "red" : undefined}>
              {negative.length > 0 && (
                <Group gap={4} mt={4}>
                  {negative.map((b) => (
                    <Badge key={b.user.uuid} color="red" variant="light" radius="sm" tt="none">
                      {b.user.name || b.user.login}: {formatMoney(b.closing, b.currency)}
                    </Badge>
                  ))}
                </Group>
              )}
            </Stat>
            <Stat label={t("work.analytics.openPastDue")} value={String(analytics.data.open_past_due)} color={analytics.data.open_past_due > 0 ? "orange" : undefined}>
              {analytics.data.open_past_due > 0 && (
                <Anchor component={Link} to="/tasks/board" size="xs">
                  {t("work.nav.board")}
                </Anchor>
              )}
            </Stat>
          </SimpleGrid>
          <section aria-labelledby="analytics-expensive">
            <Title order={2} size="h4" mb="sm" id="analytics-expensive">
              {t("work.analytics.mostExpensive")}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {PERIODS.map((period) => {
                const task = analytics.data.most_expensive_task[period];
                return (
                  <Paper key={period} withBorder radius="md" p="md">
                    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                      {t(`work.analytics.periods.${period}` as MessageKey)}
                    </Text>
                    {task ? (
                      <>
                        <Text size="xl" fw={700}>
                          {formatMoney(task.completion_reward, task.currency)}
                        </Text>
                        <Text size="sm" lineClamp={2}>
                          {task.title}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {formatDate(task.completed_at)}
                        </Text>
                      </>
                    ) : (
                      <Text size="sm" c="dimmed" mt={4}>
                        {t("work.analytics.noTask")}
                      </Text>
                    )}
                  </Paper>
                );
              })}
            </SimpleGrid>
          </section>
        </>
      )}
      <EarningsChart until={day ?? today} days={days} onDays={(d) => setFilter("days", d === 30 ? null : String(d))} currency={currency} organization={organization} />
    </Stack>
  );
}
