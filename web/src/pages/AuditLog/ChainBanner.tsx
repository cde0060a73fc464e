import { Alert, Button, Group, Loader, Text } from "@mantine/core";

import { useT } from "../../i18n";
import { useChainReport } from "./queries";

/** Whether the audit trail's hash chain is intact (platform admins). */
export function ChainBanner() {
  const t = useT();
  const report = useChainReport(true);
  if (report.isPending)
    return (
      <Alert color="gray" variant="light" role="status">
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm">{t("admin.audit.chainChecking")}</Text>
        </Group>
      </Alert>
    );
  if (report.error) return null; // not the platform admin after all: the list still works
  const { ok, checked, problem, first_bad_uuid } = report.data;
  return (
    <Alert
      color={ok ? "green" : "red"}
      variant="light"
      role={ok ? "status" : "alert"}
      title={ok ? t("admin.audit.chainTitleOk") : t("admin.audit.chainTitleBad")}
    >
      <Group justify="space-between" wrap="wrap" gap="xs">
        <div>
          <Text size="sm">{ok ? t("admin.audit.chainOk", { count: checked }) : t("admin.audit.chainBad", { problem: problem ?? "" })}</Text>
          {!ok && first_bad_uuid && (
            <Text size="sm" ff="monospace">
              {t("admin.audit.chainBadAt", { uuid: first_bad_uuid })}
            </Text>
          )}
        </div>
        <Button size="xs" variant="light" color={ok ? "green" : "red"} loading={report.isFetching} onClick={() => void report.refetch()}>
          {t("admin.audit.verifyAgain")}
        </Button>
      </Group>
    </Alert>
  );
}
