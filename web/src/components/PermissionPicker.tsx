import { Checkbox, Fieldset, SimpleGrid, Stack, Text } from "@mantine/core";

import { useT } from "../i18n";
import { groupPermissions, toggleArea } from "./permissionGroups";

interface Props {
  legend: string;
  available: string[];
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
  description?: string;
}

/** Checkboxes of permissions, grouped by area, each area with an "all" box. */
export function PermissionPicker({ legend, available, value, onChange, error, description }: Props) {
  const t = useT();
  const selected = new Set(value);
  return (
    <Fieldset legend={legend} variant="unstyled">
      <Stack gap="sm">
        {description && (
          <Text size="xs" c="dimmed">
            {description}
          </Text>
        )}
        {groupPermissions(available).map((group) => {
          const count = group.permissions.filter((p) => selected.has(p)).length;
          return (
            <Stack key={group.area} gap={4}>
              <Checkbox
                label={t("admin.roles.selectAll", { area: group.area })}
                fw={600}
                checked={count === group.permissions.length}
                indeterminate={count > 0 && count < group.permissions.length}
                onChange={(e) => onChange(toggleArea(value, group.permissions, e.currentTarget.checked))}
              />
              <SimpleGrid cols={{ base: 1, xs: 2, sm: 3 }} spacing={4} pl="lg">
                {group.permissions.map((permission) => (
                  <Checkbox
                    key={permission}
                    size="sm"
                    label={permission}
                    checked={selected.has(permission)}
                    onChange={(e) => onChange(toggleArea(value, [permission], e.currentTarget.checked))}
                  />
                ))}
              </SimpleGrid>
            </Stack>
          );
        })}
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </Fieldset>
  );
}
