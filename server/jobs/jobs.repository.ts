import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { jobs, type JobError, type JobRow } from './jobs.table';

export type NewJob = { kind: string; payload: Record<string, unknown>; maxAttempts?: number; runAfter?: Date };

/** A moment `ms` after the database's now: the database's clock, so every instance means the same time. */
const fromNow = (ms: number) => sql`now() + (${Math.max(1, Math.round(ms))}::integer * interval '1 millisecond')`;

export function createJobsRepository() {
  return {
    /** Queues a job with the given executor: normally the transaction of the change that asks for it. */
    async insert(db: Database, job: NewJob): Promise<JobRow> {
      const [row] = await db
        .insert(jobs)
        .values({ kind: job.kind, payload: job.payload, ...(job.maxAttempts ? { maxAttempts: job.maxAttempts } : {}), ...(job.runAfter ? { runAfter: job.runAfter } : {}) })
        .returning();
      return row as JobRow;
    },

    async find(db: Database, id: string): Promise<JobRow | null> {
      const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
      return row ?? null;
    },

    /**
     * Takes the oldest queued job of the given kinds that is due. `SKIP LOCKED` lets instances
     * claim side by side: a row another instance is claiming is passed over, never taken twice.
     */
    async claim(db: Database, claim: { kinds: string[]; instanceId: string; leaseMs: number }): Promise<JobRow | null> {
      if (claim.kinds.length === 0) return null;
      const next = db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.state, 'queued'), inArray(jobs.kind, claim.kinds), lte(jobs.runAfter, sql`now()`)))
        .orderBy(jobs.runAfter, jobs.createdAt)
        .limit(1)
        .for('update', { skipLocked: true });
      const [row] = await db
        .update(jobs)
        .set({
          state: 'running',
          attempts: sql`${jobs.attempts} + 1`,
          claimedBy: claim.instanceId,
          claimToken: sql`gen_random_uuid()`,
          leaseExpiresAt: fromNow(claim.leaseMs),
          progress: 0,
          startedAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(jobs.id, sql`(${next})`), eq(jobs.state, 'queued')))
        .returning();
      return row ?? null;
    },

    /** Extends the lease (and records progress) while the claim is still this runner's. */
    async renew(db: Database, id: string, token: string, leaseMs: number, progress?: number): Promise<boolean> {
      const rows = await db
        .update(jobs)
        .set({ leaseExpiresAt: fromNow(leaseMs), updatedAt: sql`now()`, ...(progress === undefined ? {} : { progress }) })
        .where(and(eq(jobs.id, id), eq(jobs.claimToken, token), eq(jobs.state, 'running')))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    async complete(db: Database, id: string, token: string, result: Record<string, unknown> | null): Promise<boolean> {
      const rows = await db
        .update(jobs)
        .set({ state: 'done', progress: 100, result, error: null, claimToken: null, leaseExpiresAt: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(jobs.id, id), eq(jobs.claimToken, token), eq(jobs.state, 'running')))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    /** Records a failure: queued again after a delay while attempts are left and a retry makes sense, failed otherwise. */
    async fail(db: Database, id: string, token: string, error: JobError, retry: { allowed: boolean; delayMs: number }): Promise<JobRow | null> {
      const again = sql`${retry.allowed} and ${jobs.attempts} < ${jobs.maxAttempts}`;
      const [row] = await db
        .update(jobs)
        .set({
          state: sql`case when ${again} then 'queued' else 'failed' end`,
          error,
          claimToken: null,
          claimedBy: null,
          leaseExpiresAt: null,
          runAfter: sql`case when ${again} then ${fromNow(retry.delayMs)} else ${jobs.runAfter} end`,
          finishedAt: sql`case when ${again} then null else now() end`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(jobs.id, id), eq(jobs.claimToken, token), eq(jobs.state, 'running')))
        .returning();
      return row ?? null;
    },

    /** Jobs whose runner stopped renewing its lease (a dead instance): queued again, or failed when no attempt is left. */
    async recoverExpired(db: Database): Promise<JobRow[]> {
      const exhausted = sql`${jobs.attempts} >= ${jobs.maxAttempts}`;
      const error: JobError = { code: 'jobs.lease_expired', message: 'The instance running the job stopped renewing its lease (it stopped or lost the database).' };
      return db
        .update(jobs)
        .set({
          state: sql`case when ${exhausted} then 'failed' else 'queued' end`,
          error,
          claimToken: null,
          claimedBy: null,
          leaseExpiresAt: null,
          finishedAt: sql`case when ${exhausted} then now() else null end`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(jobs.state, 'running'), lte(jobs.leaseExpiresAt, sql`now()`)))
        .returning();
    },
  };
}

export type JobsRepository = ReturnType<typeof createJobsRepository>;
