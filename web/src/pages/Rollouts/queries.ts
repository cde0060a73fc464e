/** TanStack Query hooks of the rollouts list page. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toQuery } from "../../components/tableState";
import type { TableState } from "../../components/tableState";

export type Deployment = components["schemas"]["DeploymentOut"];
export type DeploymentCreate = components["schemas"]["DeploymentCreate"];
export type RolloutCycle = components["schemas"]["patchwatch__rollouts__schemas__CycleOut"];
export type Report = components["schemas"]["ReportOut"];

export function useDeployments(state: TableState, title: string) {
  const query = { ...toQuery(state), title: title || undefined };
  return useQuery({
    queryKey: ["rollouts", "deployments", query],
    queryFn: () => unwrap(api.GET("/rollouts/deployments", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useRolloutCycles(state: TableState, isActive: boolean | undefined, deploymentUuid: string | null) {
  const query = { ...toQuery(state), is_active: isActive };
  return useQuery({
    queryKey: ["rollouts", "cycles", deploymentUuid, query],
    queryFn: () =>
      deploymentUuid
        ? unwrap(
            api.GET("/rollouts/deployments/{deployment_uuid}/cycles", {
              params: { path: { deployment_uuid: deploymentUuid }, query },
            }),
          )
        : unwrap(api.GET("/rollouts/cycles", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DeploymentCreate) => unwrap(api.POST("/rollouts/deployments", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

export type DeploymentUpdate = components["schemas"]["DeploymentUpdate"];
export type CycleCreate = components["schemas"]["patchwatch__rollouts__schemas__CycleCreate"];
export type CycleUpdate = components["schemas"]["patchwatch__rollouts__schemas__CycleUpdate"];

export function useDeployment(uuid: string | null) {
  return useQuery({
    queryKey: ["rollouts", "deployment", uuid],
    queryFn: () => unwrap(api.GET("/rollouts/deployments/{deployment_uuid}", { params: { path: { deployment_uuid: uuid! } } })),
    enabled: Boolean(uuid),
  });
}

export function useUpdateDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ uuid, body }: { uuid: string; body: DeploymentUpdate }) =>
      unwrap(api.PATCH("/rollouts/deployments/{deployment_uuid}", { params: { path: { deployment_uuid: uuid } }, body })),
    // Titles, layouts and (through the thresholds) RAG statuses of its cycles may have changed.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

/** Delete a deployment; the API deletes its cycles, collections, reports and rows with it. */
export function useDeleteDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (uuid: string) => unwrap(api.DELETE("/rollouts/deployments/{deployment_uuid}", { params: { path: { deployment_uuid: uuid } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

export function useCreateCycle() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deploymentUuid, body }: { deploymentUuid: string; body: CycleCreate }) =>
      unwrap(api.POST("/rollouts/deployments/{deployment_uuid}/cycles", { params: { path: { deployment_uuid: deploymentUuid } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

export function useEditCycle() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ uuid, body }: { uuid: string; body: CycleUpdate }) =>
      unwrap(api.PATCH("/rollouts/cycles/{rollout_cycle_uuid}", { params: { path: { rollout_cycle_uuid: uuid } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["rollouts"] }),
  });
}

/**
 * Delete a cycle with its collections and reports. Only the lists are refreshed: the cycle's own
 * queries would answer 404 (the cycle page leaves, then drops them).
 */
export function useDeleteCycle() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (uuid: string) => unwrap(api.DELETE("/rollouts/cycles/{rollout_cycle_uuid}", { params: { path: { rollout_cycle_uuid: uuid } } })),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["rollouts", "cycles"] }),
        queryClient.invalidateQueries({ queryKey: ["rollouts", "deployments"] }),
        queryClient.invalidateQueries({ queryKey: ["rollouts", "deployment"] }),
      ]);
    },
  });
}
