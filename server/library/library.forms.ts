import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { z } from 'zod';
import { checksDeclarationSchema, DECLARABLE_RULE_IDS, type DeclarationProblem } from '../checks/rules.catalogue';
import type { Locale } from '../shared/http/route';
import type { Translator } from '../shared/i18n';
import { versionField } from '../shared/versioning';
import type { FieldError } from '../shared/errors';
import { anyForm } from '../shared/http/forms';
import { fieldErrors } from '../shared/http/validate';
import { itemContentSchema, itemKeySchema, versionQuerySchema, type Parameter } from './library.schemas';
import type { LibraryVersionRow } from './library.table';
import { toYaml } from './library.versions';

type Form = Record<string, unknown>;

const asText = (v: unknown) => (typeof v === 'string' ? v : '');
const localised = (v: unknown) => {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return { nb: asText(o.nb), en: asText(o.en) };
};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v as Record<string, unknown>) : v === undefined || v === '' ? [] : [v]);
const words = (v: unknown) =>
  asText(v)
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);
const isBlank = (o: Record<string, string>) => Object.values(o).every((v) => v.trim() === '');

/** A YAML field of the editor as data: empty is an empty list; text that is not YAML is the parser's error. */
function yamlField(text: string): { value: unknown } | { error: Error } {
  if (text === '') return { value: [] };
  try {
    return { value: load(text, { schema: CORE_SCHEMA }) ?? [] };
  } catch (error) {
    return { error: error as Error };
  }
}

/**
 * Turns the draft editor's form fields into item content for the schema to check. Parameters
 * and machine checks are edited as YAML, in the same shape as in the library files.
 */
export function formToContent(form: Form): { content: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const parameters = yamlField(asText(form.parametersYaml).trim());
  if ('error' in parameters) errors.push({ path: 'parameters', message: `is not valid YAML: ${parameters.error.message.split('\n')[0]}` });
  const checks = yamlField(asText(form.checksYaml).trim());
  if ('error' in checks) errors.push({ path: 'checks', message: `is not valid YAML: ${checks.error.message.split('\n')[0]}` });
  const references = list(form.references)
    .map((r) => {
      const o = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>;
      return { source: asText(o.source).trim(), section: asText(o.section).trim(), note: localised(o.note) };
    })
    .filter((r) => !(r.source === '' && r.section === '' && isBlank(r.note)));
  const evidence = list(form.evidence)
    .map(localised)
    .filter((e) => !isBlank(e));
  const themes = words(form.themes).map((w) => (/^[0-9]+$/.test(w) ? Number(w) : w));
  const content: Record<string, unknown> = {
    kind: asText(form.kind),
    category: asText(form.category),
    type: asText(form.type),
    weight: /^[0-9]+$/.test(asText(form.weight).trim()) ? Number(asText(form.weight).trim()) : asText(form.weight),
    themes,
    title: localised(form.title),
    text: localised(form.text),
    rationale: localised(form.rationale),
    responseGuidance: localised(form.responseGuidance),
    parameters: 'value' in parameters ? parameters.value : [],
    references,
    verification: { method: asText((form.verification as Record<string, unknown> | undefined)?.method), text: localised((form.verification as Record<string, unknown> | undefined)?.text) },
    evidence,
    checks: 'value' in checks ? checks.value : [],
    domains: list(form.domains).map(asText),
    tags: words(form.tags),
    supersedes: asText(form.supersedes).trim() || null,
    changeNote: null,
  };
  return { content, errors };
}

/** The draft editor's initial values from a stored version; an item without `checks` has none. */
export function rowToForm(
  row: Pick<LibraryVersionRow, 'kind' | 'category' | 'type' | 'weight' | 'themes' | 'title' | 'text' | 'rationale' | 'responseGuidance' | 'parameters' | 'references' | 'verification' | 'evidence' | 'domains' | 'tags' | 'supersedes'> &
    Partial<Pick<LibraryVersionRow, 'checks'>>,
) {
  return {
    kind: row.kind,
    category: row.category,
    type: row.type,
    weight: row.weight,
    themes: row.themes.join(', '),
    title: row.title,
    text: row.text,
    rationale: row.rationale,
    responseGuidance: row.responseGuidance,
    parametersYaml: row.parameters.length > 0 ? toYaml(row.parameters) : '',
    references: [...row.references, { source: '', section: '', note: { nb: '', en: '' } }],
    verification: row.verification,
    evidence: [...row.evidence, { nb: '', en: '' }],
    checksYaml: row.checks && row.checks.length > 0 ? toYaml(row.checks) : '',
    domains: row.domains,
    tags: row.tags.join(', '),
    supersedes: row.supersedes ?? '',
  };
}

/** Form values echoed back after a failed save, keeping what the editor typed. */
export function echoForm(form: Form) {
  const { content } = formToContent(form);
  return {
    ...content,
    themes: asText(form.themes),
    tags: asText(form.tags),
    parametersYaml: asText(form.parametersYaml),
    checksYaml: asText(form.checksYaml),
    supersedes: asText(form.supersedes),
    references: [...((content.references as unknown[]) ?? []), { source: '', section: '', note: { nb: '', en: '' } }],
    evidence: [...((content.evidence as unknown[]) ?? []), { nb: '', en: '' }],
  };
}

const ZOD_LOCALES: Record<Locale, ReturnType<typeof z.locales.en>> = { nb: z.locales.no(), en: z.locales.en() };

/** A field error worded in the page's language, which the error summary marks as such. */
export type LocalisedFieldError = FieldError & { lang: Locale };

