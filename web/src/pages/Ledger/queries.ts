import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components, operations } from "../../api/schema";

export type Balance = components["schemas"]["BalanceOut"];
export type OrganizationDay = components["schemas"]["OrganizationDayOut"];
export type Entry = components["schemas"]["LedgerEntryOut"];
export type Statement = components["schemas"]["StatementOut"];
export type EntryKind = components["schemas"]["EntryKind"];
export type StatementKind = components["schemas"]["StatementKind"];
export type EntryQuery = NonNullable<operations["list_entries_api_v1_ledger_entries_get"]["parameters"]["query"]>;
export type StatementQuery = NonNullable<operations["list_statements_api_v1_statements_get"]["parameters"]["query"]>;
export type CorrectionIn = components["schemas"]["CorrectionIn"];

export const ENTRY_KINDS: EntryKind[] = ["fee", "reward", "payout", "correction"];

export function useOwnBalance(day: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ["ledger", "balance", day],
    queryFn: () => data(api.GET("/ledger/balance", { params: { query: { day } } })),
    enabled,
  });
}

export function useBalances(day: string | undefined, enabled: boolean, organization_uuid?: string) {
  return useQuery({
    queryKey: ["ledger", "balances", day, organization_uuid],
    queryFn: () => data(api.GET("/ledger/balances", { params: { query: { day, organization_uuid } } })),
    enabled,
  });
}

export function useOrganizationDay(day: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ["ledger", "organization", day],
    queryFn: () => data(api.GET("/ledger/organization", { params: { query: { day } } })),
    enabled,
  });
}

export function useEntries(query: EntryQuery) {
  return useQuery({
    queryKey: ["ledger", "entries", query],
    queryFn: () => unwrap(api.GET("/ledger/entries", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useStatements(query: StatementQuery) {
  return useQuery({
    queryKey: ["ledger", "statements", query],
    queryFn: () => unwrap(api.GET("/statements", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAddCorrection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CorrectionIn) => data(api.POST("/ledger/corrections", { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["ledger"] }),
  });
}
