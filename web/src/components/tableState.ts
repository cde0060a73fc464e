/** A list's page, page size and sort, kept in the URL so it survives reloads and links. */

export interface TableState {
  page: number;
  perPage: number;
  /** The API's sort: `name`, `-created_at`; empty for the server's default. */
  sort: string;
}

export const PER_PAGE_CHOICES = [10, 25, 50, 100, 200] as const;
export const DEFAULT_TABLE_STATE: TableState = { page: 1, perPage: 25, sort: "" };

function positiveInt(value: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const parsed = Number.parseInt(value, 10);
  return parsed >= 1 ? Math.min(parsed, max) : fallback;
}

export function readTableState(params: URLSearchParams, defaults: TableState = DEFAULT_TABLE_STATE): TableState {
  return {
    page: positiveInt(params.get("page"), defaults.page),
    perPage: positiveInt(params.get("per_page"), defaults.perPage, 200),
    sort: params.get("sort") ?? defaults.sort,
  };
}

/** New search params with the state written in; defaults are left out to keep URLs short. */
export function writeTableState(
  params: URLSearchParams,
  state: Partial<TableState>,
  defaults: TableState = DEFAULT_TABLE_STATE,
): URLSearchParams {
  const next = new URLSearchParams(params);
  const merged = { ...readTableState(params, defaults), ...state };
  const set = (name: string, value: string, fallback: string) =>
    value === fallback ? next.delete(name) : next.set(name, value);
  set("page", String(merged.page), String(defaults.page));
  set("per_page", String(merged.perPage), String(defaults.perPage));
  set("sort", merged.sort, defaults.sort);
  return next;
}

/** A filter changed: set or clear it and go back to the first page. */
export function writeFilter(params: URLSearchParams, name: string, value: string | null): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value === null || value === "") next.delete(name);
  else next.set(name, value);
  next.delete("page");
  return next;
}

/** Clicking a column: ascending, then descending, then the server's default. */
export function nextSort(current: string, field: string): string {
  if (current === field) return `-${field}`;
  if (current === `-${field}`) return "";
  return field;
}

export function sortDirection(current: string, field: string): "asc" | "desc" | null {
  if (current === field) return "asc";
  if (current === `-${field}`) return "desc";
  return null;
}

/** The query parameters the API takes for this state. */
export function toQuery(state: TableState): { page: number; per_page: number; sort?: string } {
  return { page: state.page, per_page: state.perPage, ...(state.sort ? { sort: state.sort } : {}) };
}
