import { Button, Group, Modal, SimpleGrid, Stack, Switch, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMemo, useState } from "react";

import { isApiError } from "../../api/errors";
import { FormError } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { useT, type TFunction } from "../../i18n";
import { cycleCreateBody, cycleUpdateBody, cycleValuesOf, fromLocalInput, newCycleValues, placeApiError, type CycleValues } from "./forms";
import { LayoutFields, layoutValidators } from "./LayoutFields";
import { useCreateCycle, useDeployment, useEditCycle, type Deployment, type RolloutCycle } from "./queries";

const FIELDS = ["title", "started_at", "deadline", "is_active", "excel_columns", "excel_header_row", "excel_sheet"] as const;

export type CycleTarget = { mode: "create"; deployment: Pick<Deployment, "uuid" | "title"> } | { mode: "edit"; cycle: RolloutCycle };

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** A deployment's layout in words, for the help of a cycle's override. */
function layoutText(d: Pick<Deployment, "excel_columns" | "excel_header_row" | "excel_sheet">, t: TFunction): string {
  return t("rollouts.deployments.layoutText", {
    columns: d.excel_columns ?? t("rollouts.deployments.allColumns"),
    row: d.excel_header_row ?? 1,
    sheet: d.excel_sheet ?? t("rollouts.deployments.firstSheet"),
  });
}

interface Props {
  onClose: () => void;
  onSaved?: (cycle: RolloutCycle) => void;
}

/**
 * Create a cycle of a deployment by hand, or edit one: title, start, deadline, active flag and
 * an Excel layout override. The RAG stays with the RAG panel. Open while `target` is set; the
 * modal stays mounted so focus goes back where it came from.
 */
export function CycleFormModal({ target, ...props }: Props & { target: CycleTarget | null }) {
  const t = useT();
  const phone = useMediaQuery("(max-width: 36em)");
  const heading = !target
    ? ""
    : target.mode === "create"
      ? t("rollouts.cycleForm.createHeading", { deployment: target.deployment.title })
      : t("rollouts.cycleForm.editHeading", { title: target.cycle.title });
  const key = !target ? "" : target.mode === "create" ? `new-${target.deployment.uuid}` : target.cycle.uuid;
  return (
    <Modal opened={target !== null} onClose={props.onClose} title={heading} size="xl" fullScreen={phone}>
      {target && <CycleForm key={key} target={target} {...props} />}
    </Modal>
  );
}

function CycleForm({ target, onClose, onSaved }: Props & { target: CycleTarget }) {
  const t = useT();
  const zone = useMemo(browserZone, []);
  const create = useCreateCycle();
  const edit = useEditCycle();
  const deploymentUuid = target.mode === "create" ? target.deployment.uuid : target.cycle.deployment_uuid;
  const deployment = useDeployment(deploymentUuid);
  const [formError, setFormError] = useState<string | null>(null);
  const [initial] = useState(() => (target.mode === "edit" ? cycleValuesOf(target.cycle) : newCycleValues()));
  const form = useForm<CycleValues>({
    mode: "controlled",
    initialValues: initial,
    validate: {
      title: (v) => (v.trim() ? null : t("rollouts.cycleForm.required")),
      started_at: (v) => (!v.trim() ? t("rollouts.cycleForm.required") : fromLocalInput(v) ? null : t("rollouts.cycleForm.invalidDate")),
      deadline: (v) => (!v.trim() || fromLocalInput(v) ? null : t("rollouts.cycleForm.invalidDate")),
      ...layoutValidators(t),
    },
  });

  const submit = async (values: CycleValues) => {
    setFormError(null);
    try {
      let saved: RolloutCycle;
      if (target.mode === "create") {
        saved = (await create.mutateAsync({ deploymentUuid: target.deployment.uuid, body: cycleCreateBody(values) })).data;
        notifications.show({ color: "green", message: t("rollouts.cycleForm.created", { title: saved.title }) });
      } else {
        const body = cycleUpdateBody(initial, values);
        if (Object.keys(body).length === 0) {
          notifications.show({ message: t("rollouts.cycleForm.unchanged") });
          onClose();
          return;
        }
        saved = (await edit.mutateAsync({ uuid: target.cycle.uuid, body })).data;
        notifications.show({ color: "green", message: t("rollouts.cycleForm.saved", { title: saved.title }) });
      }
      onSaved?.(saved);
      onClose();
    } catch (error) {
      if (!isApiError(error)) {
        setFormError(error instanceof Error ? error.message : String(error));
        return;
      }
      const placed = placeApiError(error, FIELDS, { codes: { cycle_exists: "title" } });
      form.setErrors(placed.fields);
      setFormError(placed.form);
      focusFirstInvalid();
    }
  };

  const d = deployment.data?.data;
  return (
    <form onSubmit={form.onSubmit((v) => void submit(v), () => focusFirstInvalid())} noValidate>
      <Stack>
        <FormError message={formError} />
        <TextInput label={t("rollouts.cycleForm.title")} description={t("rollouts.cycleForm.titleHelp")} required maxLength={200} data-autofocus {...form.getInputProps("title")} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput type="datetime-local" label={t("rollouts.cycleForm.startedAt")} description={t("rollouts.cycleForm.dateHelp", { zone })} required {...form.getInputProps("started_at")} />
          <TextInput type="datetime-local" label={t("rollouts.cycleForm.deadline")} description={t("rollouts.cycleForm.deadlineHelp", { zone })} {...form.getInputProps("deadline")} />
        </SimpleGrid>
        <Switch label={t("rollouts.cycleForm.active")} description={t("rollouts.cycleForm.activeHelp")} {...form.getInputProps("is_active", { type: "checkbox" })} />
        <LayoutFields
          legend={t("rollouts.layout.overrideLegend")}
          inputProps={(name) => form.getInputProps(name)}
          description={
            d ? (
              <Text size="xs" c="dimmed" mb="xs">
                {t("rollouts.layout.overrideHelp", { layout: layoutText(d, t) })}
              </Text>
            ) : undefined
          }
        />
        {target.mode === "edit" && (
          <Text size="xs" c="dimmed">
            {t("rollouts.cycleForm.ragNote")}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("rollouts.cycleForm.cancel")}
          </Button>
          <Button type="submit" loading={create.isPending || edit.isPending}>
            {target.mode === "create" ? t("rollouts.cycleForm.create") : t("rollouts.cycleForm.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
