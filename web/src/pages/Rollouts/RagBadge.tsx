import { Badge, Text, Tooltip } from "@mantine/core";

import { useT, type MessageKey } from "../../i18n";
import { isRag, ragColor } from "./rollouts";

/** A RAG status as a coloured label with its text (colour is never the only cue). */
export function RagBadge({ rag, note, size = "md" }: { rag: string | null | undefined; note?: string; size?: "sm" | "md" | "lg" }) {
  const t = useT();
  const label = isRag(rag) ? t(`rollouts.rag.${rag}` as MessageKey) : t("rollouts.rag.none");
  const badge = (
    <Badge color={ragColor(rag)} variant={isRag(rag) ? "filled" : "light"} radius="sm" size={size} aria-label={`${t("rollouts.rag.label")}: ${label}`}>
      {label}
    </Badge>
  );
  if (!note) return badge;
  return (
    <Tooltip label={<Text size="xs">{note}</Text>} multiline maw={320} withArrow>
      <span tabIndex={0}>{badge}</span>
    </Tooltip>
  );
}
