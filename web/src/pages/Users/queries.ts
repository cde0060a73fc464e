import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { useCan } from "../../auth/session";
import { toQuery, type TableState } from "../../components/tableState";
import type { UsersApiFilters } from "./userFilters";

export type User = components["schemas"]["UserOut"];
export type UserCreate = components["schemas"]["UserCreate"];
export type UserUpdate = components["schemas"]["UserUpdate"];

export function useUsers(state: TableState, filters: UsersApiFilters) {
  const query = { ...toQuery(state), ...filters };
  return useQuery({
    queryKey: ["users", query],
    queryFn: () => unwrap(api.GET("/users", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Every group's name, for the groups picker (a short list). */
export function useGroupNames(enabled: boolean) {
  return useQuery({
    queryKey: ["groups", "names"],
    queryFn: () => unwrap(api.GET("/groups", { params: { query: { per_page: 200, sort: "name" } } })),
    select: (envelope) => envelope.data.map((group) => group.name),
    enabled,
  });
}

/** One user, by uuid (the page the "registration pending" notification links to). */
export function useUser(uuid: string | undefined) {
  return useQuery({
    queryKey: ["users", "one", uuid],
    queryFn: () => data(api.GET("/users/{user_uuid}", { params: { path: { user_uuid: uuid! } } })),
    enabled: Boolean(uuid),
  });
}

/** How many wait for approval (for the tab's counter). */
export function usePendingCount() {
  return useQuery({
    queryKey: ["users", "pending-count"],
    queryFn: () => unwrap(api.GET("/users", { params: { query: { is_approved: false, per_page: 1 } } })),
    select: (envelope) => envelope.meta.total as number,
  });
}

/** The built-in roles, for the pickers when the roles cannot be read. */
export const BUILTIN_ROLES = ["viewer", "requester", "engineer", "manager"];

/** Role names for the pickers (every role: a short list). */
export function useRoleNames() {
  const canRead = useCan("roles:read");
  return useQuery({
    queryKey: ["roles", "names"],
    queryFn: () => data(api.GET("/roles", { params: { query: { per_page: 200, sort: "name" } } })),
    select: (roles) => roles.map((role) => role.name),
    enabled: canRead,
    staleTime: 5 * 60_000,
  });
}

/** Organizations for the platform admin's picker. */
export function useOrganizationOptions(enabled: boolean) {
  return useQuery({
    queryKey: ["organizations", "options"],
    queryFn: () => data(api.GET("/organizations", { params: { query: { per_page: 200, sort: "name" } } })),
    select: (orgs) => orgs.map((org) => ({ value: org.uuid, label: org.name })),
    enabled,
  });
}

function useInvalidateUsers() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ["users"] });
}

export function useUserMutations() {
  const invalidate = useInvalidateUsers();
  const onSuccess = () => void invalidate();
  const path = (uuid: string) => ({ params: { path: { user_uuid: uuid } } });
  return {
    create: useMutation({ mutationFn: (body: UserCreate) => data(api.POST("/users", { body })), onSuccess }),
    update: useMutation({
      mutationFn: ({ uuid, body }: { uuid: string; body: UserUpdate }) =>
        data(api.PATCH("/users/{user_uuid}", { ...path(uuid), body })),
      onSuccess,
    }),
    setGroups: useMutation({
      mutationFn: ({ uuid, groups }: { uuid: string; groups: string[] }) =>
        data(api.PUT("/users/{user_uuid}/groups", { ...path(uuid), body: { groups } })),
      onSuccess,
    }),
    approve: useMutation({ mutationFn: (uuid: string) => data(api.POST("/users/{user_uuid}/approve", path(uuid))), onSuccess }),
    deactivate: useMutation({
      mutationFn: (uuid: string) => data(api.POST("/users/{user_uuid}/deactivate", path(uuid))),
      onSuccess,
    }),
    activate: useMutation({ mutationFn: (uuid: string) => data(api.POST("/users/{user_uuid}/activate", path(uuid))), onSuccess }),
    remove: useMutation({ mutationFn: (uuid: string) => data(api.DELETE("/users/{user_uuid}", path(uuid))), onSuccess }),
  };
}
