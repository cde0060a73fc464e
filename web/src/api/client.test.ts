import { describe, expect, it, vi } from "vitest";

import { createAuthFetch, unwrap } from "./client";
import { ApiError } from "./errors";

function fakeStore(access: string | null, refresh: string | null) {
  const state = { access, refresh };
  return {
    state,
    getAccess: () => state.access,
    getRefresh: () => state.refresh,
    isSignedIn: () => state.access !== null || state.refresh !== null,
    set: (a: string, r: string) => {
      state.access = a;
      state.refresh = r;
    },
    clear: () => {
      state.access = null;
      state.refresh = null;
    },
    subscribe: () => () => undefined,
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const expired = () => json(401, { error: { code: "token_expired", message: "Expired." } });

describe("createAuthFetch", () => {
  it("sends the access token", async () => {
    const network = vi.fn(async (_request: Request) => json(200, { data: 1 }));
    const authFetch = createAuthFetch({ fetch: network, store: fakeStore("A1", "R1") });
    await authFetch(new Request("http://localhost/api/v1/me"));
    expect(network.mock.calls[0]![0].headers.get("Authorization")).toBe("Bearer A1");
  });

  it("refreshes once for many expired requests and retries each", async () => {
    const store = fakeStore("old", "R1");
    let refreshes = 0;
    const network = vi.fn(async (request: Request) => {
      if (request.url.endsWith("/auth/refresh")) {
        refreshes += 1;
        expect(await request.json()).toEqual({ refresh_token: "R1" });
        await new Promise((resolve) => setTimeout(resolve, 10));
        return json(200, { data: { access_token: "new", refresh_token: "R2" } });
      }
      return request.headers.get("Authorization") === "Bearer new" ? json(200, { data: "ok" }) : expired();
    });
    const authFetch = createAuthFetch({ fetch: network, store });
    const answers = await Promise.all(
      [1, 2, 3].map((n) => authFetch(new Request(`http://localhost/api/v1/sites?n=${n}`))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(refreshes).toBe(1);
    expect(store.state).toEqual({ access: "new", refresh: "R2" });
  });

  it("signs out when the refresh fails", async () => {
    const store = fakeStore("old", "R1");
    const onSignedOut = vi.fn();
    const network = vi.fn(async (request: Request) =>
      request.url.endsWith("/auth/refresh") ? json(401, { error: { code: "invalid_token", message: "No." } }) : expired(),
    );
    const authFetch = createAuthFetch({ fetch: network, store, onSignedOut });
    const answer = await authFetch(new Request("http://localhost/api/v1/me"));
    expect(answer.status).toBe(401);
    expect(store.state).toEqual({ access: null, refresh: null });
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it("does not refresh on other 401s (a wrong password, a missing 2FA code)", async () => {
    const network = vi.fn(async () => json(401, { error: { code: "otp_required", message: "Code." } }));
    const authFetch = createAuthFetch({ fetch: network, store: fakeStore(null, null) });
    const answer = await authFetch(new Request("http://localhost/api/v1/auth/login", { method: "POST" }));
    expect(answer.status).toBe(401);
    expect(network).toHaveBeenCalledTimes(1);
  });

  it("gets an access token first after a reload (only the refresh token is kept)", async () => {
    const store = fakeStore(null, "R1");
    const network = vi.fn(async (request: Request) =>
      request.url.endsWith("/auth/refresh")
        ? json(200, { data: { access_token: "A2", refresh_token: "R2" } })
        : json(200, { data: request.headers.get("Authorization") }),
    );
    const authFetch = createAuthFetch({ fetch: network, store });
    const answer = await authFetch(new Request("http://localhost/api/v1/me"));
    expect(await answer.json()).toEqual({ data: "Bearer A2" });
  });
});

describe("unwrap", () => {
  it("returns the envelope of a success", async () => {
    const envelope = { data: [1], meta: { total: 1 }, links: {} };
    expect(await unwrap(Promise.resolve({ data: envelope, response: json(200, envelope) }))).toEqual(envelope);
  });

  it("throws an ApiError for an error envelope", async () => {
    const body = { error: { code: "not_found", message: "There is no such site.", details: [] } };
    const call = unwrap(Promise.resolve({ error: body, response: json(404, body) }));
    await expect(call).rejects.toBeInstanceOf(ApiError);
    await expect(call).rejects.toMatchObject({ status: 404, code: "not_found", message: "There is no such site." });
  });

  it("throws a network ApiError when fetch itself fails", async () => {
    await expect(unwrap(Promise.reject(new TypeError("Failed to fetch")))).rejects.toMatchObject({ status: 0, code: "network" });
  });
});
