import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore, type ReactNode } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";

import { api, data, signOut } from "../api/client";
import { tokenStore } from "../api/tokens";
import { LoadingState } from "../components/States";

export function useSignedIn(): boolean {
  return useSyncExternalStore(tokenStore.subscribe, tokenStore.isSignedIn, tokenStore.isSignedIn);
}

/** The signed-in user, with their permissions (`me.permissions`). */
export function useMe() {
  const signedIn = useSignedIn();
  return useQuery({
    queryKey: ["me"],
    queryFn: () => data(api.GET("/me")),
    enabled: signedIn,
    staleTime: 5 * 60_000,
  });
}

export function useCan(permission: string | undefined): boolean {
  const me = useMe();
  if (!permission) return true;
  return me.data?.permissions.includes(permission) ?? false;
}

export function useSignOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useCallback(async () => {
    await signOut();
    queryClient.clear();
    navigate("/sign-in", { replace: true });
  }, [queryClient, navigate]);
}

/** Pages behind sign-in: send the visitor to sign in, and back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const signedIn = useSignedIn();
  const location = useLocation();
  const me = useMe();
  if (!signedIn) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  if (me.isPending) return <LoadingState />;
  return <>{children}</>;
}
