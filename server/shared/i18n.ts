import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { LOCALES_DIR } from './paths';
import type { Locale } from './http/route';

export const LOCALES: readonly Locale[] = ['nb', 'en'];
export const DEFAULT_LOCALE: Locale = 'nb';

export type Translator = (key: string, values?: Record<string, unknown>) => string;

export function isLocale(value: unknown): value is Locale {
  return value === 'nb' || value === 'en';
}

type Strings = Record<string, unknown>;

function merge(target: Strings, source: Strings): Strings {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    target[key] = existing && typeof existing === 'object' && value && typeof value === 'object' ? merge(existing as Strings, value as Strings) : value;
  }
  return target;
}

/** server/locales/<lang>.json, merged with the feature files <lang>.<feature>.json. */
function readLocale(lang: Locale): Strings {
  const files = readdirSync(LOCALES_DIR)
    .filter((f) => f === `${lang}.json` || (f.startsWith(`${lang}.`) && f.endsWith('.json')))
    .sort((a, b) => a.length - b.length || a.localeCompare(b));
  return files.reduce<Strings>((all, f) => merge(all, JSON.parse(readFileSync(path.join(LOCALES_DIR, f), 'utf8')) as Strings), {});
}

/** All UI strings live in server/locales/<lang>.json (and <lang>.<feature>.json); bokmål is the default and the fallback. */
export function createI18n(): { instance: i18n; translator: (locale: Locale) => Translator } {
  const resources = Object.fromEntries(LOCALES.map((lang) => [lang, { translation: readLocale(lang) }]));
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof instance.init>[0]);
  const fixed = new Map<Locale, TFunction>(LOCALES.map((lang) => [lang, instance.getFixedT(lang)]));
  return {
    instance,
    translator: (locale) => {
      const t = fixed.get(locale) as TFunction;
      return (key, values) => t(key, values ?? {}) as string;
    },
  };
}
