import { Badge, type MantineColor } from "@mantine/core";

import { useT, type MessageKey } from "../i18n";

/** The statuses of the status engine, worst first (see `status/service.py` STATUS_RANK). */
export const STATUSES = [
  "security_update",
  "revoked",
  "unsupported",
  "update_available",
  "current",
  "unknown",
] as const;
export type PackageStatus = (typeof STATUSES)[number];

export const STATUS_COLORS: Record<PackageStatus, MantineColor> = {
  security_update: "red",
  revoked: "grape",
  unsupported: "orange",
  update_available: "yellow",
  current: "green",
  unknown: "gray",
};

export function isStatus(value: string): value is PackageStatus {
  return (STATUSES as readonly string[]).includes(value);
}

/** A status as a coloured label; the text is always there (colour is never the only cue). */
export function StatusBadge({ status }: { status: string }) {
  const t = useT();
  const known = isStatus(status);
  return (
    <Badge color={known ? STATUS_COLORS[status] : "gray"} variant="light" radius="sm">
      {known ? t(`status.${status}` as MessageKey) : status}
    </Badge>
  );
}
