import { Group, Paper, Progress, RingProgress, SimpleGrid, Stack, Text, Title, Tooltip } from "@mantine/core";

import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { clampPercent, formatPercent } from "../Rollouts/rollouts";
import type { Kpis } from "./queries";

function KpiCard({ label, value, detail, color }: { label: string; value: string | number; detail?: string; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="xl" fw={700} c={color}>
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Paper>
  );
}

/** The latest report's totals: installed % ring, a stacked bar and one card per status. */
export function KpiSummary({ kpis, reportedAt }: { kpis: Kpis; reportedAt: string }) {
  const t = useT();
  const of = (count: number) => t("rollouts.cycle.ofDevices", { count, total: kpis.devices });
  const segments = [
    { key: "installed", value: kpis.installed_percent, color: "green", label: t("rollouts.cycle.installed") },
    { key: "failed", value: kpis.failed_percent, color: "red", label: t("rollouts.cycle.failed") },
    { key: "in_progress", value: kpis.in_progress_percent, color: "blue", label: t("rollouts.cycle.inProgress") },
    { key: "not_reported", value: kpis.not_reported_percent, color: "gray", label: t("rollouts.cycle.notReported") },
  ];
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {t("rollouts.cycle.kpis")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("rollouts.cycle.latestAt", { time: formatDateTime(reportedAt) })}
          </Text>
        </Group>
        <Group align="center" wrap="wrap" gap="lg">
          <RingProgress
            size={140}
            thickness={14}
            roundCaps
            sections={[
              { value: clampPercent(kpis.installed_percent), color: "green" },
              { value: clampPercent(kpis.failed_percent), color: "red" },
            ]}
            label={
              <Text ta="center" fw={700} size="lg">
                {formatPercent(kpis.installed_percent)}
              </Text>
            }
            aria-label={t("rollouts.cycle.installedRing", { value: formatPercent(kpis.installed_percent) })}
            role="img"
          />
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" style={{ flex: 1, minWidth: 240 }}>
            <KpiCard label={t("rollouts.cycle.devices")} value={kpis.devices} />
            <KpiCard label={t("rollouts.cycle.installed")} value={formatPercent(kpis.installed_percent)} detail={of(kpis.installed)} color="green" />
            <KpiCard label={t("rollouts.cycle.failed")} value={formatPercent(kpis.failed_percent)} detail={of(kpis.failed)} color={kpis.failed ? "red" : undefined} />
            <KpiCard label={t("rollouts.cycle.inProgress")} value={kpis.in_progress} detail={formatPercent(kpis.in_progress_percent)} />
            <KpiCard label={t("rollouts.cycle.notReported")} value={kpis.not_reported} detail={formatPercent(kpis.not_reported_percent)} />
          </SimpleGrid>
        </Group>
        <Progress.Root size="lg" aria-hidden>
          {segments.map((s) => (
            <Tooltip key={s.key} label={`${s.label}: ${formatPercent(s.value)}`}>
              <Progress.Section value={clampPercent(s.value)} color={s.color} />
            </Tooltip>
          ))}
        </Progress.Root>
      </Stack>
    </Paper>
  );
}
