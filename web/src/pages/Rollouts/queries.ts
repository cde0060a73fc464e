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
