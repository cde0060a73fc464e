import { Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { useCan } from "../../auth/session";
import { useT, type MessageKey } from "../../i18n";
import { downloadExport, KINDS, type ImportKind } from "./importApi";

const FORMATS = ["csv", "xlsx"] as const;

/** Download buttons for the exports the user may read (fetched with the bearer token). */
export function ExportLinks() {
  const t = useT();
  const can: Record<ImportKind, boolean> = {
    sites: useCan("sites:read"),
    "patch-runs": useCan("patching:read"),
    users: useCan("users:read"),
  };
  const [busy, setBusy] = useState<string | null>(null);
  const kinds = KINDS.filter((k) => can[k]);
  if (kinds.length === 0) return null;

  const download = async (kind: ImportKind, format: (typeof FORMATS)[number]) => {
    setBusy(`${kind}.${format}`);
    try {
      await downloadExport(kind, format);
    } catch (error) {
      notifications.show({ color: "red", title: t("operations.imports.exportFailed"), message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("operations.imports.exports")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("operations.imports.exportsHelp")}
        </Text>
        {kinds.map((kind) => {
          const kindLabel = t(`operations.imports.kinds.${kind}` as MessageKey);
          return (
            <Group key={kind} gap="xs" wrap="wrap">
              <Text size="sm" fw={600} w={100}>
                {kindLabel}
              </Text>
              {FORMATS.map((format) => (
                <Button
                  key={format}
                  size="xs"
                  variant="light"
                  loading={busy === `${kind}.${format}`}
                  onClick={() => void download(kind, format)}
                  aria-label={t("operations.imports.exportAs", { kind: kindLabel, format: format.toUpperCase() })}
                >
                  {format.toUpperCase()}
                </Button>
              ))}
            </Group>
          );
        })}
      </Stack>
    </Card>
  );
}
