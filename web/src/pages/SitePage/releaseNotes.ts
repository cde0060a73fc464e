/**
 * Where to read about a version: the catalog's release page when the API gives one (only
 * http(s)), else, for Drupal projects, drupal.org's release page, which follows one pattern.
 */
export function releaseNotesUrl(
  ecosystem: string,
  pkg: string,
  version: string | null | undefined,
  fromCatalog?: string | null,
): string | null {
  if (fromCatalog && /^https?:\/\//i.test(fromCatalog)) return fromCatalog;
  if (!version || ecosystem !== "drupal" || !/^[a-z0-9_]+$/.test(pkg)) return null;
  return `https://www.drupal.org/project/${pkg}/releases/${encodeURIComponent(version)}`;
}
