import { sql } from 'drizzle-orm';
import { check, customType, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/users.table';
import { organisations } from '../organisations/organisations.table';
import { answers } from '../assessments/assessments.table';
import { jobs, type JobError } from '../jobs/jobs.table';
import { productVersions } from '../vendors/vendors.table';
import { tenders } from '../tenders/tenders.table';
import type { CheckReport } from '../checks/checks.schemas';
import type { CheckDeclaration } from '../checks/rules.catalogue';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const CHECK_RUN_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type CheckRunState = (typeof CHECK_RUN_STATES)[number];

/** One declared rule of one requirement, as a run used it. */
export type RunCheck = { key: string; version: string } & CheckDeclaration;

/** The files a run read, as they were when it was asked for. */
export type RunFile = { name: string; bytes: number; sha256: string };

/**
 * One machine check of a set of files against the checks their requirements declare. Either for
 * an answer of a product version (the files are the answer's evidence) or for a tender's bidder
 * (the files are check uploads). A finished run (done or failed) is immutable: the trigger in
 * its migration refuses any change, so a re-run makes a new row.
 */
export const checkRuns = pgTable(
  'check_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    answerId: uuid('answer_id').references(() => answers.id, { onDelete: 'restrict' }),
    productVersionId: uuid('product_version_id').references(() => productVersions.id, { onDelete: 'restrict' }),
    tenderId: uuid('tender_id').references(() => tenders.id, { onDelete: 'restrict' }),
    bidder: text('bidder'),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    uploadIds: uuid('upload_ids').array().notNull().default(sql`'{}'::uuid[]`),
    requirementKeys: text('requirement_keys').array().notNull(),
    checks: jsonb('checks').$type<RunCheck[]>().notNull(),
    files: jsonb('files').$type<RunFile[]>().notNull(),
    ruleSetVersion: text('rule_set_version').notNull(),
    state: text('state').$type<CheckRunState>().notNull().default('queued'),
    report: jsonb('report').$type<CheckReport>(),
    error: jsonb('error').$type<JobError>(),
    jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    rerunOf: uuid('rerun_of'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('check_runs_answer_idx').on(t.answerId, t.createdAt),
    index('check_runs_product_version_idx').on(t.productVersionId, t.createdAt),
    index('check_runs_tender_idx').on(t.tenderId, t.createdAt),
    index('check_runs_organisation_idx').on(t.organisationId, t.createdAt),
    index('check_runs_created_idx').on(t.createdAt),
    check('check_runs_state_check', sql`${t.state} in ('queued', 'running', 'done', 'failed')`),
    check('check_runs_subject_check', sql`(${t.answerId} is not null and ${t.productVersionId} is not null) or ${t.tenderId} is not null`),
  ],
);

/** A file a procurement officer uploaded for a tender's bidder, to be checked; not an answer's evidence. */
export const checkUploads = pgTable(
  'check_uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    tenderId: uuid('tender_id')
      .notNull()
      .references(() => tenders.id, { onDelete: 'restrict' }),
    bidder: text('bidder').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('check_uploads_tender_idx').on(t.tenderId)],
);

export type CheckRunRow = typeof checkRuns.$inferSelect;
export type CheckUploadRow = typeof checkUploads.$inferSelect;
