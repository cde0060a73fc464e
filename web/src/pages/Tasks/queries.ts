import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components, operations } from "../../api/schema";

export type Task = components["schemas"]["TaskOut"];
export type TaskStatus = components["schemas"]["TaskStatus"];
export type TaskCreate = components["schemas"]["TaskCreate"];
export type TaskQuery = NonNullable<operations["list_tasks_api_v1_tasks_get"]["parameters"]["query"]>;

export function useTasks(query: TaskQuery) {
  return useQuery({
    queryKey: ["tasks", query],
    queryFn: () => unwrap(api.GET("/tasks", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Everything a change to tasks moves: the lists, balances and the ledger, the bell. */
function useInvalidateWork() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ["tasks"] });
    void queryClient.invalidateQueries({ queryKey: ["ledger"] });
    void queryClient.invalidateQueries({ queryKey: ["notifications"] });
  };
}

export function useCompleteTask() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (uuid: string) =>
      data(api.POST("/tasks/{task_uuid}/complete", { params: { path: { task_uuid: uuid } } })),
    onSuccess: invalidate,
  });
}

export function useCreateTask() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (body: TaskCreate) => data(api.POST("/tasks", { body })),
    onSuccess: invalidate,
  });
}

export function useReassignTask() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: ({ uuid, assignee }: { uuid: string; assignee: string | null }) =>
      data(
        api.POST("/tasks/{task_uuid}/assign", {
          params: { path: { task_uuid: uuid } },
          body: { assignee_uuid: assignee },
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useShuffleTasks() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: () => data(api.POST("/tasks/shuffle", {})),
    onSuccess: invalidate,
  });
}

/** The organization's active engineers: who tasks can go to (the API checks it again). */
export function useEngineers(enabled = true) {
  return useQuery({
    queryKey: ["users", "engineers"],
    queryFn: () =>
      data(api.GET("/users", { params: { query: { role: "engineer", is_active: true, is_approved: true, per_page: 200, sort: "name" } } })),
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** Sites to pick from, searched on the server. */
export function useSiteOptions(q: string, enabled = true) {
  return useQuery({
    queryKey: ["sites", "options", q],
    queryFn: () => data(api.GET("/sites", { params: { query: { q: q || undefined, per_page: 50, sort: "name" } } })),
    enabled,
    placeholderData: keepPreviousData,
  });
}
