import { createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "indigo",
  defaultRadius: "md",
  // Keyboard users always see where they are; mouse clicks do not leave rings behind.
  focusRing: "auto",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
});
