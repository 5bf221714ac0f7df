import { z } from 'zod';
import { CATEGORIES, type Category } from '../library/library.codes';
import { checkParameterValues } from '../library/clause-template';
import { coerceFormValues } from '../library/library.forms';
import { librarySearchQuerySchema, packKeySchema, type LibrarySearchQuery } from '../library/library.schemas';
import type { FieldError } from '../shared/errors';
import type { FormValues } from '../shared/http/forms';
import type { Translator } from '../shared/i18n';
import { fieldErrors, validationError } from '../shared/http/validate';
import { sharedParametersOf, type TenderView, type TenderViewItem } from './tenders.access';
import type { ItemsToAdd } from './tender-editing.service';
import { versionField } from '../shared/versioning';
import { itemUpdateSchema, tenderUpdateSchema } from './tenders.schemas';

/** The details form: the tender's fields and the version the form was read at. */
export const tenderDetailsForm = tenderUpdateSchema.omit({ parameterDefaults: true });

/** Sharing with a co-buyer: the organisation, and a checkbox for edit rights. */
export const coBuyerForm = z.object({ organisationId: z.uuid('choose an organisation'), canEdit: z.preprocess((v) => v === 'true' || v === 'on', z.boolean()).default(false), version: versionField });

const libraryKeys = z.array(z.string().regex(/^[A-Z]{2,5}-[0-9]{3}$/)).min(1);

/**
 * The picker's and the tender page's add buttons as one choice: the domain quick pick, a
 * category's clauses, a saved selection, or the ticked library keys; `null` when nothing usable
 * was chosen.
 */
export function itemsToAdd(form: FormValues): ItemsToAdd | null {
  if (form.pick === 'domain') return { pick: 'domain' };
  if (typeof form.clausesOf === 'string' && (CATEGORIES as readonly string[]).includes(form.clausesOf)) return { clausesOf: form.clausesOf as Category };
  if (typeof form.selectionId === 'string' && z.uuid().safeParse(form.selectionId).success) return { selectionId: form.selectionId };
  if (typeof form.pack === 'string' && packKeySchema.safeParse(form.pack).success) return { pack: form.pack };
  const keys = libraryKeys.safeParse([form.keys ?? form.key].flat().filter(Boolean));
  return keys.success ? { keys: keys.data } : null;
}

/** Where the add buttons return to: the page they were on, if it is one of this tender's. */
export function returnTo(form: FormValues, tenderId: string): string {
  return typeof form.returnTo === 'string' && form.returnTo.startsWith(`/tenders/${tenderId}`) ? form.returnTo : `/tenders/${tenderId}`;
}

/** The parameter values typed into an item's form, as the item's parameters take them. */
export function typedItemValues(item: TenderViewItem, form: FormValues): Record<string, unknown> {
  return coerceFormValues(item.library?.parameters ?? [], form.values);
}

/**
 * The item form as a change of the item: type, weight and section; parameter values for a library
 * item, title and texts for one written in the tender. Invalid fields are a 400 naming each.
 */
/**
 * Parameter values typed into an item's form that do not fit their parameter, each named by its
 * field and explained with the parameter's label and limits in the page's language.
 */
export function parameterFieldErrors(item: TenderViewItem, form: FormValues, t: Translator, lang: 'nb' | 'en'): FieldError[] {
  const parameters = item.library?.parameters ?? [];
  const byName = new Map(parameters.map((p) => [p.name, p]));
  return checkParameterValues(parameters, typedItemValues(item, form)).map((problem) => {
    const parameter = byName.get(problem.parameter);
    const label = parameter ? parameter.label[lang] : problem.parameter;
    const limits = parameter && (parameter.type === 'integer' || parameter.type === 'number') ? { min: parameter.min ?? '–', max: parameter.max ?? '–' } : { min: '–', max: '–' };
    const choices = parameter && (parameter.type === 'choice' || parameter.type === 'choices') ? parameter.values.join(', ') : '';
    const rule = !parameter ? 'unknown' : parameter.type === 'choice' || parameter.type === 'choices' ? 'choice' : parameter.type === 'text' ? 'text' : parameter.type;
    return { path: `values.${problem.parameter}`, message: t(`tenders.item.invalid.${rule}`, { label, ...limits, choices }) };
  });
}

export function itemChange(item: TenderViewItem, form: FormValues): z.output<typeof itemUpdateSchema> {
  const parsed = itemUpdateSchema.safeParse({
    type: form.type,
    weight: typeof form.weight === 'string' && form.weight !== '' ? Number(form.weight) : undefined,
    sectionId: form.sectionId || undefined,
    version: form.version,
    parameterValues: item.library ? typedItemValues(item, form) : undefined,
    ...(item.library ? {} : { title: form.title, text: form.text, responseGuidance: form.responseGuidance }),
  });
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  return parsed.data;
}

/** The tender-wide parameter form: the values of the parameters items share, and the version it was read at. */
export function parameterDefaults(view: TenderView, form: FormValues): { values: Record<string, unknown>; version: number } {
  const shared = sharedParametersOf(view).map((s) => s.parameter);
  const version = versionField.safeParse(form.version);
  if (!version.success) throw validationError([{ path: 'version', message: 'must be the version you read' }]);
  return { values: coerceFormValues(shared, form.values), version: version.data };
}

/** The picker's search: published items in the tender's language, by relevance when there are words, else by key. */
export function pickerSearch(query: LibrarySearchQuery, lang: 'nb' | 'en') {
  return { ...query, status: 'published' as const, sort: query.sort ?? (query.q ? 'relevance' : 'key'), lang, limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
}

/** Saving the library's current search as a selection: the search's filters and a name. */
export const selectionForm = librarySearchQuerySchema.omit({ page: true, pageSize: true, sort: true }).extend({ name: z.string().trim().min(1, 'is required').max(200) }).strip();
