import { MantineProvider, localStorageColorSchemeManager } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Suspense, useMemo, type ReactNode } from "react";
import { BrowserRouter, Route, Routes } from "react-router";

import { isApiError } from "./api/errors";
import { RequireAuth } from "./auth/session";
import { AppLayout } from "./components/AppLayout";
import { LoadingState } from "./components/States";
import { I18nProvider, useT } from "./i18n";
import NotFound from "./pages/NotFound";
import { routes } from "./routes";
import { makeTheme } from "./theme";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A 4xx will not change by asking again; network trouble and 5xx may.
      retry: (count, error) => count < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
    },
  },
});

// Light or dark follows the system until the user picks one; the pick is kept.
const colorSchemeManager = localStorageColorSchemeManager({ key: "patchwatch.color-scheme" });

function Themed({ children }: { children: ReactNode }) {
  const t = useT();
  const theme = useMemo(() => makeTheme(t), [t]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      <Notifications />
      {children}
    </MantineProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Themed>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Suspense fallback={<LoadingState />}>
              <Routes>
                {routes
                  .filter((r) => r.public)
                  .map(({ path, page: Page }) => (
                    <Route key={path} path={path} element={<Page />} />
                  ))}
                <Route
                  element={
                    <RequireAuth>
                      <AppLayout />
                    </RequireAuth>
                  }
                >
                  {routes
                    .filter((r) => !r.public)
                    .map(({ path, page: Page }) => (
                      <Route key={path} path={path} element={<Page />} />
                    ))}
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </QueryClientProvider>
      </Themed>
    </I18nProvider>
  );
}
