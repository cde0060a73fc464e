import { Button, Group, Modal, Stack, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { useT } from "../../i18n";
import { PermissionPicker } from "../../components/PermissionPicker";
import { useRoleMutations, type Role } from "./queries";

interface Props {
  opened: boolean;
  /** The role to change; null creates one. */
  role: Role | null;
  catalogue: string[];
  onClose: () => void;
}

const EMPTY = { name: "", description: "", permissions: [] as string[] };

export function RoleFormModal({ opened, role, catalogue, onClose }: Props) {
  const t = useT();
  const { create, update } = useRoleMutations();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: EMPTY });

  useEffect(() => {
    if (!opened) return;
    form.setValues(role ? { name: role.name, description: role.description, permissions: [...role.permissions] } : EMPTY);
    form.clearErrors();
    setFormError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, role]);

  async function submit(values: typeof EMPTY) {
    setFormError(null);
    try {
      if (role) {
        const saved = await update.mutateAsync({ uuid: role.uuid, body: { description: values.description, permissions: values.permissions } });
        notifications.show({ color: "green", message: t("admin.roles.updated", { name: saved.name }) });
      } else {
        const saved = await create.mutateAsync(values);
        notifications.show({ color: "green", message: t("admin.roles.createdToast", { name: saved.name }) });
      }
      onClose();
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
      focusFirstInvalid();
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={role ? t("admin.roles.editTitle", { name: role.name }) : t("admin.roles.createTitle")} size="xl">
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          <FormError message={formError} />
          {!role && <TextInput label={t("admin.roles.name")} description={t("admin.roles.nameHelp")} required {...form.getInputProps("name")} />}
          <Textarea label={t("admin.roles.description")} autosize minRows={2} {...form.getInputProps("description")} />
          <PermissionPicker
            legend={t("admin.roles.permissions")}
            available={catalogue}
            value={form.values.permissions}
            onChange={(value) => form.setFieldValue("permissions", value)}
            error={form.errors.permissions as string | undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("admin.common.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {role ? t("admin.common.save") : t("admin.roles.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
