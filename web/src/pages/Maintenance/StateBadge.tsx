import { Badge, type MantineColor } from "@mantine/core";

import { useT, type MessageKey } from "../../i18n";

const COLORS: Record<string, MantineColor> = {
  pending: "yellow",
  accepted: "green",
  rejected: "red",
  cancelled: "gray",
};

/** A maintenance request's state as a labelled badge (the text is always there). */
export function StateBadge({ state }: { state: string }) {
  const t = useT();
  return (
    <Badge color={COLORS[state] ?? "gray"} variant="light" radius="sm" miw="max-content">
      {t(`operations.maintenance.state.${state}` as MessageKey)}
    </Badge>
  );
}
