import { Alert, Button, CopyButton, Group, SimpleGrid, Stack, Text } from "@mantine/core";

import { useT } from "../../i18n";
import { backupCodesText } from "./accountHelpers";

/** The backup codes, shown once: copy, download, then done. */
export function BackupCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  const text = backupCodesText(codes, t("admin.account.twoFactor.backupTitle"));
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = t("admin.account.twoFactor.fileName");
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Alert color="yellow" variant="light" title={t("admin.account.twoFactor.backupTitle")}>
      <Stack gap="sm">
        <Text size="sm">{t("admin.account.twoFactor.backupHelp")}</Text>
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label={t("admin.account.twoFactor.backupTitle")}>
          {codes.map((code) => (
            <Text component="li" key={code} ff="monospace" size="sm" fw={600}>
              {code}
            </Text>
          ))}
        </SimpleGrid>
        <Group gap="xs">
          <CopyButton value={codes.join("\n")}>
            {({ copied, copy }) => (
              <Button variant="light" color={copied ? "teal" : undefined} onClick={copy}>
                {copied ? t("admin.common.copied") : t("admin.account.twoFactor.copyCodes")}
              </Button>
            )}
          </CopyButton>
          <Button variant="light" onClick={download}>
            {t("admin.account.twoFactor.downloadCodes")}
          </Button>
          <Button onClick={onDone}>{t("admin.account.twoFactor.backupDone")}</Button>
        </Group>
      </Stack>
    </Alert>
  );
}
