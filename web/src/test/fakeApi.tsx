/**
 * Tests fake the API at the fetch level: the real client (openapi-fetch, auth fetch, envelope
 * handling) runs, and `globalThis.fetch` answers from a handler per method and path.
 */
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";

import { I18nProvider } from "../i18n";

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export type Handler = (request: FakeRequest) => { status?: number; body: unknown } | undefined;

/** Answer every fetch with `handler` (404 when it returns nothing); the requests, in order. */
export function fakeApi(handler: Handler): FakeRequest[] {
  const seen: FakeRequest[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      const text = await request.text();
      const fake: FakeRequest = {
        method: request.method,
        path: url.pathname.replace(/^\/api\/v1/, ""),
        query: url.searchParams,
        body: text ? JSON.parse(text) : undefined,
      };
      seen.push(fake);
      const answer = handler(fake) ?? { status: 404, body: { error: { code: "not_found", message: "Not found" } } };
      return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { "Content-Type": "application/json" } });
    }),
  );
  return seen;
}

/** A list envelope as the API sends it. */
export function listOf<T>(items: T[], meta: { total?: number; page?: number; per_page?: number } = {}) {
  return { data: items, meta: { total: items.length, page: 1, per_page: 25, ...meta }, links: {} };
}

/** jsdom lacks these; Mantine's popovers, scroll areas, media queries ask for them. */
export function polyfillDom(): void {
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false })) as typeof window.matchMedia;
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  Element.prototype.scrollIntoView ??= () => {};
  // Mantine's autosize Textarea listens to `document.fonts`.
  if (!("fonts" in document)) Object.defineProperty(document, "fonts", { value: { addEventListener: () => {}, removeEventListener: () => {} } });
}

/** The app's providers around `ui`, at `path`. */
export function renderPage(ui: ReactNode, path = "/") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider env="test">
      <I18nProvider>
        <QueryClientProvider client={client}>
          <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
        </QueryClientProvider>
      </I18nProvider>
    </MantineProvider>,
  );
}
