import { ActionIcon, Anchor, Box, Button, Group, Indicator, Popover, ScrollArea, Stack, Text, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { formatDateTime } from "../format";
import { useT } from "../i18n";
import { isInternalLink, useLatest, useMark, useReadAll, useUnreadCount, type Notification } from "../pages/Notifications/queries";
import { ErrorState, LoadingState } from "./States";

const LATEST = 10;

function BellIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

function Item({ item, onOpen }: { item: Notification; onOpen: (item: Notification) => void }) {
  const t = useT();
  const mark = useMark();
  return (
    <Group component="li" gap="xs" wrap="nowrap" align="flex-start" py={6} style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}>
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
        <Group gap={6} wrap="nowrap">
          {!item.read && (
            <>
              <Box w={8} h={8} bg="blue" style={{ borderRadius: "50%", flexShrink: 0 }} aria-hidden="true" />
              <VisuallyHidden>{t("work.bell.unread")}</VisuallyHidden>
            </>
          )}
          {item.link ? (
            <Anchor component="button" type="button" size="sm" fw={item.read ? 400 : 700} ta="left" onClick={() => onOpen(item)} lineClamp={2}>
              {item.title}
            </Anchor>
          ) : (
            <Text size="sm" fw={item.read ? 400 : 700} lineClamp={2}>
              {item.title}
            </Text>
          )}
        </Group>
        {item.body && (
          <Text size="xs" c="dimmed" lineClamp={2}>
            {item.body}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {formatDateTime(item.created_at)}
        </Text>
      </Stack>
      <UnstyledButton
        fz="xs"
        c="dimmed"
        onClick={() => mark.mutate({ uuid: item.uuid, read: !item.read })}
        aria-label={item.read ? t("work.bell.markUnreadLabel", { title: item.title }) : t("work.bell.markReadLabel", { title: item.title })}
        disabled={mark.isPending}
        style={{ whiteSpace: "nowrap", textDecoration: "underline" }}
      >
        {item.read ? t("work.bell.markUnread") : t("work.bell.markRead")}
      </UnstyledButton>
    </Group>
  );
}

/** The bell in the header: unread count (polled every minute), the latest notifications. */
export function NotificationBell() {
  const t = useT();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const unread = useUnreadCount();
  const latest = useLatest(LATEST, opened);
  const mark = useMark();
  const readAll = useReadAll();
  const count = unread.data ?? 0;

  const open = (item: Notification) => {
    if (!item.read) mark.mutate({ uuid: item.uuid, read: true });
    setOpened(false);
    if (isInternalLink(item.link)) navigate(item.link);
    else window.location.assign(item.link);
  };

  let body;
  if (latest.error) body = <ErrorState error={latest.error} onRetry={() => void latest.refetch()} />;
  else if (!latest.data) body = <LoadingState />;
  else if (latest.data.data.length === 0)
    body = (
      <Stack gap={2} align="center" py="md">
        <Text fw={600} size="sm">
          {t("work.bell.empty")}
        </Text>
        <Text size="xs" c="dimmed">
          {t("work.bell.emptyHelp")}
        </Text>
      </Stack>
    );
  else
    body = (
      <ScrollArea.Autosize mah={380} type="auto">
        <Stack gap={0} component="ul" style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {latest.data.data.map((item) => (
            <Item key={item.uuid} item={item} onOpen={open} />
          ))}
        </Stack>
      </ScrollArea.Autosize>
    );

  const label = count > 0 ? t("work.bell.labelUnread", { count }) : t("work.bell.label");
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={360} shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <Indicator label={count > 99 ? "99+" : count} size={16} color="red" disabled={count === 0} offset={4}>
          <ActionIcon variant="default" size="lg" onClick={() => setOpened((o) => !o)} aria-label={label} title={label} aria-expanded={opened}>
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p="sm" maw="calc(100vw - 16px)">
        <Group justify="space-between" mb="xs">
          <Text fw={700} size="sm" component="h2" m={0}>
            {t("work.bell.title")}
          </Text>
          <Button size="compact-xs" variant="subtle" onClick={() => readAll.mutate()} loading={readAll.isPending} disabled={count === 0}>
            {t("work.bell.markAllRead")}
          </Button>
        </Group>
        {body}
        <Group justify="center" mt="xs">
          <Anchor component={Link} to="/notifications" size="sm" onClick={() => setOpened(false)}>
            {t("notify.bell.seeAll")}
          </Anchor>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
