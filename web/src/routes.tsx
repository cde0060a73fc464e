/**
 * Every page of the app, in one list. Add a page: create `pages/<Name>/index.tsx` (default
 * export), add one line here, and its texts in `i18n/en.ts`. Entries with `nav` appear in the
 * navigation (for users holding `permission`), in this order.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import { Navigate } from "react-router";

import type { MessageKey } from "./i18n";

export interface AppRoute {
  path: string;
  page: LazyExoticComponent<ComponentType>;
  /** Shown in the navigation under this label. */
  nav?: MessageKey;
  /** The permission the page needs (the API checks it anyway; this hides the link). */
  permission?: string;
  /** Outside the app shell and reachable without signing in. */
  public?: boolean;
}

/** A page that only sends the browser on to ``to`` (old or emailed paths). */
function redirectTo(to: string): LazyExoticComponent<ComponentType> {
  return lazy(async () => ({ default: () => <Navigate to={to} replace /> }));
}

export const routes: AppRoute[] = [
  { path: "/sign-in", page: lazy(() => import("./pages/SignIn")), public: true },
  { path: "/register", page: lazy(() => import("./pages/Register")), public: true },
  { path: "/", page: lazy(() => import("./pages/FleetOverview")), nav: "nav.overview", permission: "sites:read" },
  { path: "/sites", page: lazy(() => import("./pages/Sites")), nav: "nav.sites", permission: "sites:read" },
  { path: "/sites/:siteUuid", page: lazy(() => import("./pages/SitePage")), permission: "sites:read" },
  { path: "/packages", page: lazy(() => import("./pages/Packages")), nav: "nav.packages", permission: "sites:read" },
  { path: "/account", page: lazy(() => import("./pages/Account")) },
  { path: "/notifications", page: lazy(() => import("./pages/Notifications")) },
  { path: "/settings/webhooks", page: lazy(() => import("./pages/Webhooks")) },
  // -- paths the notifications (bell, email, webhooks) link to, kept working
  { path: "/settings/notifications", page: redirectTo("/account#notifications") },
  { path: "/catalog", page: redirectTo("/advisories") },
  // -- patch operations: patch runs, cycles, maintenance requests, imports
  { path: "/patch-runs", page: lazy(() => import("./pages/PatchRuns")), nav: "operations.nav.patchRuns", permission: "patching:read" },
  { path: "/patch-runs/:runUuid", page: lazy(() => import("./pages/PatchRuns/RunDetail")), permission: "patching:read" },
  { path: "/cycles", page: lazy(() => import("./pages/Cycles")), nav: "operations.nav.cycles", permission: "patching:read" },
  { path: "/cycles/:cycleUuid", page: lazy(() => import("./pages/CyclePage")), permission: "patching:read" },
  { path: "/maintenance", page: lazy(() => import("./pages/Maintenance")), nav: "operations.nav.maintenance", permission: "maintenance:request" },
  { path: "/maintenance/:requestUuid", page: lazy(() => import("./pages/Maintenance")), permission: "maintenance:request" },
  { path: "/imports", page: lazy(() => import("./pages/Imports")), nav: "operations.nav.imports", permission: "imports:read" },
  { path: "/imports/:importUuid", page: lazy(() => import("./pages/Imports")), permission: "imports:read" },
  // -- work: tasks, ledger and statements, analytics
  { path: "/tasks", page: lazy(() => import("./pages/Tasks")), nav: "work.nav.myTasks", permission: "tasks:complete" },
  { path: "/tasks/board", page: lazy(() => import("./pages/TaskBoard")), nav: "work.nav.board", permission: "tasks:write" },
  { path: "/tasks/:taskUuid", page: lazy(() => import("./pages/Tasks")), permission: "tasks:read" },
  { path: "/ledger", page: lazy(() => import("./pages/Ledger")), nav: "work.nav.ledger", permission: "ledger:read" },
  { path: "/statements", page: lazy(() => import("./pages/Ledger")), permission: "ledger:read" },
  { path: "/analytics", page: lazy(() => import("./pages/Analytics")), nav: "work.nav.analytics", permission: "analytics:read" },
  { path: "/advisories", page: lazy(() => import("./pages/Advisories")), nav: "work.nav.advisories", permission: "catalog:read" },
  { path: "/packages/:ecosystem/:name", page: lazy(() => import("./pages/PackageDetail")), permission: "sites:read" },
  // -- administration: users and approvals, organizations, roles, audit log
  { path: "/users", page: lazy(() => import("./pages/Users")), nav: "admin.nav.users", permission: "users:read" },
  { path: "/users/:userUuid", page: lazy(() => import("./pages/Users")), permission: "users:read" },
  { path: "/organizations", page: lazy(() => import("./pages/Organizations")), nav: "admin.nav.organizations", permission: "organizations:write" },
  { path: "/roles", page: lazy(() => import("./pages/Roles")), nav: "admin.nav.roles", permission: "roles:read" },
  { path: "/audit", page: lazy(() => import("./pages/AuditLog")), nav: "admin.nav.audit", permission: "audit:read" },
  // -- rollouts: deployments, cycles, reports
  { path: "/rollouts", page: lazy(() => import("./pages/Rollouts")), nav: "rollouts.nav.rollouts", permission: "rollouts:read" },
  { path: "/rollouts/cycles/:cycleUuid", page: lazy(() => import("./pages/RolloutCycle")), permission: "rollouts:read" },
];
