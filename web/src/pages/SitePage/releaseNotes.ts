/**
 * Where to read about a version. The API gives no release link per installed package yet; for
 * Drupal projects drupal.org's release pages follow one pattern, so we link those only.
 */
export function releaseNotesUrl(ecosystem: string, pkg: string, version: string | null | undefined): string | null {
  if (!version || ecosystem !== "drupal" || !/^[a-z0-9_]+$/.test(pkg)) return null;
  return `https://www.drupal.org/project/${pkg}/releases/${encodeURIComponent(version)}`;
}
