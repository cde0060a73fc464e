/**
 * Pure logic of the rollout forms: the Excel layout check, form values <-> API bodies for
 * deployments, cycles and collections, and placing the API's errors next to the fields.
 */
import type { components } from "../../api/schema";

type DeploymentOut = components["schemas"]["DeploymentOut"];
type CycleOut = components["schemas"]["patchwatch__rollouts__schemas__CycleOut"];
export type DeploymentUpdate = components["schemas"]["DeploymentUpdate"];
export type CycleCreate = components["schemas"]["patchwatch__rollouts__schemas__CycleCreate"];
export type CycleUpdate = components["schemas"]["patchwatch__rollouts__schemas__CycleUpdate"];
export type CollectionCreate = components["schemas"]["CollectionCreate"];
export type CollectionUpdate = components["schemas"]["CollectionUpdate"];

// --- Excel layout ---------------------------------------------------------------------------

export const MAX_LAYOUT_COLUMNS = 100;

/** Why a column list such as `A,C,F-G,I` is refused (the API's rules), or null when it is fine. */
export type ColumnsProblem =
  | { kind: "part"; part: string }
  | { kind: "descending"; part: string }
  | { kind: "order"; part: string; after: string }
  | { kind: "tooMany"; max: number };

/** `A` -> 0, `Z` -> 25, `AA` -> 26. */
export function columnIndex(letters: string): number {
  let index = 0;
  for (const char of letters) index = index * 26 + (char.charCodeAt(0) - 64);
  return index - 1;
}

/** 0 -> `A`, 26 -> `AA`. */
export function columnLetters(index: number): string {
  let letters = "";
  let rest = index + 1;
  while (rest > 0) {
    const remainder = (rest - 1) % 26;
    letters = String.fromCharCode(65 + remainder) + letters;
    rest = Math.floor((rest - 1) / 26);
  }
  return letters;
}

/**
 * Check a column list the way the API does: letters and ascending ranges, in increasing order,
 * no column twice, at most 100 columns. Empty text is fine (every column).
 */
export function columnsProblem(text: string): ColumnsProblem | null {
  const cleaned = text.replace(/\s+/g, "").toUpperCase();
  if (!cleaned) return null;
  let count = 0;
  let last = -1;
  for (const part of cleaned.split(",")) {
    const match = /^([A-Z]{1,3})(?:-([A-Z]{1,3}))?$/.exec(part);
    if (!match) return { kind: "part", part };
    const first = columnIndex(match[1]!);
    const end = match[2] ? columnIndex(match[2]) : first;
    if (end < first) return { kind: "descending", part };
    if (last >= 0 && first <= last) return { kind: "order", part, after: columnLetters(last) };
    count += end - first + 1;
    last = end;
    if (count > MAX_LAYOUT_COLUMNS) return { kind: "tooMany", max: MAX_LAYOUT_COLUMNS };
  }
  return null;
}

/** The canonical spelling the API stores: upper case, no spaces; null for empty. */
export function normaliseColumns(text: string): string | null {
  const cleaned = text.replace(/\s+/g, "").toUpperCase();
  return cleaned || null;
}

export interface LayoutValues {
  excel_columns: string;
  /** A NumberInput's value: "" when empty. */
  excel_header_row: number | string;
  excel_sheet: string;
}

export interface LayoutBody {
  excel_columns: string | null;
  excel_header_row: number | null;
  excel_sheet: string | null;
}

export function layoutValuesOf(layout: Partial<LayoutBody>): LayoutValues {
  return {
    excel_columns: layout.excel_columns ?? "",
    excel_header_row: layout.excel_header_row ?? "",
    excel_sheet: layout.excel_sheet ?? "",
  };
}

