import { Select, type SelectProps } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, data } from "../api/client";

interface Props extends Omit<SelectProps, "data" | "value" | "onChange" | "searchValue" | "onSearchChange"> {
  value: string | null;
  onChange: (uuid: string | null) => void;
  /** The chosen site's name when known (a link with `?site=` set): shown before the search answers. */
  initialLabel?: string;
}

/** A searchable site picker fed by `GET /sites?q=` (the first 20 matches). */
export function SitePicker({ value, onChange, initialLabel, ...rest }: Props) {
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(
    value && initialLabel ? { value, label: initialLabel } : null,
  );
  const [debounced] = useDebouncedValue(search, 250);
  const q = chosen && debounced === chosen.label ? "" : debounced.trim();
  const sites = useQuery({
    queryKey: ["sites", "picker", q],
    queryFn: () => data(api.GET("/sites", { params: { query: { q: q || undefined, per_page: 20, sort: "name" } } })),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const options = (sites.data ?? []).map((site) => ({ value: site.uuid, label: site.name }));
  if (chosen && chosen.value === value && !options.some((o) => o.value === chosen.value)) options.unshift(chosen);
  // A value known only by its uuid (from the URL): look its name up once.
  const known = useQuery({
    queryKey: ["sites", value],
    queryFn: () => data(api.GET("/sites/{site_uuid}", { params: { path: { site_uuid: value! } } })),
    enabled: Boolean(value) && !options.some((o) => o.value === value),
    staleTime: 60_000,
  });
  if (value && known.data && !options.some((o) => o.value === value)) options.unshift({ value, label: known.data.name });

  return (
    <Select
      searchable
      clearable
      {...rest}
      data={options}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      onChange={(next, option) => {
        setChosen(next && option ? { value: next, label: option.label } : null);
        onChange(next);
      }}
    />
  );
}
