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

/** Texts kept per language before the memory starts over: every label, and the counts and names the pages put in them. */
const KEPT_TRANSLATIONS = 20_000;

const isPlainValue = (value: unknown) => value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value);

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
  // The strings do not change while the app runs, so a key asked for with the same plain values
  // is looked up once per language: a page with long option lists asks for the same labels many
  // times, and i18next resolves each call anew.
  const plain = new Map<Locale, Map<string, string>>(LOCALES.map((lang) => [lang, new Map()]));
  const translators = new Map<Locale, Translator>(
    LOCALES.map((lang) => {
      const t = fixed.get(lang) as TFunction;
      const known = plain.get(lang) as Map<string, string>;
      const translate: Translator = (key, values) => {
        const plainValues = values === undefined || Object.values(values).every(isPlainValue);
        if (!plainValues) return t(key, values) as string;
        // A key with the same plain values (a count, a name) gives the same text every time.
        const id = values && Object.keys(values).length > 0 ? `${key}\u0000${JSON.stringify(values)}` : key;
        let text = known.get(id);
        if (text === undefined) {
          text = t(key, values ?? {}) as string;
          if (known.size >= KEPT_TRANSLATIONS) known.clear();
          known.set(id, text);
        }
        return text;
      };
      return [lang, translate];
    }),
  );
  return {
    instance,
    translator: (locale) => translators.get(locale) as Translator,
  };
}
