import { Anchor, Badge, Group, Text } from "@mantine/core";
import { Link } from "react-router";

import { formatDate } from "../../format";
import { useT } from "../../i18n";
import { formatMoney } from "../Ledger/money";
import type { Task } from "./queries";

/** The task's price: the fee debited on assignment and the reward credited on completion. */
export function TaskMoney({ task }: { task: Task }) {
  const t = useT();
  return (
    <Group gap={4} wrap="wrap">
      <Badge variant="light" color="orange" radius="sm" tt="none">
        {t("work.task.feeValue", { amount: formatMoney(task.assignment_fee, task.currency) })}
      </Badge>
      <Badge variant="light" color="teal" radius="sm" tt="none">
        {t("work.task.rewardValue", { amount: formatMoney(task.completion_reward, task.currency) })}
      </Badge>
    </Group>
  );
}

export function TaskDue({ task }: { task: Task }) {
  const t = useT();
  if (task.status === "done") {
    return <Text size="sm">{t("work.task.completedAt", { date: formatDate(task.completed_at) })}</Text>;
  }
  return (
    <Group gap={4}>
      <Text size="sm" c={task.overdue ? "red" : undefined} style={{ whiteSpace: "nowrap" }}>
        {task.due_at ? formatDate(task.due_at) : t("work.task.noDue")}
      </Text>
      {task.overdue && (
        <Badge color="red" variant="filled" size="sm" radius="sm">
          {t("work.task.overdue")}
        </Badge>
      )}
    </Group>
  );
}

/** Where the task is about: its site (linked) and package or advisory. */
export function TaskContext({ task }: { task: Task }) {
  const t = useT();
  return (
    <Group gap={6} wrap="wrap">
      {task.site_uuid ? (
        <Anchor component={Link} to={`/sites/${task.site_uuid}`} size="xs">
          {task.site_name}
        </Anchor>
      ) : (
        <Text size="xs" c="dimmed">
          {t("work.task.noSite")}
        </Text>
      )}
      {task.package && (
        <Badge variant="outline" size="xs" radius="sm" tt="none">
          {task.package}
        </Badge>
      )}
      {task.advisory && (
        <Badge variant="outline" color="red" size="xs" radius="sm" tt="none">
          {task.advisory}
        </Badge>
      )}
      {task.source === "automatic" && (
        <Badge variant="light" color="gray" size="xs" radius="sm">
          {t("work.task.automatic")}
        </Badge>
      )}
    </Group>
  );
}
