/**
 * Where the session's tokens live.
 *
 * The access token (15 minutes) stays in memory only: a script injected into the page could
 * read it, but it is gone with the tab. The refresh token is in localStorage so that a reload
 * or a new tab stays signed in. The trade-off: localStorage is readable by any script on the
 * origin (XSS), which an HttpOnly cookie would not be; the API issues tokens in the body, not
 * in cookies, and rotates the refresh token on every use (a stolen one stops working after
 * the next refresh, and signing out ends the session on the server).
 */

const REFRESH_KEY = "patchwatch.refresh_token";

type Listener = () => void;

let accessToken: string | null = null;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null; // private modes may refuse storage: the session then lasts the tab
  }
}

let memoryRefresh: string | null = storage()?.getItem(REFRESH_KEY) ?? null;

function emit(): void {
  for (const listener of listeners) listener();
}

export const tokenStore = {
  getAccess: (): string | null => accessToken,
  /** Read from storage each time: another tab may have rotated it since. */
  getRefresh: (): string | null => {
    const stored = storage();
    return stored ? stored.getItem(REFRESH_KEY) : memoryRefresh;
  },
  /** True while the user holds a session (an access token or a refresh token to get one). */
  isSignedIn: (): boolean => accessToken !== null || tokenStore.getRefresh() !== null,
  set(access: string, refresh: string): void {
    accessToken = access;
    memoryRefresh = refresh;
    storage()?.setItem(REFRESH_KEY, refresh);
    emit();
  },
  clear(): void {
    const had = tokenStore.isSignedIn();
    accessToken = null;
    memoryRefresh = null;
    storage()?.removeItem(REFRESH_KEY);
    if (had) emit();
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// Another tab signed in, refreshed or signed out: follow it.
if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key !== REFRESH_KEY && event.key !== null) return;
    memoryRefresh = event.newValue;
    if (event.newValue === null) accessToken = null;
    emit();
  });
}
