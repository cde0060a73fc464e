import { Code, Stack, Table, Text, Title } from "@mantine/core";

import { useT } from "../../i18n";
import type { Kpis } from "./queries";

/** The latest report's error codes, most frequent first (as the API orders them). */
export function TopErrors({ errors }: { errors: Kpis["top_error_codes"] }) {
  const t = useT();
  const sorted = [...errors].sort((a, b) => b.devices - a.devices);
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t("rollouts.cycle.topErrors")}
      </Title>
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("rollouts.cycle.noErrors")}
        </Text>
      ) : (
        <Table striped verticalSpacing={4} aria-label={t("rollouts.cycle.topErrors")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("rollouts.cycle.errorCode")}</Table.Th>
              <Table.Th ta="right">{t("rollouts.cycle.errorDevices")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((e) => (
              <Table.Tr key={e.code}>
                <Table.Td>
                  <Code>{e.code}</Code>
                </Table.Td>
                <Table.Td ta="right">{e.devices}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
