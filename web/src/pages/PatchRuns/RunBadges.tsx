import { Anchor, Badge, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { api, data } from "../../api/client";
import { useT, type MessageKey } from "../../i18n";
import { RUN_STATUS_COLORS, type RunStatus } from "./runs";

export function RunStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <Badge color={RUN_STATUS_COLORS[status as RunStatus] ?? "gray"} variant="light" radius="sm" miw="max-content">
      {t(`operations.patchRuns.statuses.${status}` as MessageKey)}
    </Badge>
  );
}

/** A site's name, looked up by uuid (shared cache with the site picker and the site page). */
export function useSiteName(uuid: string | null | undefined) {
  return useQuery({
    queryKey: ["sites", uuid],
    queryFn: () => data(api.GET("/sites/{site_uuid}", { params: { path: { site_uuid: uuid! } } })),
    enabled: Boolean(uuid),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function SiteLink({ uuid, size = "sm" }: { uuid: string; size?: string }) {
  const site = useSiteName(uuid);
  return (
    <Anchor component={Link} to={`/sites/${uuid}`} size={size}>
      {site.data?.name ?? <Text span size={size} c="dimmed">{uuid.slice(0, 8)}…</Text>}
    </Anchor>
  );
}
