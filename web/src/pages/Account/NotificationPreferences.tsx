import { Alert, Badge, Button, Checkbox, Group, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";

import { FormError } from "../../components/FormError";
import { ErrorState, LoadingState } from "../../components/States";
import { useT, type MessageKey } from "../../i18n";
import { CHANNELS, changedPreferences, toggleChannel, type Preference } from "./preferences";
import { usePreferences, useSavePreferences } from "./queries";
import { Section } from "./Section";

/** Kinds of notification × channels (in the app, email, webhook), and the daily digest. */
export function NotificationPreferences() {
  const t = useT();
  const prefs = usePreferences();
  const save = useSavePreferences();
  const saved = (prefs.data?.data ?? []) as Preference[];
  const [edited, setEdited] = useState<Preference[]>([]);
  const [error, setError] = useState<string | null>(null);
  const emailEnabled = (prefs.data?.meta as { email_enabled?: boolean } | undefined)?.email_enabled !== false;

  useEffect(() => {
    if (prefs.data) setEdited(prefs.data.data as Preference[]);
  }, [prefs.data]);

  const changes = changedPreferences(saved, edited);
  const update = (kind: string, change: (pref: Preference) => Preference) =>
    setEdited((current) => current.map((pref) => (pref.kind === kind ? change(pref) : pref)));
  const channelLabel = (channel: string) => t(`admin.account.notifications.channel_${channel}` as MessageKey);

  async function submit() {
    setError(null);
    try {
      await save.mutateAsync(changes);
      notifications.show({ color: "green", message: t("admin.account.notifications.saved") });
    } catch (e) {
      setError(e instanceof Error ? e.message : null);
    }
  }

  return (
    <Section title={t("admin.account.notifications.title")} intro={t("admin.account.notifications.intro")} id="notifications">
      {prefs.error ? (
        <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} />
      ) : !prefs.data ? (
        <LoadingState />
      ) : edited.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("admin.account.notifications.empty")}
        </Text>
      ) : (
        <Stack>
          {!emailEnabled && (
            <Alert color="gray" variant="light">
              {t("admin.account.notifications.emailOff")}
            </Alert>
          )}
          <FormError message={error} />
          <Table.ScrollContainer minWidth={560}>
            <Table striped verticalSpacing="xs">
              <VisuallyHidden component="caption">{t("admin.account.notifications.title")}</VisuallyHidden>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admin.account.notifications.kind")}</Table.Th>
                  {CHANNELS.map((channel) => (
                    <Table.Th key={channel} ta="center">
                      {channelLabel(channel)}
                    </Table.Th>
                  ))}
                  <Table.Th ta="center">{t("admin.account.notifications.digest")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {edited.map((pref) => (
                  <Table.Tr key={pref.kind}>
                    <Table.Td>
                      <Text size="sm">{pref.description || pref.kind}</Text>
                      <Group gap={4}>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {pref.kind}
                        </Text>
                        {pref.is_default && (
                          <Badge size="xs" variant="outline" color="gray" tt="none">
                            {t("admin.account.notifications.isDefault")}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    {CHANNELS.map((channel) => (
                      <Table.Td key={channel}>
                        <Checkbox
                          mx="auto"
                          w="fit-content"
                          checked={pref.channels.includes(channel)}
                          disabled={channel === "email" && !emailEnabled && !pref.channels.includes("email")}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            update(pref.kind, (p) => toggleChannel(p, channel, on));
                          }}
                          aria-label={t("admin.account.notifications.toggle", { kind: pref.description || pref.kind, channel: channelLabel(channel) })}
                        />
                      </Table.Td>
                    ))}
                    <Table.Td>
                      <Checkbox
                        mx="auto"
                        w="fit-content"
                        checked={pref.digest === "daily"}
                        onChange={(e) => {
                          const daily = e.currentTarget.checked;
                          update(pref.kind, (p) => ({ ...p, digest: daily ? "daily" : "immediate" }));
                        }}
                        aria-label={t("admin.account.notifications.digestToggle", { kind: pref.description || pref.kind })}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group>
            <Button onClick={() => void submit()} disabled={changes.length === 0} loading={save.isPending}>
              {t("admin.account.notifications.save")}
            </Button>
            {changes.length > 0 && (
              <Button variant="default" onClick={() => setEdited(saved)}>
                {t("admin.account.notifications.reset")}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Section>
  );
}
