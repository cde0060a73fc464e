import { Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";

import { api, unwrap } from "../../api/client";
import { isApiError } from "../../api/errors";
import { tokenStore } from "../../api/tokens";
import { useSignedIn } from "../../auth/session";
import { FormError, applyFieldErrors } from "../../components/FormError";
import { useT } from "../../i18n";

/** Only paths of this app: `?next=https://evil.example` must not send people away. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export default function SignIn() {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const signedIn = useSignedIn();
  const [needsCode, setNeedsCode] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const form = useForm({ initialValues: { login: "", password: "", otp_code: "" } });
  const next = safeNext(params.get("next"));

  if (signedIn) return <Navigate to={next} replace />;

  async function submit(values: typeof form.values) {
    setSubmitting(true);
    setFormError(null);
    try {
      const body = { login: values.login, password: values.password, otp_code: needsCode ? values.otp_code.trim() : null };
      const envelope = await unwrap(api.POST("/auth/login", { body }));
      tokenStore.set(envelope.data.access_token, envelope.data.refresh_token);
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      navigate(next, { replace: true });
    } catch (error) {
      if (isApiError(error, "otp_required")) {
        setNeedsCode(true);
        setFormError(needsCode ? error.message : t("signIn.otpRequired"));
      } else if (isApiError(error) && error.status === 429) {
        const minutes = error.retryAfter ? Math.ceil(error.retryAfter / 60) : null;
        setFormError(minutes ? t("signIn.lockedOut", { minutes }) : t("signIn.lockedOutNoTime"));
      } else {
        setFormError(applyFieldErrors(form, error));
      }
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main" id="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
        <form onSubmit={form.onSubmit(submit)} noValidate>
          <Stack>
            <Title order={1} size="h3">
              {t("signIn.title")}
            </Title>
            <FormError message={formError} />
            <TextInput label={t("signIn.login")} autoComplete="username" required autoFocus {...form.getInputProps("login")} />
            <PasswordInput label={t("signIn.password")} autoComplete="current-password" required {...form.getInputProps("password")} />
            {needsCode && (
              <TextInput
                label={t("signIn.otpCode")}
                description={t("signIn.otpHelp")}
                autoComplete="one-time-code"
                inputMode="text"
                maxLength={16}
                required
                data-autofocus
                {...form.getInputProps("otp_code")}
              />
            )}
            <Button type="submit" loading={submitting} fullWidth>
              {t("signIn.submit")}
            </Button>
            <Text size="sm" ta="center">
              {t("signIn.noAccount")}{" "}
              <Anchor component={Link} to="/register">
                {t("signIn.register")}
              </Anchor>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
