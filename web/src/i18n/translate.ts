/** Catalogue lookup: dotted keys, `{name}` placeholders. Pure, so it is easy to test. */

/** Every leaf of a catalogue as a dotted key: `nav.sites`, `status.security_update`, ... */
export type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** The same shape with plain strings: what a translation (`ru.ts`) must provide. */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export type Vars = Record<string, string | number>;

export function translate<T extends object>(catalogue: T, key: Leaves<T> | string, vars?: Vars): string {
  let node: unknown = catalogue;
  for (const part of String(key).split(".")) {
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== "string") return key; // a missing text shows its key, never a blank
  if (!vars) return node;
  return node.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in vars ? String(vars[name]) : match,
  );
}
