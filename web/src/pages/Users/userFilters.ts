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

/**
 * Who may see the Approve button: the rule of `POST /users/{uuid}/approve`, which is the platform
 * admin or a member of the group `login_approvers`, whatever the role (the `users:approve`
 * permission only lets a user be created approved).
 */
export function canApprove(permissions: readonly string[], groups: readonly string[]): boolean {
  return permissions.includes("platform:admin") || groups.includes("login_approvers");
}
