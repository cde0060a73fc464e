import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toQuery, type TableState } from "../../components/tableState";

export type Organization = components["schemas"]["OrganizationOut"];
export type OrganizationCreate = components["schemas"]["OrganizationCreate"];
export type OrganizationUpdate = components["schemas"]["OrganizationUpdate"];

export function useOrganizations(state: TableState, filters: { q?: string; is_active?: boolean }) {
  const query = { ...toQuery(state), ...filters };
  return useQuery({
    queryKey: ["organizations", "page", query],
    queryFn: () => unwrap(api.GET("/organizations", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useOrganizationMutations() {
  const client = useQueryClient();
  const onSuccess = () => void client.invalidateQueries({ queryKey: ["organizations"] });
  const path = (uuid: string) => ({ params: { path: { org_uuid: uuid } } });
  return {
    create: useMutation({ mutationFn: (body: OrganizationCreate) => data(api.POST("/organizations", { body })), onSuccess }),
    update: useMutation({
      mutationFn: ({ uuid, body }: { uuid: string; body: OrganizationUpdate }) =>
        data(api.PATCH("/organizations/{org_uuid}", { ...path(uuid), body })),
      onSuccess,
    }),
    remove: useMutation({ mutationFn: (uuid: string) => data(api.DELETE("/organizations/{org_uuid}", path(uuid))), onSuccess }),
  };
}
