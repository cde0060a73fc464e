import { BarChart } from "@mantine/charts";
import { Anchor, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import type { components } from "../../api/schema";
import { useT } from "../../i18n";

type AgeBucket = components["schemas"]["AgeBucket"];

/** Open security updates per age bucket; each bucket's numbers open the list, oldest first. */
export function AgeBuckets({ buckets }: { buckets: AgeBucket[] }) {
  const t = useT();
  const data = buckets.map((b) => ({ bucket: t("overview.byAgeDays", { bucket: b.bucket }), count: b.count }));
  return (
    <Paper withBorder p="md" radius="md" h="100%">
      <Title order={2} size="h4" mb="sm">
        {t("overview.byAge")}
      </Title>
      <BarChart h={160} data={data} dataKey="bucket" series={[{ name: "count", label: t("overview.count"), color: "red.6" }]} aria-hidden="true" />
      <Stack gap={2} mt="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {buckets.map((b) => (
          <Group key={b.bucket} component="li" gap="xs">
            <Text size="sm">{t("overview.byAgeDays", { bucket: b.bucket })}:</Text>
            <Anchor component={Link} to="/packages?missing_security=true&sort=exposure_started_at" size="sm" fw={600}>
              {b.count.toLocaleString()}
            </Anchor>
            {b.overdue > 0 && (
              <Anchor component={Link} to="/packages?overdue=true&sort=sla_due_at" size="sm" c="red">
                {t("overview.overdueInBucket", { count: b.overdue })}
              </Anchor>
            )}
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
