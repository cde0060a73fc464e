/**
 * The typed API client: openapi-fetch over the generated schema, with the session's tokens.
 *
 * - Every request carries `Authorization: Bearer <access token>`.
 * - A 401 `token_expired` (or `invalid_token`) answer triggers one refresh (shared by every request waiting on it:
 *   the refresh token rotates, so two refreshes at once would end the session), then the
 *   request is sent again once. A failed refresh signs out.
 * - `unwrap` / `data` turn openapi-fetch's `{data, error}` into the envelope or an ApiError.
 */
import createClient from "openapi-fetch";

import { translate } from "../i18n/translate";
import { en } from "../i18n/en";
import { ApiError, toApiError } from "./errors";
import type { paths } from "./schema";
import { tokenStore } from "./tokens";

export const API_BASE = "/api/v1";

type TokenStore = typeof tokenStore;
type FetchLike = (request: Request) => Promise<Response>;

interface TokenPairEnvelope {
  data: { access_token: string; refresh_token: string };
}

const networkMessage = (): string => translate(en, "errors.network");

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: string } };
    return body.error?.code;
  } catch {
    return undefined;
  }
}

/**
 * A fetch that signs requests and refreshes the session once when the access token expired.
 * Exported as a factory so tests can give it a fake network and store.
 */
export function createAuthFetch(options: {
  fetch: FetchLike;
  store: TokenStore;
  baseUrl?: string;
  onSignedOut?: () => void;
}): FetchLike {
  const { store } = options;
  const base = options.baseUrl ?? API_BASE;
  let refreshing: Promise<boolean> | null = null;

  async function doRefresh(attempt = 0): Promise<boolean> {
    const refreshToken = store.getRefresh();
    if (!refreshToken) return false;
    const ok = await exchange(refreshToken);
    // Another tab may have rotated the token meanwhile: try once more with the one it stored.
    if (!ok && attempt === 0 && store.getRefresh() !== refreshToken) return doRefresh(1);
    return ok;
  }

  async function exchange(refreshToken: string): Promise<boolean> {
    try {
      const response = await options.fetch(
        new Request(new URL(`${base}/auth/refresh`, origin()), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: refreshToken }),
        }),
      );
      if (!response.ok) return false;
      const body = (await response.json()) as TokenPairEnvelope;
      store.set(body.data.access_token, body.data.refresh_token);
      return true;
    } catch {
      return false;
    }
  }

  /** Single flight: every caller waiting on a refresh shares this one. */
  function refreshOnce(): Promise<boolean> {
    refreshing ??= doRefresh().then((ok) => {
      refreshing = null;
      if (!ok) {
        store.clear();
        options.onSignedOut?.();
      }
      return ok;
    });
    return refreshing;
  }

  function signed(request: Request): Request {
    const token = store.getAccess();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  }

  return async (request: Request) => {
    // After a reload only the refresh token is left: get an access token first.
    if (!store.getAccess() && store.getRefresh() && !request.url.includes("/auth/")) {
      await refreshOnce();
    }
    const retry = request.clone();
    const response = await options.fetch(signed(request));
    if (response.status !== 401 || request.url.includes("/auth/refresh")) return response;
    // Expired, or ended elsewhere (signed out everywhere, password changed): try the refresh
    // token; when that fails too, the session is over. Other 401s (a wrong password,
    // `otp_required`) are answers for the page.
    const code = await errorCode(response);
    if (!store.getRefresh() || (code !== "token_expired" && code !== "invalid_token")) return response;
    return (await refreshOnce()) ? options.fetch(signed(retry)) : response;
  };
}

function origin(): string {
  return typeof window !== "undefined" ? window.location.origin : "http://localhost";
}

export const authFetch = createAuthFetch({
  fetch: (request) => globalThis.fetch(request),
  store: tokenStore,
});

/** The schema's paths without the `/api/v1` prefix: `api.GET("/sites")`. */
export type ApiPaths = {
  [P in keyof paths as P extends `${typeof API_BASE}${infer Rest}` ? Rest : never]: paths[P];
};

export const api = createClient<ApiPaths>({
  baseUrl: `${origin()}${API_BASE}`,
  fetch: authFetch,
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The whole envelope `{data, meta, links}`, or an ApiError. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch {
    throw new ApiError({ status: 0, code: "network", message: networkMessage(), fieldErrors: {} });
  }
  const { data, error, response } = result;
  if (error !== undefined || !response.ok || data === undefined) {
    throw toApiError(
      response.status,
      error,
      translate(en, "errors.http", { status: response.status }),
      response.headers.get("Retry-After"),
    );
  }
  return data;
}

/** Only the envelope's `data`. */
export async function data<T extends { data: unknown }>(
  call: Promise<FetchResult<T>>,
): Promise<T["data"]> {
  return (await unwrap(call)).data;
}

/** The session ends here and on the server (best effort: the tokens are dropped anyway). */
export async function signOut(): Promise<void> {
  const refreshToken = tokenStore.getRefresh();
  if (tokenStore.getAccess()) {
    try {
      await api.POST("/auth/logout", {
        body: refreshToken ? { all: false, refresh_token: refreshToken } : undefined,
      });
    } catch {
      // offline: the local session ends anyway
    }
  }
  tokenStore.clear();
}
