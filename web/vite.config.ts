/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  server: {
    // `patchwatch serve` on its default port answers the API while Vite serves the app.
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  build: {
    // Pages are lazy chunks (see routes.tsx); the charts library loads with the overview only.
    chunkSizeWarningLimit: 700,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
  },
});
