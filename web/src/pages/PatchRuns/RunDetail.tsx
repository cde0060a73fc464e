import { Alert, Anchor, Badge, Button, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";

import { api, data } from "../../api/client";
import { isApiError } from "../../api/errors";
import { useCan } from "../../auth/session";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { RunStatusBadge, SiteLink, useSiteName } from "./RunBadges";
import { nextStatuses, type RunStatus } from "./runs";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

export default function RunDetail() {
  const t = useT();
  const { runUuid = "" } = useParams();
  const queryClient = useQueryClient();
  const canWrite = useCan("patching:write");
  const run = useQuery({
    queryKey: ["patch-runs", "one", runUuid],
    queryFn: () => data(api.GET("/patch-runs/{run_uuid}", { params: { path: { run_uuid: runUuid } } })),
  });
  const site = useSiteName(run.data?.site_uuid);
  const change = useMutation({
    mutationFn: (status: RunStatus) =>
      data(api.PATCH("/patch-runs/{run_uuid}", { params: { path: { run_uuid: runUuid } }, body: { status } })),
    onSuccess: (updated) => {
      queryClient.setQueryData(["patch-runs", "one", runUuid], updated);
      void queryClient.invalidateQueries({ queryKey: ["patch-runs"] });
      notifications.show({ color: "green", message: t("operations.patchRuns.statusChanged", { status: t(`operations.patchRuns.statuses.${updated.status}` as MessageKey) }) });
    },
  });

  const back = (
    <Anchor component={Link} to="/patch-runs" size="sm">
      ← {t("operations.patchRuns.back")}
    </Anchor>
  );
  if (run.error) {
    return (
      <Stack>
        {back}
        {isApiError(run.error) && run.error.status === 404 ? (
          <EmptyState title={t("operations.patchRuns.notFound")} />
        ) : (
          <ErrorState error={run.error} onRetry={() => void run.refetch()} />
        )}
      </Stack>
    );
  }
  if (!run.data) return <LoadingState />;
  const r = run.data;
  const next = nextStatuses(r.status);
  const statusLabel = (s: string) => t(`operations.patchRuns.statuses.${s}` as MessageKey);

  return (
    <Stack>
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {t("operations.patchRuns.detailTitle", { site: site.data?.name ?? "…" })}
          </Title>
          <Group gap="xs">
            <RunStatusBadge status={r.status} />
            {r.flagged && (
              <Badge color="red" variant="outline" size="sm">
                {t("operations.patchRuns.flagged")}
              </Badge>
            )}
          </Group>
        </Stack>
      </Group>
      {r.flagged && (
        <Alert color="red" variant="light">
          {t("operations.patchRuns.flaggedHelp")}
        </Alert>
      )}
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <Fact label={t("operations.patchRuns.site")}>
            <SiteLink uuid={r.site_uuid} />
          </Fact>
          <Fact label={t("operations.patchRuns.source")}>{t(`operations.patchRuns.sources.${r.source}` as MessageKey)}</Fact>
          <Fact label={t("operations.patchRuns.started")}>{formatDateTime(r.started_at)}</Fact>
          <Fact label={t("operations.patchRuns.finished")}>{formatDateTime(r.finished_at)}</Fact>
          <Fact label={t("operations.patchRuns.confirmation")}>{t(`operations.patchRuns.confirmations.${r.confirmation}` as MessageKey)}</Fact>
          <Fact label={t("operations.patchRuns.actor")}>{r.actor.label}</Fact>
          {r.cycle_uuid && (
            <Fact label={t("operations.patchRuns.cycle")}>
              <Anchor component={Link} to={`/cycles/${r.cycle_uuid}`} size="sm">
                {t("operations.patchRuns.cycle")}
              </Anchor>
            </Fact>
          )}
          {r.external_id && <Fact label={t("operations.patchRuns.externalId")}>{r.external_id}</Fact>}
        </SimpleGrid>
      </Card>
      {canWrite && (
        <Card withBorder>
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t("operations.patchRuns.changeStatus")}
            </Title>
            {next.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("operations.patchRuns.noTransitions")}
              </Text>
            ) : (
              <Group gap="xs">
                {next.map((status) => (
                  <Button
                    key={status}
                    variant="light"
                    color={status === "failed" || status === "rolled_back" ? "red" : status === "succeeded" ? "green" : undefined}
                    loading={change.isPending && change.variables === status}
                    disabled={change.isPending}
                    onClick={() => change.mutate(status)}
                  >
                    {t("operations.patchRuns.markAs", { status: statusLabel(status).toLowerCase() })}
                  </Button>
                ))}
              </Group>
            )}
            {change.error && (
              <Alert color="red" variant="light" role="alert">
                {isApiError(change.error) ? change.error.message : String(change.error)}
              </Alert>
            )}
          </Stack>
        </Card>
      )}
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("operations.patchRuns.itemsTitle")}
        </Title>
        {r.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("operations.patchRuns.noItems")}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table striped verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("operations.patchRuns.package")}</Table.Th>
                  <Table.Th>{t("operations.patchRuns.from")}</Table.Th>
                  <Table.Th>{t("operations.patchRuns.to")}</Table.Th>
                  <Table.Th>{t("operations.patchRuns.result")}</Table.Th>
                  <Table.Th>{t("operations.patchRuns.confirmed")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.items.map((item) => (
                  <Table.Tr key={`${item.ecosystem}:${item.package}`}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {item.package}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {item.ecosystem}
                      </Text>
                    </Table.Td>
                    <Table.Td>{item.from_version ?? t("common.none")}</Table.Td>
                    <Table.Td>{item.to_version ?? t("common.none")}</Table.Td>
                    <Table.Td>{t(`operations.patchRuns.items.${item.result}` as MessageKey)}</Table.Td>
                    <Table.Td>
                      {item.confirmed === null ? t("common.none") : item.confirmed ? t("operations.patchRuns.yes") : t("operations.patchRuns.no")}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("operations.patchRuns.log")}
        </Title>
        {r.log ? (
          <Code block mah={480} style={{ overflow: "auto", whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            {r.log}
          </Code>
        ) : (
          <Text size="sm" c="dimmed">
            {t("operations.patchRuns.noLog")}
          </Text>
        )}
      </Stack>
    </Stack>
  );
}
