import { Anchor, Badge, Box, Button, Group, SegmentedControl, Select, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { Link, useNavigate } from "react-router";

import { DataTable, type Column } from "../../components/DataTable";
import { ErrorState } from "../../components/States";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import {
  NOTIFICATION_KINDS,
  isInternalLink,
  useMark,
  useNotificationList,
  useReadAll,
  useUnreadCount,
  type Notification,
  type NotificationKind,
} from "./queries";

type Show = "all" | "unread";

/** Every in-app notification of the signed-in user, newest first: filter, page, mark read. */
export default function Notifications() {
  const t = useT();
  const navigate = useNavigate();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const show: Show = filter("show") === "unread" ? "unread" : "all";
  const kind = (NOTIFICATION_KINDS as readonly string[]).includes(filter("kind")) ? (filter("kind") as NotificationKind) : undefined;
  const query = { ...toQuery(state), ...(show === "unread" ? { unread: true } : {}), ...(kind ? { kind } : {}) };
  const list = useNotificationList(query);
  const unread = useUnreadCount();
  const mark = useMark();
  const readAll = useReadAll();
  const kindLabel = (name: string) => t(`notify.kinds.${name}` as MessageKey);

  const open = (item: Notification) => {
    if (!item.read) mark.mutate({ uuid: item.uuid, read: true });
    if (isInternalLink(item.link)) navigate(item.link);
    else window.location.assign(item.link);
  };

  const markAll = () =>
    readAll.mutate(undefined, {
      onSuccess: (result) => toasts.show({ color: "green", message: t("notify.list.markedAll", { count: result.marked }) }),
    });

  const columns: Column<Notification>[] = [
    {
      key: "title",
      header: t("notify.list.notification"),
      render: (item) => (
        <Stack gap={2} maw={560}>
          <Group gap={6} wrap="nowrap" align="flex-start">
            {!item.read && (
              <>
                <Box w={8} h={8} mt={6} bg="blue" style={{ borderRadius: "50%", flexShrink: 0 }} aria-hidden="true" />
                <VisuallyHidden>{t("notify.list.unreadMarker")}</VisuallyHidden>
              </>
            )}
            {item.link ? (
              <Anchor component="button" type="button" size="sm" fw={item.read ? 400 : 700} ta="left" onClick={() => open(item)}>
                {item.title}
              </Anchor>
            ) : (
              <Text size="sm" fw={item.read ? 400 : 700}>
                {item.title}
              </Text>
            )}
          </Group>
          {item.body && (
            <Text size="xs" c="dimmed" lineClamp={3}>
              {item.body}
            </Text>
          )}
          <Text size="xs" c="dimmed" hiddenFrom="sm">
            {formatDateTime(item.created_at)}
          </Text>
        </Stack>
      ),
    },
    {
      key: "kind",
      header: t("notify.list.kind"),
      wide: true,
      render: (item) => (
        <Badge variant="light" color="gray" tt="none" miw="max-content">
          {kindLabel(item.kind)}
        </Badge>
      ),
    },
    { key: "created_at", header: t("notify.list.when"), sortField: "created_at", wide: true, render: (item) => formatDateTime(item.created_at) },
    {
      key: "actions",
      header: t("notify.list.actions"),
      render: (item) => (
        <Button
          size="xs"
          variant="subtle"
          onClick={() => mark.mutate({ uuid: item.uuid, read: !item.read })}
          disabled={mark.isPending && mark.variables?.uuid === item.uuid}
          aria-label={item.read ? t("notify.list.markUnreadLabel", { title: item.title }) : t("notify.list.markReadLabel", { title: item.title })}
        >
          {item.read ? t("notify.list.markUnread") : t("notify.list.markRead")}
        </Button>
      ),
    },
  ];

  const unreadCount = unread.data ?? 0;
  return (
    <Stack maw={1100}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} maw={640}>
          <Title order={1} size="h2">
            {t("notify.list.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("notify.list.intro")}{" "}
            <Anchor component={Link} to="/account#notifications" size="sm">
              {t("notify.list.preferences")}
            </Anchor>
          </Text>
        </Stack>
        <Button onClick={markAll} loading={readAll.isPending} disabled={unreadCount === 0} variant="light">
          {t("notify.list.markAllRead")}
        </Button>
      </Group>
      {readAll.error && <ErrorState error={readAll.error} />}
      {mark.error && <ErrorState error={mark.error} />}
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="notifications-show">
            {t("notify.list.show")}
          </Text>
          <SegmentedControl
            aria-labelledby="notifications-show"
            value={show}
            onChange={(value) => setFilter("show", value === "unread" ? "unread" : null)}
            data={[
              { value: "all", label: t("notify.list.all") },
              { value: "unread", label: t("notify.list.unread") },
            ]}
          />
        </Stack>
        <Select
          label={t("notify.list.kind")}
          placeholder={t("notify.list.anyKind")}
          data={NOTIFICATION_KINDS.map((name) => ({ value: name, label: kindLabel(name) }))}
          value={kind ?? null}
          onChange={(value) => setFilter("kind", value)}
          clearable
          w={{ base: "100%", xs: 260 }}
        />
      </Group>
      <DataTable
        caption={t("notify.list.caption")}
        columns={columns}
        rows={list.data?.data}
        rowKey={(item) => item.uuid}
        total={list.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        emptyTitle={show === "unread" ? t("notify.list.emptyUnread") : t("notify.list.empty")}
        emptyHelp={show === "unread" ? t("notify.list.emptyUnreadHelp") : t("notify.list.emptyHelp")}
      />
    </Stack>
  );
}
