import { Alert, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

import { useT } from "../../i18n";
import type { ImportOutcome } from "./importApi";
import { ImportStatusBadge } from "./ImportStatusBadge";

const MAX_ERRORS_LISTED = 100;

function Count({ label, value, color }: { label: string; value: number | string; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="xl" fw={700} c={color} aria-label={`${label}: ${value}`}>
        {value}
      </Text>
    </Paper>
  );
}

/** The counts and row errors of an import (a dry run's preview, or a real one). */
export function ImportResult({ outcome, actions }: { outcome: ImportOutcome; actions?: ReactNode }) {
  const t = useT();
  const { record, rowErrors, error } = outcome;
  const file = record?.file_name ?? "";
  return (
    <Stack gap="md" aria-live="polite">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h4">
          {t("operations.imports.result")}
        </Title>
        {record && <ImportStatusBadge status={record.status} />}
      </Group>
      {error && (
        <Alert color="red" variant="light" role="alert" title={t("operations.imports.resultFailed")}>
          {error.message}
        </Alert>
      )}
      {record && (
        <>
          <Text size="sm">
            {record.dry_run ? t("operations.imports.resultDryRun", { file }) : t("operations.imports.resultReal", { file })}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
            <Count label={t("operations.imports.total")} value={record.rows_total} />
            <Count label={t("operations.imports.created")} value={record.rows_created} color="green" />
            <Count label={t("operations.imports.updated")} value={record.rows_updated} color="blue" />
            <Count label={t("operations.imports.unchanged")} value={record.rows_unchanged} />
            <Count label={t("operations.imports.errors")} value={record.rows_failed} color={record.rows_failed ? "red" : undefined} />
          </SimpleGrid>
        </>
      )}
      {rowErrors.length > 0 ? (
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t("operations.imports.rowErrors")}
          </Title>
          <Table.ScrollContainer minWidth={420} mah={420}>
            <Table striped verticalSpacing={4} stickyHeader aria-label={t("operations.imports.rowErrors")}>
              {rowErrors.length >= MAX_ERRORS_LISTED && <Table.Caption>{t("operations.imports.firstErrors", { count: rowErrors.length })}</Table.Caption>}
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>{t("operations.imports.row")}</Table.Th>
                  <Table.Th w={160}>{t("operations.imports.column")}</Table.Th>
                  <Table.Th>{t("operations.imports.message")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rowErrors.map((e, i) => (
                  <Table.Tr key={`${e.row}-${e.column}-${i}`}>
                    <Table.Td>{e.row ?? t("common.none")}</Table.Td>
                    <Table.Td>{e.column ?? t("common.none")}</Table.Td>
                    <Table.Td style={{ overflowWrap: "anywhere" }}>{e.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      ) : (
        record && (
          <Text size="sm" c="dimmed">
            {t("operations.imports.noErrors")}
          </Text>
        )
      )}
      {actions}
    </Stack>
  );
}
