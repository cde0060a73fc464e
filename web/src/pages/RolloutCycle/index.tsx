import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { isApiError } from "../../api/errors";
import { useCan } from "../../auth/session";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { formatDate, formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { CycleFormModal } from "../Rollouts/CycleFormModal";
import { useDeleteCycle, type Report } from "../Rollouts/queries";
import { RagBadge } from "../Rollouts/RagBadge";
import { Breakdown } from "./Breakdown";
import { CollectionsPanel } from "./CollectionsPanel";
import { KpiSummary } from "./KpiSummary";
import { useCycleKpis, useRolloutCycle, useUpdateCycle } from "./queries";
import { RagPanel } from "./RagPanel";
import { ReportRows } from "./ReportRows";
import { ReportsList } from "./ReportsList";
import { TopErrors } from "./TopErrors";
import { TrendChart } from "./TrendChart";

/** One rollout cycle: KPIs of its latest report, RAG, breakdowns, trend and reports. */
export default function RolloutCycle() {
  const t = useT();
  const { cycleUuid = "" } = useParams();
  const canWrite = useCan("rollouts:write");
  const cycle = useRolloutCycle(cycleUuid);
  const kpis = useCycleKpis(cycleUuid);
  const update = useUpdateCycle(cycleUuid);
  const remove = useDeleteCycle();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [rowsOf, setRowsOf] = useState<Report | null>(null);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const back = (
    <Anchor component={Link} to="/rollouts" size="sm">
      ← {t("rollouts.cycle.back")}
    </Anchor>
  );
  if (cycle.isLoading) return <LoadingState />;
  if (cycle.error) {
    return (
      <Stack>
        {back}
        {isApiError(cycle.error) && (cycle.error.status === 404 || cycle.error.status === 422) ? (
          <EmptyState title={t("rollouts.cycle.notFound")} />
        ) : (
          <ErrorState error={cycle.error} onRetry={() => void cycle.refetch()} />
        )}
      </Stack>
    );
  }
  const c = cycle.data!.data;
  const latest = kpis.data?.data.latest ?? null;

  return (
    <Stack gap="lg">
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {c.deployment_title}
          </Text>
          <Title order={1} size="h2">
            {c.title}
          </Title>
          <Group gap="xs">
            <RagBadge rag={c.rag_status} note={c.rag_note} />
            <Badge variant="light" color={c.is_active ? "blue" : "gray"} radius="sm">
              {c.is_active ? t("rollouts.cycles.activeYes") : t("rollouts.cycles.activeNo")}
            </Badge>
            <Text size="sm" c="dimmed">
              {t("rollouts.cycles.started")}: {formatDateTime(c.started_at)}
              {c.deadline ? ` · ${t("rollouts.cycles.deadline")}: ${formatDate(c.deadline)}` : ""}
            </Text>
          </Group>
        </Stack>
        {canWrite && (
          <Group gap="xs" wrap="wrap">
            <Button variant="light" onClick={() => setEditing(true)}>
              {t("rollouts.cycleActions.editCycle")}
            </Button>
            <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
              {t("rollouts.cycleActions.deleteCycle")}
            </Button>
          </Group>
        )}
      </Group>

      {kpis.isLoading ? (
        <LoadingState />
      ) : kpis.error ? (
        <ErrorState error={kpis.error} onRetry={() => void kpis.refetch()} />
      ) : latest ? (
        <KpiSummary kpis={latest.totals} reportedAt={latest.reported_at} />
      ) : (
        <Paper withBorder p="md" radius="md">
          <EmptyState title={t("rollouts.cycle.noReports")}>{t("rollouts.cycle.noReportsHelp")}</EmptyState>
        </Paper>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <RagPanel key={`${c.rag_status}-${c.rag_source}-${c.updated_at}`} cycle={c} canWrite={canWrite} onSave={(body) => update.mutateAsync(body)} saving={update.isPending} />
        <TrendChart points={kpis.data?.data.trend ?? []} />
      </SimpleGrid>

      {latest && (
        <Paper withBorder p="md" radius="md">
          <Stack gap="lg">
            <Breakdown
              title={t("rollouts.cycle.byRing")}
              groupHeader={t("rollouts.cycle.ring")}
              lines={latest.rings.map((r) => ({ key: String(r.ring), label: r.ring === null ? t("rollouts.cycle.noRing") : String(r.ring), kpis: r }))}
            />
            <Breakdown
              title={t("rollouts.cycle.byCollection")}
              groupHeader={t("rollouts.cycle.collection")}
              lines={latest.collections.map((col, i) => ({ key: col.collection_uuid ?? `none-${i}`, label: col.name ?? t("rollouts.cycle.noCollection"), kpis: col }))}
            />
            <TopErrors errors={latest.totals.top_error_codes} />
          </Stack>
        </Paper>
      )}

      <CollectionsPanel cycleUuid={cycleUuid} canWrite={canWrite} />

      <ReportsList cycleUuid={cycleUuid} canWrite={canWrite} onViewRows={setRowsOf} />
      <ReportRows report={rowsOf} onClose={() => setRowsOf(null)} />
      <CycleFormModal target={editing ? { mode: "edit", cycle: c } : null} onClose={() => setEditing(false)} />
      <ConfirmActionModal
        opened={deleting}
        onClose={() => setDeleting(false)}
        title={t("rollouts.cycleActions.deleteTitle")}
        confirmLabel={t("rollouts.cycleActions.deleteConfirm")}
        cancelLabel={t("rollouts.cycleForm.cancel")}
        onConfirm={async () => {
          await remove.mutateAsync(c.uuid);
          notifications.show({ color: "green", message: t("rollouts.cycleActions.deleted", { title: c.title }) });
          // Leave first: the page's own queries would answer 404 if refetched.
          navigate("/rollouts", { replace: true });
          queryClient.removeQueries({ queryKey: ["rollouts", "cycle", c.uuid] });
        }}
      >
        {t("rollouts.cycleActions.deleteText", { title: c.title, deployment: c.deployment_title })}
      </ConfirmActionModal>
    </Stack>
  );
}
