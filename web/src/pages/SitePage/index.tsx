import { Anchor, Badge, Group, Stack, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useParams, useSearchParams } from "react-router";

import { api, data } from "../../api/client";
import { ErrorState, LoadingState } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { MaintenanceTab, PatchRunsTab, SnapshotsTab, TasksTab } from "./HistoryTabs";
import { PackagesTab } from "./PackagesTab";

const TABS = ["packages", "snapshots", "patch-runs", "tasks", "maintenance"] as const;
const TAB_LABELS: Record<(typeof TABS)[number], MessageKey> = {
  packages: "site.packages",
  snapshots: "site.snapshots",
  "patch-runs": "site.patchRuns",
  tasks: "site.tasks",
  maintenance: "site.maintenance",
};

export default function SitePage() {
  const t = useT();
  const { siteUuid = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((name) => name === params.get("tab")) ?? "packages";
  const site = useQuery({
    queryKey: ["sites", siteUuid],
    queryFn: () => data(api.GET("/sites/{site_uuid}", { params: { path: { site_uuid: siteUuid } } })),
  });

  if (site.error) return <ErrorState error={site.error} onRetry={() => void site.refetch()} />;
  if (!site.data) return <LoadingState />;
  const s = site.data;

  return (
    <Stack>
      <div>
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            {s.name}
          </Title>
          <StatusBadge status={s.worst_status} />
        </Group>
        <Anchor href={s.url} target="_blank" rel="noreferrer" size="sm">
          {s.url}
        </Anchor>
        <Group gap="xs" mt="xs">
          <Badge variant="default">{t(`kind.${s.kind}` as MessageKey)}</Badge>
          <Badge variant="default">{t(`environment.${s.environment}` as MessageKey)}</Badge>
          {s.tags.map((tag) => (
            <Badge key={tag} variant="outline">
              {tag}
            </Badge>
          ))}
          <Text size="xs" c="dimmed">
            {t("sites.lastSnapshot")}: {formatDateTime(s.last_snapshot_at, t("sites.never"))}
          </Text>
        </Group>
      </div>
      <Tabs value={tab} onChange={(value) => setParams(value && value !== "packages" ? { tab: value } : {})} keepMounted={false}>
        <Tabs.List>
          {TABS.map((name) => (
            <Tabs.Tab key={name} value={name}>
              {t(TAB_LABELS[name])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="packages" pt="md"><PackagesTab siteUuid={siteUuid} /></Tabs.Panel>
        <Tabs.Panel value="snapshots" pt="md"><SnapshotsTab siteUuid={siteUuid} /></Tabs.Panel>
        <Tabs.Panel value="patch-runs" pt="md"><PatchRunsTab siteUuid={siteUuid} /></Tabs.Panel>
        <Tabs.Panel value="tasks" pt="md"><TasksTab siteUuid={siteUuid} /></Tabs.Panel>
        <Tabs.Panel value="maintenance" pt="md"><MaintenanceTab siteUuid={siteUuid} /></Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
