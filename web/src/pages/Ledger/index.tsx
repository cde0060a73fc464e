import "@mantine/dates/styles.css";

import { Button, Group, Stack, Tabs, Title } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { useDisclosure } from "@mantine/hooks";
import { useLocation, useNavigate } from "react-router";

import { useCan } from "../../auth/session";
import { ErrorState, LoadingState } from "../../components/States";
import { useTableState } from "../../components/useTableState";
import { useT } from "../../i18n";
import { Balances } from "./Balances";
import { CorrectionModal } from "./CorrectionModal";
import { DayFigures } from "./DayFigures";
import { Entries } from "./Entries";
import { Statements } from "./Statements";
import { useOrganizationDay, useOwnBalance } from "./queries";

function OwnBalance({ day }: { day: string | undefined }) {
  const t = useT();
  const balance = useOwnBalance(day, true);
  if (balance.error) return <ErrorState error={balance.error} onRetry={() => void balance.refetch()} />;
  if (!balance.data) return <LoadingState />;
  return <DayFigures id="ledger-own" title={t("work.ledger.myBalance")} figures={balance.data} />;
}

function Organization({ day }: { day: string | undefined }) {
  const t = useT();
  const org = useOrganizationDay(day, true);
  if (org.error) return <ErrorState error={org.error} onRetry={() => void org.refetch()} />;
  if (!org.data) return <LoadingState />;
  return <DayFigures id="ledger-org" title={t("work.ledger.organization")} figures={org.data} />;
}

export default function Ledger() {
  const t = useT();
  const table = useTableState();
  const billing = useCan("billing:read");
  const canCorrect = useCan("ledger:write");
  const [correcting, { open, close }] = useDisclosure(false);
  const location = useLocation();
  const navigate = useNavigate();
  // `/statements` (where the bell's statement notices link) is this page's second tab.
  const tab = location.pathname.startsWith("/statements") || table.filter("tab") === "statements" ? "statements" : "balance";
  const day = table.filter("day") || undefined;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={1} size="h2">
          {t("work.ledger.title")}
        </Title>
        {canCorrect && (
          <Button onClick={open} variant="light">
            {t("work.ledger.addCorrection")}
          </Button>
        )}
      </Group>
      <Tabs value={tab} onChange={(value) => navigate(value === "statements" ? "/statements" : "/ledger")} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="balance">{t("work.ledger.tabBalance")}</Tabs.Tab>
          <Tabs.Tab value="statements">{t("work.ledger.tabStatements")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="balance" pt="md">
          <Stack>
            <DatePickerInput
              label={t("work.ledger.day")}
              value={day ?? new Date().toISOString().slice(0, 10)}
              onChange={(value) => table.setFilter("day", value ? String(value).slice(0, 10) : null)}
              maxDate={new Date()}
              valueFormat="YYYY-MM-DD"
              w={200}
            />
            {billing ? (
              <>
                <Organization day={day} />
                <Balances day={day} onShowEntries={(uuid) => table.setFilter("user", uuid)} />
              </>
            ) : (
              <OwnBalance day={day} />
            )}
            <Entries table={table} everyone={billing} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="statements" pt="md">
          <Statements table={table} everyone={billing} />
        </Tabs.Panel>
      </Tabs>
      {canCorrect && <CorrectionModal opened={correcting} onClose={close} />}
    </Stack>
  );
}
