import { z } from 'zod';
import { versionField } from '../shared/versioning';
import {
  CATEGORIES,
  DOMAINS,
  ITEM_KINDS,
  ITEM_STATUSES,
  LANGUAGES,
  REQUIREMENT_TYPES,
  SOURCE_KINDS,
  SSA_AGREEMENTS,
  SSA_ANNEXES,
  SSA_PRECEDENCE,
  THEME_COUNT,
  VERIFICATION_METHODS,
  VERIFICATION_PHASES,
} from './library.codes';
import { checksDeclarationSchema } from '../checks/rules.catalogue';

const trimmed = z.string().trim().min(1, 'must not be empty');

export const localisedTextSchema = z.strictObject({ nb: trimmed, en: trimmed });
export type LocalisedText = z.infer<typeof localisedTextSchema>;

export const itemKeySchema = z
  .string()
  .regex(/^[A-Z]{2,5}-[0-9]{3}$/, 'must look like EXP-001: 2-5 capital letters, a hyphen and three digits');

export const semverSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/, 'must be a semantic version such as 1.0.0');

const parameterName = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]*$/, 'must be camelCase letters and digits, starting with a lower-case letter');

const parameterBase = { name: parameterName, label: localisedTextSchema };

export const parameterSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      ...parameterBase,
      type: z.literal('integer'),
      default: z.number().int(),
      min: z.number().int().optional(),
      max: z.number().int().optional(),
    }),
    z.strictObject({
      ...parameterBase,
      type: z.literal('number'),
      default: z.number(),
      min: z.number().optional(),
      max: z.number().optional(),
    }),
    z.strictObject({
      ...parameterBase,
      type: z.literal('text'),
      default: localisedTextSchema,
      maxLength: z.number().int().positive().optional(),
    }),
    z.strictObject({
      ...parameterBase,
      type: z.literal('choice'),
      values: z.array(trimmed).min(2),
      default: trimmed,
    }),
    z.strictObject({
      ...parameterBase,
      type: z.literal('choices'),
      values: z.array(trimmed).min(2),
      default: z.array(trimmed).min(1),
    }),
  ])
  .superRefine((p, ctx) => {
    if ((p.type === 'integer' || p.type === 'number') && p.min !== undefined && p.max !== undefined && p.min > p.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'min must not be greater than max' });
    }
    if ((p.type === 'integer' || p.type === 'number') && ((p.min !== undefined && p.default < p.min) || (p.max !== undefined && p.default > p.max))) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'default must lie between min and max' });
    }
    if (p.type === 'choice' && !p.values.includes(p.default)) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: `default must be one of ${p.values.join(', ')}` });
    }
    if (p.type === 'choices') {
      const unknown = p.default.filter((v) => !p.values.includes(v));
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['default'], message: `unknown values ${unknown.join(', ')}` });
      }
    }
  });
export type Parameter = z.infer<typeof parameterSchema>;

export const referenceSchema = z.strictObject({
  source: z.string().regex(/^[a-z0-9-]+$/, 'must be a source id from requirements/sources.yaml'),
  section: trimmed,
  note: localisedTextSchema,
});
export type Reference = z.infer<typeof referenceSchema>;

/**
 * How the buyer checks an item. `phases` says when the check can be made; the library files
 * require it on every item's newest version (older versions predate the field).
 */
export const verificationSchema = z.strictObject({
  method: z.enum(VERIFICATION_METHODS),
  phases: z.array(z.enum(VERIFICATION_PHASES)).min(1, 'name at least one phase').optional(),
  text: localisedTextSchema,
});
export type Verification = z.infer<typeof verificationSchema>;

/** Where a clause goes in the state standard agreements (SSA) and how it ranks against their general terms. */
export const ssaAlignmentSchema = z.strictObject({
  agreements: z.array(z.enum(SSA_AGREEMENTS)).min(1, 'name at least one SSA'),
  annex: z.enum(SSA_ANNEXES),
  precedence: z.enum(SSA_PRECEDENCE),
  note: localisedTextSchema,
});
export type SsaAlignment = z.infer<typeof ssaAlignmentSchema>;

const itemShape = {
  key: itemKeySchema,
  version: semverSchema,
  status: z.enum(ITEM_STATUSES),
  kind: z.enum(ITEM_KINDS),
  category: z.enum(CATEGORIES),
  type: z.enum(REQUIREMENT_TYPES),
  weight: z.number().int().min(0).max(100),
  themes: z.array(z.number().int().min(1).max(THEME_COUNT)).min(1),
  title: localisedTextSchema,
  text: localisedTextSchema,
  rationale: localisedTextSchema,
  responseGuidance: localisedTextSchema,
  parameters: z.array(parameterSchema).default([]),
  references: z.array(referenceSchema).min(1, 'every item cites at least one source'),
  verification: verificationSchema,
  evidence: z.array(localisedTextSchema).min(1, 'name at least one piece of evidence'),
  /** The machine checks that verify the item from the vendor's files (server/checks/). */
  checks: checksDeclarationSchema.optional(),
  ssa: ssaAlignmentSchema.nullish(),
  domains: z.array(z.enum(DOMAINS)).min(1),
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'tags are lower-case words joined by hyphens')).default([]),
  supersedes: itemKeySchema.nullable().default(null),
  replacedBy: itemKeySchema.nullable().default(null),
  changeNote: localisedTextSchema.nullable().default(null),
};

