import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, data, unwrap } from "../../api/client";
import type { operations } from "../../api/schema";

type InstalledQuery = NonNullable<operations["installed_packages_api_v1_installed_packages_get"]["parameters"]["query"]>;

/** A page of the package's installs (the sites table; server-side pagination and sort). */
export function useInstalls(query: InstalledQuery) {
  return useQuery({
    queryKey: ["installed-packages", query],
    queryFn: () => unwrap(api.GET("/installed-packages", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** The package's versions across the fleet, grouped by the API (one row per version). */
export function usePackageVersions(ecosystem: string, name: string) {
  return useQuery({
    queryKey: ["installed-packages", "versions", ecosystem, name],
    queryFn: () => data(api.GET("/installed-packages/versions", { params: { query: { package: name, ecosystem } } })),
  });
}

export function usePackageAdvisories(ecosystem: string, name: string) {
  return useQuery({
    queryKey: ["advisories", "list", { package: name, ecosystem, per_page: 20, sort: "-published_at" }],
    queryFn: () =>
      unwrap(api.GET("/catalog/advisories", { params: { query: { package: name, ecosystem, per_page: 20, sort: "-published_at" } } })),
  });
}
