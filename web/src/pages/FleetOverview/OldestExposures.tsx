import { Anchor, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import type { components } from "../../api/schema";
import { EmptyState } from "../../components/States";
import { daysSince, formatDate } from "../../format";
import { useT } from "../../i18n";

type Exposure = components["schemas"]["Exposure"];

export function OldestExposures({ items }: { items: Exposure[] }) {
  const t = useT();
  return (
    <Paper withBorder p="md" radius="md" h="100%">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t("overview.oldest")}
        </Title>
        <Anchor component={Link} to="/packages?missing_security=true&sort=exposure_started_at" size="sm">
          {t("common.viewAll")}
        </Anchor>
      </Group>
      {items.length === 0 ? (
        <EmptyState title={t("overview.noExposures")} />
      ) : (
        <Stack gap="xs" component="ol" style={{ paddingLeft: 0, listStyle: "none", margin: 0 }}>
          {items.map((e) => (
            <Group key={`${e.site_uuid}-${e.package}`} component="li" justify="space-between" wrap="nowrap" gap="sm">
              <div style={{ minWidth: 0 }}>
                <Anchor component={Link} to={`/sites/${e.site_uuid}`} size="sm" fw={600}>
                  {e.site_name}
                </Anchor>
                <Text size="xs" c="dimmed" truncate>
                  {e.package} {e.version ?? ""} · {t("overview.exposedSince", { date: formatDate(e.exposure_started_at) })}
                </Text>
              </div>
              <Badge color={e.overdue ? "red" : "gray"} variant={e.overdue ? "filled" : "light"} style={{ flexShrink: 0 }} tt="none">
                {daysSince(e.exposure_started_at)} d
              </Badge>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
