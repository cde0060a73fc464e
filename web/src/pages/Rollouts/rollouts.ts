/** Pure helpers of the rollout pages: RAG colours, percentages, the upload's row errors. */
import type { MantineColor } from "@mantine/core";

export type Rag = "red" | "amber" | "green";
export const RAGS: Rag[] = ["red", "amber", "green"];
export const INSTALL_STATUSES = ["installed", "failed", "in_progress", "not_reported", "other"] as const;
export type InstallStatus = (typeof INSTALL_STATUSES)[number];

const RAG_COLORS: Record<Rag, MantineColor> = { red: "red", amber: "orange", green: "green" };

/** The Mantine colour of a RAG status; gray when there is none (before the first report). */
export function ragColor(rag: string | null | undefined): MantineColor {
  return rag && rag in RAG_COLORS ? RAG_COLORS[rag as Rag] : "gray";
}

export function isRag(value: string | null | undefined): value is Rag {
  return value === "red" || value === "amber" || value === "green";
}

const STATUS_COLORS: Record<InstallStatus, MantineColor> = {
  installed: "green",
  failed: "red",
  in_progress: "blue",
  not_reported: "gray",
  other: "grape",
};

export function statusColor(status: string): MantineColor {
  return (STATUS_COLORS as Record<string, MantineColor>)[status] ?? "gray";
}

/** A 0–100 percentage as people read it: at most one decimal, "95.5 %"-style per locale. */
export function formatPercent(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const clamped = Math.min(100, Math.max(0, value));
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(clamped / 100);
}

/** A percentage bounded to 0–100 for progress bars. */
export function clampPercent(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value));
}

export interface RowError {
  row: number | null;
  column: string | null;
  message: string;
}

/** The `{row, column, message}` entries of an error answer's `details`. */
export function rowErrorsOf(body: unknown): RowError[] {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return [];
  const rows: RowError[] = [];
  for (const detail of details as Record<string, unknown>[]) {
    if (!detail || typeof detail.message !== "string") continue;
    if (!("row" in detail) && !("column" in detail)) continue;
    rows.push({
      row: typeof detail.row === "number" ? detail.row : null,
      column: typeof detail.column === "string" ? detail.column : null,
      message: detail.message,
    });
  }
  return rows;
}
