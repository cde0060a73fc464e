import { DonutChart } from "@mantine/charts";
import { Anchor, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import { STATUSES, STATUS_COLORS } from "../../components/StatusBadge";
import { useT, type MessageKey } from "../../i18n";

/** A donut of sites by worst status, with a legend whose numbers open the filtered list. */
export function SitesByStatus({ counts }: { counts: Record<string, number> }) {
  const t = useT();
  const data = STATUSES.map((status) => ({
    name: t(`status.${status}` as MessageKey),
    value: counts[status] ?? 0,
    color: `${STATUS_COLORS[status]}.6`,
    status,
  }));
  return (
    <Paper withBorder p="md" radius="md" h="100%">
      <Title order={2} size="h4" mb="sm">
        {t("overview.sitesByStatus")}
      </Title>
      <Group align="center" wrap="wrap" gap="lg">
        <DonutChart data={data.filter((d) => d.value > 0)} size={160} thickness={28} withTooltip aria-hidden="true" />
        <Stack gap={4} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {data.map((d) => (
            <Group key={d.status} component="li" gap="xs" wrap="nowrap">
              <span aria-hidden="true" style={{ width: 10, height: 10, borderRadius: 2, background: `var(--mantine-color-${STATUS_COLORS[d.status]}-6)` }} />
              <Text size="sm">{d.name}</Text>
              <Anchor component={Link} to={`/sites?status=${d.status}`} size="sm" fw={600}>
                {d.value.toLocaleString()}
              </Anchor>
            </Group>
          ))}
        </Stack>
      </Group>
    </Paper>
  );
}
