import { Alert, Button, Group, PasswordInput, Stack } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { useT } from "../../i18n";
import { onFields } from "./accountHelpers";
import { useChangePassword } from "./queries";
import { Section } from "./Section";

/** Change one's own password: the current one, then the new one. */
export function PasswordSection() {
  const t = useT();
  const change = useChangePassword();
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const form = useForm({ initialValues: { current_password: "", new_password: "" } });

  async function submit(values: { current_password: string; new_password: string }) {
    setFormError(null);
    setDone(false);
    try {
      await change.mutateAsync(values);
      form.reset();
      setDone(true);
    } catch (error) {
      setFormError(
        applyFieldErrors(form, onFields(error, { codes: { invalid_credentials: "current_password" }, rename: { password: "new_password" } })),
      );
    }
  }

  return (
    <Section title={t("admin.account.password.title")} id="password">
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack maw={420}>
          <FormError message={formError} />
          {done && (
            <Alert color="green" variant="light" role="status">
              {t("admin.account.password.done")}
            </Alert>
          )}
          <PasswordInput label={t("admin.account.password.current")} autoComplete="current-password" {...form.getInputProps("current_password")} />
          <PasswordInput label={t("admin.account.password.new")} autoComplete="new-password" {...form.getInputProps("new_password")} />
          <Group>
            <Button type="submit" loading={change.isPending}>
              {t("admin.account.password.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
