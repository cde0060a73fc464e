import { Drawer, Modal, createTheme } from "@mantine/core";

import type { TFunction } from "./i18n";

const base = {
  primaryColor: "indigo",
  defaultRadius: "md",
  // Keyboard users always see where they are; mouse clicks do not leave rings behind.
  focusRing: "auto",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
} as const;

/** The theme, with the texts Mantine shows itself (the dialogs' close button) in the language. */
export function makeTheme(t: TFunction) {
  const closeButtonProps = { "aria-label": t("common.close") };
  return createTheme({
    ...base,
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps } }),
      Drawer: Drawer.extend({ defaultProps: { closeButtonProps } }),
    },
  });
}
