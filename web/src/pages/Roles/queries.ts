import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toQuery, type TableState } from "../../components/tableState";

export type Role = components["schemas"]["RoleOut"];
export type RoleCreate = components["schemas"]["RoleCreate"];
export type RoleUpdate = components["schemas"]["RoleUpdate"];

export function useRoles(state: TableState) {
  const query = toQuery(state);
  return useQuery({
    queryKey: ["roles", "page", query],
    queryFn: () => unwrap(api.GET("/roles", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Every role (for the permission catalogue: the built-in admin role holds every permission). */
export function useAllRoles(enabled = true) {
  return useQuery({
    queryKey: ["roles", "all"],
    queryFn: () => data(api.GET("/roles", { params: { query: { per_page: 200, sort: "name" } } })),
    enabled,
  });
}

export function useRoleMutations() {
  const client = useQueryClient();
  const onSuccess = () => void client.invalidateQueries({ queryKey: ["roles"] });
  const path = (uuid: string) => ({ params: { path: { role_uuid: uuid } } });
  return {
    create: useMutation({ mutationFn: (body: RoleCreate) => data(api.POST("/roles", { body })), onSuccess }),
    update: useMutation({
      mutationFn: ({ uuid, body }: { uuid: string; body: RoleUpdate }) => data(api.PATCH("/roles/{role_uuid}", { ...path(uuid), body })),
      onSuccess,
    }),
    remove: useMutation({ mutationFn: (uuid: string) => data(api.DELETE("/roles/{role_uuid}", path(uuid))), onSuccess }),
  };
}
