import { Alert, Button, Card, Checkbox, Group, Input, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useNavigate } from "react-router";

import { isApiError } from "../../api/errors";
import { useT } from "../../i18n";
import { uploadReport, type UploadOutcome } from "./uploadApi";

type Field = "file" | "deployment" | "cycle";

/** Upload an SCCM report; a refused file shows the API's errors by row and column. */
export function UploadReportForm() {
  const t = useT();
  const fileId = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [deployment, setDeployment] = useState("");
  const [cycle, setCycle] = useState("");
  const [createMissing, setCreateMissing] = useState(false);
  const [showInHistory, setShowInHistory] = useState(true);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<UploadOutcome | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    if (!file) {
      setErrors({ file: t("rollouts.upload.fileRequired") });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const result = await uploadReport({ file, deployment, cycle, createMissing, showInHistory });
      if (result.report) {
        void queryClient.invalidateQueries({ queryKey: ["rollouts"] });
        navigate(`/rollouts/cycles/${result.report.cycle_uuid}`);
        return;
      }
      setOutcome(result);
      const fe = result.error?.fieldErrors ?? {};
      const code = result.error?.code ?? "";
      const message = result.error?.message;
      // `report_unnamed` says "missing"; `unknown_*`/`invalid_*` name the field without a message.
      const about = (name: "deployment" | "cycle") =>
        fe[name] === "missing" ? t("rollouts.upload.notNamed") : fe[name] ?? (code === `unknown_${name}` || code === `invalid_${name}` ? message : undefined);
      setErrors({ file: fe.file, deployment: about("deployment"), cycle: about("cycle") });
    } catch (error) {
      setOutcome({ report: null, rowErrors: [], error: isApiError(error) ? error : null });
    } finally {
      setBusy(false);
    }
  };

  const error = outcome?.error;
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t("rollouts.upload.heading")}
        </Title>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Input.Wrapper label={t("rollouts.upload.file")} description={t("rollouts.upload.fileHelp")} required id={fileId} error={errors.file}>
              <Input
                component="input"
                type="file"
                id={fileId}
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                  setFile(e.currentTarget.files?.[0] ?? null);
                  setOutcome(null);
                  setErrors((current) => ({ ...current, file: undefined }));
                }}
                error={Boolean(errors.file)}
                pt={4}
              />
            </Input.Wrapper>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t("rollouts.upload.deployment")}
                description={t("rollouts.upload.deploymentHelp")}
                value={deployment}
                onChange={(e) => setDeployment(e.currentTarget.value)}
                error={errors.deployment}
                maxLength={200}
              />
              <TextInput
                label={t("rollouts.upload.cycle")}
                description={t("rollouts.upload.cycleHelp")}
                value={cycle}
                onChange={(e) => setCycle(e.currentTarget.value)}
                error={errors.cycle}
                maxLength={200}
              />
            </SimpleGrid>
            <Checkbox label={t("rollouts.upload.createMissing")} checked={createMissing} onChange={(e) => setCreateMissing(e.currentTarget.checked)} />
            <Checkbox label={t("rollouts.upload.showInHistory")} checked={showInHistory} onChange={(e) => setShowInHistory(e.currentTarget.checked)} />
            <Group>
              <Button type="submit" loading={busy}>
                {t("rollouts.upload.submit")}
              </Button>
            </Group>
          </Stack>
        </form>
        {error && (
          <Alert color="red" variant="light" role="alert" title={t("rollouts.upload.failed")}>
            <Text size="sm">{error.message}</Text>
          </Alert>
        )}
        {outcome && outcome.rowErrors.length > 0 && (
          <Stack gap="xs">
            <Title order={3} size="h5">
              {t("rollouts.upload.rowErrors")}
            </Title>
            <Table.ScrollContainer minWidth={420} mah={420}>
              <Table striped verticalSpacing={4} stickyHeader aria-label={t("rollouts.upload.rowErrors")}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={70}>{t("rollouts.upload.row")}</Table.Th>
                    <Table.Th w={160}>{t("rollouts.upload.column")}</Table.Th>
                    <Table.Th>{t("rollouts.upload.message")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {outcome.rowErrors.map((e, i) => (
                    <Table.Tr key={`${e.row}-${e.column}-${i}`}>
                      <Table.Td>{e.row ?? t("common.none")}</Table.Td>
                      <Table.Td>{e.column ?? t("common.none")}</Table.Td>
                      <Table.Td style={{ overflowWrap: "anywhere" }}>{e.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
