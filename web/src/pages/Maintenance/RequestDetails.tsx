import { Group, Modal, SimpleGrid, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import type { MaintenanceRequest } from "./queries";
import { RequestActions, useAllowedDecisions } from "./RequestActions";
import { StateBadge } from "./StateBadge";
import type { Decision } from "./queries";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </Stack>
  );
}

/** Everything a request says, with the actions the user may take. */
export function RequestDetails({
  request,
  onClose,
  onDecide,
}: {
  request: MaintenanceRequest | null;
  onClose: () => void;
  onDecide: (request: MaintenanceRequest, decision: Decision) => void;
}) {
  const t = useT();
  const allowed = useAllowedDecisions();
  return (
    <Modal opened={Boolean(request)} onClose={onClose} title={request ? t("operations.maintenance.detailsOf", { topic: request.topic }) : ""} size="lg" centered>
      {request && (
        <Stack>
          <Group gap="sm">
            <StateBadge state={request.state} />
            <Text size="sm" c="dimmed">
              {request.site_name}
            </Text>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Fact label={t("operations.maintenance.window")}>
              {formatDateTime(request.starts_at)} – {formatDateTime(request.ends_at)} ({t("operations.maintenance.duration", { minutes: request.duration_minutes })})
            </Fact>
            <Fact label={t("operations.maintenance.requester")}>{request.requester_label}</Fact>
            <Fact label={t("operations.maintenance.contact")}>{request.contact_email}</Fact>
            <Fact label={t("operations.maintenance.location")}>
              {request.location
                ? [request.location.street, request.location.city, request.location.state, request.location.country].join(", ")
                : t("common.none")}
            </Fact>
            {request.decided_at && <Fact label={t("operations.maintenance.decidedAt")}>{formatDateTime(request.decided_at)}</Fact>}
            {request.reason && <Fact label={t("operations.maintenance.reason")}>{request.reason}</Fact>}
          </SimpleGrid>
          {request.notes && <Fact label={t("operations.maintenance.notes")}>{request.notes}</Fact>}
          <RequestActions
            request={request}
            allowed={allowed(request)}
            onDecide={(r, d) => {
              onClose();
              onDecide(r, d);
            }}
          />
        </Stack>
      )}
    </Modal>
  );
}
