/**
 * Which navigation entry is the current page: the longest entry path that is the pathname or a
 * parent of it, so `/tasks/board` lights "Board" only, not "My tasks" as well (pure, tested).
 */
export function activeNavPath(pathname: string, paths: readonly string[]): string | undefined {
  const matches = paths.filter((path) =>
    path === "/" ? pathname === "/" : pathname === path || pathname.startsWith(`${path}/`),
  );
  return matches.sort((a, b) => b.length - a.length)[0];
}
