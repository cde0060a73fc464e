import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toQuery, type TableState } from "../../components/tableState";
import type { toAuditQuery } from "./auditFilters";

export type AuditEvent = components["schemas"]["AuditEventOut"];

export function useAuditEvents(state: TableState, filters: ReturnType<typeof toAuditQuery>) {
  const query = { ...toQuery(state), ...filters };
  return useQuery({
    queryKey: ["audit-events", query],
    queryFn: () => unwrap(api.GET("/audit-events", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** The hash chain's check (platform admin only). */
export function useChainReport(enabled: boolean) {
  return useQuery({
    queryKey: ["audit-events", "verify"],
    queryFn: () => data(api.GET("/audit-events/verify")),
    enabled,
    staleTime: 60_000,
  });
}
