import { Select, type SelectProps } from "@mantine/core";

import { useEngineers } from "../Tasks/queries";

/** A picker of the organization's active engineers (the only possible assignees). */
export function EngineerSelect(props: Omit<SelectProps, "data">) {
  const engineers = useEngineers();
  const data = (engineers.data ?? []).map((user) => ({ value: user.uuid, label: user.name ? `${user.name} (${user.login})` : user.login }));
  return <Select searchable clearable nothingFoundMessage="—" {...props} data={data} disabled={props.disabled || engineers.isPending} />;
}
