import { Badge } from "@mantine/core";

import { useT, type MessageKey } from "../../i18n";

const COLORS: Record<string, string> = { planned: "gray", open: "blue", closed: "dark" };

export function CycleStateBadge({ state }: { state: string }) {
  const t = useT();
  return (
    <Badge color={COLORS[state] ?? "gray"} variant="light" radius="sm" miw="max-content">
      {t(`operations.cycles.states.${state}` as MessageKey)}
    </Badge>
  );
}
