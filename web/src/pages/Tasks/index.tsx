import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { Link, useNavigate, useParams } from "react-router";

import { isApiError } from "../../api/errors";
import { DataTable, type Column } from "../../components/DataTable";
import { toQuery } from "../../components/tableState";
import { useTableState } from "../../components/useTableState";
import { useCan } from "../../auth/session";
import { useT } from "../../i18n";
import { TaskContext, TaskDue, TaskMoney } from "./TaskBits";
import { TaskDrawer } from "./TaskDrawer";
import { useCompleteTask, useTasks, type Task, type TaskStatus } from "./queries";

export default function MyTasks() {
  const t = useT();
  const table = useTableState();
  const canManage = useCan("tasks:write");
  const canComplete = useCan("tasks:complete");
  const status: TaskStatus = table.filter("status") === "done" ? "done" : "open";
  const query = { ...toQuery(table.state), mine: true, status };
  const tasks = useTasks(query);
  const complete = useCompleteTask();
  const { taskUuid } = useParams();
  const navigate = useNavigate();

  const onComplete = (task: Task) =>
    complete.mutate(task.uuid, {
      onSuccess: () => notifications.show({ color: "green", message: t("work.myTasks.completed", { title: task.title }) }),
      onError: (error) =>
        notifications.show({ color: "red", message: isApiError(error) || error instanceof Error ? error.message : t("errors.network") }),
    });

  const completeButton = (task: Task) => (
    <Button
      size="xs"
      onClick={() => onComplete(task)}
      loading={complete.isPending && complete.variables === task.uuid}
      aria-label={t("work.myTasks.completeLabel", { title: task.title })}
    >
      {t("work.myTasks.complete")}
    </Button>
  );
  const showComplete = status === "open" && canComplete;

  const columns: Column<Task>[] = [
    {
      key: "title",
      header: t("work.task.title"),
      sortField: "title",
      render: (task) => (
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {task.title}
          </Text>
          {task.description && (
            <Text size="xs" c="dimmed" lineClamp={2} maw={420}>
              {task.description}
            </Text>
          )}
          <TaskContext task={task} />
          {/* On phones the price and the action live here (the wide columns are hidden). */}
          <Group hiddenFrom="sm" gap="xs" mt={4} justify="space-between">
            <TaskDue task={task} />
            <TaskMoney task={task} />
            {showComplete && completeButton(task)}
          </Group>
        </Stack>
      ),
    },
    {
      key: "due",
      header: status === "done" ? t("work.task.completed") : t("work.task.due"),
      sortField: status === "done" ? "completed_at" : "due_at",
      wide: true,
      render: (task) => <TaskDue task={task} />,
    },
    { key: "money", header: `${t("work.task.fee")} / ${t("work.task.reward")}`, sortField: "completion_reward", wide: true, render: (task) => <TaskMoney task={task} /> },
  ];
  if (showComplete) {
    columns.push({ key: "actions", header: t("work.myTasks.actions"), wide: true, render: completeButton });
  }

  return (
    <Stack>
      <div>
        <Title order={1} size="h2">
          {t("work.myTasks.title")}
        </Title>
        <Text c="dimmed" size="sm">
          {t("work.myTasks.intro")}
        </Text>
      </div>
      {canManage && (
        <Alert variant="light" color="blue">
          <Group gap="xs">
            <Text size="sm">{t("work.myTasks.managerHint")}</Text>
            <Anchor component={Link} to="/tasks/board" size="sm" fw={600}>
              {t("work.myTasks.toBoard")}
            </Anchor>
          </Group>
        </Alert>
      )}
      <SegmentedControl
        aria-label={t("work.myTasks.showing")}
        value={status}
        onChange={(value) => table.setFilter("status", value === "open" ? null : value)}
        data={[
          { value: "open", label: t("work.task.open") },
          { value: "done", label: t("work.task.done") },
        ]}
        w={{ base: "100%", xs: 240 }}
      />
      <DataTable
        caption={t("work.myTasks.title")}
        columns={columns}
        rows={tasks.data?.data}
        rowKey={(task) => task.uuid}
        total={tasks.data?.meta.total ?? 0}
        state={table.state}
        onStateChange={table.setState}
        isLoading={tasks.isFetching}
        error={tasks.error}
        onRetry={() => void tasks.refetch()}
        emptyTitle={status === "open" ? t("work.myTasks.emptyOpen") : t("work.myTasks.emptyDone")}
        emptyHelp={status === "open" ? t("work.myTasks.emptyOpenHelp") : t("work.myTasks.emptyDoneHelp")}
      />
      <TaskDrawer
        uuid={taskUuid ?? null}
        onClose={() => navigate("/tasks")}
        onComplete={onComplete}
        completing={complete.isPending}
      />
    </Stack>
  );
}
