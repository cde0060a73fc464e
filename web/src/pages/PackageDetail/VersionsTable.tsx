import { Badge, Group, Paper, Table, Text, Title, VisuallyHidden } from "@mantine/core";

import { StatusBadge } from "../../components/StatusBadge";
import { EmptyState } from "../../components/States";
import { useT } from "../../i18n";
import type { VersionRow } from "./versions";

/** The versions in use, newest first: on how many sites, their statuses, how many are insecure. */
export function VersionsTable({ rows }: { rows: VersionRow[] }) {
  const t = useT();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="package-versions">
      <Title order={2} size="h4" mb="sm" id="package-versions">
        {t("work.packageDetail.versions")}
      </Title>
      {rows.length === 0 ? (
        <EmptyState title={t("work.packageDetail.sitesEmpty")}>{t("work.packageDetail.sitesEmptyHelp")}</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table striped verticalSpacing="xs">
            <VisuallyHidden component="caption">{t("work.packageDetail.versions")}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("work.packageDetail.version")}</Table.Th>
                <Table.Th ta="right">{t("work.packageDetail.sitesCol")}</Table.Th>
                <Table.Th>{t("work.packageDetail.status")}</Table.Th>
                <Table.Th>{t("work.packageDetail.insecureCol")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.version ?? "∅"}>
                  <Table.Td ff="monospace">{row.version ?? t("work.packageDetail.unknownVersion")}</Table.Td>
                  <Table.Td ta="right">{row.sites.toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {Object.entries(row.statuses).map(([status, count]) => (
                        <Group key={status} gap={2} wrap="nowrap">
                          <StatusBadge status={status} />
                          {Object.keys(row.statuses).length > 1 && (
                            <Text size="xs" c="dimmed">
                              ×{count}
                            </Text>
                          )}
                        </Group>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {row.insecure > 0 ? (
                      <Badge color="red" variant="filled" radius="sm">
                        {t("work.packageDetail.yes")} ({row.insecure})
                      </Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t("work.packageDetail.no")}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
