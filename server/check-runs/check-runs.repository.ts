import { and, count, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { evidenceFiles } from '../assessments/assessments.table';
import { jobs, type JobError, type JobRow } from '../jobs/jobs.table';
import type { CheckReport } from '../checks/checks.schemas';
import { checkRuns, checkUploads, type CheckRunRow, type CheckRunState, type CheckUploadRow } from './check-runs.table';

export type CheckRunFilter = { answerId?: string | undefined; productVersionId?: string | undefined; requirementKey?: string | undefined; tenderId?: string | undefined; organisationIds?: string[] | undefined };
export type CheckRunWithJob = CheckRunRow & { job: Pick<JobRow, 'state' | 'progress' | 'error' | 'attempts'> | null };
export type UploadMeta = Omit<CheckUploadRow, 'content'>;

const uploadMeta = {
  id: checkUploads.id,
  organisationId: checkUploads.organisationId,
  tenderId: checkUploads.tenderId,
  bidder: checkUploads.bidder,
  filename: checkUploads.filename,
  contentType: checkUploads.contentType,
  size: checkUploads.size,
  sha256: checkUploads.sha256,
  uploadedBy: checkUploads.uploadedBy,
  createdAt: checkUploads.createdAt,
};

function where(filter: CheckRunFilter): SQL | undefined {
  const parts: SQL[] = [];
  if (filter.answerId) parts.push(eq(checkRuns.answerId, filter.answerId));
  if (filter.productVersionId) parts.push(eq(checkRuns.productVersionId, filter.productVersionId));
  if (filter.requirementKey) parts.push(sql`${filter.requirementKey} = any(${checkRuns.requirementKeys})`);
  if (filter.tenderId) parts.push(eq(checkRuns.tenderId, filter.tenderId));
  if (filter.organisationIds) parts.push(filter.organisationIds.length > 0 ? inArray(checkRuns.organisationId, filter.organisationIds) : sql`false`);
  return parts.length > 0 ? and(...parts) : undefined;
}

export function createCheckRunsRepository() {
  return {
    async insertRun(db: Database, values: typeof checkRuns.$inferInsert): Promise<CheckRunRow> {
      const [row] = await db.insert(checkRuns).values(values).returning();
      return row as CheckRunRow;
    },

    async findRun(db: Database, id: string): Promise<CheckRunWithJob | undefined> {
      const [row] = await db
        .select({ run: checkRuns, job: { state: jobs.state, progress: jobs.progress, error: jobs.error, attempts: jobs.attempts } })
        .from(checkRuns)
        .leftJoin(jobs, eq(jobs.id, checkRuns.jobId))
        .where(eq(checkRuns.id, id));
      return row ? { ...row.run, job: row.job } : undefined;
    },

    /** Runs newest first, with the state of their jobs. */
    async listRuns(db: Database, filter: CheckRunFilter, page: { limit: number; offset: number }): Promise<{ rows: CheckRunWithJob[]; total: number }> {
      const condition = where(filter);
      const [rows, [total]] = await Promise.all([
        db
          .select({ run: checkRuns, job: { state: jobs.state, progress: jobs.progress, error: jobs.error, attempts: jobs.attempts } })
          .from(checkRuns)
          .leftJoin(jobs, eq(jobs.id, checkRuns.jobId))
          .where(condition)
          .orderBy(desc(checkRuns.createdAt), desc(checkRuns.id))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ value: count() }).from(checkRuns).where(condition),
      ]);
      return { rows: rows.map((r) => ({ ...r.run, job: r.job })), total: total?.value ?? 0 };
    },

    /** Marks a queued run as running; a finished run is left alone (the database refuses changes to it). */
    /** Runs waiting or running with no job: those an import brought in, since jobs are not exported. */
    async waitingWithoutJob(db: Database): Promise<string[]> {
      const rows = await db.select({ id: checkRuns.id }).from(checkRuns).where(and(isNull(checkRuns.jobId), inArray(checkRuns.state, ['queued', 'running'])));
      return rows.map((r) => r.id);
    },

    async attachJob(db: Database, id: string, jobId: string): Promise<void> {
      await db.update(checkRuns).set({ jobId, state: 'queued' }).where(eq(checkRuns.id, id));
    },

    async markRunning(db: Database, id: string): Promise<void> {
      await db.update(checkRuns).set({ state: 'running' }).where(and(eq(checkRuns.id, id), inArray(checkRuns.state, ['queued', 'running'])));
    },

    async finish(db: Database, id: string, outcome: { state: Extract<CheckRunState, 'done' | 'failed'>; report: CheckReport | null; error: JobError | null }): Promise<CheckRunRow | undefined> {
      const [row] = await db
        .update(checkRuns)
        .set({ state: outcome.state, report: outcome.report, error: outcome.error, finishedAt: sql`now()` })
        .where(and(eq(checkRuns.id, id), inArray(checkRuns.state, ['queued', 'running'])))
        .returning();
      return row;
    },

    async evidenceContents(db: Database, ids: string[]): Promise<{ id: string; filename: string; sha256: string; content: Buffer }[]> {
      if (ids.length === 0) return [];
      return db.select({ id: evidenceFiles.id, filename: evidenceFiles.filename, sha256: evidenceFiles.sha256, content: evidenceFiles.content }).from(evidenceFiles).where(inArray(evidenceFiles.id, ids));
    },

    async uploadContents(db: Database, ids: string[]): Promise<{ id: string; filename: string; sha256: string; content: Buffer }[]> {
      if (ids.length === 0) return [];
      return db.select({ id: checkUploads.id, filename: checkUploads.filename, sha256: checkUploads.sha256, content: checkUploads.content }).from(checkUploads).where(inArray(checkUploads.id, ids));
    },

    async insertUploads(db: Database, values: (typeof checkUploads.$inferInsert)[]): Promise<UploadMeta[]> {
      if (values.length === 0) return [];
      return db.insert(checkUploads).values(values).returning(uploadMeta);
    },

    /**
     * The newest finished run of each (product version, requirement key) among the given product
     * versions, for marking the cells that a passing machine check backs.
     */
    async newestFinishedByRequirement(db: Database, productVersionIds: string[]): Promise<{ productVersionId: string; key: string; state: CheckRunState; outcome: string | null; runId: string }[]> {
      if (productVersionIds.length === 0) return [];
      const result = await db.execute(sql`
        select distinct on (r.product_version_id, k.key) r.product_version_id, k.key, r.state, r.report->'summary'->>'outcome' as outcome, r.id
        from ${checkRuns} r cross join lateral unnest(r.requirement_keys) as k(key)
        where r.product_version_id = any(${sql.param(productVersionIds)}::uuid[]) and r.state in ('done', 'failed')
        order by r.product_version_id, k.key, r.created_at desc, r.id desc`);
      return ((result as { rows: unknown[] }).rows as { product_version_id: string; key: string; state: CheckRunState; outcome: string | null; id: string }[]).map((r) => ({ productVersionId: r.product_version_id, key: r.key, state: r.state, outcome: r.outcome, runId: r.id }));
    },
  };
}

export type CheckRunsRepository = ReturnType<typeof createCheckRunsRepository>;
