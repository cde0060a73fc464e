import { Button, Group, Modal, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { useT } from "../../i18n";
import { dueAtFromDay } from "../Tasks/dueDate";
import { useCreateTask } from "../Tasks/queries";
import { EngineerSelect } from "./EngineerSelect";
import { SiteSelect } from "./SiteSelect";

interface Values {
  title: string;
  description: string;
  site_uuid: string | null;
  assignee_uuid: string | null;
  due_at: string | null;
}

export function CreateTaskModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const t = useT();
  const create = useCreateTask();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: { title: "", description: "", site_uuid: null, assignee_uuid: null, due_at: null },
    validate: { title: (value) => (value.trim() ? null : t("work.createTask.titleRequired")) },
  });

  const close = () => {
    setFormError(null);
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const task = await create.mutateAsync({
        title: values.title.trim(),
        description: values.description,
        site_uuid: values.site_uuid,
        assignee_uuid: values.assignee_uuid,
        due_at: dueAtFromDay(values.due_at) ?? null,
      });
      notifications.show({ color: "green", message: t("work.createTask.created", { name: task.assignee.name || task.assignee.login }) });
      form.reset();
      close();
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
    }
  });

  return (
    <Modal opened={opened} onClose={close} title={t("work.createTask.title")} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError message={formError} />
          <TextInput label={t("work.task.title")} placeholder={t("work.createTask.titlePlaceholder")} required data-autofocus {...form.getInputProps("title")} />
          <Textarea label={t("work.task.description")} autosize minRows={3} maxRows={8} {...form.getInputProps("description")} />
          <SiteSelect label={t("work.task.site")} placeholder={t("work.createTask.sitePlaceholder")} {...form.getInputProps("site_uuid")} />
          <EngineerSelect
            label={t("work.task.assignee")}
            placeholder={t("work.createTask.assigneePlaceholder")}
            description={t("work.createTask.assigneeHelp")}
            {...form.getInputProps("assignee_uuid")}
          />
          <DatePickerInput label={t("work.task.dueDate")} clearable minDate={new Date()} valueFormat="YYYY-MM-DD" {...form.getInputProps("due_at")} />
          <Text size="xs" c="dimmed">
            {t("work.createTask.pricesHelp")}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("work.board.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("work.createTask.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
