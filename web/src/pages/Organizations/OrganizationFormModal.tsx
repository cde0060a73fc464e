import { Button, Checkbox, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { focusFirstInvalid } from "../../components/focusFirstInvalid";
import { useT } from "../../i18n";
import { useOrganizationMutations, type Organization } from "./queries";

interface Props {
  opened: boolean;
  organization: Organization | null;
  onClose: () => void;
}

const EMPTY = { name: "", tax_id: "", currency: "EUR", is_active: true };

/** Create an organization, or change its name, tax ID, currency and whether it is active. */
export function OrganizationFormModal({ opened, organization, onClose }: Props) {
  const t = useT();
  const { create, update } = useOrganizationMutations();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: EMPTY });

  useEffect(() => {
    if (!opened) return;
    form.setValues(
      organization
        ? { name: organization.name, tax_id: organization.tax_id ?? "", currency: organization.currency, is_active: organization.is_active }
        : EMPTY,
    );
    form.clearErrors();
    setFormError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, organization]);

  async function submit(values: typeof EMPTY) {
    setFormError(null);
    const currency = values.currency.trim().toUpperCase();
    try {
      if (organization) {
        const saved = await update.mutateAsync({
          uuid: organization.uuid,
          body: { name: values.name, tax_id: values.tax_id, currency, is_active: values.is_active },
        });
        notifications.show({ color: "green", message: t("admin.organizations.updated", { name: saved.name }) });
      } else {
        const saved = await create.mutateAsync({ name: values.name, tax_id: values.tax_id || null, currency });
        notifications.show({ color: "green", message: t("admin.organizations.createdToast", { name: saved.name }) });
      }
      onClose();
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
      focusFirstInvalid();
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={organization ? t("admin.organizations.editTitle", { name: organization.name }) : t("admin.organizations.createTitle")}
    >
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          <FormError message={formError} />
          <TextInput label={t("admin.organizations.name")} required {...form.getInputProps("name")} />
          <TextInput label={t("admin.organizations.taxId")} {...form.getInputProps("tax_id")} />
          <TextInput label={t("admin.organizations.currency")} maxLength={3} w={120} {...form.getInputProps("currency")} />
          {organization && <Checkbox label={t("admin.organizations.isActive")} {...form.getInputProps("is_active", { type: "checkbox" })} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("admin.common.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {organization ? t("admin.common.save") : t("admin.organizations.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
