import { Button, Fieldset, Group, Modal, NumberInput, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useId, useState } from "react";

import { isApiError } from "../../api/errors";
import { FormError } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { useT } from "../../i18n";
import { THRESHOLDS, deploymentUpdateBody, deploymentValuesOf, percentOk, placeApiError, thresholdsProblem, type DeploymentValues } from "./forms";
import { LayoutFields, layoutValidators } from "./LayoutFields";
import { useUpdateDeployment, type Deployment } from "./queries";

const THRESHOLD_LABELS = {
  green_installed: "rollouts.create.greenInstalled",
  amber_installed: "rollouts.create.amberInstalled",
  amber_failed: "rollouts.create.amberFailed",
  red_failed: "rollouts.create.redFailed",
} as const;

const FIELDS = ["title", "description", "excel_columns", "excel_header_row", "excel_sheet", ...THRESHOLDS, "rag_thresholds"] as const;
const ALIASES = Object.fromEntries(THRESHOLDS.map((name) => [`rag_thresholds.${name}`, name]));

interface Props {
  onClose: () => void;
  onSaved?: (saved: Deployment) => void;
}

/**
 * Edit a deployment: title, description, Excel layout and RAG thresholds. Open while
 * `deployment` is set; the modal stays mounted so focus goes back where it came from.
 */
export function DeploymentFormModal({ deployment, ...props }: Props & { deployment: Deployment | null }) {
  const t = useT();
  const phone = useMediaQuery("(max-width: 36em)");
  return (
    <Modal
      opened={deployment !== null}
      onClose={props.onClose}
      title={deployment ? t("rollouts.deploymentEdit.heading", { title: deployment.title }) : ""}
      size="xl"
      fullScreen={phone}
    >
      {deployment && <DeploymentForm key={deployment.uuid} deployment={deployment} {...props} />}
    </Modal>
  );
}

function DeploymentForm({ deployment, onClose, onSaved }: Props & { deployment: Deployment }) {
  const t = useT();
  const thresholdsErrorId = useId();
  const update = useUpdateDeployment();
  const [formError, setFormError] = useState<string | null>(null);
  const [initial] = useState(() => deploymentValuesOf(deployment));
  const percent = (v: number | string) => (percentOk(v) ? null : t("rollouts.deploymentEdit.percentRange"));
  const form = useForm<DeploymentValues>({
    mode: "controlled",
    initialValues: initial,
    validate: {
      title: (v) => (v.trim() ? null : t("rollouts.create.required")),
      ...layoutValidators(t),
      green_installed: percent,
      amber_installed: (v, values) =>
        percent(v) ?? (thresholdsProblem(values) === "amber_installed" ? t("rollouts.deploymentEdit.amberAboveGreen") : null),
      amber_failed: (v, values) => percent(v) ?? (thresholdsProblem(values) === "amber_failed" ? t("rollouts.deploymentEdit.amberFailedAboveRed") : null),
      red_failed: percent,
    },
  });

  const submit = async (values: DeploymentValues) => {
    setFormError(null);
    const body = deploymentUpdateBody(initial, values);
    if (Object.keys(body).length === 0) {
      notifications.show({ message: t("rollouts.deploymentEdit.unchanged") });
      onClose();
      return;
    }
    try {
      const saved = await update.mutateAsync({ uuid: deployment.uuid, body });
      notifications.show({ color: "green", message: t("rollouts.deploymentEdit.saved", { title: saved.data.title }) });
      onSaved?.(saved.data);
      onClose();
    } catch (error) {
      if (!isApiError(error)) {
        setFormError(error instanceof Error ? error.message : String(error));
        return;
      }
      const placed = placeApiError(error, FIELDS, { aliases: ALIASES, codes: { deployment_exists: "title", invalid_thresholds: "rag_thresholds" } });
      form.setErrors(placed.fields);
      setFormError(placed.form);
      focusFirstInvalid();
    }
  };

  const thresholdsError = form.errors.rag_thresholds;
  return (
    <form onSubmit={form.onSubmit((v) => void submit(v), () => focusFirstInvalid())} noValidate>
      <Stack>
        <FormError message={formError} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("rollouts.create.title")} description={t("rollouts.create.titleHelp")} required maxLength={200} data-autofocus {...form.getInputProps("title")} />
          <Textarea label={t("rollouts.create.description")} autosize minRows={1} maxLength={2000} {...form.getInputProps("description")} />
        </SimpleGrid>
        <LayoutFields legend={t("rollouts.layout.legend")} inputProps={(name) => form.getInputProps(name)} />
        <Fieldset legend={t("rollouts.deploymentEdit.thresholdsLegend")} variant="filled" aria-describedby={thresholdsError ? thresholdsErrorId : undefined}>
          <Text size="xs" c="dimmed" mb="xs">
            {t("rollouts.deploymentEdit.thresholdsHelp")}
          </Text>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
            {THRESHOLDS.map((name) => (
              <NumberInput key={name} label={t(THRESHOLD_LABELS[name])} min={0} max={100} allowDecimal={false} allowNegative={false} suffix=" %" required {...form.getInputProps(name)} />
            ))}
          </SimpleGrid>
          {thresholdsError && (
            <Text id={thresholdsErrorId} size="sm" c="red" mt="xs" role="alert">
              {thresholdsError}
            </Text>
          )}
        </Fieldset>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("rollouts.create.cancel")}
          </Button>
          <Button type="submit" loading={update.isPending}>
            {t("rollouts.deploymentEdit.submit")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
