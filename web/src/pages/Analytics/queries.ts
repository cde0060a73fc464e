import { useQuery } from "@tanstack/react-query";

import { api, data } from "../../api/client";

// Every read of the page names one organization: a platform admin naming none would get every
// organization's figures summed (in mixed currencies) next to one organization's balances.

export function useWorkAnalytics(day: string | undefined, organization_uuid: string | undefined) {
  return useQuery({
    queryKey: ["analytics", "work", day, organization_uuid],
    queryFn: () => data(api.GET("/analytics/work", { params: { query: { day, organization_uuid } } })),
  });
}

export function useEarnings(since: string, until: string, organization_uuid: string | undefined) {
  return useQuery({
    queryKey: ["analytics", "earnings", since, until, organization_uuid],
    queryFn: () => data(api.GET("/analytics/earnings", { params: { query: { since, until, organization_uuid } } })),
  });
}

/** The organization's currency (EarningsDay carries none); from the organization's day. */
export function useOrganizationCurrency(enabled: boolean, organization_uuid: string | undefined) {
  return useQuery({
    queryKey: ["ledger", "organization", undefined, organization_uuid],
    queryFn: () => data(api.GET("/ledger/organization", { params: { query: { organization_uuid } } })),
    enabled,
    select: (org) => org.currency,
  });
}
