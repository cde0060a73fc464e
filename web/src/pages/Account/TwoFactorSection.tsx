import { Badge, Button, Group, Image, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import type { components } from "../../api/schema";
import { FormError, applyFieldErrors } from "../../components/FormError";
import { useT } from "../../i18n";
import { onFields, qrImageSrc } from "./accountHelpers";
import { BackupCodes } from "./BackupCodes";
import { CopyableField } from "./CopyableField";
import { useTwoFactor } from "./queries";
import { Section } from "./Section";

type Enrolment = components["schemas"]["TwoFactorEnrolmentOut"];
type Action = "regenerate" | "disable" | null;

/** Turn 2FA on (QR code, confirm with a code, backup codes once), replace codes, turn it off. */
export function TwoFactorSection({ enabled }: { enabled: boolean }) {
  const t = useT();
  const twoFactor = useTwoFactor();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [action, setAction] = useState<Action>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const confirmForm = useForm({ initialValues: { code: "" } });
  const actionForm = useForm({ initialValues: { password: "", code: "" } });

  async function start() {
    setFormError(null);
    try {
      setEnrolment(await twoFactor.enroll.mutateAsync());
    } catch (error) {
      setFormError(error instanceof Error ? error.message : null);
    }
  }

  async function confirm(values: { code: string }) {
    setFormError(null);
    try {
      const result = await twoFactor.confirm.mutateAsync(values.code.replace(/\s/g, ""));
      setEnrolment(null);
      confirmForm.reset();
      setCodes(result.backup_codes);
      notifications.show({ color: "green", message: t("admin.account.twoFactor.enabled") });
    } catch (error) {
      setFormError(applyFieldErrors(confirmForm, onFields(error, { codes: { invalid_otp: "code" } })));
    }
  }

  async function runAction(values: { password: string; code: string }) {
    setFormError(null);
    const body = { password: values.password, code: values.code.replace(/\s/g, "") };
    try {
      if (action === "regenerate") {
        const result = await twoFactor.regenerate.mutateAsync(body);
        setCodes(result.backup_codes);
      } else {
        await twoFactor.disable.mutateAsync(body);
        notifications.show({ color: "green", message: t("admin.account.twoFactor.disabled") });
      }
      actionForm.reset();
      setAction(null);
    } catch (error) {
      setFormError(applyFieldErrors(actionForm, onFields(error, { codes: { invalid_credentials: "password", invalid_otp: "code" } })));
    }
  }

  const status = (
    <Group gap="xs">
      <Badge color={enabled ? "green" : "gray"} variant="light" tt="none">
        {enabled ? t("account.on") : t("account.off")}
      </Badge>
      <Text size="sm">{enabled ? t("admin.account.twoFactor.statusOn") : t("admin.account.twoFactor.statusOff")}</Text>
    </Group>
  );

  return (
    <Section title={t("admin.account.twoFactor.title")} intro={!enabled ? t("admin.account.twoFactor.intro") : undefined} id="two-factor">
      {status}
      {codes && <BackupCodes codes={codes} onDone={() => setCodes(null)} />}
      <FormError message={formError} />

      {!enabled && !enrolment && !codes && (
        <Group>
          <Button onClick={() => void start()} loading={twoFactor.enroll.isPending}>
            {t("admin.account.twoFactor.enable")}
          </Button>
        </Group>
      )}

      {!enabled && enrolment && (
        <Stack maw={520}>
          <Text size="sm">{t("admin.account.twoFactor.scan")}</Text>
          <Image
            src={qrImageSrc(enrolment.qr_code)}
            alt={t("admin.account.twoFactor.qrAlt")}
            w={200}
            h={200}
            fit="contain"
            bg="white"
            p={4}
            radius="sm"
          />
          <CopyableField label={t("admin.account.twoFactor.secret")} value={enrolment.secret} copyLabel={t("admin.account.twoFactor.copySecret")} />
          <CopyableField label={t("admin.account.twoFactor.uri")} value={enrolment.otpauth_uri} copyLabel={t("admin.account.twoFactor.copyUri")} />
          <form onSubmit={confirmForm.onSubmit(confirm)} noValidate>
            <Stack>
              <TextInput
                label={t("admin.account.twoFactor.code")}
                description={t("admin.account.twoFactor.codeHelp")}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={16}
                w={220}
                {...confirmForm.getInputProps("code")}
              />
              <Group>
                <Button type="submit" loading={twoFactor.confirm.isPending}>
                  {t("admin.account.twoFactor.confirm")}
                </Button>
                <Button
                  variant="default"
                  onClick={() => {
                    setEnrolment(null);
                    setFormError(null);
                    confirmForm.reset();
                  }}
                >
                  {t("admin.account.twoFactor.cancel")}
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      )}

      {enabled && action === null && !codes && (
        <Group>
          <Button variant="default" onClick={() => setAction("regenerate")}>
            {t("admin.account.twoFactor.regenerate")}
          </Button>
          <Button variant="light" color="red" onClick={() => setAction("disable")}>
            {t("admin.account.twoFactor.disable")}
          </Button>
        </Group>
      )}

      {enabled && action !== null && (
        <form onSubmit={actionForm.onSubmit(runAction)} noValidate>
          <Stack maw={420}>
            <Title order={3} size="h5">
              {action === "regenerate" ? t("admin.account.twoFactor.regenerate") : t("admin.account.twoFactor.disable")}
            </Title>
            <Text size="sm" c="dimmed">
              {action === "regenerate" ? t("admin.account.twoFactor.regenerateHelp") : t("admin.account.twoFactor.disableHelp")}
            </Text>
            <PasswordInput label={t("admin.account.twoFactor.passwordLabel")} autoComplete="current-password" {...actionForm.getInputProps("password")} />
            <TextInput
              label={t("admin.account.twoFactor.codeOrBackup")}
              description={t("admin.account.twoFactor.codeOrBackupHelp")}
              autoComplete="one-time-code"
              maxLength={16}
              w={220}
              {...actionForm.getInputProps("code")}
            />
            <Group>
              <Button
                type="submit"
                color={action === "disable" ? "red" : undefined}
                loading={twoFactor.regenerate.isPending || twoFactor.disable.isPending}
              >
                {action === "regenerate" ? t("admin.account.twoFactor.regenerate") : t("admin.account.twoFactor.disable")}
              </Button>
              <Button
                variant="default"
                onClick={() => {
                  setAction(null);
                  setFormError(null);
                  actionForm.reset();
                }}
              >
                {t("admin.common.cancel")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Section>
  );
}
