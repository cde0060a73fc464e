import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { fakeApi, listOf, polyfillDom, renderPage, type FakeRequest } from "../../test/fakeApi";
import Webhooks from ".";

const SECRET = "s3cr3t-shown-only-once-0123456789";

function hook(overrides: Record<string, unknown> = {}) {
  return {
    uuid: "00000000-0000-4000-8000-000000000001",
    name: "Team chat",
    url: "https://hooks.example.com/patchwatch",
    scope: "user",
    payload_format: "json",
    event_kinds: [],
    is_active: true,
    consecutive_failures: 0,
    disabled_at: null,
    last_error: null,
    created_at: "2026-11-23T10:00:00Z",
    updated_at: "2026-11-23T10:00:00Z",
    ...overrides,
  };
}

beforeAll(polyfillDom);
afterEach(() => vi.unstubAllGlobals());

/** A webhooks API over an in-memory list; `onCreate` may answer a POST differently. */
function fakeWebhooks(initial: ReturnType<typeof hook>[], onCreate?: (request: FakeRequest) => { status: number; body: unknown } | undefined) {
  const hooks = [...initial];
  const seen = fakeApi((request) => {
    const { method, path, body } = request;
    if (method === "GET" && path === "/webhooks") return { body: listOf(hooks) };
    if (method === "POST" && path === "/webhooks") {
      const answer = onCreate?.(request);
      if (answer) return answer;
      const created = hook({ ...(body as object), uuid: "00000000-0000-4000-8000-000000000002" });
      hooks.push(created);
      return { status: 201, body: { data: { ...created, secret: SECRET }, meta: {}, links: {} } };
    }
    const one = path.match(/^\/webhooks\/([^/]+)$/);
    if (one) {
      const index = hooks.findIndex((h) => h.uuid === one[1]);
      if (method === "PATCH") {
        hooks[index] = { ...hooks[index]!, ...(body as object) };
        return { body: { data: hooks[index], meta: {}, links: {} } };
      }
      if (method === "DELETE") {
        const [gone] = hooks.splice(index, 1);
        return { body: { data: gone, meta: {}, links: {} } };
      }
    }
    return undefined;
  });
  return seen;
}

async function fillAndSubmit(name: string, url: string) {
  fireEvent.click(await screen.findByRole("button", { name: "Add webhook" }));
  const dialog = await screen.findByRole("dialog");
  fireEvent.change(within(dialog).getByRole("textbox", { name: /^Name/ }), { target: { value: name } });
  fireEvent.change(within(dialog).getByRole("textbox", { name: /^Receiver URL/ }), { target: { value: url } });
  fireEvent.click(within(dialog).getByRole("button", { name: "Add webhook" }));
  return dialog;
}

describe("Webhooks page", () => {
  it("lists webhooks with their state and why the server disabled one", async () => {
    fakeWebhooks([
      hook(),
      hook({
        uuid: "00000000-0000-4000-8000-000000000003",
        name: "Broken receiver",
        url: "https://broken.example.com/in",
        scope: "organization",
        event_kinds: ["sla_breached"],
        is_active: false,
        consecutive_failures: 10,
        disabled_at: "2026-11-23T12:00:00Z",
        last_error: "HTTP 500 from the receiver",
      }),
    ]);
    renderPage(<Webhooks />, "/settings/webhooks");
    expect(await screen.findByText("Team chat")).toBeInTheDocument();
    expect(screen.getByText("https://hooks.example.com/patchwatch")).toBeInTheDocument();
    expect(screen.getByText("SLA deadline passed")).toBeInTheDocument();
    expect(screen.getByText("Last error: HTTP 500 from the receiver")).toBeInTheDocument();
    expect(screen.getByText("10 failed deliveries in a row")).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: "Enable webhook Broken receiver" })).not.toBeChecked();
    expect(screen.getByRole("switch", { name: "Disable webhook Team chat" })).toBeChecked();
  });

  it("creates a webhook and shows its signing secret once", async () => {
    const seen = fakeWebhooks([]);
    renderPage(<Webhooks />, "/settings/webhooks");
    expect(await screen.findByText("No webhooks yet")).toBeInTheDocument();
    const dialog = await fillAndSubmit("Ops chat", "https://chat.example.com/in/abc");

    expect(await within(dialog).findByDisplayValue(SECRET)).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Copy secret" })).toBeInTheDocument();
    const post = seen.find((r) => r.method === "POST" && r.path === "/webhooks")!;
    expect(post.body).toEqual({ name: "Ops chat", url: "https://chat.example.com/in/abc", scope: "user", payload_format: "json", secret: null, event_kinds: [] });
    // The list refreshed behind the modal.
    expect(await screen.findByText("Ops chat")).toBeInTheDocument();

    fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument());
    // Opening the form again shows an empty form, never the secret.
    fireEvent.click(screen.getByRole("button", { name: "Add webhook" }));
    const again = await screen.findByRole("dialog");
    expect(within(again).getByRole("textbox", { name: /^Name/ })).toHaveValue("");
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  });

  it("shows the API's field error next to the URL (a refused private address)", async () => {
    const message = "refused: 10.0.0.5 is a private address";
    fakeWebhooks([], () => ({
      status: 422,
      body: { error: { code: "validation_error", message: "The request is invalid.", details: [{ field: "body.url", message }] } },
    }));
    renderPage(<Webhooks />, "/settings/webhooks");
    const dialog = await fillAndSubmit("Inside", "http://10.0.0.5/hook");
    expect(await within(dialog).findByText(message)).toBeInTheDocument();
    const url = within(dialog).getByRole("textbox", { name: /^Receiver URL/ });
    expect(url).toHaveAttribute("aria-invalid", "true");
    expect(url.getAttribute("aria-describedby") ?? "").toContain(within(dialog).getByText(message).id);
    expect(within(dialog).queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  });

  it("shows an error without a field above the form", async () => {
    fakeWebhooks([], () => ({ status: 403, body: { error: { code: "permission_denied", message: "An organization webhook needs the permission 'webhooks:manage'." } } }));
    renderPage(<Webhooks />, "/settings/webhooks");
    const dialog = await fillAndSubmit("Org", "https://example.com/hook");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("needs the permission");
  });

  it("disables, and deletes after confirmation", async () => {
    const seen = fakeWebhooks([hook()]);
    renderPage(<Webhooks />, "/settings/webhooks");
    fireEvent.click(await screen.findByRole("switch", { name: "Disable webhook Team chat" }));
    await waitFor(() => expect(seen.find((r) => r.method === "PATCH")?.body).toEqual({ is_active: false }));
    expect(await screen.findByRole("switch", { name: "Enable webhook Team chat" })).not.toBeChecked();

    fireEvent.click(screen.getByRole("button", { name: "Delete webhook Team chat" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete webhook" }));
    await waitFor(() => expect(seen.some((r) => r.method === "DELETE")).toBe(true));
    expect(await screen.findByText("No webhooks yet")).toBeInTheDocument();
  });
});
