import { ActionIcon, Badge, Box, Button, Card, Group, SimpleGrid, Stack, Text, Title, UnstyledButton } from "@mantine/core";
import { useMemo, useState } from "react";

import { ErrorState, LoadingState } from "../../components/States";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { dayKey, gridRange, monthGrid, windowsOnDay } from "./datetime";
import { useMaintenanceRequests, type MaintenanceRequest } from "./queries";

const MAX_PER_DAY_SHOWN = 2;

/** A month grid of the accepted windows; choose a day to list its windows. */
export function CalendarView({ onShow }: { onShow: (request: MaintenanceRequest) => void }) {
  const t = useT();
  const today = new Date();
  const [month, setMonth] = useState({ year: today.getFullYear(), month: today.getMonth() });
  const [selected, setSelected] = useState<Date | null>(null);
  const weeks = useMemo(() => monthGrid(month.year, month.month), [month]);
  const range = useMemo(() => gridRange(weeks), [weeks]);
  const windows = useMaintenanceRequests({ page: 1, per_page: 200, state: "accepted", from: range.from, to: range.to, sort: "starts_at" });
  const list = windows.data?.data ?? [];

  const monthName = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric" }).format(new Date(month.year, month.month, 1));
  const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short" });
  const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: "full" });
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
  const shift = (delta: number) => {
    const d = new Date(month.year, month.month + delta, 1);
    setMonth({ year: d.getFullYear(), month: d.getMonth() });
    setSelected(null);
  };
  const selectedWindows = selected ? windowsOnDay(list, selected) : [];

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h3" aria-live="polite">
          {monthName}
        </Title>
        <Group gap="xs">
          <ActionIcon variant="default" size="lg" onClick={() => shift(-1)} aria-label={t("operations.maintenance.calendar.previous")} title={t("operations.maintenance.calendar.previous")}>
            <span aria-hidden="true">‹</span>
          </ActionIcon>
          <Button
            variant="default"
            size="sm"
            onClick={() => {
              setMonth({ year: today.getFullYear(), month: today.getMonth() });
              setSelected(today);
            }}
          >
            {t("operations.maintenance.calendar.today")}
          </Button>
          <ActionIcon variant="default" size="lg" onClick={() => shift(1)} aria-label={t("operations.maintenance.calendar.next")} title={t("operations.maintenance.calendar.next")}>
            <span aria-hidden="true">›</span>
          </ActionIcon>
        </Group>
      </Group>
      {windows.error ? (
        <ErrorState error={windows.error} onRetry={() => void windows.refetch()} />
      ) : windows.isPending ? (
        <LoadingState />
      ) : (
        <Box role="grid" aria-label={monthName} aria-busy={windows.isFetching || undefined}>
          <SimpleGrid cols={7} spacing={4} role="row">
            {weeks[0]!.map((day) => (
              <Text key={day.getDay()} role="columnheader" size="xs" fw={600} c="dimmed" ta="center">
                {weekdayFormat.format(day)}
              </Text>
            ))}
          </SimpleGrid>
          {weeks.map((week) => (
            <SimpleGrid key={dayKey(week[0]!)} cols={7} spacing={4} mt={4} role="row">
              {week.map((day) => {
                const onDay = windowsOnDay(list, day);
                const inMonth = day.getMonth() === month.month;
                const isSelected = selected !== null && dayKey(selected) === dayKey(day);
                const isToday = dayKey(day) === dayKey(today);
                const label = onDay.length
                  ? t("operations.maintenance.calendar.dayLabel", { date: longDate.format(day), count: onDay.length })
                  : t("operations.maintenance.calendar.dayLabelNone", { date: longDate.format(day) });
                return (
                  <Box key={dayKey(day)} role="gridcell" aria-selected={isSelected} style={{ display: "flex" }}>
                  <UnstyledButton
                    aria-label={label}
                    aria-pressed={isSelected}
                    onClick={() => setSelected(day)}
                    p={4}
                    w="100%"
                    mih={{ base: 44, sm: 84 }}
                    bd={isSelected ? "2px solid var(--mantine-primary-color-filled)" : "1px solid var(--mantine-color-default-border)"}
                    bg={onDay.length ? "var(--mantine-primary-color-light)" : undefined}
                    style={{ borderRadius: "var(--mantine-radius-sm)", opacity: inMonth ? 1 : 0.5, display: "flex", flexDirection: "column", alignItems: "stretch", justifyContent: "flex-start" }}
                  >
                    <Text size="xs" fw={isToday ? 800 : 500} c={isToday ? "blue" : undefined} td={isToday ? "underline" : undefined}>
                      {day.getDate()}
                    </Text>
                    <Box visibleFrom="sm">
                      {onDay.slice(0, MAX_PER_DAY_SHOWN).map((w) => (
                        <Text key={w.uuid} size="10px" lh={1.3} truncate aria-hidden="true">
                          {timeFormat.format(new Date(w.starts_at))} {w.site_name}
                        </Text>
                      ))}
                      {onDay.length > MAX_PER_DAY_SHOWN && (
                        <Text size="10px" c="dimmed" aria-hidden="true">
                          {t("operations.maintenance.calendar.more", { count: onDay.length - MAX_PER_DAY_SHOWN })}
                        </Text>
                      )}
                    </Box>
                    {onDay.length > 0 && (
                      <Badge hiddenFrom="sm" size="xs" circle aria-hidden="true">
                        {onDay.length}
                      </Badge>
                    )}
                  </UnstyledButton>
                  </Box>
                );
              })}
            </SimpleGrid>
          ))}
        </Box>
      )}
      <Card withBorder aria-live="polite">
        {selected ? (
          <Stack gap="xs">
            <Title order={3} size="h5">
              {t("operations.maintenance.calendar.windowsOn", { date: longDate.format(selected) })}
            </Title>
            {selectedWindows.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("operations.maintenance.calendar.noWindows")}
              </Text>
            ) : (
              <Stack gap={6} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
                {selectedWindows.map((w) => (
                  <li key={w.uuid}>
                    <UnstyledButton onClick={() => onShow(w)} style={{ display: "block" }}>
                      <Text size="sm" fw={600}>
                        {w.topic} — {w.site_name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(w.starts_at)} – {formatDateTime(w.ends_at)}
                      </Text>
                    </UnstyledButton>
                  </li>
                ))}
              </Stack>
            )}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            {t("operations.maintenance.calendar.pickDay")}
          </Text>
        )}
      </Card>
    </Stack>
  );
}
