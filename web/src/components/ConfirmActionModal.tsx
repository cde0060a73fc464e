import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useState, type ReactNode } from "react";

import { FormError } from "./FormError";

interface Props {
  opened: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  /** The confirming button's text (say what happens: "Delete user"). */
  confirmLabel: string;
  cancelLabel: string;
  /** Rejects with the error to show; resolves when done (the modal closes). */
  onConfirm: () => Promise<unknown>;
  color?: string;
}

/** Asks before an action (red unless told otherwise); shows the API's message when it fails. */
export function ConfirmActionModal(props: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={close} title={props.title} centered>
      <Stack>
        <Text size="sm">{props.children}</Text>
        <FormError message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {props.cancelLabel}
          </Button>
          <Button
            color={props.color ?? "red"}
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await props.onConfirm();
                close();
              } catch (e) {
                setError(e instanceof Error ? e.message : String(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
