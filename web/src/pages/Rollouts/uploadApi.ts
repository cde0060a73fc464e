/** The multipart upload of a rollout report, with the row errors of a refused file. */
import { API_BASE, authFetch } from "../../api/client";
import { ApiError, toApiError } from "../../api/errors";
import { t } from "../../i18n";
import type { Report } from "./queries";
import { rowErrorsOf, type RowError } from "./rollouts";

export interface UploadRequest {
  file: File;
  deployment: string;
  cycle: string;
  createMissing: boolean;
  showInHistory: boolean;
}

export interface UploadOutcome {
  report: Report | null;
  error: ApiError | null;
  rowErrors: RowError[];
}

export async function uploadReport(request: UploadRequest): Promise<UploadOutcome> {
  const form = new FormData();
  form.set("file", request.file, request.file.name);
  if (request.deployment.trim()) form.set("deployment", request.deployment.trim());
  if (request.cycle.trim()) form.set("cycle", request.cycle.trim());
  form.set("create_missing", request.createMissing ? "true" : "false");
  form.set("show_in_history", request.showInHistory ? "true" : "false");
  let response: Response;
  try {
    const url = new URL(`${API_BASE}/rollouts/reports`, window.location.origin).toString();
    response = await authFetch(new Request(url, { method: "POST", body: form }));
  } catch {
    throw new ApiError({ status: 0, code: "network", message: t("errors.network"), fieldErrors: {} });
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok) return { report: (body as { data: Report }).data, error: null, rowErrors: [] };
  const error = toApiError(response.status, body, t("errors.http", { status: response.status }), response.headers.get("Retry-After"));
  return { report: null, error, rowErrors: rowErrorsOf(body) };
}
