import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Express, Request } from 'express';
import { create } from 'express-handlebars';
import type { HelperOptions } from 'handlebars';
import { activeMembership, type Actor } from '../auth/actor';
import type { Translator } from './i18n';
import { TEMPLATES_DIR } from './paths';
import type { Locale } from './http/route';

type Root = { lang?: Locale; t?: Translator };

function rootOf(options: HelperOptions): Root {
  return ((options.data as { root?: Root } | undefined)?.root ?? {}) as Root;
}

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  nb: new Intl.DateTimeFormat('nb-NO', { dateStyle: 'medium', timeZone: 'Europe/Oslo' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'Europe/Oslo' }),
};
const numberFormats: Record<Locale, Intl.NumberFormat> = {
  nb: new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }),
};
const dateTimeFormats: Record<Locale, Intl.DateTimeFormat> = {
  nb: new Intl.DateTimeFormat('nb-NO', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }),
};

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** View helpers. Output stays escaped: helpers return plain strings, never SafeString. */
export const viewHelpers = {
  t(key: string, options: HelperOptions): string {
    const t = rootOf(options).t;
    return t ? t(key, options.hash as Record<string, unknown>) : key;
  },
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (a: unknown) => !a,
  includes: (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value),
  formatDate(value: unknown, options: HelperOptions): string {
    const d = toDate(value);
    return d ? dateFormats[rootOf(options).lang ?? 'nb'].format(d) : '';
  },
  formatDateTime(value: unknown, options: HelperOptions): string {
    const d = toDate(value);
    return d ? dateTimeFormats[rootOf(options).lang ?? 'nb'].format(d) : '';
  },
  /** A number with the language's decimal mark (71,4 in bokmål); nothing for null. */
  formatNumber(value: unknown, options: HelperOptions): string {
    return typeof value === 'number' && Number.isFinite(value) ? numberFormats[rootOf(options).lang ?? 'nb'].format(value) : '';
  },
  isoDate(value: unknown): string {
    const d = toDate(value);
    return d ? d.toISOString().slice(0, 10) : '';
  },
  json: (value: unknown) => JSON.stringify(value, null, 2),
  localised(value: unknown, options: HelperOptions): string {
    if (value && typeof value === 'object') {
      const lang = rootOf(options).lang ?? 'nb';
      const v = value as Record<string, unknown>;
      return String(v[lang] ?? v.nb ?? '');
    }
    return value === undefined || value === null ? '' : String(value);
  },
  /** The language `localised` shows: the page's, or bokmål when the text has no translation, for a `lang` attribute. */
  localisedLang(value: unknown, options: HelperOptions): string {
    const lang = rootOf(options).lang ?? 'nb';
    if (value && typeof value === 'object' && (value as Record<string, unknown>)[lang] === undefined) return 'nb';
    return String(lang);
  },
  add: (a: unknown, b: unknown) => Number(a) + Number(b),
  array: (...args: unknown[]) => args.slice(0, -1),
  replace: (value: unknown, from: unknown, to: unknown) => String(value ?? '').split(String(from)).join(String(to)),
  concat: (...args: unknown[]) => args.slice(0, -1).map((a) => (a === undefined || a === null ? '' : String(a))).join(''),
  join: (list: unknown, separator: unknown) => (Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : ''),
};

export function configureViews(app: Express, options: { cache: boolean; assetUrl: (url: string) => string }): void {
  const engine = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(TEMPLATES_DIR, 'layouts'),
    partialsDir: path.join(TEMPLATES_DIR, 'partials'),
    // `asset` gives a static file's content-hashed URL, which browsers may cache for a year.
    helpers: { ...viewHelpers, asset: (url: string) => options.assetUrl(url) },
  });
  if (options.cache) {
    // express-handlebars gathers the partials from their folder on every render, cached or not;
    // with the view cache on they do not change, so they are gathered once.
    const gather = engine.getPartials.bind(engine);
    let partials: ReturnType<typeof gather> | undefined;
    engine.getPartials = (partialOptions) => (partials ??= gather(partialOptions));
  }
  app.engine('.hbs', engine.engine);
  app.set('view engine', '.hbs');
  app.set('views', path.join(TEMPLATES_DIR, 'pages'));
  app.set('view cache', options.cache);
}

/** The product's sections in the main navigation, in order; each is a feature folder. */
export const NAV_SECTIONS: { key: string; href: string; label: string; help: string }[] = [
  { key: 'library', href: '/library', label: 'nav.library', help: 'home.libraryHelp' },
  { key: 'tenders', href: '/tenders', label: 'nav.tenders', help: 'home.tendersHelp' },
  { key: 'joint-sets', href: '/joint-sets', label: 'nav.jointSets', help: 'home.jointSetsHelp' },
  { key: 'assessments', href: '/assessments', label: 'nav.assessments', help: 'home.assessmentsHelp' },
  { key: 'vendors', href: '/vendors', label: 'nav.vendors', help: 'home.vendorsHelp' },
];

/**
 * What a vendor's people work with: their answers and their own products. The buyers' library,
 * tenders and joint sets are not theirs to work in, so their navigation leaves them out.
 */
export const VENDOR_NAV_SECTIONS: typeof NAV_SECTIONS = [
  { key: 'assessments', href: '/assessments', label: 'nav.vendorAnswers', help: 'home.vendorAnswersHelp' },
  { key: 'vendors', href: '/vendors', label: 'nav.vendorProducts', help: 'home.vendorProductsHelp' },
];

/** The sections a user's navigation shows: a user whose only organisations are vendors sees the vendor's own. */
export function navSectionsFor(actor: Pick<Actor, 'isAdmin' | 'memberships'> | null): typeof NAV_SECTIONS {
  const vendorOnly = Boolean(actor) && !actor?.isAdmin && (actor?.memberships.length ?? 0) > 0 && actor?.memberships.every((m) => m.kind === 'vendor');
  return vendorOnly ? VENDOR_NAV_SECTIONS : NAV_SECTIONS;
}

/** The data every page's layout needs: language, user, organisation switcher, CSRF token, flash. */
/**
 * Stands for the CSRF token in content rendered to be kept and shown to many sessions
 * (`renderContent`); each is given its own token when it is shown. Random per process, and of
 * characters HTML escaping leaves alone, so it cannot come from data and is found as written.
 */
export const CSRF_PLACEHOLDER = `dk-csrf-${randomBytes(16).toString('hex')}`;

export function basePageData(req: Request): Record<string, unknown> {
  const actor = req.actor;
  const active = actor ? activeMembership(actor) : undefined;
  return {
    lang: req.locale,
    t: req.t,
    otherLang: req.locale === 'nb' ? 'en' : 'nb',
    currentPath: req.originalUrl,
    user: actor ? { id: actor.userId, name: actor.name, email: actor.email, isAdmin: actor.isAdmin } : null,
    memberships: actor?.memberships ?? [],
    activeOrganisation: active ?? null,
    csrfToken: actor?.csrfToken ?? req.anonymousCsrfToken,
    flash: req.flash,
    requestId: req.requestId,
    navSections: navSectionsFor(actor),
  };
}
