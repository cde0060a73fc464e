import { Box, Button, Group, NumberInput, Pagination, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { isApiError } from "../../api/errors";
import { ConfirmActionModal } from "../../components/ConfirmActionModal";
import { FormError } from "../../components/FormError";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { DEFAULT_TABLE_STATE, type TableState } from "../../components/tableState";
import { useT, type TFunction } from "../../i18n";
import { collectionCreateBody, collectionUpdateBody, placeApiError, ringOk, type CollectionValues } from "../Rollouts/forms";
import { useCollections, useCreateCollection, useDeleteCollection, useUpdateCollection, type Collection } from "./queries";

const FIELDS = ["name", "ring"] as const;
const PER_PAGE = 50;

function validators(t: TFunction) {
  return {
    name: (v: string) => (v.trim() ? null : t("rollouts.collections.required")),
    ring: (v: number | string) => (ringOk(v) ? null : t("rollouts.collections.ringRange")),
  };
}

/** The API's error on a collection form: next to name or ring, else above the form. */
function showError(error: unknown, form: { setErrors: (errors: Record<string, string>) => void }, setFormError: (message: string | null) => void) {
  if (!isApiError(error)) {
    setFormError(error instanceof Error ? error.message : String(error));
    return;
  }
  const placed = placeApiError(error, FIELDS, { codes: { collection_exists: "name" } });
  form.setErrors(placed.fields);
  setFormError(placed.form);
}

/** Add a collection to the cycle, in a ring. */
export function AddCollectionForm({ cycleUuid }: { cycleUuid: string }) {
  const t = useT();
  const create = useCreateCollection(cycleUuid);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<CollectionValues>({ mode: "controlled", initialValues: { name: "", ring: 0 }, validate: validators(t) });

  const submit = async (values: CollectionValues) => {
    setFormError(null);
    try {
      const created = await create.mutateAsync(collectionCreateBody(values));
      notifications.show({ color: "green", message: t("rollouts.collections.added", { name: created.data.name }) });
      form.reset();
    } catch (error) {
      showError(error, form, setFormError);
    }
  };

  return (
    <form onSubmit={form.onSubmit((v) => void submit(v))} noValidate aria-label={t("rollouts.collections.addHeading")}>
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("rollouts.collections.addHeading")}
        </Title>
        <FormError message={formError} />
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput label={t("rollouts.collections.newName")} required maxLength={200} style={{ flex: "1 1 14rem" }} {...form.getInputProps("name")} />
          <NumberInput label={t("rollouts.collections.newRing")} required min={0} max={99} allowDecimal={false} allowNegative={false} w={110} {...form.getInputProps("ring")} />
          <Button type="submit" loading={create.isPending} mt={{ base: 0, xs: 25 }}>
            {t("rollouts.collections.add")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** One collection, its name and ring changed in place; Save sends only what changed. */
function CollectionRow({ collection, cycleUuid, onDelete }: { collection: Collection; cycleUuid: string; onDelete: (collection: Collection) => void }) {
  const t = useT();
  const update = useUpdateCollection(cycleUuid);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<CollectionValues>({ mode: "controlled", initialValues: { name: collection.name, ring: collection.ring }, validate: validators(t) });
  const body = collectionUpdateBody(collection, form.values);
  const dirty = Object.keys(body).length > 0;

  const submit = async (values: CollectionValues) => {
    setFormError(null);
    const changes = collectionUpdateBody(collection, values);
    if (Object.keys(changes).length === 0) return;
    try {
      const saved = await update.mutateAsync({ uuid: collection.uuid, body: changes });
      notifications.show({ color: "green", message: t("rollouts.collections.saved", { name: saved.data.name }) });
    } catch (error) {
      showError(error, form, setFormError);
    }
  };

  return (
    <Box component="li" py="xs" style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
      <form onSubmit={form.onSubmit((v) => void submit(v))} noValidate>
        <Stack gap={4}>
          <FormError message={formError} />
          <Group align="flex-start" gap="sm" wrap="wrap">
            <TextInput
              aria-label={t("rollouts.collections.nameOf", { name: collection.name })}
              required
              maxLength={200}
              style={{ flex: "1 1 14rem" }}
              {...form.getInputProps("name")}
            />
            <NumberInput
              aria-label={t("rollouts.collections.ringOf", { name: collection.name })}
              required
              min={0}
              max={99}
              allowDecimal={false}
              allowNegative={false}
              w={110}
              {...form.getInputProps("ring")}
            />
            <Group gap="xs" wrap="nowrap">
              <Button type="submit" variant="light" disabled={!dirty} loading={update.isPending} aria-label={t("rollouts.collections.saveOf", { name: collection.name })}>
                {t("rollouts.collections.save")}
              </Button>
              <Button variant="subtle" color="red" onClick={() => onDelete(collection)} aria-label={t("rollouts.collections.deleteOf", { name: collection.name })}>
                {t("rollouts.collections.delete")}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Box>
  );
}

/** The cycle's collections with their ring; writers rename, move, add and delete them. */
export function CollectionsPanel({ cycleUuid, canWrite }: { cycleUuid: string; canWrite: boolean }) {
  const t = useT();
  const [state, setState] = useState<TableState>({ ...DEFAULT_TABLE_STATE, perPage: PER_PAGE });
  const collections = useCollections(cycleUuid, state);
  const remove = useDeleteCollection(cycleUuid);
  const [deleting, setDeleting] = useState<Collection | null>(null);
  const rows = collections.data?.data ?? [];
  const total = collections.data?.meta.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / state.perPage));

  let body;
  if (collections.isLoading) body = <LoadingState />;
  else if (collections.error) body = <ErrorState error={collections.error} onRetry={() => void collections.refetch()} />;
  else if (rows.length === 0) body = <EmptyState title={t("rollouts.collections.empty")}>{t("rollouts.collections.emptyHelp")}</EmptyState>;
  else if (canWrite)
    body = (
      <Box component="ul" m={0} p={0} style={{ listStyle: "none" }} aria-label={t("rollouts.collections.caption")} aria-busy={collections.isFetching || undefined}>
        {rows.map((c) => (
          // Keyed by what the API holds: a saved change starts the row afresh from it.
          <CollectionRow key={`${c.uuid}-${c.name}-${c.ring}`} collection={c} cycleUuid={cycleUuid} onDelete={setDeleting} />
        ))}
      </Box>
    );
  else
    body = (
      <Table striped verticalSpacing="xs" aria-busy={collections.isFetching || undefined}>
        <VisuallyHidden component="caption">{t("rollouts.collections.caption")}</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("rollouts.collections.name")}</Table.Th>
            <Table.Th w={90}>{t("rollouts.collections.ring")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((c) => (
            <Table.Tr key={c.uuid}>
              <Table.Td style={{ overflowWrap: "anywhere" }}>{c.name}</Table.Td>
              <Table.Td>{c.ring}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("rollouts.collections.heading")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("rollouts.collections.intro")}
        </Text>
        {body}
        {pages > 1 && (
          <Group justify="flex-end">
            <Pagination total={pages} value={state.page} onChange={(page) => setState((s) => ({ ...s, page }))} size="sm" />
          </Group>
        )}
        {canWrite && <AddCollectionForm cycleUuid={cycleUuid} />}
      </Stack>
      <ConfirmActionModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t("rollouts.collections.deleteTitle")}
        confirmLabel={t("rollouts.collections.deleteConfirm")}
        cancelLabel={t("rollouts.collections.cancel")}
        onConfirm={async () => {
          const gone = deleting!;
          await remove.mutateAsync(gone.uuid);
          notifications.show({ color: "green", message: t("rollouts.collections.deleted", { name: gone.name }) });
        }}
      >
        {t("rollouts.collections.deleteText", { name: deleting?.name ?? "" })}
      </ConfirmActionModal>
    </Paper>
  );
}
