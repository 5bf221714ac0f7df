import { z } from 'zod';
import { CATEGORIES, DOMAINS, THEME_COUNT } from '../library/library.codes';

/** A multipart field sent once, repeated, or as a comma-separated list: always a list. */
const list = (value: unknown) => (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value);

/** The fields that come with a bank imported into the library (multipart, beside the file). */
export const libraryImportSchema = z.strictObject({
  keyPrefix: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().regex(/^[A-Z]{2,5}$/, 'must be 2-5 capital letters, such as KRB').default('KRB')),
  category: z.enum(CATEGORIES, 'choose the category the imported items go in'),
  themes: z.preprocess(list, z.array(z.coerce.number().int().min(1).max(THEME_COUNT)).min(1, 'choose at least one theme')),
  domains: z.preprocess((v) => list(v ?? ['all']), z.array(z.enum(DOMAINS)).min(1, 'choose at least one domain')).refine((d) => !(d.includes('all') && d.length > 1), '"all" cannot be combined with other domains'),
  organisationId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid('must be an organisation id').optional()),
});
export type LibraryImportInput = z.infer<typeof libraryImportSchema>;

const notMapped = z.object({ path: z.string(), code: z.enum(['info-variant', 'products', 'points', 'not-chosen', 'no-text', 'nested-codes']), name: z.string() });

export const libraryImportResultSchema = z.object({
  bank: z.string(),
  drafts: z.array(z.object({ key: z.string(), draftId: z.string(), title: z.string(), section: z.string(), path: z.string() })),
  alreadyInLibrary: z.array(z.object({ key: z.string(), version: z.string(), path: z.string() })),
  notMapped: z.array(notMapped),
});

export const tenderImportResultSchema = z.object({ bank: z.string(), sections: z.array(z.string()), added: z.array(z.string()), skipped: z.array(z.string()), notMapped: z.array(notMapped) });

/** A bank imported into a tender carries only its file: any other field is refused by name. */
export const tenderImportSchema = z.strictObject({});

export const exportQuerySchema = z.strictObject({ revision: z.coerce.number().int().min(1).optional() });
