import { Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";

import { useT } from "../../i18n";
import { amountColor, formatMoney } from "./money";

interface Figures {
  opening: string;
  debits: string;
  credits: string;
  payout: string;
  closing: string;
  currency: string;
  management_earnings?: string | null;
}

function Figure({ label, value, currency, color, strong }: { label: string; value: string; currency: string; color?: string; strong?: boolean }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size={strong ? "xl" : "lg"} fw={strong ? 700 : 500} c={color}>
        {formatMoney(value, currency)}
      </Text>
    </Stack>
  );
}

/** A day's figures: opening, debits, credits, payout, closing (and management's earnings). */
export function DayFigures({ title, figures, id }: { title: string; figures: Figures; id: string }) {
  const t = useT();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: figures.management_earnings != null ? 6 : 5 }} spacing="md">
        <Figure label={t("work.ledger.opening")} value={figures.opening} currency={figures.currency} color={amountColor(figures.opening) === "red" ? "red" : undefined} />
        <Figure label={t("work.ledger.debits")} value={figures.debits} currency={figures.currency} />
        <Figure label={t("work.ledger.credits")} value={figures.credits} currency={figures.currency} />
        <Figure label={t("work.ledger.payout")} value={figures.payout} currency={figures.currency} />
        <Figure label={t("work.ledger.closing")} value={figures.closing} currency={figures.currency} color={amountColor(figures.closing) === "red" ? "red" : undefined} strong />
        {figures.management_earnings != null && (
          <Figure label={t("work.ledger.managementEarnings")} value={figures.management_earnings} currency={figures.currency} color={amountColor(figures.management_earnings)} strong />
        )}
      </SimpleGrid>
    </Paper>
  );
}
