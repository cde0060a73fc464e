import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { beforeAll, describe, expect, it, vi } from "vitest";

const calls: string[] = [];
const notifications = [
  { uuid: "n1", kind: "task_assigned", title: "Task assigned: Patch core", body: "Fee €12.00", link: "/tasks", data: {}, read: false, read_at: null, created_at: "2026-11-23T10:00:00Z" },
  { uuid: "n2", kind: "task_assigned", title: "Older one", body: "", link: "/tasks", data: {}, read: true, read_at: "2026-11-22T10:00:00Z", created_at: "2026-11-22T09:00:00Z" },
];

vi.mock("../api/client", () => {
  const ok = (data: unknown, meta: unknown = {}) => Promise.resolve({ data: { data, meta, links: {} }, response: new Response("{}", { status: 200 }) });
  return {
    api: {
      GET: vi.fn((path: string) => {
        calls.push(`GET ${path}`);
        if (path === "/notifications/unread-count") return ok({ unread: 1 });
        return ok(notifications, { total: 2, page: 1, per_page: 10 });
      }),
      POST: vi.fn((path: string) => {
        calls.push(`POST ${path}`);
        return ok({ marked: 1 });
      }),
    },
    unwrap: async (call: Promise<{ data: unknown }>) => (await call).data,
    data: async (call: Promise<{ data: { data: unknown } }>) => (await call).data.data,
  };
});

import { I18nProvider } from "../i18n";
import { NotificationBell } from "./NotificationBell";

beforeAll(() => {
  // jsdom lacks these (and runs no transitions: the dropdown counts as hidden, hence `hidden: true`); Mantine's popover and scroll area ask for them.
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false })) as typeof window.matchMedia;
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

function renderBell() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <I18nProvider>
        <QueryClientProvider client={client}>
          <MemoryRouter>
            <NotificationBell />
          </MemoryRouter>
        </QueryClientProvider>
      </I18nProvider>
    </MantineProvider>,
  );
}

describe("NotificationBell", () => {
  it("shows the unread count, the latest notifications, and marks all read", async () => {
    renderBell();
    const bell = await screen.findByRole("button", { name: "Notifications, 1 unread" });
    fireEvent.click(bell);
    expect(await screen.findByText("Task assigned: Patch core")).toBeInTheDocument();
    expect(screen.getByText("Older one")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Mark “Task assigned: Patch core” read", hidden: true })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "See all notifications", hidden: true })).toHaveAttribute("href", "/notifications");
    fireEvent.click(screen.getByRole("button", { name: "Mark all read", hidden: true }));
    await waitFor(() => expect(calls).toContain("POST /notifications/read-all"));
  });
});
