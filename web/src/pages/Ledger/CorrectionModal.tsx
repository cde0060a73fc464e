import { Button, Group, Modal, NumberInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { FormError, applyFieldErrors } from "../../components/FormError";
import { useT } from "../../i18n";
import { EngineerSelect } from "../TaskBoard/EngineerSelect";
import { formatMoney } from "./money";
import { useAddCorrection } from "./queries";

interface Values {
  user_uuid: string | null;
  amount: number | string;
  reason: string;
}

/** Append a correction (entries are never edited); the API's field errors land next to fields. */
export function CorrectionModal({ opened, onClose, userUuid }: { opened: boolean; onClose: () => void; userUuid?: string | null }) {
  const t = useT();
  const add = useAddCorrection();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: { user_uuid: userUuid ?? null, amount: "", reason: "" },
    validate: {
      user_uuid: (value) => (value ? null : t("work.ledger.chooseEngineer")),
      amount: (value) => (value !== "" && Number(value) !== 0 ? null : t("work.ledger.amountNotZero")),
      reason: (value) => (value.trim() ? null : t("work.ledger.reasonRequired")),
    },
  });

  const close = () => {
    setFormError(null);
    form.reset();
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const entry = await add.mutateAsync({
        user_uuid: values.user_uuid ?? "",
        amount: String(values.amount),
        reason: values.reason,
      });
      notifications.show({
        color: "green",
        message: t("work.ledger.correctionSaved", { amount: formatMoney(entry.amount, entry.currency), name: entry.user.name || entry.user.login }),
      });
      close();
    } catch (error) {
      setFormError(applyFieldErrors(form, error));
    }
  });

  return (
    <Modal opened={opened} onClose={close} title={t("work.ledger.correctionTitle")}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {t("work.ledger.correctionHelp")}
          </Text>
          <FormError message={formError} />
          <EngineerSelect label={t("work.ledger.engineer")} required {...form.getInputProps("user_uuid")} />
          <NumberInput label={t("work.ledger.correctionAmount")} required decimalScale={2} step={1} allowDecimal {...form.getInputProps("amount")} />
          <TextInput label={t("work.ledger.correctionReason")} required maxLength={500} {...form.getInputProps("reason")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("work.board.cancel")}
            </Button>
            <Button type="submit" loading={add.isPending}>
              {t("work.ledger.correctionSubmit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
