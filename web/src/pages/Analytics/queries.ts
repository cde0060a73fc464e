import { useQuery } from "@tanstack/react-query";

import { api, data } from "../../api/client";

export function useWorkAnalytics(day: string | undefined) {
  return useQuery({
    queryKey: ["analytics", "work", day],
    queryFn: () => data(api.GET("/analytics/work", { params: { query: { day } } })),
  });
}

export function useEarnings(since: string, until: string) {
  return useQuery({
    queryKey: ["analytics", "earnings", since, until],
    queryFn: () => data(api.GET("/analytics/earnings", { params: { query: { since, until } } })),
  });
}

/** The organization's currency (EarningsDay carries none); from the organization's day. */
export function useOrganizationCurrency(enabled: boolean) {
  return useQuery({
    queryKey: ["ledger", "organization", undefined],
    queryFn: () => data(api.GET("/ledger/organization", { params: { query: {} } })),
    enabled,
    select: (org) => org.currency,
  });
}
