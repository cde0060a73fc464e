import { Button, Group } from "@mantine/core";

import { useCan, useMe } from "../../auth/session";
import { useT } from "../../i18n";
import { allowedDecisions, type Decision } from "./decisions";
import type { MaintenanceRequest } from "./queries";

/** Which decisions the signed-in user may take on a request (the API checks again). */
export function useAllowedDecisions(): (request: MaintenanceRequest) => Decision[] {
  const me = useMe();
  const user = { canDecide: useCan("maintenance:decide"), canRequest: useCan("maintenance:request"), uuid: me.data?.uuid };
  return (request) => allowedDecisions(request, user);
}

export function RequestActions({
  request,
  allowed,
  onDecide,
}: {
  request: MaintenanceRequest;
  allowed: Decision[];
  onDecide: (request: MaintenanceRequest, decision: Decision) => void;
}) {
  const t = useT();
  if (allowed.length === 0) return null;
  return (
    <Group gap={6} wrap="nowrap">
      {allowed.includes("accept") && (
        <Button size="xs" color="green" variant="light" onClick={() => onDecide(request, "accept")}>
          {t("operations.maintenance.accept")}
        </Button>
      )}
      {allowed.includes("reject") && (
        <Button size="xs" color="red" variant="light" onClick={() => onDecide(request, "reject")}>
          {t("operations.maintenance.reject")}
        </Button>
      )}
      {allowed.includes("cancel") && (
        <Button size="xs" color="gray" variant="light" onClick={() => onDecide(request, "cancel")}>
          {t("operations.maintenance.cancelRequest")}
        </Button>
      )}
    </Group>
  );
}
