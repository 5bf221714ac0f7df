import { CORE_SCHEMA, load } from 'js-yaml';
import { toYaml } from './library.service';
import type { FieldError } from '../shared/errors';
import type { LibraryVersionRow } from './library.table';
import type { Parameter } from './library.schemas';

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

/**
 * Turns the draft editor's form fields into item content for the schema to check. Parameters
 * are edited as YAML, in the same shape as in the library files.
 */
export function formToContent(form: Form): { content: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let parameters: unknown = [];
  const parametersYaml = asText(form.parametersYaml).trim();
  if (parametersYaml) {
    try {
      parameters = load(parametersYaml, { schema: CORE_SCHEMA }) ?? [];
    } catch (error) {
      errors.push({ path: 'parameters', message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` });
    }
  }
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
    parameters,
    references,
    verification: { method: asText((form.verification as Record<string, unknown> | undefined)?.method), text: localised((form.verification as Record<string, unknown> | undefined)?.text) },
    evidence,
    domains: list(form.domains).map(asText),
    tags: words(form.tags),
    supersedes: asText(form.supersedes).trim() || null,
    changeNote: null,
  };
  return { content, errors };
}

/** The draft editor's initial values from a stored version. */
export function rowToForm(row: Pick<LibraryVersionRow, 'kind' | 'category' | 'type' | 'weight' | 'themes' | 'title' | 'text' | 'rationale' | 'responseGuidance' | 'parameters' | 'references' | 'verification' | 'evidence' | 'domains' | 'tags' | 'supersedes'>) {
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
    domains: row.domains,
    tags: row.tags.join(', '),
    supersedes: row.supersedes ?? '',
  };
}

/** Form values echoed back after a failed save, keeping what the editor typed. */
export function echoForm(form: Form, content: Record<string, unknown>) {
  return {
    ...content,
    themes: asText(form.themes),
    tags: asText(form.tags),
    parametersYaml: asText(form.parametersYaml),
    supersedes: asText(form.supersedes),
    references: [...((content.references as unknown[]) ?? []), { source: '', section: '', note: { nb: '', en: '' } }],
    evidence: [...((content.evidence as unknown[]) ?? []), { nb: '', en: '' }],
  };
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
