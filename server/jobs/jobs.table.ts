import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export type JobError = { code: string; message: string };

/**
 * Background work that survives restarts and is shared by every app instance on one database.
 * A runner claims a queued job with `FOR UPDATE SKIP LOCKED` and holds it by a lease that it
 * renews while it works (`leaseExpiresAt`); `claimToken` is new on every claim, so a runner
 * whose lease ran out can no longer write the job's outcome. A job whose lease ran out is queued
 * again, or failed once its attempts are used up: never lost silently.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    state: text('state').$type<JobState>().notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    claimedBy: text('claimed_by'),
    claimToken: uuid('claim_token'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: jsonb('error').$type<JobError>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('jobs_queued_idx').on(t.kind, t.runAfter).where(sql`${t.state} = 'queued'`),
    index('jobs_running_lease_idx').on(t.leaseExpiresAt).where(sql`${t.state} = 'running'`),
    check('jobs_state_check', sql`${t.state} in ('queued', 'running', 'done', 'failed')`),
    check('jobs_progress_check', sql`${t.progress} between 0 and 100`),
    check('jobs_attempts_check', sql`${t.maxAttempts} >= 1 and ${t.attempts} >= 0`),
  ],
);

export type JobRow = typeof jobs.$inferSelect;
