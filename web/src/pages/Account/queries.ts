import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toQuery, type TableState } from "../../components/tableState";
import type { PreferenceChange } from "./preferences";

export type ApiKey = components["schemas"]["ApiKeyOut"];
export type ApiKeyCreate = components["schemas"]["ApiKeyCreate"];
/** The kinds come from the server's list; the grid only sends back the kinds it was given. */
type PreferenceIn = components["schemas"]["PreferenceIn"];

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) => data(api.POST("/me/password", { body })),
  });
}

export function useTwoFactor() {
  const client = useQueryClient();
  const refreshMe = () => void client.invalidateQueries({ queryKey: ["me"], exact: true });
  return {
    enroll: useMutation({ mutationFn: () => data(api.POST("/me/2fa/enroll")) }),
    confirm: useMutation({ mutationFn: (code: string) => data(api.POST("/me/2fa/confirm", { body: { code } })), onSuccess: refreshMe }),
    regenerate: useMutation({
      mutationFn: (body: { password: string; code: string }) => data(api.POST("/me/2fa/backup-codes", { body })),
    }),
    disable: useMutation({
      mutationFn: (body: { password: string; code: string }) => data(api.POST("/me/2fa/disable", { body })),
      onSuccess: refreshMe,
    }),
  };
}

export function useApiKeys(state: TableState, enabled: boolean) {
  const query = toQuery(state);
  return useQuery({
    queryKey: ["api-keys", query],
    queryFn: () => unwrap(api.GET("/api-keys", { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useApiKeyMutations() {
  const client = useQueryClient();
  const onSuccess = () => void client.invalidateQueries({ queryKey: ["api-keys"] });
  return {
    create: useMutation({ mutationFn: (body: ApiKeyCreate) => data(api.POST("/api-keys", { body })), onSuccess }),
    revoke: useMutation({
      mutationFn: (uuid: string) => data(api.DELETE("/api-keys/{key_uuid}", { params: { path: { key_uuid: uuid } } })),
      onSuccess,
    }),
  };
}

/** Sites for the key's optional site (the first 200 by name). */
export function useSiteOptions(enabled: boolean) {
  return useQuery({
    queryKey: ["sites", "options"],
    queryFn: () => data(api.GET("/sites", { params: { query: { per_page: 200, sort: "name" } } })),
    select: (sites) => sites.map((site) => ({ value: site.uuid, label: site.name })),
    enabled,
  });
}

export function usePreferences() {
  return useQuery({
    queryKey: ["me", "notification-preferences"],
    queryFn: () => unwrap(api.GET("/me/notification-preferences")),
  });
}

export function useSavePreferences() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (preferences: PreferenceChange[]) =>
      unwrap(api.PUT("/me/notification-preferences", { body: { preferences: preferences as PreferenceIn[] } })),
    onSuccess: (envelope) => client.setQueryData(["me", "notification-preferences"], envelope),
  });
}
