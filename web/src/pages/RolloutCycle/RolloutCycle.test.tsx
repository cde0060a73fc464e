import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Route, Routes } from "react-router";

import { tokenStore } from "../../api/tokens";
import { fakeApi, listOf, polyfillDom, renderPage } from "../../test/fakeApi";
import RolloutCycle from ".";

const CYCLE = "00000000-0000-4000-8000-0000000000c1";
const envelope = (data: unknown) => ({ data, meta: {}, links: {} });

const cycle = {
  uuid: CYCLE,
  deployment_uuid: "00000000-0000-4000-8000-0000000000d1",
  deployment_title: "Win10_CU",
  title: "May",
  started_at: "2026-05-01T08:00:00Z",
  deadline: null,
  is_active: true,
  rag_status: null,
  rag_note: "",
  rag_source: "rules",
  rag_changed_at: null,
  excel_columns: null,
  excel_header_row: null,
  excel_sheet: null,
  effective_layout: { excel_columns: null, excel_header_row: null, excel_sheet: null },
  created_at: "2026-05-01T00:00:00Z",
  updated_at: "2026-05-01T00:00:00Z",
};

function collection(uuid: string, name: string, ring: number) {
  return { uuid, cycle_uuid: CYCLE, name, ring, created_at: "2026-05-01T00:00:00Z" };
}

beforeAll(() => {
  polyfillDom();
});
afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

/** A writer's view of one cycle, its collections kept in memory. */
function fakeCycle(permissions: string[]) {
  const collections = [collection("00000000-0000-4000-8000-00000000c011", "Pilot", 0), collection("00000000-0000-4000-8000-00000000c012", "Servers", 1)];
  return fakeApi(({ method, path, body }) => {
    if (path === "/me") return { body: envelope({ uuid: "u1", email: "e@example.com", permissions }) };
    if (method === "GET" && path === `/rollouts/cycles/${CYCLE}`) return { body: envelope(cycle) };
    if (method === "GET" && path === `/rollouts/deployments/${cycle.deployment_uuid}`) {
      return { body: envelope({ uuid: cycle.deployment_uuid, title: "Win10_CU", description: "", excel_columns: "A-I", excel_header_row: null, excel_sheet: null, rag_thresholds: {}, cycles: 1, created_at: "", updated_at: "" }) };
    }
    if (method === "PATCH" && path === `/rollouts/cycles/${CYCLE}`) {
      return { body: envelope({ ...cycle, ...(body as object) }) };
    }
    if (method === "GET" && path === `/rollouts/cycles/${CYCLE}/kpis`) return { body: envelope({ cycle_uuid: CYCLE, rag_status: null, rag_source: "rules", latest: null, trend: [] }) };
    if (method === "GET" && path === `/rollouts/cycles/${CYCLE}/reports`) return { body: listOf([]) };
    if (method === "GET" && path === `/rollouts/cycles/${CYCLE}/collections`) return { body: listOf([...collections].sort((a, b) => a.ring - b.ring || a.name.localeCompare(b.name))) };
    if (method === "POST" && path === `/rollouts/cycles/${CYCLE}/collections`) {
      const { name, ring } = body as { name: string; ring: number };
      if (collections.some((c) => c.name === name)) {
        return { status: 409, body: { error: { code: "collection_exists", message: `The cycle already has a collection '${name}'.`, details: [] } } };
      }
      const created = collection("00000000-0000-4000-8000-00000000c013", name, ring);
      collections.push(created);
      return { status: 201, body: envelope(created) };
    }
    const one = path.match(/^\/rollouts\/collections\/([^/]+)$/);
    if (one) {
      const index = collections.findIndex((c) => c.uuid === one[1]);
      if (method === "PATCH") {
        collections[index] = { ...collections[index]!, ...(body as object) };
        return { body: envelope(collections[index]) };
      }
      if (method === "DELETE") {
        const [gone] = collections.splice(index, 1);
        return { body: envelope(gone) };
      }
    }
    return undefined;
  });
}

function renderCycle() {
  tokenStore.set("access", "refresh");
  return renderPage(
    <Routes>
      <Route path="/rollouts/cycles/:cycleUuid" element={<RolloutCycle />} />
      <Route path="/rollouts" element={<p>Rollouts list</p>} />
    </Routes>,
    `/rollouts/cycles/${CYCLE}`,
  );
}

