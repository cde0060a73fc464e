import { Badge, Button, Group, Paper, Table, Title, VisuallyHidden } from "@mantine/core";

import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { useT } from "../../i18n";
import { Money } from "./Money";
import { isNegative } from "./money";
import { useBalances } from "./queries";

/** Every engineer's figures for the day (the API sends the whole, small, list at once). */
export function Balances({ day, onShowEntries }: { day: string | undefined; onShowEntries: (userUuid: string) => void }) {
  const t = useT();
  const balances = useBalances(day, true);
  let body;
  if (balances.error) body = <ErrorState error={balances.error} onRetry={() => void balances.refetch()} />;
  else if (!balances.data) body = <LoadingState />;
  else if (balances.data.length === 0) body = <EmptyState title={t("work.ledger.balancesEmpty")}>{t("work.ledger.balancesEmptyHelp")}</EmptyState>;
  else
    body = (
      <Table.ScrollContainer minWidth={560}>
        <Table striped highlightOnHover verticalSpacing="xs">
          <VisuallyHidden component="caption">{t("work.ledger.balances")}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("work.ledger.engineer")}</Table.Th>
              <Table.Th ta="right">{t("work.ledger.opening")}</Table.Th>
              <Table.Th ta="right" visibleFrom="sm">{t("work.ledger.debits")}</Table.Th>
              <Table.Th ta="right" visibleFrom="sm">{t("work.ledger.credits")}</Table.Th>
              <Table.Th ta="right" visibleFrom="sm">{t("work.ledger.payout")}</Table.Th>
              <Table.Th ta="right">{t("work.ledger.closing")}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t("work.ledger.entries")}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {balances.data.map((b) => (
              <Table.Tr key={b.user.uuid}>
                <Table.Td>
                  <Group gap="xs">
                    {b.user.name || b.user.login}
                    {isNegative(b.closing) && (
                      <Badge color="red" variant="light" size="xs" radius="sm">
                        {t("work.ledger.negative")}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td ta="right"><Money amount={b.opening} currency={b.currency} /></Table.Td>
                <Table.Td ta="right" visibleFrom="sm"><Money amount={b.debits} currency={b.currency} /></Table.Td>
                <Table.Td ta="right" visibleFrom="sm"><Money amount={b.credits} currency={b.currency} /></Table.Td>
                <Table.Td ta="right" visibleFrom="sm"><Money amount={b.payout} currency={b.currency} /></Table.Td>
                <Table.Td ta="right" fw={700}><Money amount={b.closing} currency={b.currency} /></Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="subtle" onClick={() => onShowEntries(b.user.uuid)}>
                    {t("work.ledger.entries")}
                    <VisuallyHidden>: {b.user.name || b.user.login}</VisuallyHidden>
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="ledger-balances">
      <Title order={2} size="h4" mb="sm" id="ledger-balances">
        {t("work.ledger.balances")}
      </Title>
      {body}
    </Paper>
  );
}
