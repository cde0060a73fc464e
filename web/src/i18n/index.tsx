/** The text of the app. Add a language: copy `en.ts` to `ru.ts` typed `Catalogue`, list it here. */
import { createContext, useCallback, useContext, type ReactNode } from "react";

import { en } from "./en";
import { translate, type Leaves, type Vars, type Widen } from "./translate";

export type Catalogue = Widen<typeof en>;
export type MessageKey = Leaves<typeof en>;
export type Language = "en";

export const catalogues: Record<Language, Catalogue> = { en };

const LanguageContext = createContext<Language>("en");

export function I18nProvider({ language = "en", children }: { language?: Language; children: ReactNode }) {
  return <LanguageContext.Provider value={language}>{children}</LanguageContext.Provider>;
}

export type TFunction = (key: MessageKey, vars?: Vars) => string;

/** `const t = useT(); t("nav.sites")` */
export function useT(): TFunction {
  const language = useContext(LanguageContext);
  return useCallback((key: MessageKey, vars?: Vars) => translate(catalogues[language], key, vars), [language]);
}

/** Outside React (the API client, tests). */
export const t: TFunction = (key, vars) => translate(en, key, vars);
