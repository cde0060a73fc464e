import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import type { Decision } from "./decisions";

export type MaintenanceRequest = components["schemas"]["MaintenanceRequestOut"];
export type MaintenanceState = components["schemas"]["State"];
export type MaintenanceCreate = components["schemas"]["MaintenanceRequestCreate"];
export const STATES: MaintenanceState[] = ["pending", "accepted", "rejected", "cancelled"];

export interface RequestsQuery {
  page: number;
  per_page: number;
  sort?: string;
  state?: MaintenanceState;
  site_uuid?: string;
  from?: string;
  to?: string;
}

export function useMaintenanceRequests(query: RequestsQuery, enabled = true) {
  return useQuery({
    queryKey: ["maintenance-requests", query],
    queryFn: () => unwrap(api.GET("/maintenance-requests", { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One request, by uuid (the page a notification links to). */
export function useMaintenanceRequest(uuid: string | undefined) {
  return useQuery({
    queryKey: ["maintenance-requests", "one", uuid],
    queryFn: () => data(api.GET("/maintenance-requests/{request_uuid}", { params: { path: { request_uuid: uuid! } } })),
    enabled: Boolean(uuid),
  });
}

export type { Decision };

export function decide(uuid: string, decision: Decision, reason?: string) {
  const path = { request_uuid: uuid };
  if (decision === "accept")
    return data(api.POST("/maintenance-requests/{request_uuid}/accept", { params: { path }, body: reason ? { reason } : undefined }));
  if (decision === "reject")
    return data(api.POST("/maintenance-requests/{request_uuid}/reject", { params: { path }, body: { reason: reason ?? "" } }));
  return data(api.POST("/maintenance-requests/{request_uuid}/cancel", { params: { path } }));
}

export function submitRequest(body: MaintenanceCreate) {
  return data(api.POST("/maintenance-requests", { body }));
}

export function createCalendarToken() {
  return data(api.POST("/maintenance-requests/calendar-token"));
}
