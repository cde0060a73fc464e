import { Button, Group, Modal, MultiSelect, Select, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { useT } from "../../i18n";
import { useCan } from "../../auth/session";
import { useGroupNames, useUserMutations, type User } from "./queries";

interface Props {
  user: User | null;
  onClose: () => void;
  roles: string[];
  isSelf: boolean;
}

interface Values {
  name: string;
  email: string;
  role: string;
  groups: string[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Change a user's name, email, role (not one's own) and groups (with `groups:write`). */
export function EditUserModal({ user, onClose, roles, isSelf }: Props) {
  const t = useT();
  const { update, setGroups } = useUserMutations();
  const canGroup = useCan("groups:write");
  const groupNames = useGroupNames(canGroup && user !== null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({ initialValues: { name: "", email: "", role: "", groups: [] } });

  useEffect(() => {
    if (user) {
      form.setValues({ name: user.name, email: user.email, role: user.role, groups: user.groups });
      form.resetDirty();
      form.clearErrors();
      setFormError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user]);

  async function submit(values: Values) {
    if (!user) return;
    setFormError(null);
    const body: Record<string, string> = {};
    if (values.name !== user.name) body.name = values.name;
    if (values.email !== user.email) body.email = values.email;
    if (values.role !== user.role && !isSelf) body.role = values.role;
    try {
      let saved = await update.mutateAsync({ uuid: user.uuid, body });
      if (canGroup && !sameSet(values.groups, user.groups)) saved = await setGroups.mutateAsync({ uuid: user.uuid, groups: values.groups });
      notifications.show({ color: "green", message: t("admin.users.updated", { login: saved.login }) });
      onClose();
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
      focusFirstInvalid();
    }
  }

  const roleOptions = user && !roles.includes(user.role) ? [...roles, user.role] : roles;
  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? t("admin.users.editTitle", { login: user.login }) : ""}>
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          <FormError message={formError} />
          <TextInput label={t("admin.users.name")} {...form.getInputProps("name")} />
          <TextInput label={t("admin.users.email")} type="email" required {...form.getInputProps("email")} />
          <Select
            label={t("admin.users.role")}
            data={roleOptions}
            allowDeselect={false}
            disabled={isSelf}
            description={isSelf ? t("admin.users.ownRole") : undefined}
            {...form.getInputProps("role")}
          />
          {canGroup && (
            <MultiSelect
              label={t("admin.users.groups")}
              description={t("admin.users.groupsHelp")}
              data={[...new Set([...(groupNames.data ?? []), ...(user?.groups ?? [])])]}
              searchable
              {...form.getInputProps("groups")}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("admin.common.cancel")}
            </Button>
            <Button type="submit" loading={update.isPending || setGroups.isPending}>
              {t("admin.common.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