/**
 * The problems of the machine checks typed into the editor, in the page's language: the
 * checks are validated with the schema the library's sync uses (`checksDeclarationSchema`),
 * and each problem names the entry, its field and what is wrong. None when they are valid.
 */
export function checksProblems(form: Form, locale: Locale, t: Translator): LocalisedFieldError[] {
  const typed = yamlField(asText(form.checksYaml).trim());
  if ('error' in typed) {
    const mark = typed.error instanceof YAMLException ? typed.error.mark : undefined;
    return [{ path: 'checks', message: t('library.edit.checksProblems.yaml', { line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 }), lang: locale }];
  }
  const parsed = checksDeclarationSchema.safeParse(typed.value, { error: ZOD_LOCALES[locale].localeError });
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const [index, ...field] = issue.path;
    const declared = issue.code === 'custom' ? (issue.params as { problem?: DeclarationProblem; rule?: string } | undefined) : undefined;
    const problem = declared?.problem ? t(`library.edit.checksProblems.${declared.problem}`, { rule: declared.rule, known: DECLARABLE_RULE_IDS.join(', ') }) : issue.message;
    const where = typeof index === 'number' ? t('library.edit.checksProblems.entry', { number: index + 1, field: field.join('.') || '–' }) : t('library.edit.checksProblems.list');
    return { path: 'checks', message: `${where}: ${problem}`, lang: locale };
  });
}

/** A form's problems with those of its machine checks worded in the page's language. */
export function withChecksProblems(errors: FieldError[], form: Form, locale: Locale, t: Translator): FieldError[] {
  const isChecks = (e: FieldError) => e.path === 'checks' || e.path.startsWith('checks.');
  if (!errors.some(isChecks)) return errors;
  const localised = checksProblems(form, locale, t);
  return localised.length > 0 ? [...errors.filter((e) => !isChecks(e)), ...localised] : errors;
}

/** Parameter values typed into a form arrive as text; numbers and lists get their type back. Empty means "use the default". */
export function coerceFormValues(parameters: Parameter[], raw: unknown): Record<string, unknown> {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const p of parameters) {
    const v = source[p.name];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (p.type === 'integer' || p.type === 'number') values[p.name] = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
    else if (p.type === 'choices') values[p.name] = Array.isArray(v) ? v : [v];
    else values[p.name] = Array.isArray(v) ? v[0] : v;
  }
  return values;
}

/** A form's problems as the schema's issues, so that validation names each field as the problem does. */
function reportProblems(ctx: z.RefinementCtx, problems: FieldError[]): void {
  for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path.split('.') });
}

/** The key typed into the form for a new item. */
export const typedKey = (form: Form) => (typeof form.key === 'string' ? form.key.trim() : '');

/** The form for a new item: its content, its key, and the organisation it is drafted in (needed when the editor edits for more than one). */
export const newItemForm = anyForm.transform((form, ctx) => {
  const { content, errors } = formToContent(form);
  const key = typedKey(form);
  const parsedKey = itemKeySchema.safeParse(key);
  const parsed = itemContentSchema.safeParse(content);
  const problems = [...errors, ...(parsedKey.success ? [] : fieldErrors(parsedKey.error, 'key')), ...(parsed.success ? [] : fieldErrors(parsed.error))];
  if (problems.length > 0 || !parsed.success) {
    reportProblems(ctx, problems);
    return z.NEVER;
  }
  const organisationId = typeof form.organisationId === 'string' && form.organisationId ? form.organisationId : undefined;
  return { ...parsed.data, key, organisationId };
});

/** The draft editor's form: the content, and the version (the draft's revision) the editor read. */
export const draftForm = anyForm.transform((form, ctx) => {
  const { content, errors } = formToContent(form);
  const parsed = itemContentSchema.safeParse(content);
  if (errors.length > 0 || !parsed.success) {
    reportProblems(ctx, [...errors, ...(parsed.success ? [] : fieldErrors(parsed.error))]);
    return z.NEVER;
  }
  const version = versionField.safeParse(form.version);
  if (!version.success) {
    reportProblems(ctx, [{ path: 'version', message: 'must be the version you read' }]);
    return z.NEVER;
  }
  return { ...parsed.data, version: version.data };
});

export const publishForm = z.object({
  level: z.enum(['major', 'minor', 'patch']),
  changeNote: z.object({ nb: z.string().trim().min(1, 'is required'), en: z.string().trim().min(1, 'is required') }),
  version: versionField,
});

/** Starting a draft: the organisation is chosen only by editors of more than one. */
export const startDraftForm = z.object({ organisationId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()) });

/** Deprecating an item: the replacing item's key, if any, in any case. */
export const deprecateForm = z.object({ replacedBy: z.preprocess((v) => (v === '' ? null : typeof v === 'string' ? v.trim().toUpperCase() : v), itemKeySchema.nullable()) });

/** The item page's query: the version to show and the values typed into the preview form. */
export const previewQuerySchema = versionQuerySchema.extend({ values: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional() });

/** The form for a new item: a requirement about export, every text empty. */
export const blankItemForm = () =>
  rowToForm({
    kind: 'requirement',
    category: 'export',
    type: 'A',
    weight: 10,
    themes: [],
    title: { nb: '', en: '' },
    text: { nb: '', en: '' },
    rationale: { nb: '', en: '' },
    responseGuidance: { nb: '', en: '' },
    parameters: [],
    references: [],
    verification: { method: 'document-review', text: { nb: '', en: '' } },
    evidence: [],
    domains: ['all'],
    tags: [],
    supersedes: null,
  });
