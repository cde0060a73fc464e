import { Select, type SelectProps } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, data as envelopeData } from "../../api/client";
import { useSiteOptions } from "../Tasks/queries";

/** A site picker searching the server as one types (the fleet may be large). */
export function SiteSelect(props: Omit<SelectProps, "data" | "searchValue" | "onSearchChange">) {
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 250);
  const sites = useSiteOptions(debounced);
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  const data = (sites.data ?? []).map((site) => ({ value: site.uuid, label: site.name }));
  const value = typeof props.value === "string" ? props.value : null;
  const missing = value !== null && !data.some((d) => d.value === value) && picked?.value !== value;
  // A site chosen earlier (e.g. in the URL) but not among the options searched: fetch its name.
  const chosen = useQuery({
    queryKey: ["sites", value],
    queryFn: () => envelopeData(api.GET("/sites/{site_uuid}", { params: { path: { site_uuid: value! } } })),
    enabled: missing,
  });
  if (picked && value === picked.value && !data.some((d) => d.value === picked.value)) data.unshift(picked);
  else if (missing && chosen.data && !data.some((d) => d.value === chosen.data.uuid)) data.unshift({ value: chosen.data.uuid, label: chosen.data.name });
  return (
    <Select
      searchable
      clearable
      filter={({ options }) => options}
      nothingFoundMessage="—"
      {...props}
      data={data}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(value, option) => {
        setPicked(option ? { value: option.value, label: option.label } : null);
        props.onChange?.(value, option);
      }}
    />
  );
}
