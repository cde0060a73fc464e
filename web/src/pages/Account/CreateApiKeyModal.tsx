import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";

import { useCan, useMe } from "../../auth/session";
import { FormError, applyFieldErrors } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { PermissionPicker } from "../../components/PermissionPicker";
import { useT } from "../../i18n";
import { CopyableField } from "./CopyableField";
import { useApiKeyMutations, useSiteOptions } from "./queries";

const EMPTY = { name: "", permissions: [] as string[], site_uuid: "" };

/** Create an API key: a name, permissions (the creator's own) and optionally one site; the secret once. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const t = useT();
  const me = useMe();
  const canReadSites = useCan("sites:read");
  const sites = useSiteOptions(opened && canReadSites);
  const { create } = useApiKeyMutations();
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm({
    initialValues: EMPTY,
    validate: { permissions: (value) => (value.length === 0 ? t("admin.account.apiKeys.noPermission") : null) },
  });
  const available = (me.data?.permissions ?? []).filter((p) => p !== "platform:admin");

  const close = () => {
    form.reset();
    setFormError(null);
    setSecret(null);
    onClose();
  };

  async function submit(values: typeof EMPTY) {
    setFormError(null);
    try {
      const key = await create.mutateAsync({ name: values.name, permissions: values.permissions, site_uuid: values.site_uuid || null });
      setSecret(key.secret);
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
      focusFirstInvalid();
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={secret ? t("admin.account.apiKeys.secretTitle") : t("admin.account.apiKeys.createTitle")}
      size="xl"
    >
      {secret ? (
        <Stack>
          <Alert color="yellow" variant="light">
            {t("admin.account.apiKeys.secretHelp")}
          </Alert>
          <CopyableField label={t("admin.account.apiKeys.secretLabel")} value={secret} copyLabel={t("admin.account.apiKeys.copySecret")} />
          <Group justify="flex-end">
            <Button onClick={close}>{t("admin.common.close")}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit(submit)} noValidate>
          <Stack>
            <FormError message={formError} />
            <TextInput label={t("admin.account.apiKeys.name")} required {...form.getInputProps("name")} />
            {canReadSites && (
              <Select
                label={t("admin.account.apiKeys.site")}
                description={t("admin.account.apiKeys.siteHelp")}
                placeholder={t("admin.account.apiKeys.anySite")}
                data={sites.data ?? []}
                searchable
                clearable
                value={form.values.site_uuid || null}
                onChange={(value) => form.setFieldValue("site_uuid", value ?? "")}
                error={form.errors.site_uuid}
              />
            )}
            <PermissionPicker
              legend={t("admin.account.apiKeys.permissions")}
              description={t("admin.account.apiKeys.permissionsHelp")}
              available={available}
              value={form.values.permissions}
              onChange={(value) => form.setFieldValue("permissions", value)}
              error={form.errors.permissions as string | undefined}
            />
            {available.length === 0 && <Text size="sm" c="dimmed">{t("admin.account.apiKeys.noPermission")}</Text>}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t("admin.common.cancel")}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t("admin.account.apiKeys.create")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
