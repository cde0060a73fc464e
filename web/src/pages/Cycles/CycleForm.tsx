import { Button, Checkbox, Group, MultiSelect, SimpleGrid, Stack, TagsInput, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";

import { api, data } from "../../api/client";
import { isApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { FormError } from "../../components/FormError";
import { useT, type MessageKey } from "../../i18n";
import { browserTimeZone, zonedIso } from "../Maintenance/datetime";
import { matchFieldErrors } from "../Maintenance/fieldErrors";

type Kind = components["schemas"]["Kind"];
type Environment = components["schemas"]["Environment"];
const KINDS: Kind[] = ["drupal", "server", "application"];
const ENVIRONMENTS: Environment[] = ["production", "staging", "development"];

interface Values {
  name: string;
  description: string;
  environments: string[];
  kinds: string[];
  tags: string[];
  include_all_updates: boolean;
  starts_at: string;
  deadline: string;
}

const FIELDS = ["name", "description", "environments", "kinds", "tags", "include_all_updates", "starts_at", "deadline"];
const ALIASES: Record<string, string> = { "scope.environments": "environments", "scope.kinds": "kinds", "scope.tags": "tags" };

/** Plan a cycle (cycles:write); goes to the new cycle's page. */
export function CycleForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const zone = browserTimeZone();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    mode: "controlled",
    initialValues: { name: "", description: "", environments: [], kinds: [], tags: [], include_all_updates: false, starts_at: "", deadline: "" },
    validate: {
      name: (v) => (v.trim() ? null : t("operations.cycles.form.required")),
      starts_at: (v) => (zonedIso(v, zone) ? null : t("operations.cycles.form.invalidDate")),
      deadline: (v, values) => {
        const end = zonedIso(v, zone);
        const start = zonedIso(values.starts_at, zone);
        if (!end) return t("operations.cycles.form.invalidDate");
        if (start && new Date(end) <= new Date(start)) return t("operations.cycles.form.deadlineAfter");
        return null;
      },
    },
  });

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setFormError(null);
    try {
      const cycle = await data(
        api.POST("/cycles", {
          body: {
            name: values.name.trim(),
            description: values.description,
            scope: { environments: values.environments as Environment[], kinds: values.kinds as Kind[], tags: values.tags, site_uuids: [] },
            include_all_updates: values.include_all_updates,
            starts_at: zonedIso(values.starts_at, zone)!,
            deadline: zonedIso(values.deadline, zone)!,
            all_organizations: false,
          },
        }),
      );
      notifications.show({ color: "green", message: t("operations.cycles.createdOk") });
      await queryClient.invalidateQueries({ queryKey: ["cycles"] });
      onDone();
      navigate(`/cycles/${cycle.uuid}`);
    } catch (error) {
      if (isApiError(error)) {
        const fieldErrors = Object.fromEntries(
          Object.entries(error.fieldErrors).map(([k, v]) => [k.replace(/^scope\.(\w+)\.\d+$/, "scope.$1"), v]),
        );
        const { matched, rest } = matchFieldErrors(fieldErrors, FIELDS, ALIASES);
        form.setErrors(matched);
        setFormError(Object.keys(matched).length > 0 && rest.length === 0 ? null : [error.message, ...rest].join(" "));
      } else setFormError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormError message={formError} />
        <TextInput label={t("operations.cycles.form.name")} required maxLength={200} {...form.getInputProps("name")} />
        <Textarea label={t("operations.cycles.form.description")} autosize minRows={2} maxLength={5000} {...form.getInputProps("description")} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <MultiSelect
            label={t("operations.cycles.form.environments")}
            description={t("operations.cycles.form.scopeHelp")}
            data={ENVIRONMENTS.map((e) => ({ value: e, label: t(`environment.${e}` as MessageKey) }))}
            clearable
            {...form.getInputProps("environments")}
          />
          <MultiSelect
            label={t("operations.cycles.form.kinds")}
            description={t("operations.cycles.form.scopeHelp")}
            data={KINDS.map((k) => ({ value: k, label: t(`kind.${k}` as MessageKey) }))}
            clearable
            {...form.getInputProps("kinds")}
          />
        </SimpleGrid>
        <TagsInput label={t("operations.cycles.form.tags")} description={t("operations.cycles.form.tagsHelp")} clearable {...form.getInputProps("tags")} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput type="datetime-local" label={t("operations.cycles.form.startsAt")} description={zone} required {...form.getInputProps("starts_at")} />
          <TextInput type="datetime-local" label={t("operations.cycles.form.deadline")} description={zone} required {...form.getInputProps("deadline")} />
        </SimpleGrid>
        <Checkbox label={t("operations.cycles.form.includeAll")} {...form.getInputProps("include_all_updates", { type: "checkbox" })} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t("operations.common.cancel")}
          </Button>
          <Button type="submit" loading={busy}>
            {t("operations.cycles.form.submit")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
