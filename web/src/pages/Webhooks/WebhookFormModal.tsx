import { Alert, Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";

import { useCan } from "../../auth/session";
import { FormError, applyFieldErrors } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { useT, type MessageKey } from "../../i18n";
import { CopyableField } from "../Account/CopyableField";
import { EVENT_KINDS, FORMATS, MANAGE_WEBHOOKS, SCOPES, useWebhookMutations, type EventKind, type PayloadFormat, type Webhook, type WebhookScope } from "./queries";

interface Values {
  name: string;
  url: string;
  scope: WebhookScope;
  payload_format: PayloadFormat;
  secret: string;
  event_kinds: EventKind[];
}

const EMPTY: Values = { name: "", url: "", scope: "user", payload_format: "json", secret: "", event_kinds: [] };

function valuesOf(hook: Webhook | null): Values {
  if (!hook) return EMPTY;
  return {
    name: hook.name,
    url: hook.url,
    scope: hook.scope,
    payload_format: hook.payload_format,
    secret: "",
    event_kinds: hook.event_kinds.filter((kind): kind is EventKind => (EVENT_KINDS as readonly string[]).includes(kind)),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && Boolean(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Add a webhook (then show its signing secret, once) or edit one (`editing`). The API's field
 * errors (an invalid or refused URL, a too-short secret) appear next to their fields.
 */
export function WebhookFormModal({ opened, editing, onClose }: { opened: boolean; editing: Webhook | null; onClose: () => void }) {
  const t = useT();
  const canManage = useCan(MANAGE_WEBHOOKS);
  const phone = useMediaQuery("(max-width: 36em)");
  const { create, update } = useWebhookMutations();
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm<Values>({
    mode: "controlled",
    initialValues: EMPTY,
    validate: {
      name: (v) => (v.trim() ? null : t("notify.webhooks.form.required")),
      url: (v) => (!v.trim() ? t("notify.webhooks.form.required") : isHttpUrl(v.trim()) ? null : t("notify.webhooks.form.urlInvalid")),
      secret: (v) => (!v || /^[\x21-\x7e]{16,128}$/.test(v) ? null : t("notify.webhooks.form.secretInvalid")),
    },
  });

  // A fresh form each time the modal opens (for a new webhook or the one being edited).
  useEffect(() => {
    if (!opened) return;
    const initial = valuesOf(editing);
    form.setInitialValues(initial);
    form.setValues(initial);
    form.clearErrors();
    setFormError(null);
    setSecret(null);
  }, [opened, editing]);

  const close = () => {
    setSecret(null);
    setFormError(null);
    onClose();
  };

  async function submit(values: Values) {
    setFormError(null);
    const organization = values.scope === "organization";
    try {
      if (editing) {
        const saved = await update.mutateAsync({
          uuid: editing.uuid,
          body: {
            name: values.name.trim(),
            url: values.url.trim(),
            payload_format: values.payload_format,
            ...(organization ? { event_kinds: values.event_kinds } : {}),
          },
        });
        notifications.show({ color: "green", message: t("notify.webhooks.form.saved", { name: saved.name }) });
        close();
      } else {
        const created = await create.mutateAsync({
          name: values.name.trim(),
          url: values.url.trim(),
          scope: values.scope,
          payload_format: values.payload_format,
          secret: values.secret || null,
          event_kinds: organization ? values.event_kinds : [],
        });
        setSecret(created.secret);
      }
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
      focusFirstInvalid();
    }
  }

  const title = secret ? t("notify.webhooks.secretTitle") : editing ? t("notify.webhooks.form.editTitle") : t("notify.webhooks.form.createTitle");
  const scope = form.values.scope;
  return (
    <Modal opened={opened} onClose={close} title={title} size="lg" fullScreen={phone}>
      {secret ? (
        <Stack>
          <Alert color="yellow" variant="light">
            {t("notify.webhooks.secretHelp")}
          </Alert>
          <CopyableField label={t("notify.webhooks.secretLabel")} value={secret} copyLabel={t("notify.webhooks.copySecret")} />
          <Group justify="flex-end">
            <Button onClick={close}>{t("notify.webhooks.close")}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit(submit, () => focusFirstInvalid())} noValidate>
          <Stack>
            <FormError message={formError} />
            <TextInput label={t("notify.webhooks.form.name")} placeholder={t("notify.webhooks.form.namePlaceholder")} required maxLength={200} data-autofocus {...form.getInputProps("name")} />
            <TextInput
              type="url"
              label={t("notify.webhooks.form.url")}
              description={t("notify.webhooks.form.urlHelp")}
              placeholder="https://"
              required
              maxLength={2083}
              autoComplete="url"
              {...form.getInputProps("url")}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {editing ? (
                <Stack gap={2}>
                  <Text size="sm" fw={500}>
                    {t("notify.webhooks.form.scope")}
                  </Text>
                  <Text size="sm">{t(`notify.webhooks.scopes.${editing.scope}` as MessageKey)}</Text>
                </Stack>
              ) : (
                canManage && (
                  <Select
                    label={t("notify.webhooks.form.scope")}
                    data={SCOPES.map((value) => ({ value, label: t(`notify.webhooks.scopes.${value}` as MessageKey) }))}
                    allowDeselect={false}
                    {...form.getInputProps("scope")}
                  />
                )
              )}
              <Select
                label={t("notify.webhooks.form.format")}
                data={FORMATS.map((value) => ({ value, label: t(`notify.webhooks.formats.${value}` as MessageKey) }))}
                allowDeselect={false}
                {...form.getInputProps("payload_format")}
              />
            </SimpleGrid>
            <Text size="xs" c="dimmed">
              {t(`notify.webhooks.scopeHelp.${scope}` as MessageKey)} {t("notify.webhooks.form.formatHelp")}
            </Text>
            {!editing && (
              <TextInput
                label={t("notify.webhooks.form.secret")}
                description={t("notify.webhooks.form.secretHelp")}
                maxLength={128}
                autoComplete="off"
                spellCheck={false}
                styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                {...form.getInputProps("secret")}
              />
            )}
            {scope === "organization" && (
              <Checkbox.Group
                label={t("notify.webhooks.form.events")}
                description={t("notify.webhooks.form.eventsHelp")}
                {...form.getInputProps("event_kinds")}
              >
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
                  {EVENT_KINDS.map((kind) => (
                    <Checkbox key={kind} value={kind} label={t(`notify.kinds.${kind}` as MessageKey)} />
                  ))}
                </SimpleGrid>
              </Checkbox.Group>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t("notify.webhooks.cancel")}
              </Button>
              <Button type="submit" loading={create.isPending || update.isPending}>
                {editing ? t("notify.webhooks.form.save") : t("notify.webhooks.form.create")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
