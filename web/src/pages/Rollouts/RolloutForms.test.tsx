import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { fakeApi, polyfillDom, renderPage } from "../../test/fakeApi";
import { CycleFormModal } from "./CycleFormModal";
import { DeploymentFormModal } from "./DeploymentFormModal";
import type { Deployment } from "./queries";

const deployment: Deployment = {
  uuid: "00000000-0000-4000-8000-00000000000d",
  title: "Win10_CU",
  description: "",
  excel_columns: null,
  excel_header_row: null,
  excel_sheet: null,
  rag_thresholds: { green_installed: 95, amber_installed: 80, amber_failed: 5, red_failed: 20 },
  cycles: 2,
  created_at: "2026-05-01T00:00:00Z",
  updated_at: "2026-05-01T00:00:00Z",
};

const envelope = (data: unknown) => ({ data, meta: {}, links: {} });

beforeAll(() => {
  polyfillDom();
});
afterEach(() => vi.unstubAllGlobals());

describe("DeploymentFormModal", () => {
  it("shows the API's 422 field errors next to the layout and threshold fields", async () => {
    const seen = fakeApi(({ method, path }) => {
      if (method === "PATCH" && path === `/rollouts/deployments/${deployment.uuid}`) {
        return {
          status: 422,
          body: {
            error: {
              code: "invalid",
              message: "The request is not valid.",
              details: [
                { field: "body.excel_columns", message: "Value error, the range 'Q-P' must go up (e.g. F-G, not G-F)", type: "value_error" },
                { field: "body.rag_thresholds.red_failed", message: "Input should be less than or equal to 100", type: "less_than_equal" },
              ],
            },
          },
        };
      }
      return undefined;
    });
    const onClose = vi.fn();
    renderPage(<DeploymentFormModal deployment={deployment} onClose={onClose} />);
    const dialog = await screen.findByRole("dialog");
    // The server's check is the one that counts: the client lets this (valid-looking) list through.
    fireEvent.change(within(dialog).getByRole("textbox", { name: /^Excel columns/ }), { target: { value: "a,c" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /^Red above failed %/ }), { target: { value: "30 %" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save deployment" }));

    await waitFor(() => expect(within(dialog).getByText("the range 'Q-P' must go up (e.g. F-G, not G-F)")).toBeInTheDocument());
    expect(within(dialog).getByRole("textbox", { name: /^Excel columns/ })).toHaveAttribute("aria-invalid", "true");
    expect(within(dialog).getByText("Input should be less than or equal to 100")).toBeInTheDocument();
    expect(within(dialog).getByRole("textbox", { name: /^Red above failed %/ })).toHaveAttribute("aria-invalid", "true");
    // Every error found its field: no form-level alert, and the modal stays open.
    expect(within(dialog).queryByRole("alert")).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
    const patch = seen.find((r) => r.method === "PATCH");
    expect(patch?.body).toEqual({
      excel_columns: "A,C",
      rag_thresholds: { green_installed: 95, amber_installed: 80, amber_failed: 5, red_failed: 30 },
    });
  });

  it("refuses a layout the API would refuse before sending anything", async () => {
    const seen = fakeApi(() => undefined);
    renderPage(<DeploymentFormModal deployment={deployment} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByRole("textbox", { name: /^Excel columns/ }), { target: { value: "C,A" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save deployment" }));
    expect(await within(dialog).findByText("“A” must come after C: list columns left to right, each once")).toBeInTheDocument();
    expect(seen.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });
});

describe("CycleFormModal", () => {
  it("creates a cycle and shows a taken title next to the title field", async () => {
    const seen = fakeApi(({ method, path }) => {
      if (method === "GET" && path === `/rollouts/deployments/${deployment.uuid}`) return { body: envelope(deployment) };
      if (method === "POST" && path === `/rollouts/deployments/${deployment.uuid}/cycles`) {
        return { status: 409, body: { error: { code: "cycle_exists", message: "The deployment 'Win10_CU' already has a cycle 'May'.", details: [] } } };
      }
      return undefined;
    });
    renderPage(<CycleFormModal target={{ mode: "create", deployment }} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "New cycle of Win10_CU" });
    // Without a title the form says so and sends nothing.
    fireEvent.click(within(dialog).getByRole("button", { name: "Create cycle" }));
    expect(await within(dialog).findByText("Required")).toBeInTheDocument();
    expect(seen.filter((r) => r.method === "POST")).toHaveLength(0);

    fireEvent.change(within(dialog).getByRole("textbox", { name: /^Title/ }), { target: { value: "May" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create cycle" }));
    expect(await within(dialog).findByText("The deployment 'Win10_CU' already has a cycle 'May'.")).toBeInTheDocument();
    expect(within(dialog).getByRole("textbox", { name: /^Title/ })).toHaveAttribute("aria-invalid", "true");
    const post = seen.find((r) => r.method === "POST");
    expect(post?.body).toMatchObject({ title: "May", deadline: null, is_active: true, excel_columns: null });
    expect((post?.body as { started_at: string }).started_at).toMatch(/Z$/);
  });
});
