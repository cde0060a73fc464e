/** The in-app notifications: the bell's count and latest, the full list, marking read. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { ApiPaths } from "../../api/client";
import type { components } from "../../api/schema";

export type Notification = components["schemas"]["NotificationOut"];
export type NotificationQuery = NonNullable<ApiPaths["/notifications"]["get"]["parameters"]["query"]>;
export type NotificationKind = NonNullable<NotificationQuery["kind"]>;

/** The kinds one may filter by (the API's list, in its order). */
export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  "security_update",
  "sla_due_soon",
  "sla_breached",
  "task_assigned",
  "maintenance_submitted",
  "maintenance_accepted",
  "maintenance_rejected",
  "registration_pending",
  "account_approved",
  "import_finished",
  "statement",
  "catalog_sync_failed",
];

const POLL_MS = 60_000;

export function useUnreadCount() {
  return useQuery({
    queryKey: ["notifications", "unread-count"],
    queryFn: () => data(api.GET("/notifications/unread-count")),
    refetchInterval: POLL_MS,
    staleTime: POLL_MS / 2,
    select: (result) => result.unread,
  });
}

/** The newest `count` notifications (the bell's popover). */
export function useLatest(count: number, enabled: boolean) {
  return useQuery({
    queryKey: ["notifications", "latest", count],
    queryFn: () => unwrap(api.GET("/notifications", { params: { query: { per_page: count } } })),
    enabled,
  });
}

/** One page of the list (the notifications page). */
export function useNotificationList(query: NotificationQuery) {
  return useQuery({
    queryKey: ["notifications", "list", query],
    queryFn: () => unwrap(api.GET("/notifications", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Mark one read or unread; every notifications query (the bell's count too) refreshes. */
export function useMark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ uuid, read }: { uuid: string; read: boolean }) =>
      read
        ? data(api.POST("/notifications/{notification_uuid}/read", { params: { path: { notification_uuid: uuid } } }))
        : data(api.POST("/notifications/{notification_uuid}/unread", { params: { path: { notification_uuid: uuid } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["notifications"] }),
  });
}

export function useReadAll() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => data(api.POST("/notifications/read-all")),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["notifications"] }),
  });
}

/** A notification's link is a dashboard path (`/tasks/…`) or, rarely, a full URL. */
export function isInternalLink(link: string): boolean {
  return link.startsWith("/") && !link.startsWith("//");
}
