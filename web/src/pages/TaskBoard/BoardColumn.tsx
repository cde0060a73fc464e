import { Badge, Group, Pagination, Paper, Stack, Title } from "@mantine/core";

import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { useT } from "../../i18n";
import { useTasks, type Task, type TaskStatus } from "../Tasks/queries";
import { TaskCard } from "./TaskCard";

export const COLUMN_PAGE_SIZE = 10;

interface Props {
  status: TaskStatus;
  page: number;
  onPage: (page: number) => void;
  assignee: string | null;
  site: string | null;
  onReassign?: (task: Task) => void;
}

/** One column of the board: the tasks of one status, a page at a time (server-side). */
export function BoardColumn({ status, page, onPage, assignee, site, onReassign }: Props) {
  const t = useT();
  const query = {
    status,
    page,
    per_page: COLUMN_PAGE_SIZE,
    sort: status === "open" ? "due_at,-created_at" : "-completed_at",
    assignee_uuid: assignee ?? undefined,
    site_uuid: site ?? undefined,
  };
  const tasks = useTasks(query);
  const total = tasks.data?.meta.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / COLUMN_PAGE_SIZE));
  const heading = status === "open" ? t("work.board.columnOpen") : t("work.board.columnDone");
  const headingId = `board-column-${status}`;

  let body;
  if (tasks.error) body = <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />;
  else if (!tasks.data) body = <LoadingState />;
  else if (tasks.data.data.length === 0)
    body = (
      <EmptyState title={status === "open" ? t("work.board.emptyOpen") : t("work.board.emptyDone")}>
        {status === "open" ? t("work.board.emptyOpenHelp") : undefined}
      </EmptyState>
    );
  else
    body = (
      <Stack gap="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-busy={tasks.isFetching || undefined}>
        {tasks.data.data.map((task) => (
          <li key={task.uuid}>
            <TaskCard task={task} onReassign={onReassign} />
          </li>
        ))}
      </Stack>
    );

  return (
    <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-default-hover)" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id={headingId}>
          {heading}
        </Title>
        <Badge variant="default" radius="sm">
          {t("work.board.columnCount", { count: total })}
        </Badge>
      </Group>
      {body}
      {pages > 1 && (
        <Group justify="center" mt="sm">
          <Pagination
            size="sm"
            total={pages}
            value={Math.min(page, pages)}
            onChange={onPage}
            getControlProps={(control) => ({ "aria-label": `${heading}: ${control}` })}
          />
        </Group>
      )}
    </Paper>
  );
}
