/** The account forms' API errors, put on the fields they are about (pure, tested). */
import { ApiError, isApiError } from "../../api/errors";

/**
 * Some answers name no field (a wrong current password is a 403 `invalid_credentials`, a wrong
 * code `invalid_otp`) or another name than the form's (`password` is the new one when changing
 * it): give them the form's field names so `applyFieldErrors` puts them next to the field.
 */
export function onFields(error: unknown, fields: { codes?: Record<string, string>; rename?: Record<string, string> }): unknown {
  if (!isApiError(error)) return error;
  const fieldErrors: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    fieldErrors[fields.rename?.[field] ?? field] = message;
  }
  const byCode = fields.codes?.[error.code];
  if (byCode && !fieldErrors[byCode]) fieldErrors[byCode] = error.message;
  return new ApiError({ ...error, message: error.message, fieldErrors });
}

/** The backup codes as a text file's content. */
export function backupCodesText(codes: string[], heading: string): string {
  return `${heading}\n\n${codes.join("\n")}\n`;
}

const SVG_PREFIX = "data:image/svg+xml;base64,";

/**
 * The enrolment's QR code as an `<img>` source. The API sends an inline SVG (segno's
 * `svg_inline`) without `xmlns`, which browsers refuse to draw as an image: add it.
 */
export function qrImageSrc(dataUri: string): string {
  if (!dataUri.startsWith(SVG_PREFIX)) return dataUri;
  try {
    const svg = atob(dataUri.slice(SVG_PREFIX.length));
    if (/^\s*<svg\b[^>]*\bxmlns=/.test(svg)) return dataUri;
    const fixed = svg.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(fixed)}`;
  } catch {
    return dataUri;
  }
}
