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
    scope: z.enum(['installation']),
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
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'Import' });
