import { Badge, type MantineColor } from "@mantine/core";

import { useT, type MessageKey } from "../../i18n";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;

const COLORS: Record<string, { color: MantineColor; variant: "filled" | "light" }> = {
  critical: { color: "red", variant: "filled" },
  high: { color: "red", variant: "light" },
  medium: { color: "orange", variant: "light" },
  low: { color: "yellow", variant: "light" },
};

/** An advisory's severity; the word is always there, the colour only adds to it. */
export function SeverityBadge({ severity }: { severity: string }) {
  const t = useT();
  const known = (SEVERITIES as readonly string[]).includes(severity);
  const style = COLORS[severity] ?? { color: "gray", variant: "light" as const };
  return (
    <Badge color={style.color} variant={style.variant} radius="sm">
      {known ? t(`work.advisories.severities.${severity}` as MessageKey) : severity || t("work.advisories.severities.unknown")}
    </Badge>
  );
}
