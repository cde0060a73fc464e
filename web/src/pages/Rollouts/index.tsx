import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { useT } from "../../i18n";
import { CreateDeploymentForm } from "./CreateDeploymentForm";
import { CyclesTable } from "./CyclesTable";
import { DeploymentsTable } from "./DeploymentsTable";
import type { Deployment } from "./queries";
import { UploadReportForm } from "./UploadReportForm";

/** Windows patch rollouts: deployments, their cycles, creating one and uploading a report. */
export default function Rollouts() {
  const t = useT();
  const canWrite = useCan("rollouts:write");
  const [creating, setCreating] = useState(false);
  const [deployment, setDeployment] = useState<Deployment | null>(null);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {t("rollouts.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("rollouts.intro")}
          </Text>
        </Stack>
        {canWrite && !creating && <Button onClick={() => setCreating(true)}>{t("rollouts.create.open")}</Button>}
      </Group>
      {canWrite && creating && <CreateDeploymentForm onDone={() => setCreating(false)} />}
      {canWrite && <UploadReportForm />}
      <DeploymentsTable selected={deployment?.uuid ?? null} onSelect={setDeployment} canWrite={canWrite} />
      <CyclesTable deployment={deployment} onClear={() => setDeployment(null)} canWrite={canWrite} />
    </Stack>
  );
}
