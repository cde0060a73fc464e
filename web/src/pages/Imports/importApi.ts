/** Multipart upload of an import, its row errors from any answer, and authenticated downloads. */
import { API_BASE, api, authFetch, data } from "../../api/client";
import { ApiError, toApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { t } from "../../i18n";

export type ImportRecord = components["schemas"]["ImportOut"];
export type ImportKind = ImportRecord["kind"];
export type RowError = components["schemas"]["RowError"];
export const KINDS: ImportKind[] = ["sites", "patch-runs", "users"];
export const IMPORT_STATUSES: ImportRecord["status"][] = ["succeeded", "partial", "failed"];

export interface ImportRequest {
  kind: ImportKind;
  file: File;
  dryRun: boolean;
  onError: "abort" | "skip";
  mapping?: string;
}

/** What an upload came to: the record (also of a failed import), and the rows' errors. */
export interface ImportOutcome {
  record: ImportRecord | null;
  rowErrors: RowError[];
  /** Set when the API refused the file or the import (4xx/5xx). */
  error: ApiError | null;
}

/** The `{row, column, message}` entries of an error answer's `details` (others are left out). */
export function rowErrorsOf(body: unknown): RowError[] {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return [];
  const rows: RowError[] = [];
  for (const detail of details as Record<string, unknown>[]) {
    if (!detail || typeof detail.message !== "string") continue;
    const hasRow = "row" in detail || "column" in detail;
    if (!hasRow) continue;
    rows.push({
      row: typeof detail.row === "number" ? detail.row : null,
      column: typeof detail.column === "string" ? detail.column : null,
      message: detail.message,
    });
  }
  return rows;
}

/** The import's uuid from a `Location: /api/v1/imports/{uuid}` header. */
export function importUuidFromLocation(location: string | null): string | null {
  const match = location ? /\/imports\/([0-9a-f-]{36})\/?$/i.exec(location) : null;
  return match ? match[1]! : null;
}

function url(path: string): string {
  return new URL(`${API_BASE}${path}`, window.location.origin).toString();
}

export async function sendImport(request: ImportRequest): Promise<ImportOutcome> {
  const form = new FormData();
  form.set("kind", request.kind);
  form.set("dry_run", request.dryRun ? "true" : "false");
  form.set("on_error", request.onError);
  if (request.mapping?.trim()) form.set("mapping", request.mapping.trim());
  form.set("file", request.file, request.file.name);
  let response: Response;
  try {
    response = await authFetch(new Request(url("/imports"), { method: "POST", body: form }));
  } catch {
    throw new ApiError({ status: 0, code: "network", message: t("errors.network"), fieldErrors: {} });
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok) {
    const record = (body as { data: ImportRecord }).data;
    return { record, rowErrors: record.errors, error: null };
  }
  const error = toApiError(response.status, body, t("errors.http", { status: response.status }), response.headers.get("Retry-After"));
  let record: ImportRecord | null = null;
  const uuid = importUuidFromLocation(response.headers.get("Location"));
  if (uuid) {
    try {
      record = await data(api.GET("/imports/{import_uuid}", { params: { path: { import_uuid: uuid } } }));
    } catch {
      record = null;
    }
  }
  const rowErrors = rowErrorsOf(body);
  return { record, rowErrors: rowErrors.length ? rowErrors : (record?.errors ?? []), error };
}

/** The file name a `Content-Disposition` header gives, else `fallback`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  return match ? decodeURIComponent(match[1]!) : fallback;
}

/** Download an export with the session's bearer token, and save it as a file. */
export async function downloadExport(kind: ImportKind, format: "csv" | "xlsx"): Promise<void> {
  const response = await authFetch(new Request(url(`/exports/${kind}?format=${format}`)));
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw toApiError(response.status, body, t("errors.http", { status: response.status }));
  }
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get("Content-Disposition"), `${kind}.${format}`);
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