describe("Rollout cycle page: collections", () => {
  it("moves a collection to another ring and refreshes the KPIs", async () => {
    const seen = fakeCycle(["rollouts:read", "rollouts:write"]);
    renderCycle();
    const ring = await screen.findByRole("textbox", { name: "Ring of collection Servers" });
    const kpiCalls = () => seen.filter((r) => r.method === "GET" && r.path.endsWith("/kpis")).length;
    const before = kpiCalls();
    const save = screen.getByRole("button", { name: "Save collection Servers" });
    expect(save).toBeDisabled();
    fireEvent.change(ring, { target: { value: "2" } });
    fireEvent.click(save);
    await waitFor(() => expect(seen.some((r) => r.method === "PATCH")).toBe(true));
    expect(seen.find((r) => r.method === "PATCH")).toMatchObject({ path: "/rollouts/collections/00000000-0000-4000-8000-00000000c012", body: { ring: 2 } });
    await waitFor(() => expect(kpiCalls()).toBeGreaterThan(before));
    expect(await screen.findByRole("textbox", { name: "Ring of collection Servers" })).toHaveValue("2");
  });

  it("shows the API's errors next to a collection's fields", async () => {
    const seen = fakeCycle(["rollouts:read", "rollouts:write"]);
    renderCycle();
    const ring = await screen.findByRole("textbox", { name: "Ring of collection Pilot" });
    // Out of range: refused before anything is sent.
    fireEvent.change(ring, { target: { value: "120" } });
    fireEvent.click(screen.getByRole("button", { name: "Save collection Pilot" }));
    expect(await screen.findByText("A whole number from 0 to 99")).toBeInTheDocument();
    expect(seen.some((r) => r.method === "PATCH")).toBe(false);

    // A name taken: the API's 409 shows next to the new collection's name.
    const add = screen.getByRole("form", { name: "Add a collection" });
    fireEvent.change(within(add).getByRole("textbox", { name: /^New collection's name/ }), { target: { value: "Pilot" } });
    fireEvent.click(within(add).getByRole("button", { name: "Add collection" }));
    expect(await within(add).findByText("The cycle already has a collection 'Pilot'.")).toBeInTheDocument();
    expect(within(add).getByRole("textbox", { name: /^New collection's name/ })).toHaveAttribute("aria-invalid", "true");
  });

  it("adds and deletes a collection after confirming", async () => {
    const seen = fakeCycle(["rollouts:read", "rollouts:write"]);
    renderCycle();
    const add = await screen.findByRole("form", { name: "Add a collection" });
    fireEvent.change(within(add).getByRole("textbox", { name: /^New collection's name/ }), { target: { value: "Desktops" } });
    fireEvent.change(within(add).getByRole("textbox", { name: /^Its ring/ }), { target: { value: "3" } });
    fireEvent.click(within(add).getByRole("button", { name: "Add collection" }));
    expect(await screen.findByRole("textbox", { name: "Ring of collection Desktops" })).toHaveValue("3");
    expect(seen.find((r) => r.method === "POST")?.body).toEqual({ name: "Desktops", ring: 3 });

    fireEvent.click(screen.getByRole("button", { name: "Delete collection Pilot" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/rows stay, without a collection/)).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete collection" }));
    await waitFor(() => expect(screen.queryByRole("textbox", { name: "Ring of collection Pilot" })).toBeNull());
    expect(seen.some((r) => r.method === "DELETE" && r.path === "/rollouts/collections/00000000-0000-4000-8000-00000000c011")).toBe(true);
  });

  it("shows collections read-only, without edit or delete, to readers", async () => {
    fakeCycle(["rollouts:read"]);
    renderCycle();
    expect(await screen.findByRole("cell", { name: "Servers" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit cycle" })).toBeNull();
    expect(screen.queryByRole("form", { name: "Add a collection" })).toBeNull();
  });

  it("edits the cycle: only what changed is sent, the layout override falls back to the deployment's", async () => {
    const seen = fakeCycle(["rollouts:read", "rollouts:write"]);
    renderCycle();
    fireEvent.click(await screen.findByRole("button", { name: "Edit cycle" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit cycle May" });
    expect(await within(dialog).findByText(/Empty fields use the deployment's layout: Columns: A-I/)).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole("switch", { name: /^Active/ }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Save cycle" }));
    await waitFor(() => expect(seen.some((r) => r.method === "PATCH")).toBe(true));
    expect(seen.find((r) => r.method === "PATCH")?.body).toEqual({ is_active: false });
  });
});
