import { Badge, Group, Progress, Stack, Text, Tooltip } from "@mantine/core";

import type { components } from "../../api/schema";
import { useT } from "../../i18n";
import { progressShares } from "./progress";

type ProgressOut = components["schemas"]["Progress"];

/** Done (on time, late), failed and remaining targets as one bar, with the figures in words. */
export function CycleProgress({ progress, compact = false }: { progress: ProgressOut | null | undefined; compact?: boolean }) {
  const t = useT();
  if (!progress) {
    return (
      <Text size="xs" c="dimmed">
        {t("operations.cycles.notOpened")}
      </Text>
    );
  }
  const shares = progressShares(progress);
  const label = t("operations.cycles.progressLabel", {
    done: progress.done,
    failed: progress.failed,
    remaining: progress.remaining,
    targets: progress.targets,
  });
  return (
    <Stack gap={4} miw={compact ? 160 : undefined}>
      <Progress.Root size={compact ? "md" : "xl"} aria-label={label} role="img">
        <Tooltip label={`${t("operations.cycles.done")} (${t("operations.cycles.onTime")}): ${progress.done_on_time}`}>
          <Progress.Section value={shares.onTime} color="green" />
        </Tooltip>
        <Tooltip label={`${t("operations.cycles.done")} (${t("operations.cycles.late")}): ${progress.done_late}`}>
          <Progress.Section value={shares.late} color="teal.3" />
        </Tooltip>
        <Tooltip label={`${t("operations.cycles.failed")}: ${progress.failed}`}>
          <Progress.Section value={shares.failed} color="red" />
        </Tooltip>
        <Tooltip label={`${t("operations.cycles.remaining")}: ${progress.remaining}`}>
          <Progress.Section value={shares.remaining} color={progress.late ? "orange" : "gray.4"} />
        </Tooltip>
      </Progress.Root>
      <Group gap={6} wrap="wrap">
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        {progress.done_late > 0 && (
          <Text size="xs" c="dimmed">
            · {t("operations.cycles.lateCount", { count: progress.done_late })}
          </Text>
        )}
        {progress.late && (
          <Badge color="orange" size="xs" variant="light" miw="max-content">
            {t("operations.cycles.late")}
          </Badge>
        )}
      </Group>
    </Stack>
  );
}
