import { Anchor, Button, Code, Group, Modal, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { DataTable, type Column } from "../../components/DataTable";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { ChainBanner } from "./ChainBanner";
import { isUuid, toAuditQuery } from "./auditFilters";
import { useAuditEvents, type AuditEvent } from "./queries";

const FILTERS = ["action", "actor", "target", "since", "until"] as const;

/** The audit trail, newest first, with filters; platform admins see the chain's check. */
export default function AuditLog() {
  const t = useT();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const isAdmin = useCan("platform:admin");
  const [drafts, setDrafts] = useState({ action: filter("action"), actor: filter("actor"), target: filter("target") });
  const apply = useDebouncedCallback((name: string, value: string) => setFilter(name, value.trim()), 400);
  const [shown, setShown] = useState<AuditEvent | null>(null);

  const filters = toAuditQuery({
    action: filter("action"),
    actor: filter("actor"),
    target: filter("target"),
    since: filter("since"),
    until: filter("until"),
  });
  const events = useAuditEvents(state, filters);

  const textFilter = (name: "action" | "actor" | "target", label: string, placeholder?: string, uuid = false) => {
    const value = drafts[name];
    const invalid = uuid && value.trim() !== "" && !isUuid(value);
    return (
      <TextInput
        label={label}
        placeholder={placeholder}
        value={value}
        error={invalid ? t("admin.audit.invalidUuid") : undefined}
        onChange={(event) => {
          const next = event.currentTarget.value;
          setDrafts((current) => ({ ...current, [name]: next }));
          apply(name, next);
        }}
        w={{ base: "100%", sm: uuid ? 280 : 180 }}
      />
    );
  };

  const columns: Column<AuditEvent>[] = [
    { key: "occurred_at", header: t("admin.audit.occurredAt"), sortField: "occurred_at", render: (e) => formatDateTime(e.occurred_at) },
    {
      key: "actor",
      header: t("admin.audit.actor"),
      render: (e) => (
        <Stack gap={0}>
          {e.actor_uuid ? (
            <Anchor
              component="button"
              type="button"
              size="sm"
              ta="left"
              onClick={() => {
                setDrafts((current) => ({ ...current, actor: e.actor_uuid ?? "" }));
                setFilter("actor", e.actor_uuid);
              }}
              title={t("admin.audit.onlyActor", { actor: e.actor_label })}
            >
              {e.actor_label || e.actor_uuid}
            </Anchor>
          ) : (
            <Text size="sm">{e.actor_label || t("common.none")}</Text>
          )}
          <Text size="xs" c="dimmed">
            {e.actor_type}
          </Text>
        </Stack>
      ),
    },
    { key: "action", header: t("admin.audit.action"), sortField: "action", render: (e) => <Code>{e.action}</Code> },
    {
      key: "target",
      header: t("admin.audit.target"),
      wide: true,
      render: (e) => (
        <Stack gap={0}>
          <Text size="sm">{e.target_type || t("common.none")}</Text>
          {e.target_uuid && (
            <Text size="xs" c="dimmed" ff="monospace">
              {e.target_uuid}
            </Text>
          )}
        </Stack>
      ),
    },
    { key: "address", header: t("admin.audit.address"), wide: true, render: (e) => e.client_address ?? t("common.none") },
    {
      key: "changes",
      header: t("admin.audit.changes"),
      render: (e) =>
        Object.keys(e.changes).length === 0 ? (
          <Text size="xs" c="dimmed">
            {t("admin.audit.noChanges")}
          </Text>
        ) : (
          <Button size="compact-xs" variant="light" onClick={() => setShown(e)} aria-label={t("admin.audit.showChanges", { action: e.action })}>
            {t("admin.audit.changes")}
          </Button>
        ),
    },
  ];

  const anyFilter = FILTERS.some((name) => filter(name));
  return (
    <Stack>
      <Title order={1} size="h2">
        {t("admin.audit.title")}
      </Title>
      {isAdmin && <ChainBanner />}
      <Group align="flex-start" wrap="wrap" gap="sm">
        {textFilter("action", t("admin.audit.filterAction"), t("admin.audit.filterActionPlaceholder"))}
        {textFilter("actor", t("admin.audit.filterActor"), undefined, true)}
        {textFilter("target", t("admin.audit.filterTarget"), undefined, true)}
        <TextInput type="date" label={t("admin.audit.since")} value={filter("since")} onChange={(e) => setFilter("since", e.currentTarget.value)} w={170} />
        <TextInput type="date" label={t("admin.audit.until")} value={filter("until")} onChange={(e) => setFilter("until", e.currentTarget.value)} w={170} />
        {anyFilter && (
          <Button
            variant="subtle"
            mt={25}
            onClick={() => {
              setDrafts({ action: "", actor: "", target: "" });
              table.setParams(new URLSearchParams());
            }}
          >
            {t("common.clearFilters")}
          </Button>
        )}
      </Group>
      <DataTable
        caption={t("admin.audit.title")}
        columns={columns}
        rows={events.data?.data}
        rowKey={(e) => e.uuid}
        total={events.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={events.isFetching}
        error={events.error}
        onRetry={() => void events.refetch()}
        emptyTitle={t("admin.audit.empty")}
        emptyHelp={t("admin.audit.emptyHelp")}
      />
      <Modal opened={shown !== null} onClose={() => setShown(null)} title={shown?.action ?? ""} size="lg">
        {shown && (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              {formatDateTime(shown.occurred_at)} · {shown.actor_label}
            </Text>
            <Code block>{JSON.stringify(shown.changes, null, 2)}</Code>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
