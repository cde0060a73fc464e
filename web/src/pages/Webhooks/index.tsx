import { Anchor, Badge, Button, Group, Stack, Switch, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { Link } from "react-router";

import { useCan } from "../../auth/session";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorState } from "../../components/States";
import { DEFAULT_TABLE_STATE, type TableState } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT, type MessageKey } from "../../i18n";
import { MANAGE_WEBHOOKS, useWebhookMutations, useWebhooks, type Webhook } from "./queries";
import { WebhookFormModal } from "./WebhookFormModal";

const DEFAULTS: TableState = { ...DEFAULT_TABLE_STATE, sort: "name" };

function Health({ hook }: { hook: Webhook }) {
  const t = useT();
  const failing = hook.consecutive_failures > 0 || (!hook.is_active && hook.last_error);
  if (!failing) {
    return (
      <Text size="xs" c="dimmed">
        {t("notify.webhooks.healthy")}
      </Text>
    );
  }
  return (
    <Stack gap={2} maw={320}>
      {hook.consecutive_failures > 0 && (
        <Text size="xs" c="red">
          {t("notify.webhooks.failures", { count: hook.consecutive_failures })}
        </Text>
      )}
      {hook.last_error && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          {t("notify.webhooks.lastError", { error: hook.last_error })}
        </Text>
      )}
    </Stack>
  );
}

/** The signed-in user's webhooks, and the organization's for those who manage them. */
export default function Webhooks() {
  const t = useT();
  const canManage = useCan(MANAGE_WEBHOOKS);
  const table = useTableState(DEFAULTS);
  const hooks = useWebhooks(table.state);
  const { update, remove } = useWebhookMutations();
  const [formOpen, setFormOpen] = useState(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);

  const openCreate = () => {
    setEditing(null);
    setFormOpen(true);
  };
  const openEdit = (hook: Webhook) => {
    setEditing(hook);
    setFormOpen(true);
  };
  const toggle = (hook: Webhook) =>
    update.mutate(
      { uuid: hook.uuid, body: { is_active: !hook.is_active } },
      {
        onSuccess: (saved) =>
          notifications.show({
            color: saved.is_active ? "green" : "gray",
            message: saved.is_active ? t("notify.webhooks.enabled", { name: saved.name }) : t("notify.webhooks.disabled", { name: saved.name }),
          }),
      },
    );

  const columns: Column<Webhook>[] = [
    {
      key: "name",
      header: t("notify.webhooks.name"),
      sortField: "name",
      render: (hook) => (
        <Stack gap={2} maw={360}>
          <Text size="sm" fw={600}>
            {hook.name}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {hook.url}
          </Text>
          <Group gap={4}>
            <Badge size="xs" variant="light" color={hook.scope === "organization" ? "violet" : "blue"} tt="none">
              {t(`notify.webhooks.scopes.${hook.scope}` as MessageKey)}
            </Badge>
            <Badge size="xs" variant="outline" color="gray" tt="none">
              {t(`notify.webhooks.formats.${hook.payload_format}` as MessageKey)}
            </Badge>
          </Group>
        </Stack>
      ),
    },
    {
      key: "events",
      header: t("notify.webhooks.events"),
      wide: true,
      render: (hook) =>
        hook.scope === "user" ? (
          <Anchor component={Link} to="/account#notifications" size="xs">
            {t("notify.webhooks.followsPreferences")}
          </Anchor>
        ) : hook.event_kinds.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t("notify.webhooks.noEvents")}
          </Text>
        ) : (
          <Group gap={4} maw={320}>
            {hook.event_kinds.map((kind) => (
              <Badge key={kind} size="xs" variant="light" color="gray" tt="none">
                {t(`notify.kinds.${kind}` as MessageKey)}
              </Badge>
            ))}
          </Group>
        ),
    },
    {
      key: "status",
      header: t("notify.webhooks.status"),
      render: (hook) => (
        <Stack gap={4}>
          <Switch
            checked={hook.is_active}
            onChange={() => toggle(hook)}
            disabled={update.isPending && update.variables?.uuid === hook.uuid}
            label={hook.is_active ? t("notify.webhooks.active") : t("notify.webhooks.inactive")}
            aria-label={hook.is_active ? t("notify.webhooks.disableLabel", { name: hook.name }) : t("notify.webhooks.enableLabel", { name: hook.name })}
            color="green"
          />
          {!hook.is_active && hook.disabled_at && (
            <Text size="xs" c="dimmed">
              {t("notify.webhooks.disabledAt", { date: formatDateTime(hook.disabled_at) })}
            </Text>
          )}
        </Stack>
      ),
    },
    { key: "health", header: t("notify.webhooks.health"), wide: true, render: (hook) => <Health hook={hook} /> },
    {
      key: "actions",
      header: t("notify.webhooks.actions"),
      render: (hook) => (
        <Group gap={4} wrap="nowrap">
          <Button size="xs" variant="subtle" onClick={() => openEdit(hook)} aria-label={t("notify.webhooks.editLabel", { name: hook.name })}>
            {t("notify.webhooks.edit")}
          </Button>
          <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(hook)} aria-label={t("notify.webhooks.deleteLabel", { name: hook.name })}>
            {t("notify.webhooks.delete")}
          </Button>
        </Group>
      ),
    },
  ];

  return (
    <Stack maw={1200}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} maw={680}>
          <Title order={1} size="h2">
            {t("notify.webhooks.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("notify.webhooks.intro")} {canManage && t("notify.webhooks.introOrganization")}
          </Text>
        </Stack>
        <Button onClick={openCreate}>{t("notify.webhooks.add")}</Button>
      </Group>
      {update.error && <ErrorState error={update.error} />}
      <DataTable
        caption={t("notify.webhooks.caption")}
        columns={columns}
        rows={hooks.data?.data}
        rowKey={(hook) => hook.uuid}
        total={hooks.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={hooks.isFetching}
        error={hooks.error}
        onRetry={() => void hooks.refetch()}
        emptyTitle={t("notify.webhooks.empty")}
        emptyHelp={t("notify.webhooks.emptyHelp")}
      />
      <WebhookFormModal opened={formOpen} editing={editing} onClose={() => setFormOpen(false)} />
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t("notify.webhooks.deleteTitle")}
        confirmLabel={t("notify.webhooks.deleteConfirm")}
        cancelLabel={t("notify.webhooks.cancel")}
        onConfirm={async () => {
          if (!deleting) return;
          const gone = await remove.mutateAsync(deleting.uuid);
          notifications.show({ color: "gray", message: t("notify.webhooks.deleted", { name: gone.name }) });
        }}
      >
        {deleting ? t("notify.webhooks.deleteBody", { name: deleting.name, url: deleting.url }) : ""}
      </ConfirmActionModal>
    </Stack>
  );
}
