import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { fakeApi, listOf, polyfillDom, renderPage } from "../../test/fakeApi";
import Notifications from ".";

function item(n: number, read = false) {
  return {
    uuid: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    kind: "task_assigned",
    title: `Task assigned: number ${n}`,
    body: `Body of ${n}`,
    link: `/tasks/${n}`,
    data: {},
    read,
    read_at: read ? "2026-11-22T10:00:00Z" : null,
    created_at: "2026-11-23T10:00:00Z",
  };
}

// 30 notifications: the first unread, the rest read; pages of 25.
const all = Array.from({ length: 30 }, (_, i) => item(i + 1, i > 0));

beforeAll(polyfillDom);
afterEach(() => vi.unstubAllGlobals());

function fakeNotifications() {
  const state = { all: all.map((n) => ({ ...n })) };
  const seen = fakeApi(({ method, path, query }) => {
    if (method === "GET" && path === "/notifications/unread-count") return { body: { data: { unread: state.all.filter((n) => !n.read).length }, meta: {}, links: {} } };
    if (method === "GET" && path === "/notifications") {
      const page = Number(query.get("page") ?? 1);
      const perPage = Number(query.get("per_page") ?? 50);
      const rows = query.get("unread") === "true" ? state.all.filter((n) => !n.read) : state.all;
      return { body: listOf(rows.slice((page - 1) * perPage, page * perPage), { total: rows.length, page, per_page: perPage }) };
    }
    const one = path.match(/^\/notifications\/([^/]+)\/(read|unread)$/);
    if (method === "POST" && one) {
      const found = state.all.find((n) => n.uuid === one[1])!;
      found.read = one[2] === "read";
      return { body: { data: found, meta: {}, links: {} } };
    }
    if (method === "POST" && path === "/notifications/read-all") {
      const marked = state.all.filter((n) => !n.read).length;
      state.all.forEach((n) => (n.read = true));
      return { body: { data: { marked }, meta: {}, links: {} } };
    }
    return undefined;
  });
  return seen;
}

describe("Notifications page", () => {
  it("lists the notifications and pages through them on the server", async () => {
    const seen = fakeNotifications();
    renderPage(<Notifications />, "/notifications");
    expect(await screen.findByText("Task assigned: number 1")).toBeInTheDocument();
    expect(screen.getByText("Body of 1")).toBeInTheDocument();
    expect(screen.getByText("Task assigned: number 25")).toBeInTheDocument();
    expect(screen.queryByText("Task assigned: number 26")).not.toBeInTheDocument();
    expect(screen.getByText("1–25 of 30")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "2" }));
    expect(await screen.findByText("Task assigned: number 26")).toBeInTheDocument();
    expect(screen.queryByText("Task assigned: number 1")).not.toBeInTheDocument();
    expect(screen.getByText("26–30 of 30")).toBeInTheDocument();
    const listCalls = seen.filter((r) => r.method === "GET" && r.path === "/notifications");
    expect(listCalls.at(-1)!.query.get("page")).toBe("2");
    expect(listCalls.at(-1)!.query.get("per_page")).toBe("25");
  });

  it("marks one read, and all read; the unread filter asks the server", async () => {
    const seen = fakeNotifications();
    renderPage(<Notifications />, "/notifications");
    const markOne = await screen.findByRole("button", { name: "Mark “Task assigned: number 1” read" });
    fireEvent.click(markOne);
    await waitFor(() => expect(seen.some((r) => r.method === "POST" && r.path === `/notifications/${all[0]!.uuid}/read`)).toBe(true));
    // The list refetches: the row now offers "mark unread".
    expect(await screen.findByRole("button", { name: "Mark “Task assigned: number 1” unread" })).toBeInTheDocument();

    fireEvent.click(screen.getByRole("radio", { name: "Unread" }));
    await waitFor(() => expect(seen.some((r) => r.path === "/notifications" && r.query.get("unread") === "true")).toBe(true));
    expect(await screen.findByText("No unread notifications")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("radio", { name: "All" }));
    fireEvent.click(await screen.findByRole("button", { name: "Mark “Task assigned: number 2” unread" }));
    const markAll = screen.getByRole("button", { name: "Mark all read" });
    await waitFor(() => expect(markAll).toBeEnabled());
    fireEvent.click(markAll);
    await waitFor(() => expect(seen.some((r) => r.method === "POST" && r.path === "/notifications/read-all")).toBe(true));
    await waitFor(() => expect(within(document.body).getByRole("button", { name: "Mark all read" })).toBeDisabled());
  });
});
