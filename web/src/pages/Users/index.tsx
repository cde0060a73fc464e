import { Badge, Button, Group, Select, Stack, Tabs, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router";

import { useCan, useMe } from "../../auth/session";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorState } from "../../components/States";
import { useTableState } from "../../components/useTableState";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { CreateUserModal } from "./CreateUserModal";
import { EditUserModal } from "./EditUserModal";
import { BUILTIN_ROLES, usePendingCount, useRoleNames, useUser, useUserMutations, useUsers, type User } from "./queries";
import { UserRowActions } from "./UserRowActions";
import { canApprove as mayApprove, toUsersQuery, type UsersView } from "./userFilters";

const FILTERS = ["role", "approval", "active", "q"] as const;

/** Users of the organization (platform admin: all), the approval queue, and their management. */
export default function Users() {
  const t = useT();
  const me = useMe();
  const table = useTableState();
  const { state, filter, setFilter } = table;
  const view: UsersView = filter("view") === "pending" ? "pending" : "all";
  const [search, setSearch] = useState(filter("q"));
  const applySearch = useDebouncedCallback((value: string) => setFilter("q", value.trim()), 300);
  const canWrite = useCan("users:write");
  const canApprove = mayApprove(me.data?.permissions ?? [], me.data?.groups ?? []);
  const isAdmin = useCan("platform:admin");

  const filters = toUsersQuery({ view, role: filter("role"), approval: filter("approval"), active: filter("active"), q: filter("q") });
  const users = useUsers(state, filters);
  const pending = usePendingCount();
  const roles = useRoleNames();
  const roleNames = roles.data ?? BUILTIN_ROLES;
  const { remove } = useUserMutations();

  // `/users/<uuid>` (where "registration pending" links) lists just that person, Approve at hand.
  const { userUuid } = useParams();
  const navigate = useNavigate();
  const linked = useUser(userUuid);
  useEffect(() => {
    if (!linked.data) return;
    const next = new URLSearchParams({ q: linked.data.login });
    if (!linked.data.is_approved) next.set("view", "pending");
    navigate({ pathname: "/users", search: next.toString() }, { replace: true });
    setSearch(linked.data.login);
  }, [linked.data, navigate]);

  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  const setView = (next: string | null) => {
    const params = new URLSearchParams(table.params);
    if (next === "pending") params.set("view", "pending");
    else params.delete("view");
    params.delete("page");
    params.delete("approval");
    table.setParams(params);
  };

  const columns: Column<User>[] = [
    {
      key: "login",
      header: t("admin.users.login"),
      sortField: "login",
      render: (user) => (
        <Stack gap={0}>
          <Text size="sm" fw={600}>
            {user.login}
            {user.uuid === me.data?.uuid && (
              <Text span size="xs" c="dimmed">
                {" "}
                ({t("admin.users.you")})
              </Text>
            )}
          </Text>
          {user.name && (
            <Text size="xs" c="dimmed">
              {user.name}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {user.email}
          </Text>
        </Stack>
      ),
    },
    {
      key: "role",
      header: t("admin.users.role"),
      render: (user) => (
        <Group gap={4}>
          <Badge variant="light" tt="none" miw="max-content">
            {user.role}
          </Badge>
          {user.groups.map((group) => (
            <Badge key={group} variant="outline" color="gray" tt="none" miw="max-content">
              {group}
            </Badge>
          ))}
        </Group>
      ),
    },
    ...(isAdmin
      ? [{ key: "organization", header: t("admin.users.organization"), wide: true, render: (user: User) => user.organization.name }]
      : []),
    {
      key: "status",
      header: t("admin.users.status"),
      render: (user) => (
        <Group gap={4}>
          <Badge
            color={user.is_approved ? "green" : user.has_password ? "yellow" : "gray"}
            variant="light"
            size="sm"
            tt="none"
            miw="max-content"
          >
            {user.is_approved ? t("admin.users.approved") : user.has_password ? t("admin.users.pending") : t("admin.users.invited")}
          </Badge>
          {!user.is_active && (
            <Badge color="gray" variant="light" size="sm" tt="none" miw="max-content">
              {t("admin.users.activeNo")}
            </Badge>
          )}
        </Group>
      ),
    },
    view === "pending"
      ? { key: "created_at", header: t("admin.users.registeredAt"), sortField: "created_at", wide: true, render: (user) => formatDateTime(user.created_at) }
      : { key: "last_login_at", header: t("admin.users.lastLogin"), sortField: "last_login_at", wide: true, render: (user) => formatDateTime(user.last_login_at) },
    {
      key: "actions",
      header: t("admin.common.actions"),
      render: (user) => (
        <UserRowActions
          user={user}
          isSelf={user.uuid === me.data?.uuid}
          canWrite={canWrite}
          canApprove={canApprove}
          pendingView={view === "pending"}
          onEdit={setEditing}
          onDelete={setDeleting}
        />
      ),
    },
  ];

  const anyFilter = FILTERS.some((name) => filter(name));
  const pendingCount = pending.data ?? 0;

  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Title order={1} size="h2">
          {t("admin.users.title")}
        </Title>
        {canWrite && <Button onClick={() => setCreating(true)}>{t("admin.users.create")}</Button>}
      </Group>
      {linked.error && <ErrorState error={linked.error} onRetry={() => void linked.refetch()} />}
      <Tabs value={view} onChange={setView} aria-label={t("admin.users.tabsLabel")}>
        <Tabs.List>
          <Tabs.Tab value="all">{t("admin.users.tabAll")}</Tabs.Tab>
          <Tabs.Tab
            value="pending"
            rightSection={
              pendingCount > 0 ? (
                <Badge size="sm" color="yellow" variant="filled" circle aria-hidden="true">
                  {pendingCount}
                </Badge>
              ) : undefined
            }
          >
            {t("admin.users.tabPending")}
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {view === "pending" && !canApprove && (
        <Text size="sm" c="dimmed">
          {t("admin.users.approveHelp")}
        </Text>
      )}
      <Group align="flex-end" wrap="wrap" gap="sm">
        <TextInput
          label={t("common.search")}
          placeholder={t("admin.users.searchPlaceholder")}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            applySearch(event.currentTarget.value);
          }}
          type="search"
          w={{ base: "100%", sm: 240 }}
        />
        <Select
          label={t("admin.users.role")}
          data={roleNames}
          value={filter("role") || null}
          onChange={(v) => setFilter("role", v)}
          clearable
          placeholder={t("admin.users.anyRole")}
          w={160}
        />
        {view === "all" && (
          <Select
            label={t("admin.users.approval")}
            data={[
              { value: "approved", label: t("admin.users.approved") },
              { value: "pending", label: t("admin.users.pending") },
            ]}
            value={filter("approval") || null}
            onChange={(v) => setFilter("approval", v)}
            clearable
            placeholder={t("common.all")}
            w={180}
          />
        )}
        <Select
          label={t("admin.users.active")}
          data={[
            { value: "active", label: t("admin.users.activeYes") },
            { value: "inactive", label: t("admin.users.activeNo") },
          ]}
          value={filter("active") || null}
          onChange={(v) => setFilter("active", v)}
          clearable
          placeholder={t("common.all")}
          w={150}
        />
        {anyFilter && (
          <Button
            variant="subtle"
            onClick={() => {
              setSearch("");
              table.setParams(view === "pending" ? new URLSearchParams({ view: "pending" }) : new URLSearchParams());
            }}
          >
            {t("common.clearFilters")}
          </Button>
        )}
      </Group>
      <DataTable
        caption={view === "pending" ? t("admin.users.tabPending") : t("admin.users.title")}
        columns={columns}
        rows={users.data?.data}
        rowKey={(user) => user.uuid}
        total={users.data?.meta.total ?? 0}
        state={state}
        onStateChange={table.setState}
        isLoading={users.isFetching}
        error={users.error}
        onRetry={() => void users.refetch()}
        emptyTitle={view === "pending" && !anyFilter ? t("admin.users.pendingEmpty") : t("admin.users.empty")}
        emptyHelp={view === "pending" && !anyFilter ? t("admin.users.pendingEmptyHelp") : t("admin.users.emptyHelp")}
      />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} roles={roleNames} />
      <EditUserModal user={editing} onClose={() => setEditing(null)} roles={roleNames} isSelf={editing?.uuid === me.data?.uuid} />
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={deleting ? t("admin.users.deleteTitle", { login: deleting.login }) : ""}
        confirmLabel={t("admin.users.deleteConfirm")}
        cancelLabel={t("admin.common.cancel")}
        onConfirm={async () => {
          if (!deleting) return;
          const gone = await remove.mutateAsync(deleting.uuid);
          notifications.show({ color: "green", message: t("admin.users.deleted", { login: gone.login }) });
        }}
      >
        {deleting ? t("admin.users.deleteBody", { login: deleting.login }) : ""}
      </ConfirmActionModal>
    </Stack>
  );
}
