import { Badge, Button, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { DataTable, type Column } from "../../components/DataTable";
import { useTableState } from "../../components/useTableState";
import { useT } from "../../i18n";
import { permissionCatalogue } from "../../components/permissionGroups";
import { useAllRoles, useRoleMutations, useRoles, type Role } from "./queries";
import { RoleFormModal } from "./RoleFormModal";
import { RolePermissions } from "./RolePermissions";

/** Roles and their permissions; custom roles are created, changed and deleted here. */
export default function Roles() {
  const t = useT();
  const table = useTableState();
  const canWrite = useCan("roles:write");
  const roles = useRoles(table.state);
  const all = useAllRoles(canWrite);
  const catalogue = permissionCatalogue(all.data ?? []);
  const { remove } = useRoleMutations();
  const [form, setForm] = useState<{ role: Role | null } | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);

  const columns: Column<Role>[] = [
    {
      key: "name",
      header: t("admin.roles.name"),
      sortField: "name",
      render: (role) => (
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" fw={600}>
            {role.name}
          </Text>
          <Badge size="xs" variant="light" color={role.is_builtin ? "gray" : "blue"} miw="max-content">
            {role.is_builtin ? t("admin.roles.builtin") : t("admin.roles.custom")}
          </Badge>
        </Group>
      ),
    },
    { key: "description", header: t("admin.roles.description"), wide: true, render: (role) => role.description || t("common.none") },
    { key: "permissions", header: t("admin.roles.permissions"), render: (role) => <RolePermissions role={role} /> },
    {
      key: "actions",
      header: t("admin.common.actions"),
      render: (role) =>
        role.is_builtin ? (
          <Text size="xs" c="dimmed">
            {t("admin.roles.builtinReadOnly")}
          </Text>
        ) : canWrite ? (
          <Group gap={6} wrap="nowrap">
            <Button size="xs" variant="default" onClick={() => setForm({ role })} aria-label={`${t("admin.common.edit")} ${role.name}`}>
              {t("admin.common.edit")}
            </Button>
            <Button size="xs" variant="light" color="red" onClick={() => setDeleting(role)} aria-label={`${t("admin.common.delete")} ${role.name}`}>
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
          {t("admin.roles.title")}
        </Title>
        {canWrite && <Button onClick={() => setForm({ role: null })}>{t("admin.roles.create")}</Button>}
      </Group>
      <DataTable
        caption={t("admin.roles.title")}
        columns={columns}
        rows={roles.data?.data}
        rowKey={(role) => role.uuid}
        total={roles.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={roles.isFetching}
        error={roles.error}
        onRetry={() => void roles.refetch()}
        emptyTitle={t("admin.roles.empty")}
      />
      <RoleFormModal opened={form !== null} role={form?.role ?? null} catalogue={catalogue} onClose={() => setForm(null)} />
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={deleting ? t("admin.roles.deleteTitle", { name: deleting.name }) : ""}
        confirmLabel={t("admin.roles.deleteConfirm")}
        cancelLabel={t("admin.common.cancel")}
        onConfirm={async () => {
          if (!deleting) return;
          const gone = await remove.mutateAsync(deleting.uuid);
          notifications.show({ color: "green", message: t("admin.roles.deleted", { name: gone.name }) });
        }}
      >
        {t("admin.roles.deleteBody")}
      </ConfirmActionModal>
    </Stack>
  );
}
