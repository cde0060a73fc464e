import { Progress, Stack, Table, Text, Title } from "@mantine/core";

import { useT } from "../../i18n";
import { clampPercent, formatPercent } from "../Rollouts/rollouts";
import type { Kpis } from "./queries";

interface Line {
  key: string;
  label: string;
  kpis: Kpis;
}

/** One table of KPIs per group (ring or collection). */
export function Breakdown({ title, groupHeader, lines }: { title: string; groupHeader: string; lines: Line[] }) {
  const t = useT();
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {title}
      </Title>
      <Table.ScrollContainer minWidth={560}>
        <Table striped verticalSpacing={4} aria-label={title}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{groupHeader}</Table.Th>
              <Table.Th ta="right">{t("rollouts.cycle.devices")}</Table.Th>
              <Table.Th>{t("rollouts.cycle.installed")}</Table.Th>
              <Table.Th ta="right">{t("rollouts.cycle.failed")}</Table.Th>
              <Table.Th ta="right">{t("rollouts.cycle.inProgress")}</Table.Th>
              <Table.Th ta="right">{t("rollouts.cycle.notReported")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lines.map(({ key, label, kpis }) => (
              <Table.Tr key={key}>
                <Table.Td>{label}</Table.Td>
                <Table.Td ta="right">{kpis.devices}</Table.Td>
                <Table.Td miw={140}>
                  <Text size="xs">{formatPercent(kpis.installed_percent)}</Text>
                  <Progress value={clampPercent(kpis.installed_percent)} color="green" size="sm" aria-hidden />
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" c={kpis.failed ? "red" : undefined}>
                    {kpis.failed} ({formatPercent(kpis.failed_percent)})
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{kpis.in_progress}</Table.Td>
                <Table.Td ta="right">{kpis.not_reported}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
