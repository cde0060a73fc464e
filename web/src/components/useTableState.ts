import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

import {
  DEFAULT_TABLE_STATE,
  readTableState,
  writeFilter,
  writeTableState,
  type TableState,
} from "./tableState";

/** The table state and filters of the current URL, and setters that write them back. */
export function useTableState(defaults: TableState = DEFAULT_TABLE_STATE) {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readTableState(params, defaults), [params, defaults]);
  const setState = useCallback(
    (change: Partial<TableState>) => setParams((current) => writeTableState(current, change, defaults)),
    [setParams, defaults],
  );
  const setFilter = useCallback(
    (name: string, value: string | null) => setParams((current) => writeFilter(current, name, value)),
    [setParams],
  );
  const filter = useCallback((name: string) => params.get(name) ?? "", [params]);
  return { state, setState, filter, setFilter, params, setParams };
}