type RefinableItem = {
  kind: string;
  parameters: { name: string }[];
  domains: string[];
  verification: { phases?: string[] | undefined };
  ssa?: { agreements: string[] } | null | undefined;
  key?: string;
  status?: string;
  replacedBy?: string | null;
};

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function refineItem(item: RefinableItem, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  item.parameters.forEach((p, i) => {
    if (names.has(p.name)) {
      ctx.addIssue({ code: 'custom', path: ['parameters', i, 'name'], message: `parameter ${p.name} is declared twice` });
    }
    names.add(p.name);
  });
  if (item.domains.includes('all') && item.domains.length > 1) {
    ctx.addIssue({ code: 'custom', path: ['domains'], message: '"all" cannot be combined with other domains' });
  }
  if (item.key && item.replacedBy === item.key) {
    ctx.addIssue({ code: 'custom', path: ['replacedBy'], message: 'an item cannot replace itself' });
  }
  for (const phase of duplicates(item.verification.phases ?? [])) {
    ctx.addIssue({ code: 'custom', path: ['verification', 'phases'], message: `phase ${phase} is named twice` });
  }
  if (item.ssa && item.kind === 'requirement') {
    ctx.addIssue({ code: 'custom', path: ['ssa'], message: 'a requirement always goes in the requirement specification; only a clause carries an SSA alignment' });
  }
  for (const agreement of duplicates(item.ssa?.agreements ?? [])) {
    ctx.addIssue({ code: 'custom', path: ['ssa', 'agreements'], message: `${agreement} is named twice` });
  }
}

/** One library item version as written in a YAML file under requirements/. */
export const itemFileSchema = z.strictObject(itemShape).superRefine(refineItem);

/** The editable content of an item: everything but its identity, version and status. */
const { key: _key, version: _version, status: _status, replacedBy: _replacedBy, ...contentShape } = itemShape;
export const itemContentSchema = z.strictObject(contentShape).superRefine(refineItem);
export type ItemContent = z.infer<typeof itemContentSchema>;
export const newItemSchema = z.strictObject({ ...contentShape, key: itemKeySchema }).superRefine(refineItem);
export type ItemFile = z.infer<typeof itemFileSchema>;
export type ItemFileInput = z.input<typeof itemFileSchema>;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * How items cite sections of a source: a regular expression every `references[].section` of
 * the source must match, and an example that shows the format to whoever gets it wrong.
 */
export const sectionFormatSchema = z
  .strictObject({
    pattern: trimmed.refine(compiles, 'must be a valid regular expression'),
    example: trimmed,
  })
  .superRefine((format, ctx) => {
    if (compiles(format.pattern) && !new RegExp(format.pattern, 'u').test(format.example)) {
      ctx.addIssue({ code: 'custom', path: ['example'], message: `does not match the pattern ${format.pattern}` });
    }
  });
export type SectionFormat = z.infer<typeof sectionFormatSchema>;

export const sourceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: trimmed,
  publisher: trimmed,
  url: z.url(),
  kind: z.enum(SOURCE_KINDS),
  sectionFormat: sectionFormatSchema.optional(),
});
export type Source = z.infer<typeof sourceSchema>;

export const sourcesFileSchema = z.array(sourceSchema).min(1);

export const PACK_MINIMUM_ITEMS = 8;

/**
 * A sector pack: a named selection of library items for one domain that a buyer can add to a
 * tender in one go. Written as `requirements/packs/<key>.yaml`.
 */
export const packKeySchema = z.string().max(100).regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens, such as health-care');

