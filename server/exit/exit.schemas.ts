import { z } from 'zod';

export const exportRequestSchema = z.strictObject({
  scope: z.enum(['installation', 'organisation']),
  organisationId: z.uuid('must be an organisation id').optional(),
});
export type ExportRequest = z.infer<typeof exportRequestSchema>;

export const exportIdParams = z.strictObject({ exportId: z.uuid('must be an export id') });

export const exportStatusSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(['installation', 'organisation']),
    organisationId: z.uuid().nullable(),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    progress: z.number(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    sha256: z.string().nullable(),
    bytes: z.number().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    downloadUrl: z.string().nullable(),
  })
  .meta({ id: 'Export' });

/** An import's form fields besides the file: none. */
export const importUploadSchema = z.strictObject({});

export const importIdParams = z.strictObject({ importId: z.uuid('must be an import id') });

export const importStatusSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(['installation', 'organisation']),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    progress: z.number(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    sha256: z.string(),
    formatVersion: z.number(),
    importing: z
      .object({ entity: z.string(), rowsDone: z.number(), rowsTotal: z.number() })
      .nullable()
      .describe('While the import runs: the entity being written, and the rows written of all the export holds (null when not running, or when another instance runs it)'),
    rows: z.record(z.string(), z.number()).nullable(),
    organisation: z.object({ id: z.uuid(), name: z.string(), url: z.string() }).nullable().describe('The organisation an organisation export was imported as'),
    matched: z.record(z.string(), z.number()).nullable().describe('Rows that already existed here and that imported rows point to (accounts by e-mail, library versions by key and version)'),
    leftOut: z.array(z.object({ entity: z.string(), rows: z.number(), reason: z.string() })).nullable().describe('Rows of an organisation export not imported, with why'),
    cleared: z.array(z.object({ entity: z.string(), column: z.string(), rows: z.number(), reason: z.string() })).nullable().describe('References cleared because they pointed to rows not imported'),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'Import' });
