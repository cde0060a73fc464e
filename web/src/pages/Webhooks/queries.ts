/** The signed-in user's webhooks (and the organization's, for those who manage them). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toQuery, type TableState } from "../../components/tableState";
import { NOTIFICATION_KINDS } from "../Notifications/queries";

export type Webhook = components["schemas"]["WebhookOut"];
export type WebhookCreate = components["schemas"]["WebhookCreate"];
export type WebhookUpdate = components["schemas"]["WebhookUpdate"];
export type WebhookScope = components["schemas"]["WebhookScope"];
export type PayloadFormat = components["schemas"]["PayloadFormat"];
export type EventKind = NonNullable<WebhookCreate["event_kinds"]>[number];

/** The permission an organization webhook needs (the API says so too). */
export const MANAGE_WEBHOOKS = "webhooks:manage";
export const SCOPES: readonly WebhookScope[] = ["user", "organization"];
export const FORMATS: readonly PayloadFormat[] = ["json", "slack"];
/** The kinds an organization webhook may list: the kinds of notification there are. */
export const EVENT_KINDS: readonly EventKind[] = NOTIFICATION_KINDS;

const KEY = ["webhooks"] as const;

export function useWebhooks(state: TableState) {
  const query = toQuery(state);
  return useQuery({
    queryKey: [...KEY, query],
    queryFn: () => unwrap(api.GET("/webhooks", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useWebhookMutations() {
  const queryClient = useQueryClient();
  const onSuccess = () => void queryClient.invalidateQueries({ queryKey: KEY });
  const create = useMutation({
    mutationFn: (body: WebhookCreate) => data(api.POST("/webhooks", { body })),
    onSuccess,
  });
  const update = useMutation({
    mutationFn: ({ uuid, body }: { uuid: string; body: WebhookUpdate }) =>
      data(api.PATCH("/webhooks/{webhook_uuid}", { params: { path: { webhook_uuid: uuid } }, body })),
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (uuid: string) => data(api.DELETE("/webhooks/{webhook_uuid}", { params: { path: { webhook_uuid: uuid } } })),
    onSuccess,
  });
  return { create, update, remove };
}
