import { Button, Fieldset, Group, NumberInput, Select, SimpleGrid, Stack, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";

import { isApiError } from "../../api/errors";
import { useMe } from "../../auth/session";
import { FormError } from "../../components/FormError";
import { SitePicker } from "../../components/SitePicker";
import { useT } from "../../i18n";
import { browserTimeZone, locationComplete, timeZones, zonedIso } from "./datetime";
import { clashTexts, matchFieldErrors } from "./fieldErrors";
import { submitRequest } from "./queries";

interface Values {
  site_uuid: string | null;
  topic: string;
  starts_at: string;
  time_zone: string;
  duration_minutes: number | string;
  contact_email: string;
  location: { street: string; city: string; state: string; country: string };
  notes: string;
}

const FIELDS = [
  "site_uuid",
  "topic",
  "starts_at",
  "time_zone",
  "duration_minutes",
  "contact_email",
  "location.street",
  "location.city",
  "location.state",
  "location.country",
  "notes",
] as const;

/** The form to ask for a maintenance window; `onDone` after the API accepted it. */
export function RequestForm({ onDone, siteUuid }: { onDone: () => void; siteUuid?: string }) {
  const t = useT();
  const me = useMe();
  const queryClient = useQueryClient();
  const zones = useMemo(() => timeZones(), []);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    mode: "controlled",
    initialValues: {
      site_uuid: siteUuid ?? null,
      topic: "",
      starts_at: "",
      time_zone: browserTimeZone(),
      duration_minutes: 60,
      contact_email: me.data?.email ?? "",
      location: { street: "", city: "", state: "", country: "" },
      notes: "",
    },
    validate: {
      site_uuid: (v) => (v ? null : t("operations.maintenance.form.siteRequired")),
      topic: (v) => (v.trim() ? null : t("operations.maintenance.form.required")),
      starts_at: (v, values) => (zonedIso(v, values.time_zone) ? null : t("operations.maintenance.form.invalidDate")),
      duration_minutes: (v) => (v === "" ? t("operations.maintenance.form.required") : null),
      contact_email: (v) => (v.trim() ? null : t("operations.maintenance.form.required")),
      location: {
        street: (v, values) => partial(values) && !v.trim() ? t("operations.maintenance.form.locationPartial") : null,
        city: (v, values) => partial(values) && !v.trim() ? t("operations.maintenance.form.locationPartial") : null,
        state: (v, values) => partial(values) && !v.trim() ? t("operations.maintenance.form.locationPartial") : null,
        country: (v, values) => partial(values) && !v.trim() ? t("operations.maintenance.form.locationPartial") : null,
      },
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFormError(null);
    setBusy(true);
    const location = locationComplete(values.location) === "all"
      ? {
          street: values.location.street.trim(),
          city: values.location.city.trim(),
          state: values.location.state.trim(),
          country: values.location.country.trim(),
        }
      : null;
    try {
      await submitRequest({
        site_uuid: values.site_uuid!,
        topic: values.topic.trim(),
        starts_at: zonedIso(values.starts_at, values.time_zone)!,
        duration_minutes: Number(values.duration_minutes),
        contact_email: values.contact_email.trim(),
        location,
        notes: values.notes,
      });
      notifications.show({ color: "green", message: t("operations.maintenance.form.submitted") });
      await queryClient.invalidateQueries({ queryKey: ["maintenance-requests"] });
      onDone();
    } catch (error) {
      if (!isApiError(error)) {
        setFormError(error instanceof Error ? error.message : String(error));
      } else if (error.code === "window_overlaps") {
        // Name the accepted windows it clashes with, next to the start it has to move.
        form.setFieldError("starts_at", clashTexts(error.details, t).join(" ") || error.message);
        setFormError(error.message);
      } else {
        const { matched, rest } = matchFieldErrors(error.fieldErrors, FIELDS);
        form.setErrors(matched);
        setFormError(Object.keys(matched).length > 0 && rest.length === 0 ? null : [error.message, ...rest].join(" "));
      }
    } finally {
      setBusy(false);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormError message={formError} />
        <SitePicker
          label={t("operations.maintenance.form.site")}
          placeholder={t("operations.common.sitePlaceholder")}
          nothingFoundMessage={t("operations.common.siteNothingFound")}
          required
          value={form.values.site_uuid}
          onChange={(uuid) => form.setFieldValue("site_uuid", uuid)}
          error={form.errors.site_uuid}
        />
        <TextInput
          label={t("operations.maintenance.form.topic")}
          placeholder={t("operations.maintenance.form.topicPlaceholder")}
          required
          maxLength={200}
          {...form.getInputProps("topic")}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            type="datetime-local"
            label={t("operations.maintenance.form.startsAt")}
            description={t("operations.maintenance.form.startsAtHelp")}
            required
            {...form.getInputProps("starts_at")}
          />
          <Select
            label={t("operations.maintenance.form.timeZone")}
            data={zones}
            searchable
            allowDeselect={false}
            required
            limit={100}
            {...form.getInputProps("time_zone")}
          />
          <NumberInput
            label={t("operations.maintenance.form.duration")}
            description={t("operations.maintenance.form.durationHelp")}
            min={15}
            max={72 * 60}
            step={15}
            allowDecimal={false}
            required
            {...form.getInputProps("duration_minutes")}
          />
          <TextInput
            type="email"
            label={t("operations.maintenance.form.contactEmail")}
            required
            autoComplete="email"
            {...form.getInputProps("contact_email")}
          />
        </SimpleGrid>
        <Fieldset legend={t("operations.maintenance.form.locationLegend")} variant="filled">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t("operations.maintenance.form.street")} autoComplete="street-address" {...form.getInputProps("location.street")} />
            <TextInput label={t("operations.maintenance.form.city")} autoComplete="address-level2" {...form.getInputProps("location.city")} />
            <TextInput label={t("operations.maintenance.form.state")} autoComplete="address-level1" {...form.getInputProps("location.state")} />
            <TextInput
              label={t("operations.maintenance.form.country")}
              description={t("operations.maintenance.form.countryHelp")}
              autoComplete="country-name"
              {...form.getInputProps("location.country")}
            />
          </SimpleGrid>
        </Fieldset>
        <Textarea label={t("operations.maintenance.form.notes")} autosize minRows={2} maxLength={5000} {...form.getInputProps("notes")} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t("operations.common.cancel")}
          </Button>
          <Button type="submit" loading={busy}>
            {t("operations.maintenance.form.submit")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function partial(values: Values): boolean {
  return locationComplete(values.location) === "partial";
}
