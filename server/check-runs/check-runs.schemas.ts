import { z } from 'zod';
import { checkReportSchema } from '../checks/checks.schemas';
import { CHECK_RUN_STATES } from './check-runs.table';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalId = (message: string) => z.preprocess(emptyToUndefined, z.uuid(message).optional());

export const checkRunParams = z.strictObject({ checkRunId: z.uuid('must be a check run id') });
export const tenderCheckParams = z.strictObject({ tenderId: z.uuid('must be a tender id') });

export const checkRunListQuerySchema = z.strictObject({
  answerId: optionalId('must be an answer id'),
  productVersionId: optionalId('must be a product version id'),
  tenderId: optionalId('must be a tender id'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type CheckRunListQuery = z.infer<typeof checkRunListQuerySchema>;

/** The multipart fields of a bidder's files (the files themselves are `files`). */
export const tenderCheckFormSchema = z.strictObject({
  bidder: z.string().trim().min(1, 'name the bidder').max(200, 'must be at most 200 characters'),
});

export const emptyFormSchema = z.strictObject({});

const errorSchema = z.object({ code: z.string(), message: z.string() });

export const checkRunStatusSchema = z
  .object({
    id: z.uuid(),
    state: z.enum(CHECK_RUN_STATES),
    progress: z.number().int().min(0).max(100).describe('Whole percent; 100 when done'),
    outcome: z.enum(['pass', 'fail', 'not_applicable']).nullable().describe('The report\'s overall outcome, once done'),
    error: errorSchema.nullable(),
  })
  .meta({ id: 'CheckRunStatus' });

export const checkRunSchema = z
  .object({
    id: z.uuid(),
    state: z.enum(CHECK_RUN_STATES),
    progress: z.number().int().min(0).max(100),
    outcome: z.enum(['pass', 'fail', 'not_applicable']).nullable(),
    error: errorSchema.nullable(),
    answerId: z.uuid().nullable(),
    productVersionId: z.uuid().nullable(),
    tenderId: z.uuid().nullable(),
    bidder: z.string().nullable(),
    requirementKeys: z.array(z.string()),
    checks: z.array(z.object({ key: z.string(), version: z.string(), rule: z.string(), params: z.record(z.string(), z.unknown()) })),
    files: z.array(z.object({ name: z.string(), bytes: z.number(), sha256: z.string() })),
    ruleSetVersion: z.string().describe('The rule set version the run was asked under'),
    currentRuleSetVersion: z.string().describe('Today\'s rule set version; a report under an older one can be run again'),
    rerunOf: z.uuid().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    report: checkReportSchema.nullable(),
  })
  .meta({ id: 'CheckRun' });

export const checkRunSummarySchema = checkRunSchema.omit({ report: true, checks: true }).meta({ id: 'CheckRunSummary' });

export const checkRunPageSchema = z.object({
  items: z.array(checkRunSummarySchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
