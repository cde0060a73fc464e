import "@mantine/charts/styles.css";

import { LineChart } from "@mantine/charts";
import { Paper, Stack, Text, Title } from "@mantine/core";

import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { formatPercent } from "../Rollouts/rollouts";
import type { TrendPoint } from "./queries";

/** Installed % and failed % per report shown in history, oldest first. */
export function TrendChart({ points }: { points: TrendPoint[] }) {
  const t = useT();
  const data = points.map((p) => ({ time: formatDateTime(p.reported_at), installed: p.installed_percent, failed: p.failed_percent }));
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("rollouts.cycle.trend")}
        </Title>
        {points.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("rollouts.cycle.trendEmpty")}
          </Text>
        ) : (
          <div role="img" aria-label={t("rollouts.cycle.trendCaption")}>
            <LineChart
              h={260}
              data={data}
              dataKey="time"
              yAxisProps={{ domain: [0, 100] }}
              valueFormatter={(v) => formatPercent(v)}
              withLegend
              curveType="linear"
              series={[
                { name: "installed", label: t("rollouts.cycle.installedPercent"), color: "green.6" },
                { name: "failed", label: t("rollouts.cycle.failedPercent"), color: "red.6" },
              ]}
            />
          </div>
        )}
      </Stack>
    </Paper>
  );
}
