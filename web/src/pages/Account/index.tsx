import { Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useEffect } from "react";
import { useLocation } from "react-router";

import { useMe } from "../../auth/session";
import { ErrorState, LoadingState } from "../../components/States";
import { useT } from "../../i18n";
import { ApiKeysSection } from "./ApiKeysSection";
import { NotificationPreferences } from "./NotificationPreferences";
import { PasswordSection } from "./PasswordSection";
import { TwoFactorSection } from "./TwoFactorSection";

/** The signed-in person: profile, password, 2FA and backup codes, API keys, notification preferences. */
export default function Account() {
  const t = useT();
  const me = useMe();
  const { hash } = useLocation();
  const ready = Boolean(me.data);
  // `/account#notifications` (the emails' "preferences" link) scrolls to that section.
  useEffect(() => {
    if (ready && hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [ready, hash]);
  if (me.error) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <LoadingState />;
  const rows: [string, string][] = [
    [t("account.login"), me.data.login],
    [t("account.email"), me.data.email],
    [t("account.role"), me.data.role],
    [t("account.organization"), me.data.organization.name],
    [t("account.twoFactor"), me.data.totp_enabled ? t("account.on") : t("account.off")],
  ];
  return (
    <Stack maw={960}>
      <Title order={1} size="h2">
        {t("account.title")}
      </Title>
      <Paper withBorder p="md" radius="md" maw={560}>
        <SimpleGrid cols={2} spacing="xs" component="dl" style={{ margin: 0 }}>
          {rows.map(([label, value]) => (
            <div key={label} style={{ display: "contents" }}>
              <Text component="dt" c="dimmed" size="sm">
                {label}
              </Text>
              <Text component="dd" size="sm" m={0}>
                {value}
              </Text>
            </div>
          ))}
        </SimpleGrid>
      </Paper>
      {me.data.has_password && <PasswordSection />}
      <TwoFactorSection enabled={me.data.totp_enabled} />
      <ApiKeysSection />
      <NotificationPreferences />
    </Stack>
  );
}
