import { useQuery } from "@tanstack/react-query";

import { api, data } from "../../api/client";

export const TREND_DAYS = 30;

export function useFleetSummary() {
  return useQuery({ queryKey: ["fleet", "summary"], queryFn: () => data(api.GET("/fleet/summary")) });
}

export function useExposuresByAge() {
  return useQuery({ queryKey: ["fleet", "by-age"], queryFn: () => data(api.GET("/fleet/exposures/by-age")) });
}

export function useOldestExposures(limit = 8) {
  return useQuery({
    queryKey: ["fleet", "oldest", limit],
    queryFn: () => data(api.GET("/fleet/exposures/oldest", { params: { query: { limit } } })),
  });
}

export function useTrend(days = TREND_DAYS) {
  return useQuery({
    queryKey: ["fleet", "trend", days],
    queryFn: () => data(api.GET("/fleet/trend", { params: { query: { days } } })),
  });
}
