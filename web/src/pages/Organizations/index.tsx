import { Badge, Button, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { DataTable, type Column } from "../../components/DataTable";
import { useTableState } from "../../components/useTableState";
import { formatDate } from "../../format";
import { useT } from "../../i18n";
import { OrganizationFormModal } from "./OrganizationFormModal";
import { useOrganizationMutations, useOrganizations, type Organization } from "./queries";

/** Organizations (the platform admin's list): create, change, delete. */
export default function Organizations() {
  const t = useT();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const isAdmin = useCan("platform:admin");
  const canWrite = useCan("organizations:write") && isAdmin;
  const [search, setSearch] = useState(filter("q"));
  const applySearch = useDebouncedCallback((value: string) => setFilter("q", value.trim()), 300);
  const active = filter("active");
  const orgs = useOrganizations(state, {
    q: filter("q") || undefined,
    is_active: active === "active" ? true : active === "inactive" ? false : undefined,
  });
  const { remove } = useOrganizationMutations();
  const [form, setForm] = useState<{ organization: Organization | null } | null>(null);
  const [deleting, setDeleting] = useState<Organization | null>(null);

  const columns: Column<Organization>[] = [
    { key: "name", header: t("admin.organizations.name"), sortField: "name", render: (o) => <Text size="sm" fw={600}>{o.name}</Text> },
    { key: "tax_id", header: t("admin.organizations.taxId"), wide: true, render: (o) => o.tax_id || t("common.none") },
    { key: "currency", header: t("admin.organizations.currency"), wide: true, render: (o) => o.currency },
    {
      key: "status",
      header: t("admin.organizations.status"),
      render: (o) => (
        <Badge variant="light" color={o.is_active ? "green" : "gray"} size="sm" miw="max-content">
          {o.is_active ? t("admin.organizations.active") : t("admin.organizations.inactive")}
        </Badge>
      ),
    },
    { key: "created_at", header: t("admin.organizations.created"), sortField: "created_at", wide: true, render: (o) => formatDate(o.created_at) },
    {
      key: "actions",
      header: t("admin.common.actions"),
      render: (o) =>
        canWrite ? (
          <Group gap={6} wrap="nowrap">
            <Button size="xs" variant="default" onClick={() => setForm({ organization: o })} aria-label={`${t("admin.common.edit")} ${o.name}`}>
              {t("admin.common.edit")}
            </Button>
            <Button size="xs" variant="light" color="red" onClick={() => setDeleting(o)} aria-label={`${t("admin.common.delete")} ${o.name}`}>
              {t("admin.common.delete")}
            </Button>
          </Group>
        ) : null,
    },
  ];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t("admin.organizations.title")}
        </Title>
        {canWrite && <Button onClick={() => setForm({ organization: null })}>{t("admin.organizations.create")}</Button>}
      </Group>
      {!isAdmin && (
        <Text size="sm" c="dimmed">
          {t("admin.organizations.adminOnly")}
        </Text>
      )}
      <Group align="flex-end" wrap="wrap" gap="sm">
        <TextInput
          label={t("common.search")}
          placeholder={t("admin.organizations.searchPlaceholder")}
          type="search"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            applySearch(e.currentTarget.value);
          }}
          w={{ base: "100%", sm: 240 }}
        />
        <Select
          label={t("admin.organizations.status")}
          data={[
            { value: "active", label: t("admin.organizations.active") },
            { value: "inactive", label: t("admin.organizations.inactive") },
          ]}
          value={active || null}
          onChange={(v) => setFilter("active", v)}
          clearable
          placeholder={t("common.all")}
          w={160}
        />
      </Group>
      <DataTable
        caption={t("admin.organizations.title")}
        columns={columns}
        rows={orgs.data?.data}
        rowKey={(o) => o.uuid}
        total={orgs.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={orgs.isFetching}
        error={orgs.error}
        onRetry={() => void orgs.refetch()}
        emptyTitle={t("admin.organizations.empty")}
        emptyHelp={t("admin.organizations.emptyHelp")}
      />
      <OrganizationFormModal opened={form !== null} organization={form?.organization ?? null} onClose={() => setForm(null)} />
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={deleting ? t("admin.organizations.deleteTitle", { name: deleting.name }) : ""}
        confirmLabel={t("admin.organizations.deleteConfirm")}
        cancelLabel={t("admin.common.cancel")}
        onConfirm={async () => {
          if (!deleting) return;
          const gone = await remove.mutateAsync(deleting.uuid);
          notifications.show({ color: "green", message: t("admin.organizations.deleted", { name: gone.name }) });
        }}
      >
        {deleting ? t("admin.organizations.deleteBody", { name: deleting.name }) : ""}
      </ConfirmActionModal>
    </Stack>
  );
}
