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

const MEMO_LIMIT = 20_000;

/**
 * The key and its values as one string, or null when a value is an object (not remembered). The
 * type is part of it (1 and '1' may plural differently), and it is JSON so that no value, however
 * written, reads as another set of values.
 */
function memoKey(key: string, values: Record<string, unknown> | undefined): string | null {
  if (!values) return key;
  const parts: string[] = [key];
  for (const name in values) {
    if (!Object.hasOwn(values, name)) continue;
    const value = values[name];
    if ((typeof value === 'object' && value !== null) || typeof value === 'function') return null;
    parts.push(name, typeof value, String(value));
  }
  return parts.length === 1 ? key : JSON.stringify(parts);
}

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
  // The strings are read once and never change while the app runs, so a key translated with the
  // same plain values always gives the same text: a page asks for hundreds of them, and i18next's
  // lookup (key parsing, fallbacks, nesting, interpolation) was a tenth of a page's time under
  // load. Values that are objects are not remembered; the memory is emptied when it grows large,
  // since values may be names and numbers without end.
  const translators = new Map<Locale, Translator>(
    LOCALES.map((lang) => {
      const t = fixed.get(lang) as TFunction;
      const known = new Map<string, string>();
      const translate: Translator = (key, values) => {
        const id = memoKey(key, values);
        if (id === null) return t(key, values ?? {}) as string;
        let text = known.get(id);
        if (text === undefined) {
          text = t(key, values ?? {}) as string;
          if (known.size >= MEMO_LIMIT) known.clear();
          known.set(id, text);
        }
        return text;
      };
      return [lang, translate];
    }),
  );
  return { instance, translator: (locale) => translators.get(locale) as Translator };
}
