import { Alert, Button, Card, Checkbox, Group, Input, Select, SimpleGrid, Stack, Text, Textarea, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";

import { isApiError } from "../../api/errors";
import { useCan } from "../../auth/session";
import { useT, type MessageKey } from "../../i18n";
import { KINDS, sendImport, type ImportKind, type ImportOutcome, type ImportRequest } from "./importApi";
import { ImportResult } from "./ImportResult";

function validMapping(text: string): boolean {
  if (!text.trim()) return true;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Upload a file (a dry run by default), see the preview, then import it for real. */
export function UploadForm() {
  const t = useT();
  const fileId = useId();
  const queryClient = useQueryClient();
  const can = { sites: useCan("sites:write"), "patch-runs": useCan("patching:write"), users: useCan("users:write") };
  const kinds = KINDS.filter((k) => can[k]);
  const [kind, setKind] = useState<ImportKind | null>(kinds[0] ?? null);
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [onError, setOnError] = useState<"abort" | "skip">("abort");
  const [mapping, setMapping] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [sent, setSent] = useState<ImportRequest | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const send = async (request: ImportRequest) => {
    setBusy(true);
    setSent(request);
    try {
      const result = await sendImport(request);
      setOutcome(result);
      const fieldErrors = result.error?.fieldErrors ?? {};
      setErrors({ kind: fieldErrors.kind ?? "", file: fieldErrors.file ?? "", mapping: fieldErrors.mapping ?? "" });
    } catch (error) {
      setOutcome({ record: null, rowErrors: [], error: isApiError(error) ? error : null });
    } finally {
      setBusy(false);
      void queryClient.invalidateQueries({ queryKey: ["imports"] });
    }
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!kind) next.kind = t("operations.maintenance.form.required");
    if (!file) next.file = t("operations.imports.fileRequired");
    if (!validMapping(mapping)) next.mapping = t("operations.imports.mappingInvalid");
    setErrors(next);
    if (Object.keys(next).length || !kind || !file) return;
    setOutcome(null);
    void send({ kind, file, dryRun, onError, mapping });
  };

  const record = outcome?.record;
  const cleanDryRun = Boolean(sent && record && record.dry_run && record.rows_failed === 0 && record.status === "succeeded" && !outcome?.error);

  if (kinds.length === 0) return null;
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t("operations.imports.upload")}
        </Title>
        <form onSubmit={submit} noValidate>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label={t("operations.imports.kind")}
                data={kinds.map((k) => ({ value: k, label: t(`operations.imports.kinds.${k}` as MessageKey) }))}
                value={kind}
                onChange={(v) => setKind(v as ImportKind | null)}
                allowDeselect={false}
                required
                error={errors.kind || undefined}
              />
              <Input.Wrapper label={t("operations.imports.file")} description={t("operations.imports.fileHelp")} required id={fileId} error={errors.file || undefined}>
                <Input
                  component="input"
                  type="file"
                  id={fileId}
                  ref={inputRef}
                  accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                    setFile(e.currentTarget.files?.[0] ?? null);
                    setOutcome(null);
                    setErrors((current) => ({ ...current, file: "" }));
                  }}
                  error={Boolean(errors.file)}
                  pt={4}
                />
              </Input.Wrapper>
              <Select
                label={t("operations.imports.onError")}
                data={[
                  { value: "abort", label: t("operations.imports.onErrorAbort") },
                  { value: "skip", label: t("operations.imports.onErrorSkip") },
                ]}
                value={onError}
                onChange={(v) => setOnError((v as "abort" | "skip") ?? "abort")}
                allowDeselect={false}
              />
              <Textarea
                label={t("operations.imports.mapping")}
                description={t("operations.imports.mappingHelp")}
                value={mapping}
                onChange={(e) => setMapping(e.currentTarget.value)}
                error={errors.mapping || undefined}
                autosize
                minRows={1}
                styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
              />
            </SimpleGrid>
            <Checkbox
              label={t("operations.imports.dryRun")}
              description={t("operations.imports.dryRunHelp")}
              checked={dryRun}
              onChange={(e) => setDryRun(e.currentTarget.checked)}
            />
            <Group>
              <Button type="submit" loading={busy}>
                {t("operations.imports.submit")}
              </Button>
            </Group>
          </Stack>
        </form>
        {outcome && (
          <ImportResult
            outcome={outcome}
            actions={
              cleanDryRun &&
              sent && (
                <Alert color="green" variant="light">
                  <Group justify="space-between" wrap="wrap">
                    <Text size="sm">{t("operations.imports.cleanDryRun")}</Text>
                    <Button color="green" loading={busy} onClick={() => void send({ ...sent, dryRun: false })}>
                      {t("operations.imports.importForReal")}
                    </Button>
                  </Group>
                </Alert>
              )
            }
          />
        )}
      </Stack>
    </Card>
  );
}
