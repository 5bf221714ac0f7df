import { CATEGORIES, DOMAINS, THEME_COUNT } from '../library/library.codes';
import type { FieldError } from '../shared/errors';
import type { FormValues } from '../shared/http/forms';
import type { Translator } from '../shared/i18n';
import type { NotMapped } from './kravbank.mapping';
import type { LibraryImportResult, TenderImportResult } from './kravbank.service';

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value !== '' ? [value] : []);

/** The library's Kravbank import form: the choices, what was typed, and the problems. */
export function libraryImportForm(input: { t: Translator; organisations: { organisationId: string; organisationName: string }[]; values?: FormValues; errors?: FieldError[] }) {
  const values = input.values ?? {};
  const themes = asList(values.themes);
  const domains = values.domains === undefined ? ['all'] : asList(values.domains);
  return {
    title: input.t('kravbank.library.title'),
    nav: 'library',
    errors: input.errors ?? [],
    keyPrefix: typeof values.keyPrefix === 'string' ? values.keyPrefix : 'KRB',
    categories: CATEGORIES.map((c) => ({ value: c, label: input.t(`library.categories.${c}`), selected: values.category === c })),
    themes: Array.from({ length: THEME_COUNT }, (_, i) => ({ value: i + 1, label: `${i + 1}. ${input.t(`library.themeNames.${i + 1}`)}`, selected: themes.includes(String(i + 1)) })),
    domains: DOMAINS.map((d) => ({ value: d, label: input.t(`library.domains.${d}`), selected: domains.includes(d) })),
    organisations: input.organisations,
    chooseOrganisation: input.organisations.length > 1,
  };
}

/** What could not be carried over, each with its reason in the page's language. */
export function notMappedRows(rows: NotMapped[], t: Translator) {
  return rows.map((r) => ({ path: r.path, name: r.name, reason: t(`kravbank.notMapped.${r.code}`) }));
}

/** The result of a library import: the drafts to review, what the library already had, what was left out. */
export function libraryImportResult(result: LibraryImportResult, t: Translator) {
  return {
    title: t('kravbank.library.resultTitle', { bank: result.bank }),
    nav: 'library',
    bank: result.bank,
    drafts: result.drafts,
    alreadyInLibrary: result.alreadyInLibrary,
    notMapped: notMappedRows(result.notMapped, t),
  };
}

/** The flash after a bank went into a tender. */
export function tenderImportMessage(result: TenderImportResult, t: Translator): string {
  const message = t('kravbank.tender.imported', { count: result.added.length, bank: result.bank, sections: result.sections.length });
  const skipped = result.skipped.length > 0 ? ` ${t('kravbank.tender.skipped', { keys: result.skipped.join(', ') })}` : '';
  const left = result.notMapped.length > 0 ? ` ${t('kravbank.tender.notMapped', { count: result.notMapped.length })}` : '';
  return `${message}${skipped}${left}`;
}
