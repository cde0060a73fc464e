/** The API's error envelope, as one typed error the pages can show. */

export interface ApiErrorShape {
  status: number;
  code: string;
  message: string;
  /** Field errors keyed by the form field name (`body.password` -> `password`). */
  fieldErrors: Record<string, string>;
  /** Seconds to wait, from `Retry-After` (429). */
  retryAfter?: number;
  /** The envelope's `details` as sent (field errors, or what a 409 clashed with). */
  details?: unknown[];
}

export class ApiError extends Error implements ApiErrorShape {
  status: number;
  code: string;
  fieldErrors: Record<string, string>;
  retryAfter?: number;
  details: unknown[];

  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = "ApiError";
    this.status = shape.status;
    this.code = shape.code;
    this.fieldErrors = shape.fieldErrors;
    this.retryAfter = shape.retryAfter;
    this.details = shape.details ?? [];
  }
}

interface ErrorDetail {
  field?: string | null;
  message?: string;
}

const LOCATIONS = new Set(["body", "query", "path", "header"]);

/** `body.site.url` -> `site.url`; `query.page` -> `page`. */
export function fieldName(path: string): string {
  const parts = path.split(".");
  if (parts.length > 1 && LOCATIONS.has(parts[0] ?? "")) parts.shift();
  return parts.join(".");
}

/** Turn any answer body into an ApiError; `fallback` is the message when the body says none. */
export function toApiError(
  status: number,
  body: unknown,
  fallback: string,
  retryAfterHeader?: string | null,
): ApiError {
  const envelope = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error;
  const fieldErrors: Record<string, string> = {};
  if (envelope && Array.isArray(envelope.details)) {
    for (const detail of envelope.details as ErrorDetail[]) {
      if (detail?.field && detail.message) {
        const name = fieldName(detail.field);
        fieldErrors[name] ??= detail.message; // the first message per field is the one to show
      }
    }
  }
  const retry = retryAfterHeader ? Number.parseInt(retryAfterHeader, 10) : Number.NaN;
  return new ApiError({
    status,
    code: typeof envelope?.code === "string" ? envelope.code : status === 0 ? "network" : "http_error",
    message: typeof envelope?.message === "string" && envelope.message ? envelope.message : fallback,
    fieldErrors,
    retryAfter: Number.isFinite(retry) ? retry : undefined,
    details: envelope && Array.isArray(envelope.details) ? envelope.details : [],
  });
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
