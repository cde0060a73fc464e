/** Patch run statuses and which may follow which (mirrors patching/schemas.py TRANSITIONS). */
import type { components } from "../../api/schema";

export type RunStatus = components["schemas"]["RunStatus"];
export type PatchRun = components["schemas"]["PatchRunOut"];
export type Source = components["schemas"]["Source"];

export const RUN_STATUSES: RunStatus[] = ["planned", "running", "succeeded", "failed", "rolled_back"];
export const SOURCES: Source[] = ["manual", "api", "detected", "import"];
const FINISHED: RunStatus[] = ["succeeded", "failed", "rolled_back"];

export const TRANSITIONS: Record<RunStatus, RunStatus[]> = {
  planned: ["running", ...FINISHED],
  running: FINISHED,
  succeeded: ["rolled_back"],
  failed: [],
  rolled_back: [],
};

export function nextStatuses(current: string): RunStatus[] {
  return TRANSITIONS[current as RunStatus] ?? [];
}

export const RUN_STATUS_COLORS: Record<RunStatus, string> = {
  planned: "gray",
  running: "blue",
  succeeded: "green",
  failed: "red",
  rolled_back: "orange",
};
