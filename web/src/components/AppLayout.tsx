import {
  ActionIcon,
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  Text,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Suspense } from "react";
import { Link, Outlet, useLocation } from "react-router";

import { useMe, useSignOut } from "../auth/session";
import { useT } from "../i18n";
import { routes } from "../routes";
import { activeNavPath } from "./navActive";
import { LoadingState } from "./States";
import { NotificationBell } from "./NotificationBell";
import classes from "./AppLayout.module.css";

function ThemeToggle() {
  const t = useT();
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme("light", { getInitialValueInEffect: true });
  const toDark = computed === "light";
  return (
    <ActionIcon
      variant="default"
      size="lg"
      onClick={() => setColorScheme(toDark ? "dark" : "light")}
      aria-label={toDark ? t("theme.toDark") : t("theme.toLight")}
      title={toDark ? t("theme.toDark") : t("theme.toLight")}
    >
      <span aria-hidden="true">{toDark ? "☾" : "☀"}</span>
    </ActionIcon>
  );
}

function UserMenu() {
  const t = useT();
  const me = useMe();
  const signOut = useSignOut();
  const name = me.data?.name || me.data?.login || "";
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={t("user.menu")} className={classes.user}>
          <Group gap="xs">
            <Avatar size="sm" radius="xl" name={name} color="initials" />
            <Text size="sm" visibleFrom="sm">
              {name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t("user.signedInAs", { name })}</Menu.Label>
        <Menu.Item component={Link} to="/account">
          {t("user.account")}
        </Menu.Item>
        <Menu.Item component={Link} to="/notifications">
          {t("notify.menu.notifications")}
        </Menu.Item>
        <Menu.Item component={Link} to="/settings/webhooks">
          {t("notify.menu.webhooks")}
        </Menu.Item>
        <Menu.Item color="red" onClick={() => void signOut()}>
          {t("user.signOut")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The frame of every signed-in page: header, navigation, main. */
export function AppLayout() {
  const t = useT();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const me = useMe();
  const permissions = new Set(me.data?.permissions ?? []);
  const navItems = routes.filter((r) => r.nav && (!r.permission || permissions.has(r.permission)));
  const current = activeNavPath(
    location.pathname,
    navItems.map((item) => item.path),
  );
  const active = (path: string) => path === current;

  return (
    <>
      <a href="#main" className={classes.skip}>
        {t("app.skipToContent")}
      </a>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Group gap="sm">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("app.toggleNavigation")} />
              <Text component={Link} to="/" fw={700} size="lg" className={classes.brand}>
                {t("app.name")}
              </Text>
            </Group>
            <Group gap="sm">
              <NotificationBell />
              <ThemeToggle />
              <UserMenu />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm" component="nav" aria-label={t("app.mainNavigation")}>
          {navItems.map((item) => (
            <NavLink
              key={item.path}
              component={Link}
              to={item.path}
              label={t(item.nav!)}
              active={active(item.path)}
              aria-current={active(item.path) ? "page" : undefined}
              onClick={close}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id="main" tabIndex={-1}>
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </>
  );
}
