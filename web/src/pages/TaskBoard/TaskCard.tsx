import { Avatar, Button, Group, Paper, Stack, Text } from "@mantine/core";

import { useT } from "../../i18n";
import { TaskContext, TaskDue, TaskMoney } from "../Tasks/TaskBits";
import type { Task } from "../Tasks/queries";

/** One task on the board: what, where, who, when, and its price. */
export function TaskCard({ task, onReassign }: { task: Task; onReassign?: (task: Task) => void }) {
  const t = useT();
  const assignee = task.assignee.name || task.assignee.login;
  return (
    <Paper withBorder radius="md" p="sm" component="article" aria-label={task.title}>
      <Stack gap={6}>
        <Text fw={600} size="sm">
          {task.title}
        </Text>
        {task.description && (
          <Text size="xs" c="dimmed" lineClamp={2}>
            {task.description}
          </Text>
        )}
        <TaskContext task={task} />
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Group gap={6} wrap="nowrap">
            <Avatar size="sm" radius="xl" name={assignee} color="initials" aria-hidden="true" />
            <Text size="sm">
              <Text span c="dimmed" size="xs">
                {t("work.task.assignee")}:{" "}
              </Text>
              {assignee}
            </Text>
          </Group>
          <TaskDue task={task} />
        </Group>
        <Group justify="space-between" gap="xs" wrap="wrap">
          <TaskMoney task={task} />
          {onReassign && task.status === "open" && (
            <Button size="xs" variant="light" onClick={() => onReassign(task)} aria-label={t("work.board.reassignLabel", { title: task.title })}>
              {t("work.board.reassign")}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
