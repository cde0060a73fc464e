/** Permissions (`area:action`) grouped by area, for checkbox lists (pure, tested). */

export interface PermissionGroup {
  area: string;
  permissions: string[];
}

export function groupPermissions(permissions: Iterable<string>): PermissionGroup[] {
  const byArea = new Map<string, Set<string>>();
  for (const permission of permissions) {
    const area = permission.includes(":") ? permission.slice(0, permission.indexOf(":")) : permission;
    if (!byArea.has(area)) byArea.set(area, new Set());
    byArea.get(area)!.add(permission);
  }
  return [...byArea.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([area, set]) => ({ area, permissions: [...set].sort() }));
}

/** Every permission named by any of the roles (the built-in admin role holds them all). */
export function permissionCatalogue(roles: { permissions: string[] }[]): string[] {
  return [...new Set(roles.flatMap((role) => role.permissions))].sort();
}

/** Tick or untick every permission of an area. */
export function toggleArea(selected: string[], area: string[], on: boolean): string[] {
  const set = new Set(selected);
  for (const permission of area) {
    if (on) set.add(permission);
    else set.delete(permission);
  }
  return [...set].sort();
}
