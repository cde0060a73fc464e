import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { isApiError } from "../../api/errors";
import { FormError } from "../../components/FormError";
import { formatDateTime } from "../../format";
import { useT } from "../../i18n";
import { clashTexts } from "./fieldErrors";
import { decide, type Decision, type MaintenanceRequest } from "./queries";

interface Props {
  request: MaintenanceRequest | null;
  decision: Decision | null;
  onClose: () => void;
}

/** Asks before accepting, rejecting (with a reason) or cancelling a request. */
export function DecisionModal({ request, decision, onClose }: Props) {
  const t = useT();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const opened = Boolean(request && decision);

  const close = () => {
    setReason("");
    setReasonError(null);
    setError(null);
    onClose();
  };

  if (!request || !decision) return <Modal opened={false} onClose={close} title="" />;
  const vars = { topic: request.topic, site: request.site_name, when: formatDateTime(request.starts_at) };
  const texts = {
    accept: {
      title: t("operations.maintenance.acceptTitle"),
      text: t("operations.maintenance.acceptText", vars),
      confirm: t("operations.maintenance.accept"),
      color: "green",
      done: t("operations.maintenance.accepted"),
    },
    reject: {
      title: t("operations.maintenance.rejectTitle"),
      text: t("operations.maintenance.rejectText"),
      confirm: t("operations.maintenance.reject"),
      color: "red",
      done: t("operations.maintenance.rejected"),
    },
    cancel: {
      title: t("operations.maintenance.cancelTitle"),
      text: t("operations.maintenance.cancelText", vars),
      confirm: t("operations.maintenance.cancelRequest"),
      color: "red",
      done: t("operations.maintenance.cancelled"),
    },
  }[decision];

  const confirm = async () => {
    setError(null);
    if (decision === "reject" && !reason.trim()) {
      setReasonError(t("operations.maintenance.rejectReasonRequired"));
      return;
    }
    setBusy(true);
    try {
      await decide(request.uuid, decision, reason.trim() || undefined);
      notifications.show({ color: "green", message: texts.done });
      await queryClient.invalidateQueries({ queryKey: ["maintenance-requests"] });
      close();
    } catch (e) {
      if (isApiError(e) && e.fieldErrors.reason) setReasonError(e.fieldErrors.reason);
      else if (isApiError(e, "window_overlaps"))
        setError([e.message, ...clashTexts(e.details, t)].join(" "));
      else setError(isApiError(e) && e.status === 403 ? `${t("operations.common.forbidden")} ${e.message}` : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={texts.title} centered>
      <Stack>
        <Text size="sm">{texts.text}</Text>
        {decision !== "cancel" && (
          <Textarea
            label={decision === "reject" ? t("operations.maintenance.rejectReason") : t("operations.maintenance.acceptReason")}
            required={decision === "reject"}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setReasonError(null);
            }}
            error={reasonError}
            autosize
            minRows={2}
            maxLength={2000}
            data-autofocus
          />
        )}
        <FormError message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {decision === "cancel" ? t("operations.maintenance.keep") : t("operations.common.cancel")}
          </Button>
          <Button color={texts.color} loading={busy} onClick={() => void confirm()}>
            {texts.confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
