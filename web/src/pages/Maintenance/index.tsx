import { Button, Group, Modal, Stack, Tabs, Text, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useState } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router";

import { useCan } from "../../auth/session";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { CalendarFeed } from "./CalendarFeed";
import { CalendarView } from "./CalendarView";
import { DecisionModal } from "./DecisionModal";
import { useMaintenanceRequest, type Decision, type MaintenanceRequest } from "./queries";
import { RequestDetails } from "./RequestDetails";
import { RequestForm } from "./RequestForm";
import { RequestsList } from "./RequestsList";

export default function Maintenance() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const view = params.get("view") === "calendar" ? "calendar" : "list";
  const canRequest = useCan("maintenance:request");
  const canRead = useCan("maintenance:read");
  const [formOpen, setFormOpen] = useState(false);
  const [deciding, setDeciding] = useState<{ request: MaintenanceRequest; decision: Decision } | null>(null);
  const [shown, setShown] = useState<MaintenanceRequest | null>(null);
  // `/maintenance/<uuid>` (where notifications link) opens that request over the list.
  const { requestUuid } = useParams();
  const navigate = useNavigate();
  const linked = useMaintenanceRequest(requestUuid);
  const details = shown ?? (requestUuid ? (linked.data ?? null) : null);
  const closeDetails = () => {
    setShown(null);
    if (requestUuid) navigate({ pathname: "/maintenance", search: params.toString() }, { replace: true });
  };
  const phone = useMediaQuery("(max-width: 36em)");
  const onDecide = (request: MaintenanceRequest, decision: Decision) => setDeciding({ request, decision });

  return (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {t("operations.maintenance.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("operations.maintenance.intro")}
          </Text>
        </Stack>
        {canRequest && <Button onClick={() => setFormOpen(true)}>{t("operations.maintenance.newRequest")}</Button>}
      </Group>
      {linked.error && <ErrorState error={linked.error} onRetry={() => void linked.refetch()} />}
      <Tabs
        value={view}
        onChange={(value) =>
          setParams((current) => {
            const next = new URLSearchParams(current);
            if (value === "calendar") next.set("view", "calendar");
            else next.delete("view");
            return next;
          })
        }
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="list">{t("operations.maintenance.tabList")}</Tabs.Tab>
          <Tabs.Tab value="calendar">{t("operations.maintenance.tabCalendar")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="list" pt="md">
          <RequestsList onDecide={onDecide} onShow={setShown} />
        </Tabs.Panel>
        <Tabs.Panel value="calendar" pt="md">
          <CalendarView onShow={setShown} />
        </Tabs.Panel>
      </Tabs>
      {(canRequest || canRead) && <CalendarFeed />}
      <Modal opened={formOpen} onClose={() => setFormOpen(false)} title={t("operations.maintenance.form.title")} size="lg" fullScreen={phone}>
        {formOpen && <RequestForm onDone={() => setFormOpen(false)} />}
      </Modal>
      <RequestDetails request={details} onClose={closeDetails} onDecide={onDecide} />
      <DecisionModal request={deciding?.request ?? null} decision={deciding?.decision ?? null} onClose={() => setDeciding(null)} />
    </Stack>
  );
}
