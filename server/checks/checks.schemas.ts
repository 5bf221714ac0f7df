import { z } from 'zod';

/**
 * The shapes that leave the check engine: the report (stored immutable and served by the API),
 * its findings, and the request a caller hands to the engine. Everything here is plain data so
 * that it crosses the worker-thread boundary and the database unchanged.
 */

export const messageSchema = z.strictObject({ nb: z.string().min(1), en: z.string().min(1) });
export type Message = z.infer<typeof messageSchema>;

export const OUTCOMES = ['pass', 'fail', 'not_applicable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Where a finding points. `file` is the uploaded file's name; `entry` the path inside a zip.
 * The rest say where in that file, as fits its format: a JSON pointer (OpenAPI, JSON), a line
 * and column (parse errors), a data row and field (CSV), an XPath (XML), a byte offset.
 */
export const locationSchema = z.strictObject({
  file: z.string(),
  entry: z.string().optional(),
  pointer: z.string().optional(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  row: z.number().int().positive().optional(),
  field: z.string().optional(),
  xpath: z.string().optional(),
  byte: z.number().int().nonnegative().optional(),
});
export type Location = z.infer<typeof locationSchema>;

/**
 * One observation of one rule. `level: 'recommended'` marks advice (RFC 9457 error bodies, for
 * example): reported, but a failing recommendation does not fail the rule.
 */
export const findingSchema = z.strictObject({
  rule: z.string(),
  ruleVersion: z.string(),
  outcome: z.enum(OUTCOMES),
  level: z.enum(['required', 'recommended']),
  location: locationSchema.nullable(),
  message: messageSchema,
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const FILE_FORMATS = ['openapi', 'json-schema', 'xsd', 'data-model', 'csv', 'json', 'jsonl', 'xml', 'zip', 'other'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const fileRecordSchema = z.strictObject({
  name: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  format: z.enum(FILE_FORMATS).nullable(),
  entries: z
    .array(z.strictObject({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(), format: z.enum(FILE_FORMATS).nullable() }))
    .optional(),
});
export type FileRecord = z.infer<typeof fileRecordSchema>;

export const ruleResultSchema = z.strictObject({
  rule: z.string(),
  version: z.string(),
  params: z.record(z.string(), z.unknown()),
  outcome: z.enum(OUTCOMES),
  counts: z.strictObject({ pass: z.number().int(), fail: z.number().int(), notApplicable: z.number().int() }),
});
export type RuleResult = z.infer<typeof ruleResultSchema>;

export const STOP_REASONS = ['time_budget', 'memory_budget', 'crashed'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const checkReportSchema = z.strictObject({
  format: z.literal('datakrav-check-report'),
  formatVersion: z.literal(1),
  ruleSet: z.strictObject({ version: z.string() }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  files: z.array(fileRecordSchema),
  rules: z.array(ruleResultSchema),
  findings: z.array(findingSchema),
  /** Set when the check did not run to its end: the worker exceeded its time or memory budget. */
  stopped: z.strictObject({ reason: z.enum(STOP_REASONS), message: messageSchema }).nullable(),
  summary: z.strictObject({
    outcome: z.enum(OUTCOMES),
    rules: z.strictObject({ pass: z.number().int(), fail: z.number().int(), notApplicable: z.number().int() }),
    findings: z.strictObject({ pass: z.number().int(), fail: z.number().int(), notApplicable: z.number().int() }),
  }),
});
export type CheckReport = z.infer<typeof checkReportSchema>;

/** A file handed to the engine: its name as uploaded, its bytes, and their SHA-256 when the caller has it already. */
export type CheckFile = { name: string; bytes: Uint8Array; sha256?: string };
