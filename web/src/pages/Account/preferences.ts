/** The notification preferences grid: kinds × channels, and what changed (pure, tested). */

export const CHANNELS = ["in_app", "email", "webhook"] as const;
export type Channel = (typeof CHANNELS)[number];
export type Digest = "immediate" | "daily";

export interface Preference {
  kind: string;
  description: string;
  channels: Channel[];
  digest: Digest;
  is_default: boolean;
}

export interface PreferenceChange {
  kind: string;
  channels: Channel[];
  digest: Digest;
}

export function toggleChannel(pref: Preference, channel: Channel, on: boolean): Preference {
  const set = new Set(pref.channels);
  if (on) set.add(channel);
  else set.delete(channel);
  return { ...pref, channels: CHANNELS.filter((c) => set.has(c)) };
}

function same(a: Preference, b: Preference): boolean {
  return a.digest === b.digest && a.channels.length === b.channels.length && a.channels.every((c) => b.channels.includes(c));
}

/** The kinds whose choice differs from what the server has (the PUT's body). */
export function changedPreferences(saved: Preference[], edited: Preference[]): PreferenceChange[] {
  const byKind = new Map(saved.map((p) => [p.kind, p]));
  return edited
    .filter((p) => {
      const before = byKind.get(p.kind);
      return !before || !same(before, p);
    })
    .map(({ kind, channels, digest }) => ({ kind, channels, digest }));
}
