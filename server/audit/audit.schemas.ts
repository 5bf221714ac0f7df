import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = (max: number) => z.preprocess(emptyToUndefined, z.string().trim().max(max).optional());
const optionalDate = z.preprocess(emptyToUndefined, z.coerce.date({ error: 'must be a date such as 2026-01-31' }).optional());

export const auditQuerySchema = z.strictObject({
  organisationId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()),
  action: optionalText(100),
  entityType: optionalText(100),
  entityId: optionalText(200),
  actor: optionalText(254),
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditEntrySchema = z
  .object({
    id: z.number(),
    occurredAt: z.string(),
    actorUserId: z.uuid().nullable(),
    actorEmail: z.string().nullable(),
    organisationId: z.uuid().nullable(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});

export const auditVerifyQuerySchema = z.strictObject({
  organisationId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()),
});
export type AuditVerifyQuery = z.infer<typeof auditVerifyQuerySchema>;

const chainBreakSchema = z
  .object({
    entryId: z.number(),
    chainSeq: z.number().nullable(),
    reason: z.enum(['not_chained', 'wrong_chain', 'entry_missing', 'link_broken', 'content_changed']),
    message: z.string(),
  })
  .meta({ id: 'AuditChainBreak' });

export const auditVerificationSchema = z
  .object({
    valid: z.boolean(),
    entries: z.number(),
    firstBreak: chainBreakSchema.nullable(),
    chains: z.array(
      z.object({
        chain: z.string(),
        entries: z.number(),
        head: z.object({ chainSeq: z.number(), entryHash: z.string() }).nullable(),
        valid: z.boolean(),
        firstBreak: chainBreakSchema.nullable(),
      }),
    ),
  })
  .meta({ id: 'AuditVerification' });
