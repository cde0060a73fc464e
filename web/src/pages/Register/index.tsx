import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

import { api, data, unwrap } from "../../api/client";
import { isApiError } from "../../api/errors";
import { FormError, applyFieldErrors } from "../../components/FormError";
import { LoadingState } from "../../components/States";
import { useT } from "../../i18n";

type Outcome = "form" | "done" | "closed";

/**
 * Per the installation's registration mode (`GET /auth/registration`): `invite` completes an
 * invitation (login and email as invited), `open` signs up with a new organization, `closed`
 * says so (and a 403 `registration_closed` on submit says the same).
 */
export default function Register() {
  const t = useT();
  const [outcome, setOutcome] = useState<Outcome>("form");
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const mode = useQuery({ queryKey: ["registration-mode"], queryFn: () => data(api.GET("/auth/registration")) });
  const form = useForm({ initialValues: { login: "", email: "", name: "", password: "", organization_name: "" } });

  async function submit(values: typeof form.values) {
    setSubmitting(true);
    setFormError(null);
    try {
      await unwrap(
        api.POST("/auth/register", {
          body: { ...values, organization_name: values.organization_name.trim() || null },
        }),
      );
      setOutcome("done");
    } catch (error) {
      if (isApiError(error, "registration_closed")) setOutcome("closed");
      else setFormError(applyFieldErrors(form, error));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main" id="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={440}>
        <Stack>
          <Title order={1} size="h3">
            {t("register.title")}
          </Title>
          {mode.isPending && <LoadingState />}
          {(outcome === "closed" || mode.data?.mode === "closed") && <Alert color="yellow">{t("register.closed")}</Alert>}
          {outcome === "done" && <Alert color="green">{t("register.done")}</Alert>}
          {outcome === "form" && mode.data && mode.data.mode !== "closed" && (
            <form onSubmit={form.onSubmit(submit)} noValidate>
              <Stack>
                <Text size="sm" c="dimmed">
                  {mode.data.mode === "open" ? t("register.introOpen") : t("register.introInvite")}
                </Text>
                <FormError message={formError} />
                <TextInput label={t("register.login")} autoComplete="username" required {...form.getInputProps("login")} />
                <TextInput label={t("register.email")} type="email" autoComplete="email" required {...form.getInputProps("email")} />
                <TextInput label={t("register.name")} autoComplete="name" {...form.getInputProps("name")} />
                <PasswordInput label={t("register.password")} autoComplete="new-password" required {...form.getInputProps("password")} />
                {mode.data.mode === "open" && <TextInput label={t("register.organizationName")} autoComplete="organization" {...form.getInputProps("organization_name")} />}
                <Button type="submit" loading={submitting}>
                  {t("register.submit")}
                </Button>
              </Stack>
            </form>
          )}
          <Text size="sm" ta="center">
            {t("register.haveAccount")}{" "}
            <Anchor component={Link} to="/sign-in">
              {t("register.signIn")}
            </Anchor>
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
