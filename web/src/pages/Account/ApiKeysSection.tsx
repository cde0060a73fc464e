import { Badge, Button, Code, Group, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { DataTable, type Column } from "../../components/DataTable";
import { DEFAULT_TABLE_STATE, type TableState } from "../../components/tableState";
import { formatDate, formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { CreateApiKeyModal } from "./CreateApiKeyModal";
import { useApiKeyMutations, useApiKeys, type ApiKey } from "./queries";
import { Section } from "./Section";

const INITIAL: TableState = { ...DEFAULT_TABLE_STATE, perPage: 10, sort: "-created_at" };

/** The organization's API keys (server-paged; the state stays local: this page has several lists). */
export function ApiKeysSection() {
  const t = useT();
  const canRead = useCan("api_keys:read");
  const canWrite = useCan("api_keys:write");
  const [state, setState] = useState<TableState>(INITIAL);
  const keys = useApiKeys(state, canRead);
  const { revoke } = useApiKeyMutations();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  if (!canRead && !canWrite) return null;

  const columns: Column<ApiKey>[] = [
    {
      key: "name",
      header: t("admin.account.apiKeys.name"),
      sortField: "name",
      render: (key) => (
        <Text size="sm" fw={600}>
          {key.name}
        </Text>
      ),
    },
    { key: "prefix", header: t("admin.account.apiKeys.prefix"), wide: true, render: (key) => <Code>{key.prefix}…</Code> },
    {
      key: "permissions",
      header: t("admin.account.apiKeys.permissions"),
      wide: true,
      render: (key) => (
        <Text size="xs" maw={320}>
          {key.permissions.join(", ")}
        </Text>
      ),
    },
    { key: "created_at", header: t("admin.account.apiKeys.created"), sortField: "created_at", wide: true, render: (key) => formatDate(key.created_at) },
    {
      key: "last_used_at",
      header: t("admin.account.apiKeys.lastUsed"),
      sortField: "last_used_at",
      render: (key) => formatDateTime(key.last_used_at, t("admin.account.apiKeys.never")),
    },
    {
      key: "status",
      header: t("admin.account.apiKeys.status"),
      render: (key) =>
        key.revoked_at ? (
          <Badge color="gray" variant="light" tt="none" miw="max-content">
            {t("admin.account.apiKeys.revoked")}
          </Badge>
        ) : canWrite ? (
          <Button size="xs" variant="light" color="red" onClick={() => setRevoking(key)} aria-label={`${t("admin.account.apiKeys.revoke")} ${key.name}`}>
            {t("admin.account.apiKeys.revoke")}
          </Button>
        ) : (
          <Badge color="green" variant="light" tt="none" miw="max-content">
            {t("admin.account.apiKeys.activeKey")}
          </Badge>
        ),
    },
  ];

  return (
    <Section title={t("admin.account.apiKeys.title")} intro={t("admin.account.apiKeys.intro")} id="api-keys">
      {canWrite && (
        <Group>
          <Button onClick={() => setCreating(true)}>{t("admin.account.apiKeys.create")}</Button>
        </Group>
      )}
      {canRead && (
        <DataTable
          caption={t("admin.account.apiKeys.title")}
          columns={columns}
          rows={keys.data?.data}
          rowKey={(key) => key.uuid}
          total={keys.data?.meta.total ?? 0}
          state={state}
          onStateChange={(change) => setState((current) => ({ ...current, ...change }))}
          isLoading={keys.isFetching}
          error={keys.error}
          onRetry={() => void keys.refetch()}
          emptyTitle={t("admin.account.apiKeys.empty")}
          emptyHelp={t("admin.account.apiKeys.emptyHelp")}
        />
      )}
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
      <ConfirmActionModal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={revoking ? t("admin.account.apiKeys.revokeTitle", { name: revoking.name }) : ""}
        confirmLabel={t("admin.account.apiKeys.revokeConfirm")}
        cancelLabel={t("admin.common.cancel")}
        onConfirm={async () => {
          if (!revoking) return;
          const key = await revoke.mutateAsync(revoking.uuid);
          notifications.show({ color: "green", message: t("admin.account.apiKeys.revokedToast", { name: key.name }) });
        }}
      >
        {t("admin.account.apiKeys.revokeBody")}
      </ConfirmActionModal>
    </Section>
  );
}
