import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { tokenStore } from "../../api/tokens";
import { fakeApi, listOf, polyfillDom, renderPage } from "../../test/fakeApi";
import { EditUserModal } from "./EditUserModal";
import type { User } from "./queries";

const ENVELOPE = { meta: {}, links: {} };

const user = {
  uuid: "00000000-0000-4000-8000-0000000000aa",
  login: "dana",
  name: "Dana",
  email: "dana@example.org",
  role: "engineer",
  groups: [],
} as unknown as User;

beforeAll(() => {
  polyfillDom();
  tokenStore.set("access-token", "refresh-token"); // signed in: the page asks /me
});
afterEach(() => vi.unstubAllGlobals());

function fakeUsersApi(permissions: string[]) {
  return fakeApi(({ method, path, body }) => {
    if (method === "GET" && path === "/me") return { body: { data: { uuid: "me", permissions, groups: [] }, ...ENVELOPE } };
    if (method === "GET" && path === "/groups") return { body: listOf([{ uuid: "g1", name: "login_approvers", description: "", is_builtin: true }]) };
    if (method === "PATCH" && path === `/users/${user.uuid}`) return { body: { data: { ...user, ...(body as object) }, ...ENVELOPE } };
    if (method === "PUT" && path === `/users/${user.uuid}/groups`) return { body: { data: { ...user, ...(body as object) }, ...ENVELOPE } };
    return undefined;
  });
}

describe("EditUserModal", () => {
  it("lets a manager make someone a login approver", async () => {
    const seen = fakeUsersApi(["users:write", "groups:write"]);
    const onClose = vi.fn();
    renderPage(<EditUserModal user={user} onClose={onClose} roles={["engineer", "manager"]} isSelf={false} />);

    const [groups] = await screen.findAllByLabelText("Groups");
    fireEvent.click(groups!);
    fireEvent.click(await screen.findByRole("option", { name: "login_approvers" }));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const put = seen.find((r) => r.method === "PUT");
    expect(put?.body).toEqual({ groups: ["login_approvers"] });
  });

  it("shows no groups to someone who cannot change them, and sends none", async () => {
    const seen = fakeUsersApi(["users:write"]);
    const onClose = vi.fn();
    renderPage(<EditUserModal user={user} onClose={onClose} roles={["engineer"]} isSelf={false} />);

    await screen.findByRole("textbox", { name: /Email/ });
    await waitFor(() => expect(seen.some((r) => r.path === "/me")).toBe(true));
    expect(screen.queryByLabelText("Groups")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(seen.some((r) => r.method === "PUT" || r.path === "/groups")).toBe(false);
  });
});
