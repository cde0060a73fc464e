import { Button, Checkbox, Group, Modal, PasswordInput, Radio, Select, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { FormError, applyFieldErrors } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { useT } from "../../i18n";
import { useOrganizationOptions, useUserMutations } from "./queries";

interface Props {
  opened: boolean;
  onClose: () => void;
  roles: string[];
}

const EMPTY = {
  login: "",
  email: "",
  name: "",
  role: "viewer",
  mode: "invite",
  password: "",
  is_approved: false,
  organization_uuid: "",
};

/** Create a user: with a password (optionally approved at once), or as an invitation. */
export function CreateUserModal({ opened, onClose, roles }: Props) {
  const t = useT();
  const { create } = useUserMutations();
  const canApprove = useCan("users:approve");
  const isAdmin = useCan("platform:admin");
  const orgs = useOrganizationOptions(opened && isAdmin);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: EMPTY });
  const withPassword = form.values.mode === "password";

  const close = () => {
    form.reset();
    setFormError(null);
    onClose();
  };

  async function submit(values: typeof EMPTY) {
    setFormError(null);
    try {
      const user = await create.mutateAsync({
        login: values.login,
        email: values.email,
        name: values.name,
        role: values.role,
        password: withPassword ? values.password : null,
        is_approved: withPassword && values.is_approved,
        organization_uuid: values.organization_uuid || null,
        groups: [],
      });
      notifications.show({
        color: "green",
        message: withPassword ? t("admin.users.created", { login: user.login }) : t("admin.users.invitedToast", { login: user.login }),
      });
      close();
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
      focusFirstInvalid();
    }
  }

  return (
    <Modal opened={opened} onClose={close} title={t("admin.users.createTitle")} size="lg">
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          <FormError message={formError} />
          <Group grow align="flex-start" wrap="wrap">
            <TextInput label={t("admin.users.login")} required autoComplete="off" miw={200} {...form.getInputProps("login")} />
            <TextInput label={t("admin.users.email")} type="email" required autoComplete="off" miw={200} {...form.getInputProps("email")} />
          </Group>
          <TextInput label={t("admin.users.name")} autoComplete="off" {...form.getInputProps("name")} />
          <Select
            label={t("admin.users.role")}
            data={roles.length ? roles : ["viewer"]}
            allowDeselect={false}
            required
            {...form.getInputProps("role")}
          />
          {isAdmin && (
            <Select
              label={t("admin.users.organization")}
              data={orgs.data ?? []}
              clearable
              searchable
              {...form.getInputProps("organization_uuid")}
              value={form.values.organization_uuid || null}
              onChange={(value) => form.setFieldValue("organization_uuid", value ?? "")}
            />
          )}
          <Radio.Group label={t("admin.users.mode")} {...form.getInputProps("mode")}>
            <Stack gap="xs" mt="xs">
              <Radio value="invite" label={t("admin.users.modeInvite")} />
              <Radio value="password" label={t("admin.users.modePassword")} />
            </Stack>
          </Radio.Group>
          {withPassword && (
            <>
              <PasswordInput label={t("admin.users.password")} required autoComplete="new-password" {...form.getInputProps("password")} />
              {canApprove && <Checkbox label={t("admin.users.approveNow")} {...form.getInputProps("is_approved", { type: "checkbox" })} />}
            </>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("admin.common.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("admin.users.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
