/** TanStack Query hooks of one rollout cycle's page. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toQuery, type TableState } from "../../components/tableState";
import type { InstallStatus } from "../Rollouts/rollouts";

export type CycleKpis = components["schemas"]["CycleKpis"];
export type Kpis = components["schemas"]["Kpis"];
export type RingKpis = components["schemas"]["RingKpis"];
export type CollectionKpis = components["schemas"]["CollectionKpis"];
export type TrendPoint = components["schemas"]["TrendPoint"];
export type ReportRow = components["schemas"]["ReportRowOut"];
export type CycleUpdate = components["schemas"]["patchwatch__rollouts__schemas__CycleUpdate"];

export function useRolloutCycle(uuid: string) {
  return useQuery({
    queryKey: ["rollouts", "cycle", uuid],
    queryFn: () => unwrap(api.GET("/rollouts/cycles/{rollout_cycle_uuid}", { params: { path: { rollout_cycle_uuid: uuid } } })),
  });
}

export function useCycleKpis(uuid: string) {
  return useQuery({
    queryKey: ["rollouts", "cycle", uuid, "kpis"],
    queryFn: () => unwrap(api.GET("/rollouts/cycles/{rollout_cycle_uuid}/kpis", { params: { path: { rollout_cycle_uuid: uuid } } })),
  });
}

export function useCycleReports(uuid: string, state: TableState) {
  const query = toQuery(state);
  return useQuery({
    queryKey: ["rollouts", "cycle", uuid, "reports", query],
    queryFn: () =>
      unwrap(api.GET("/rollouts/cycles/{rollout_cycle_uuid}/reports", { params: { path: { rollout_cycle_uuid: uuid }, query } })),
    placeholderData: keepPreviousData,
  });
}

export function useReportRows(reportUuid: string | null, state: TableState, status: InstallStatus | null) {
  const query = { ...toQuery(state), status: status ?? undefined };
  return useQuery({
    queryKey: ["rollouts", "report", reportUuid, "rows", query],
    queryFn: () => unwrap(api.GET("/rollouts/reports/{report_uuid}/rows", { params: { path: { report_uuid: reportUuid! }, query } })),
    enabled: Boolean(reportUuid),
    placeholderData: keepPreviousData,
  });
}

export function useUpdateCycle(uuid: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CycleUpdate) =>
      unwrap(api.PATCH("/rollouts/cycles/{rollout_cycle_uuid}", { params: { path: { rollout_cycle_uuid: uuid } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

export function useUpdateReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ uuid, show }: { uuid: string; show: boolean }) =>
      unwrap(api.PATCH("/rollouts/reports/{report_uuid}", { params: { path: { report_uuid: uuid } }, body: { show_in_history: show } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

export function useDeleteReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (uuid: string) => unwrap(api.DELETE("/rollouts/reports/{report_uuid}", { params: { path: { report_uuid: uuid } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

export type Collection = components["schemas"]["CollectionOut"];
export type CollectionCreate = components["schemas"]["CollectionCreate"];
export type CollectionUpdate = components["schemas"]["CollectionUpdate"];

export function useCollections(cycleUuid: string, state: TableState) {
  const query = toQuery(state);
  return useQuery({
    queryKey: ["rollouts", "cycle", cycleUuid, "collections", query],
    queryFn: () =>
      unwrap(api.GET("/rollouts/cycles/{rollout_cycle_uuid}/collections", { params: { path: { rollout_cycle_uuid: cycleUuid }, query } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * After a collection changes: its list, the cycle's KPIs (the ring breakdown follows the
 * collections' current rings) and the report rows (they show the ring).
 */
function useCollectionsChanged(cycleUuid: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["rollouts", "cycle", cycleUuid, "collections"] }),
      queryClient.invalidateQueries({ queryKey: ["rollouts", "cycle", cycleUuid, "kpis"] }),
      queryClient.invalidateQueries({ queryKey: ["rollouts", "report"] }),
    ]);
}

export function useCreateCollection(cycleUuid: string) {
  const changed = useCollectionsChanged(cycleUuid);
  return useMutation({
    mutationFn: (body: CollectionCreate) =>
      unwrap(api.POST("/rollouts/cycles/{rollout_cycle_uuid}/collections", { params: { path: { rollout_cycle_uuid: cycleUuid } }, body })),
    onSuccess: changed,
  });
}

export function useUpdateCollection(cycleUuid: string) {
  const changed = useCollectionsChanged(cycleUuid);
  return useMutation({
    mutationFn: ({ uuid, body }: { uuid: string; body: CollectionUpdate }) =>
      unwrap(api.PATCH("/rollouts/collections/{collection_uuid}", { params: { path: { collection_uuid: uuid } }, body })),
    onSuccess: changed,
  });
}

export function useDeleteCollection(cycleUuid: string) {
  const changed = useCollectionsChanged(cycleUuid);
  return useMutation({
    mutationFn: (uuid: string) => unwrap(api.DELETE("/rollouts/collections/{collection_uuid}", { params: { path: { collection_uuid: uuid } } })),
    onSuccess: changed,
  });
}
