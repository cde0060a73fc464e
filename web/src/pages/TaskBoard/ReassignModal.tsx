import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { useT } from "../../i18n";
import { useReassignTask, type Task } from "../Tasks/queries";
import { EngineerSelect } from "./EngineerSelect";

export function ReassignModal({ task, onClose }: { task: Task | null; onClose: () => void }) {
  const t = useT();
  const reassign = useReassignTask();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<{ assignee_uuid: string | null }>({ initialValues: { assignee_uuid: null } });

  const close = () => {
    setFormError(null);
    form.reset();
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    if (!task) return;
    setFormError(null);
    try {
      const updated = await reassign.mutateAsync({ uuid: task.uuid, assignee: values.assignee_uuid });
      notifications.show({ color: "green", message: t("work.board.reassigned", { name: updated.assignee.name || updated.assignee.login }) });
      close();
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
    }
  });

  return (
    <Modal opened={task !== null} onClose={close} title={task ? t("work.board.reassignTitle", { title: task.title }) : ""}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError message={formError} />
          <Text size="sm" c="dimmed">
            {t("work.board.reassignHelp")}
          </Text>
          <EngineerSelect label={t("work.task.assignee")} placeholder={t("work.board.random")} {...form.getInputProps("assignee_uuid")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("work.board.cancel")}
            </Button>
            <Button type="submit" loading={reassign.isPending}>
              {t("work.board.reassignSubmit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
