import "@mantine/dates/styles.css";

import { Button, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { useTableState } from "../../components/useTableState";
import { useT } from "../../i18n";
import type { Task } from "../Tasks/queries";
import { BoardColumn } from "./BoardColumn";
import { CreateTaskModal } from "./CreateTaskModal";
import { EngineerSelect } from "./EngineerSelect";
import { ReassignModal } from "./ReassignModal";
import { ShuffleButton } from "./ShuffleButton";
import { SiteSelect } from "./SiteSelect";

function pageParam(value: string): number {
  const page = Number.parseInt(value, 10);
  return Number.isFinite(page) && page >= 1 ? page : 1;
}

export default function TaskBoard() {
  const t = useT();
  const { filter, setFilter, setParams } = useTableState();
  // A new filter starts both columns at their first page again.
  const setBoardFilter = (name: string, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      next.delete("open_page");
      next.delete("done_page");
      return next;
    });
  const canWrite = useCan("tasks:write");
  const canReadUsers = useCan("users:read");
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);
  const [reassigning, setReassigning] = useState<Task | null>(null);
  const assignee = filter("assignee") || null;
  const site = filter("site") || null;

  return (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Title order={1} size="h2">
            {t("work.board.title")}
          </Title>
          <Text c="dimmed" size="sm" maw={640}>
            {t("work.board.intro")}
          </Text>
        </div>
        {canWrite && (
          <Group gap="sm">
            <Button size="md" onClick={openCreate} leftSection={<span aria-hidden="true">+</span>}>
              {t("work.board.newTask")}
            </Button>
            <ShuffleButton />
          </Group>
        )}
      </Group>
      <Group align="flex-end" gap="sm" wrap="wrap">
        {canReadUsers && (
          <EngineerSelect
            label={t("work.board.filterAssignee")}
            placeholder={t("common.all")}
            value={assignee}
            onChange={(value) => setBoardFilter("assignee", value)}
            w={{ base: "100%", sm: 240 }}
          />
        )}
        <SiteSelect
          label={t("work.board.filterSite")}
          placeholder={t("common.all")}
          value={site}
          onChange={(value) => setBoardFilter("site", value)}
          w={{ base: "100%", sm: 240 }}
        />
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {(["open", "done"] as const).map((status) => (
          <BoardColumn
            key={status}
            status={status}
            page={pageParam(filter(`${status}_page`))}
            onPage={(page) => setFilter(`${status}_page`, page === 1 ? null : String(page))}
            assignee={assignee}
            site={site}
            onReassign={canWrite ? setReassigning : undefined}
          />
        ))}
      </SimpleGrid>
      {canWrite && <CreateTaskModal opened={creating} onClose={closeCreate} />}
      <ReassignModal task={reassigning} onClose={() => setReassigning(null)} />
    </Stack>
  );
}
