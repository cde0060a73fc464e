import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { operations } from "../../api/schema";
import type { Install } from "./versions";

type InstalledQuery = NonNullable<operations["installed_packages_api_v1_installed_packages_get"]["parameters"]["query"]>;

export const VERSION_SCAN_PAGES = 10;
const SCAN_PAGE_SIZE = 200;

/** A page of the package's installs (the sites table; server-side pagination and sort). */
export function useInstalls(query: InstalledQuery) {
  return useQuery({
    queryKey: ["installed-packages", query],
    queryFn: () => unwrap(api.GET("/installed-packages", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * Every install of one package, for the versions summary: the API has no group-by, so read up
 * to VERSION_SCAN_PAGES pages of 200 and say when that was not all of them.
 */
export function useAllInstalls(ecosystem: string, name: string) {
  return useQuery({
    queryKey: ["installed-packages", "all", ecosystem, name],
    queryFn: async () => {
      const items: Install[] = [];
      let total = 0;
      for (let page = 1; page <= VERSION_SCAN_PAGES; page++) {
        const result = await unwrap(
          api.GET("/installed-packages", { params: { query: { package: name, ecosystem, page, per_page: SCAN_PAGE_SIZE } } }),
        );
        total = result.meta.total;
        items.push(...result.data);
        if (page * SCAN_PAGE_SIZE >= total) break;
      }
      return { items, total };
    },
  });
}

export function usePackageAdvisories(ecosystem: string, name: string) {
  return useQuery({
    queryKey: ["advisories", "list", { package: name, ecosystem, per_page: 20, sort: "-published_at" }],
    queryFn: () =>
      unwrap(api.GET("/catalog/advisories", { params: { query: { package: name, ecosystem, per_page: 20, sort: "-published_at" } } })),
  });
}
