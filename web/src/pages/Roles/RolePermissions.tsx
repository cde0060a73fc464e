import { Badge, Button, Collapse, Group, Stack } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";

import { useT } from "../../i18n";
import type { Role } from "./queries";

/** A role's permission count, unfolding into the list. */
export function RolePermissions({ role }: { role: Role }) {
  const t = useT();
  const [opened, { toggle }] = useDisclosure(false);
  return (
    <Stack gap={4}>
      <Button
        size="compact-xs"
        variant="subtle"
        onClick={toggle}
        aria-expanded={opened}
        aria-label={opened ? t("admin.roles.hidePermissions", { name: role.name }) : t("admin.roles.showPermissions", { name: role.name })}
        style={{ alignSelf: "flex-start" }}
      >
        {t("admin.roles.permissionCount", { count: role.permissions.length })} {opened ? "▴" : "▾"}
      </Button>
      <Collapse expanded={opened}>
        <Group gap={4} maw={560}>
          {role.permissions.map((permission) => (
            <Badge key={permission} variant="outline" size="sm" radius="sm" tt="none">
              {permission}
            </Badge>
          ))}
        </Group>
      </Collapse>
    </Stack>
  );
}
