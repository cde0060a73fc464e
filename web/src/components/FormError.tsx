import { Alert } from "@mantine/core";

import { isApiError } from "../api/errors";

interface FormLike {
  setErrors: (errors: Record<string, string>) => void;
  getValues: () => object;
}

/**
 * Put the API's field errors next to the fields of a Mantine form; returns what is left over
 * (the message of an error that names no field of this form), for a `FormError` above it.
 */
export function applyFieldErrors(form: FormLike, error: unknown): string | null {
  if (!isApiError(error)) return error instanceof Error ? error.message : null;
  const known = new Set(Object.keys(form.getValues()));
  const matched: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    const top = field.split(".")[0] ?? field;
    if (known.has(field)) matched[field] = message;
    else if (known.has(top)) matched[top] = message;
  }
  form.setErrors(matched);
  return Object.keys(matched).length > 0 ? null : error.message;
}

/** The form-level error (one that belongs to no single field). */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <Alert color="red" variant="light" role="alert">
      {message}
    </Alert>
  );
}
