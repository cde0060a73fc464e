import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";

import { FormError } from "../../components/FormError";
import { isApiError } from "../../api/errors";
import { useT } from "../../i18n";
import { useShuffleTasks } from "../Tasks/queries";

/** Reassign every open task at random, after saying plainly what that does. */
export function ShuffleButton() {
  const t = useT();
  const [opened, { open, close }] = useDisclosure(false);
  const shuffle = useShuffleTasks();
  const error = shuffle.error ? (isApiError(shuffle.error) || shuffle.error instanceof Error ? shuffle.error.message : t("errors.network")) : null;

  const confirm = () =>
    shuffle.mutate(undefined, {
      onSuccess: (result) => {
        close();
        notifications.show({
          color: "violet",
          title: t("work.board.shuffledTitle"),
          message: t("work.board.shuffled", { reassigned: result.reassigned, engineers: result.engineers }),
        });
      },
    });

  return (
    <>
      <Button
        color="violet"
        size="md"
        onClick={() => {
          shuffle.reset();
          open();
        }}
        leftSection={<span aria-hidden="true">⤮</span>}
      >
        {t("work.board.shuffle")}
      </Button>
      <Modal opened={opened} onClose={close} title={t("work.board.shuffleTitle")} centered>
        <Stack>
          <Text size="sm">{t("work.board.shuffleBody")}</Text>
          <FormError message={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              {t("work.board.cancel")}
            </Button>
            <Button color="violet" onClick={confirm} loading={shuffle.isPending}>
              {t("work.board.shuffleConfirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
