import { Button, CopyButton, Group, TextInput } from "@mantine/core";

import { useT } from "../../i18n";

/** A read-only value with a Copy button (secrets, URIs). */
export function CopyableField({ label, value, copyLabel, monospace = true }: { label: string; value: string; copyLabel?: string; monospace?: boolean }) {
  const t = useT();
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap">
      <TextInput
        label={label}
        value={value}
        readOnly
        onFocus={(e) => e.currentTarget.select()}
        style={{ flex: 1, minWidth: 0 }}
        styles={monospace ? { input: { fontFamily: "var(--mantine-font-family-monospace)" } } : undefined}
      />
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button variant="light" color={copied ? "teal" : undefined} onClick={copy}>
            {copied ? t("admin.common.copied") : (copyLabel ?? t("admin.common.copy"))}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