/** Empty fields are null: the default (for a cycle, the deployment's layout). */
export function layoutBodyOf(values: LayoutValues): LayoutBody {
  const row = values.excel_header_row;
  return {
    excel_columns: normaliseColumns(values.excel_columns),
    excel_header_row: row === "" || row === null || row === undefined ? null : Number(row),
    excel_sheet: values.excel_sheet.trim() || null,
  };
}

/** A header row is empty or a whole number 1–1000. */
export function headerRowOk(value: number | string): boolean {
  if (value === "") return true;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 1000;
}

/** Only the keys whose value differs from `before` (the API then changes nothing else). */
function changed<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (after[key] !== before[key]) out[key] = after[key];
  }
  return out;
}

// --- deployments ----------------------------------------------------------------------------

export const THRESHOLDS = ["green_installed", "amber_installed", "amber_failed", "red_failed"] as const;
export type ThresholdName = (typeof THRESHOLDS)[number];

export interface DeploymentValues extends LayoutValues {
  title: string;
  description: string;
  green_installed: number | string;
  amber_installed: number | string;
  amber_failed: number | string;
  red_failed: number | string;
}

export const DEFAULT_THRESHOLDS: Record<ThresholdName, number> = { green_installed: 95, amber_installed: 80, amber_failed: 5, red_failed: 20 };

export function deploymentValuesOf(d: DeploymentOut): DeploymentValues {
  const thresholds = d.rag_thresholds as Partial<Record<ThresholdName, number>>;
  return {
    title: d.title,
    description: d.description,
    ...layoutValuesOf(d),
    green_installed: thresholds.green_installed ?? DEFAULT_THRESHOLDS.green_installed,
    amber_installed: thresholds.amber_installed ?? DEFAULT_THRESHOLDS.amber_installed,
    amber_failed: thresholds.amber_failed ?? DEFAULT_THRESHOLDS.amber_failed,
    red_failed: thresholds.red_failed ?? DEFAULT_THRESHOLDS.red_failed,
  };
}

/** A threshold is a whole percentage 0–100. */
export function percentOk(value: number | string): boolean {
  if (value === "") return false;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 100;
}

/** The API's ordering rule of the thresholds: which field is out of order, or null. */
export function thresholdsProblem(values: Record<ThresholdName, number | string>): "amber_installed" | "amber_failed" | null {
  if (THRESHOLDS.some((name) => !percentOk(values[name]))) return null; // reported per field
  if (Number(values.amber_installed) > Number(values.green_installed)) return "amber_installed";
  if (Number(values.amber_failed) > Number(values.red_failed)) return "amber_failed";
  return null;
}

/** The PATCH body of a deployment: only what changed; thresholds sent whole when one did. */
export function deploymentUpdateBody(before: DeploymentValues, after: DeploymentValues): DeploymentUpdate {
  const body: DeploymentUpdate = {};
  const title = after.title.trim();
  if (title !== before.title) body.title = title;
  if (after.description !== before.description) body.description = after.description;
  Object.assign(body, changed(layoutBodyOf(before), layoutBodyOf(after)));
  if (THRESHOLDS.some((name) => Number(after[name]) !== Number(before[name]))) {
    body.rag_thresholds = {
      green_installed: Number(after.green_installed),
      amber_installed: Number(after.amber_installed),
      amber_failed: Number(after.amber_failed),
      red_failed: Number(after.red_failed),
    };
  }
  return body;
}

// --- cycles ---------------------------------------------------------------------------------

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** An ISO instant as a `datetime-local` value in the browser's zone (`2026-05-21T03:00`); "" for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value read in the browser's zone, as an ISO instant (UTC); null if invalid. */
export function fromLocalInput(local: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s);
  // new Date() rolls 2026-02-30 over to March: refuse what does not exist.
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date.toISOString();
}

export interface CycleValues extends LayoutValues {
  title: string;
  started_at: string;
  deadline: string;
  is_active: boolean;
}

/** A new cycle's form: started now (to the minute), no deadline, the deployment's layout. */
export function newCycleValues(now: Date = new Date()): CycleValues {
  return { title: "", started_at: toLocalInput(now.toISOString()), deadline: "", is_active: true, ...layoutValuesOf({}) };
}

