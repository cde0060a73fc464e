/** The users list's URL filters as the API's query (pure, tested). */

export type UsersView = "all" | "pending";

export interface UserFilters {
  view: UsersView;
  role: string;
  approval: string; // "approved" | "pending" | ""
  active: string; // "active" | "inactive" | ""
  q: string;
}

export interface UsersApiFilters {
  role?: string;
  is_approved?: boolean;
  is_active?: boolean;
  q?: string;
}

export function toUsersQuery(filters: UserFilters): UsersApiFilters {
  const out: UsersApiFilters = {};
  if (filters.role) out.role = filters.role;
  if (filters.view === "pending") out.is_approved = false;
  else if (filters.approval === "approved") out.is_approved = true;
  else if (filters.approval === "pending") out.is_approved = false;
  if (filters.active === "active") out.is_active = true;
  else if (filters.active === "inactive") out.is_active = false;
  const q = filters.q.trim();
  if (q) out.q = q;
  return out;
}

/** Who may see the Approve button: users:approve holders, platform admins, login approvers. */
export function canApprove(permissions: readonly string[], groups: readonly string[]): boolean {
  return (
    permissions.includes("users:approve") ||
    permissions.includes("platform:admin") ||
    groups.includes("login_approvers")
  );
}
