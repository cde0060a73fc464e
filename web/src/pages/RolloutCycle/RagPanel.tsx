import { Button, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import type { RolloutCycle } from "../Rollouts/queries";
import { RagBadge } from "../Rollouts/RagBadge";
import { RAGS, type Rag } from "../Rollouts/rollouts";

/** The cycle's RAG: badge, note and source; writers set it manually or back to the rules. */
export function RagPanel({ cycle, canWrite, onSave, saving }: { cycle: RolloutCycle; canWrite: boolean; onSave: (body: { rag_status?: Rag; rag_note?: string; rag_source?: "rules" }) => Promise<unknown>; saving: boolean }) {
  const t = useT();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: { rag_status: (cycle.rag_status ?? "amber") as string, rag_note: cycle.rag_note } });
  const source = cycle.rag_source === "manual" ? t("rollouts.rag.sourceManual") : t("rollouts.rag.sourceRules");

  const save = async (body: Parameters<typeof onSave>[0]) => {
    setFormError(null);
    try {
      await onSave(body);
      notifications.show({ color: "green", message: t("rollouts.cycle.ragSaved") });
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
    }
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("rollouts.cycle.ragHeading")}
        </Title>
        <Group gap="sm" wrap="wrap">
          <RagBadge rag={cycle.rag_status} size="lg" />
          <Text size="sm">{t("rollouts.cycle.ragSource", { source })}</Text>
          {cycle.rag_changed_at && (
            <Text size="xs" c="dimmed">
              {t("rollouts.cycle.ragChanged", { time: formatDateTime(cycle.rag_changed_at) })}
            </Text>
          )}
        </Group>
        <Text size="sm" c={cycle.rag_note ? undefined : "dimmed"} style={{ whiteSpace: "pre-wrap" }}>
          {cycle.rag_note || t("rollouts.cycle.noNote")}
        </Text>
        {canWrite && (
          <form onSubmit={form.onSubmit((v) => void save({ rag_status: v.rag_status as Rag, rag_note: v.rag_note }))} noValidate>
            <Stack gap="sm">
              <Title order={3} size="h5">
                {t("rollouts.cycle.setRag")}
              </Title>
              <FormError message={formError} />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="rag-status-label">
                  {t("rollouts.cycle.ragStatus")}
                </Text>
                <SegmentedControl
                  aria-labelledby="rag-status-label"
                  data={RAGS.map((r) => ({ value: r, label: t(`rollouts.rag.${r}` as MessageKey) }))}
                  {...form.getInputProps("rag_status")}
                />
                {form.errors.rag_status && (
                  <Text size="xs" c="red">
                    {form.errors.rag_status}
                  </Text>
                )}
              </Stack>
              <Textarea label={t("rollouts.cycle.ragNote")} autosize minRows={2} maxLength={2000} {...form.getInputProps("rag_note")} />
              <Group>
                <Button type="submit" loading={saving}>
                  {t("rollouts.cycle.saveRag")}
                </Button>
                {cycle.rag_source === "manual" && (
                  <Button variant="default" loading={saving} onClick={() => void save({ rag_source: "rules" })}>
                    {t("rollouts.cycle.backToRules")}
                  </Button>
                )}
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
