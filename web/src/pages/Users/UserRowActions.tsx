import { Button, Group } from "@mantine/core";
import { notifications } from "@mantine/notifications";

import { isApiError } from "../../api/errors";
import { useT } from "../../i18n";
import type { User } from "./queries";
import { useUserMutations } from "./queries";

interface Props {
  user: User;
  isSelf: boolean;
  canWrite: boolean;
  canApprove: boolean;
  /** The approval queue: approve, edit or delete (no deactivating). */
  pendingView?: boolean;
  onEdit: (user: User) => void;
  onDelete: (user: User) => void;
}

/** The buttons of one user's row: approve, edit, deactivate/activate, delete. */
export function UserRowActions({ user, isSelf, canWrite, canApprove, pendingView, onEdit, onDelete }: Props) {
  const t = useT();
  const { approve, deactivate, activate } = useUserMutations();

  const fail = (error: unknown) =>
    notifications.show({
      color: "red",
      message: isApiError(error) ? error.message : error instanceof Error ? error.message : t("errors.title"),
    });

  const run = async (call: () => Promise<unknown>, message: string) => {
    try {
      await call();
      notifications.show({ color: "green", message });
    } catch (error) {
      fail(error);
    }
  };

  return (
    <Group gap={6} wrap="nowrap" justify="flex-end">
      {!user.is_approved && canApprove && user.has_password && (
        <Button
          size="xs"
          color="green"
          loading={approve.isPending && approve.variables === user.uuid}
          onClick={() => void run(() => approve.mutateAsync(user.uuid), t("admin.users.approvedToast", { login: user.login }))}
        >
          {t("admin.users.approve")}
        </Button>
      )}
      {canWrite && (
        <Button size="xs" variant="default" onClick={() => onEdit(user)}>
          {t("admin.users.editRole")}
        </Button>
      )}
      {canWrite && !isSelf && !pendingView && user.is_active && (
        <Button
          size="xs"
          variant="default"
          loading={deactivate.isPending && deactivate.variables === user.uuid}
          onClick={() => void run(() => deactivate.mutateAsync(user.uuid), t("admin.users.deactivated", { login: user.login }))}
        >
          {t("admin.users.deactivate")}
        </Button>
      )}
      {canWrite && !isSelf && !pendingView && !user.is_active && (
        <Button
          size="xs"
          variant="default"
          loading={activate.isPending && activate.variables === user.uuid}
          onClick={() => void run(() => activate.mutateAsync(user.uuid), t("admin.users.activated", { login: user.login }))}
        >
          {t("admin.users.activate")}
        </Button>
      )}
      {canWrite && !isSelf && (
        <Button size="xs" variant="light" color="red" onClick={() => onDelete(user)}>
          {t("admin.common.delete")}
        </Button>
      )}
    </Group>
  );
}
