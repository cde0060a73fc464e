import { Button, Group } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, data } from "../../api/client";
import type { components } from "../../api/schema";
import { useCan } from "../../auth/session";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { useT } from "../../i18n";

type Cycle = components["schemas"]["patchwatch__patching__schemas__CycleOut"];

/** Open a planned cycle, close an open one (cycles:write), after asking. */
export function CycleActions({ cycle, size = "xs" }: { cycle: Cycle; size?: "xs" | "sm" }) {
  const t = useT();
  const queryClient = useQueryClient();
  const canWrite = useCan("cycles:write");
  const [asking, setAsking] = useState<"open" | "close" | null>(null);
  if (!canWrite || cycle.state === "closed") return null;
  const action = cycle.state === "planned" ? "open" : "close";
  const run = async () => {
    const path = { cycle_uuid: cycle.uuid };
    const updated =
      asking === "open"
        ? await data(api.POST("/cycles/{cycle_uuid}/open", { params: { path } }))
        : await data(api.POST("/cycles/{cycle_uuid}/close", { params: { path } }));
    queryClient.setQueryData(["cycles", "one", cycle.uuid], updated);
    await queryClient.invalidateQueries({ queryKey: ["cycles"] });
    notifications.show({ color: "green", message: asking === "open" ? t("operations.cycles.opened") : t("operations.cycles.closed") });
  };
  return (
    <Group gap={6}>
      <Button size={size} variant="light" color={action === "open" ? "blue" : "gray"} onClick={() => setAsking(action)}>
        {action === "open" ? t("operations.cycles.open") : t("operations.cycles.closeCycle")}
      </Button>
      <ConfirmActionModal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={asking === "open" ? t("operations.cycles.openTitle", { name: cycle.name }) : t("operations.cycles.closeTitle", { name: cycle.name })}
        confirmLabel={asking === "open" ? t("operations.cycles.open") : t("operations.cycles.closeCycle")}
        cancelLabel={t("operations.common.cancel")}
        color={asking === "open" ? "blue" : "gray"}
        onConfirm={run}
      >
        {asking === "open" ? t("operations.cycles.openText") : t("operations.cycles.closeText")}
      </ConfirmActionModal>
    </Group>
  );
}
