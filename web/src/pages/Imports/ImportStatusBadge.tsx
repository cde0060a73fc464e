import { Badge, type MantineColor } from "@mantine/core";

import { useT, type MessageKey } from "../../i18n";

const COLORS: Record<string, MantineColor> = { succeeded: "green", partial: "yellow", failed: "red" };

export function ImportStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <Badge color={COLORS[status] ?? "gray"} variant="light" radius="sm" miw="max-content">
      {t(`operations.imports.statuses.${status}` as MessageKey)}
    </Badge>
  );
}
