import { Button, Card, Group, NumberInput, SimpleGrid, Stack, TextInput, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { isApiError } from "../../api/errors";
import { FormError, applyFieldErrors } from "../../components/FormError";
import { useT } from "../../i18n";
import { useCreateDeployment } from "./queries";
import { normaliseColumns } from "./forms";
import { layoutValidators } from "./LayoutFields";

interface Values {
  title: string;
  description: string;
  excel_columns: string;
  excel_header_row: number | string;
  excel_sheet: string;
  green_installed: number | string;
  amber_installed: number | string;
  amber_failed: number | string;
  red_failed: number | string;
}

const THRESHOLDS = ["green_installed", "amber_installed", "amber_failed", "red_failed"] as const;
const THRESHOLD_LABELS = {
  green_installed: "rollouts.create.greenInstalled",
  amber_installed: "rollouts.create.amberInstalled",
  amber_failed: "rollouts.create.amberFailed",
  red_failed: "rollouts.create.redFailed",
} as const;

/** Create a deployment: title, the Excel layout of its reports and its RAG thresholds. */
export function CreateDeploymentForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const create = useCreateDeployment();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: {
      title: "",
      description: "",
      excel_columns: "",
      excel_header_row: "",
      excel_sheet: "",
      green_installed: 95,
      amber_installed: 80,
      amber_failed: 5,
      red_failed: 20,
    },
    validate: {
      title: (v) => (v.trim() ? null : t("rollouts.create.required")),
      ...layoutValidators(t),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const created = await create.mutateAsync({
        title: values.title.trim(),
        description: values.description,
        excel_columns: normaliseColumns(values.excel_columns),
        excel_header_row: values.excel_header_row === "" ? null : Number(values.excel_header_row),
        excel_sheet: values.excel_sheet.trim() || null,
        rag_thresholds: {
          green_installed: Number(values.green_installed),
          amber_installed: Number(values.amber_installed),
          amber_failed: Number(values.amber_failed),
          red_failed: Number(values.red_failed),
        },
      });
      notifications.show({ color: "green", message: t("rollouts.create.created", { title: created.data.title }) });
      form.reset();
      onDone();
    } catch (error) {
      // `rag_thresholds.<name>` errors belong next to the threshold fields.
      const leftover = applyFieldErrors(form, error);
      let placed = false;
      const fieldErrors = (error as { fieldErrors?: Record<string, string> }).fieldErrors ?? {};
      for (const [field, message] of Object.entries(fieldErrors)) {
        const [top, name] = field.split(".");
        if (top === "rag_thresholds" && name && (THRESHOLDS as readonly string[]).includes(name)) {
          form.setFieldError(name, message);
          placed = true;
        }
      }
      if (isApiError(error, "deployment_exists")) {
        form.setFieldError("title", error.message);
        placed = true;
      }
      setFormError(placed ? null : leftover);
    }
  });

  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h4">
            {t("rollouts.create.heading")}
          </Title>
          <FormError message={formError} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t("rollouts.create.title")} description={t("rollouts.create.titleHelp")} required maxLength={200} {...form.getInputProps("title")} />
            <Textarea label={t("rollouts.create.description")} autosize minRows={1} maxLength={2000} {...form.getInputProps("description")} />
            <TextInput label={t("rollouts.create.excelColumns")} description={t("rollouts.create.excelColumnsHelp")} placeholder="A,C,F-G,I" {...form.getInputProps("excel_columns")} />
            <NumberInput label={t("rollouts.create.excelHeaderRow")} description={t("rollouts.create.excelHeaderRowHelp")} min={1} max={1000} allowDecimal={false} {...form.getInputProps("excel_header_row")} />
            <TextInput label={t("rollouts.create.excelSheet")} description={t("rollouts.create.excelSheetHelp")} maxLength={100} {...form.getInputProps("excel_sheet")} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            {THRESHOLDS.map((name) => (
              <NumberInput key={name} label={t(THRESHOLD_LABELS[name])} min={0} max={100} allowDecimal={false} suffix=" %" {...form.getInputProps(name)} />
            ))}
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={create.isPending}>
              {t("rollouts.create.submit")}
            </Button>
            <Button variant="default" onClick={onDone}>
              {t("rollouts.create.cancel")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