export const packFileSchema = z.strictObject({
  key: packKeySchema,
  title: localisedTextSchema,
  description: localisedTextSchema,
  domain: z.enum(DOMAINS).refine((d) => d !== 'all', 'must be one domain, not "all"'),
  items: z
    .array(itemKeySchema)
    .min(PACK_MINIMUM_ITEMS, `a pack holds at least ${PACK_MINIMUM_ITEMS} items`)
    .superRefine((keys, ctx) => {
      for (const key of duplicates(keys)) ctx.addIssue({ code: 'custom', message: `${key} is listed twice` });
    }),
});
export type PackFile = z.infer<typeof packFileSchema>;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const librarySearchQuerySchema = z.strictObject({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200, 'must be at most 200 characters').optional()),
  kind: z.preprocess(emptyToUndefined, z.enum(ITEM_KINDS).optional()),
  category: z.preprocess(emptyToUndefined, z.enum(CATEGORIES).optional()),
  type: z.preprocess(emptyToUndefined, z.enum(REQUIREMENT_TYPES).optional()),
  domain: z.preprocess(emptyToUndefined, z.enum(DOMAINS).optional()),
  status: z.preprocess(emptyToUndefined, z.enum(ITEM_STATUSES).optional()),
  source: z.preprocess(emptyToUndefined, z.string().regex(/^[a-z0-9-]+$/, 'must be a source id').max(100).optional()),
  theme: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(THEME_COUNT).optional()),
  pack: z.preprocess(emptyToUndefined, packKeySchema.optional()),
  sort: z.preprocess(emptyToUndefined, z.enum(['relevance', 'key', 'title', 'category', 'updated']).optional()),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});
export type LibrarySearchQuery = z.infer<typeof librarySearchQuerySchema>;

export const itemKeyParams = z.strictObject({ key: itemKeySchema });
export const packKeyParams = z.strictObject({ pack: packKeySchema });
export const draftIdParams = z.strictObject({ draftId: z.uuid('must be a draft id') });
export const versionQuerySchema = z.strictObject({ version: z.preprocess(emptyToUndefined, semverSchema.optional()) });
export const diffQuerySchema = z.strictObject({ from: semverSchema, to: semverSchema });

export const draftCreateSchema = z.strictObject({ organisationId: z.uuid('must be an organisation id').optional() });
export const newItemBodySchema = z.strictObject({ ...contentShape, key: itemKeySchema, organisationId: z.uuid('must be an organisation id').optional() }).superRefine(refineItem);
/** Saving a draft: its content and the version read, which is the draft's `revision` (its ETag). */
export const draftUpdateSchema = z.strictObject({ ...contentShape, version: versionField }).superRefine(refineItem);
export const publishSchema = z.strictObject({
  level: z.enum(['major', 'minor', 'patch']),
  changeNote: localisedTextSchema,
  version: versionField,
});
export const deprecateSchema = z.strictObject({ replacedBy: itemKeySchema.nullable().optional() });
export const renderSchema = z.strictObject({
  key: itemKeySchema,
  version: semverSchema.optional(),
  values: z.record(z.string(), z.unknown()).default({}),
  languages: z.array(z.enum(LANGUAGES)).min(1).optional(),
});

export const librarySummarySchema = z
  .object({
    key: z.string(),
    version: z.string().nullable(),
    status: z.enum(ITEM_STATUSES),
    kind: z.enum(ITEM_KINDS),
    type: z.enum(REQUIREMENT_TYPES),
    category: z.enum(CATEGORIES),
    weight: z.number(),
    title: localisedTextSchema,
    domains: z.array(z.string()),
    themes: z.array(z.number()),
    sources: z.array(z.string()),
    draftId: z.uuid().nullable(),
  })
  .meta({ id: 'LibraryItemSummary' });

export const libraryVersionSchema = z
  .object({
    key: z.string(),
    version: z.string().nullable(),
    status: z.enum(ITEM_STATUSES),
    kind: z.enum(ITEM_KINDS),
    category: z.enum(CATEGORIES),
    type: z.enum(REQUIREMENT_TYPES),
    weight: z.number(),
    themes: z.array(z.number()),
    title: localisedTextSchema,
    text: localisedTextSchema,
    rationale: localisedTextSchema,
    responseGuidance: localisedTextSchema,
    parameters: z.array(z.record(z.string(), z.unknown())),
    references: z.array(z.object({ source: z.string(), section: z.string(), note: localisedTextSchema })),
    verification: z.object({ method: z.enum(VERIFICATION_METHODS), phases: z.array(z.enum(VERIFICATION_PHASES)).optional(), text: localisedTextSchema }),
    evidence: z.array(localisedTextSchema),
    checks: z.array(z.object({ rule: z.string(), params: z.record(z.string(), z.unknown()) })).optional(),
    ssa: z.object({ agreements: z.array(z.enum(SSA_AGREEMENTS)), annex: z.enum(SSA_ANNEXES), precedence: z.enum(SSA_PRECEDENCE), note: localisedTextSchema }).optional(),
    domains: z.array(z.string()),
    tags: z.array(z.string()),
    supersedes: z.string().nullable(),
    replacedBy: z.string().nullable(),
    changeNote: localisedTextSchema.nullable(),
    publishedAt: z.string().nullable(),
    draft: z.object({ id: z.uuid(), revision: z.number(), baseVersion: z.string().nullable(), organisationId: z.uuid().nullable() }).nullable(),
  })
  .meta({ id: 'LibraryItemVersion' });
