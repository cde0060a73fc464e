import { Button, Card, CopyButton, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";

import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { createCalendarToken } from "./queries";

/** Creates the personal iCalendar feed link and shows it (once) to copy. */
export function CalendarFeed() {
  const t = useT();
  const create = useMutation({ mutationFn: createCalendarToken });
  const url = create.data?.feed_url;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("operations.maintenance.feed.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("operations.maintenance.feed.help")}
        </Text>
        {url && (
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label={t("operations.maintenance.feed.url")}
              description={t("operations.maintenance.feed.shownOnce")}
              value={url}
              readOnly
              onFocus={(e) => e.currentTarget.select()}
              style={{ flex: 1, minWidth: 240 }}
            />
            <CopyButton value={url}>
              {({ copied, copy }) => (
                <Button color={copied ? "teal" : undefined} variant="light" onClick={copy}>
                  {copied ? t("operations.maintenance.feed.copied") : t("operations.maintenance.feed.copy")}
                </Button>
              )}
            </CopyButton>
          </Group>
        )}
        {create.error && <ErrorState error={create.error} />}
        <Group>
          <Button variant={url ? "default" : "filled"} loading={create.isPending} onClick={() => create.mutate()}>
            {url ? t("operations.maintenance.feed.replace") : t("operations.maintenance.feed.create")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
