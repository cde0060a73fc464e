import { Anchor, Badge, Button, Drawer, Group, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { api, data } from "../../api/client";
import { useCan, useMe } from "../../auth/session";
import { ErrorState, LoadingState } from "../../components/States";
import { formatDate, formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { TaskContext, TaskDue, TaskMoney } from "./TaskBits";
import type { Task } from "./queries";

/** One task in full (where the bell's "task assigned" links land: /tasks/<uuid>). */
export function TaskDrawer({ uuid, onClose, onComplete, completing }: { uuid: string | null; onClose: () => void; onComplete: (task: Task) => void; completing: boolean }) {
  const t = useT();
  const me = useMe();
  const canComplete = useCan("tasks:complete");
  const canManage = useCan("tasks:write");
  const task = useQuery({
    queryKey: ["tasks", "one", uuid],
    queryFn: () => data(api.GET("/tasks/{task_uuid}", { params: { path: { task_uuid: uuid! } } })),
    enabled: uuid !== null,
  });
  const x = task.data;
  const mine = x && me.data && x.assignee.uuid === me.data.uuid;

  return (
    <Drawer opened={uuid !== null} onClose={onClose} position="right" size="lg" title={x ? x.title : t("common.loading")} closeButtonProps={{ "aria-label": t("work.advisories.close") }}>
      {task.error ? (
        <ErrorState error={task.error} onRetry={() => void task.refetch()} />
      ) : !x ? (
        <LoadingState />
      ) : (
        <Stack>
          <Group gap="xs">
            <Badge color={x.status === "open" ? "blue" : "green"} variant="light" radius="sm">
              {x.status === "open" ? t("work.task.open") : t("work.task.done")}
            </Badge>
            <TaskMoney task={x} />
          </Group>
          {x.description && (
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {x.description}
            </Text>
          )}
          <TaskContext task={x} />
          <Table variant="vertical" layout="fixed" withTableBorder>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={150}>{t("work.task.assignee")}</Table.Th>
                <Table.Td>{x.assignee.name || x.assignee.login}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{x.status === "done" ? t("work.task.completed") : t("work.task.due")}</Table.Th>
                <Table.Td>
                  <TaskDue task={x} />
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t("work.task.created")}</Table.Th>
                <Table.Td>{formatDateTime(x.created_at)}</Table.Td>
              </Table.Tr>
              {x.evidence_patch_run_uuid && (
                <Table.Tr>
                  <Table.Th>{t("work.task.evidence")}</Table.Th>
                  <Table.Td>{formatDate(x.completed_at)}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          <Group>
            {x.status === "open" && mine && canComplete && (
              <Button onClick={() => onComplete(x)} loading={completing}>
                {t("work.myTasks.complete")}
              </Button>
            )}
            {canManage && (
              <Anchor component={Link} to="/tasks/board" size="sm">
                {t("work.myTasks.toBoard")}
              </Anchor>
            )}
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}