export function cycleValuesOf(c: CycleOut): CycleValues {
  return {
    title: c.title,
    started_at: toLocalInput(c.started_at),
    deadline: toLocalInput(c.deadline),
    is_active: c.is_active,
    ...layoutValuesOf(c),
  };
}

export function cycleCreateBody(values: CycleValues): CycleCreate {
  return {
    title: values.title.trim(),
    started_at: fromLocalInput(values.started_at)!,
    deadline: values.deadline.trim() ? fromLocalInput(values.deadline) : null,
    is_active: values.is_active,
    rag_note: "",
    ...layoutBodyOf(values),
  };
}

/**
 * The PATCH body of a cycle: only what changed (a deadline sent makes the API judge the RAG
 * again, so an untouched one is left out). No RAG fields: the RAG panel sets those.
 */
export function cycleUpdateBody(before: CycleValues, after: CycleValues): CycleUpdate {
  const body: CycleUpdate = {};
  const title = after.title.trim();
  if (title !== before.title) body.title = title;
  if (after.started_at !== before.started_at) body.started_at = fromLocalInput(after.started_at)!;
  if (after.deadline !== before.deadline) body.deadline = after.deadline.trim() ? fromLocalInput(after.deadline) : null;
  if (after.is_active !== before.is_active) body.is_active = after.is_active;
  Object.assign(body, changed(layoutBodyOf(before), layoutBodyOf(after)));
  return body;
}

// --- collections ----------------------------------------------------------------------------

export interface CollectionValues {
  name: string;
  ring: number | string;
}

/** A ring is a whole number 0–99. */
export function ringOk(value: number | string): boolean {
  if (value === "") return false;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 99;
}

export function collectionCreateBody(values: CollectionValues): CollectionCreate {
  return { name: values.name.trim(), ring: Number(values.ring) };
}

export function collectionUpdateBody(before: { name: string; ring: number }, after: CollectionValues): CollectionUpdate {
  const body: CollectionUpdate = {};
  const name = after.name.trim();
  if (name !== before.name) body.name = name;
  if (Number(after.ring) !== before.ring) body.ring = Number(after.ring);
  return body;
}

// --- the API's errors -----------------------------------------------------------------------

export interface ErrorLike {
  message: string;
  code?: string;
  fieldErrors?: Record<string, string>;
}

/**
 * The API's field errors placed on a form's fields: `rag_thresholds.red_failed` -> `red_failed`
 * through `aliases`, a field's sub-path to the field; an error `code` (e.g. `deployment_exists`)
 * may name a field too. `form` is the message for above the form: null when every field error
 * found its field, else the message with what found no field.
 */
export function placeApiError(
  error: ErrorLike,
  fields: readonly string[],
  options: { aliases?: Record<string, string>; codes?: Record<string, string> } = {},
): { fields: Record<string, string>; form: string | null } {
  const known = new Set(fields);
  const placed: Record<string, string> = {};
  const rest: string[] = [];
  for (const [raw, message] of Object.entries(error.fieldErrors ?? {})) {
    const parts = raw.split(".");
    let hit: string | undefined;
    for (let i = parts.length; i > 0 && !hit; i -= 1) {
      const candidate = parts.slice(0, i).join(".");
      const name = options.aliases?.[candidate] ?? candidate;
      if (known.has(name)) hit = name;
    }
    if (hit) placed[hit] ??= message.replace(/^Value error, /, "");
    else rest.push(`${raw}: ${message}`);
  }
  const byCode = error.code ? options.codes?.[error.code] : undefined;
  if (byCode && known.has(byCode)) placed[byCode] ??= error.message;
  const any = Object.keys(placed).length > 0;
  return { fields: placed, form: any && rest.length === 0 ? null : [error.message, ...rest].join(" ") };
}
