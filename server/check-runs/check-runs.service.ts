import { createHash, randomUUID } from 'node:crypto';
import { membershipIn, SYSTEM_AUDIT, type Actor, type AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { AssessmentsRepository, EvidenceMeta } from '../assessments/assessments.repository';
import { assessingMemberships, canSeeProduct } from '../assessments/assessments.access';
import type { AnswerRow } from '../assessments/assessments.table';
import { checkEvidenceFile } from '../assessments/evidence-files';
import type { CheckPool } from '../checks/checks.pool';
import { RULE_SET_VERSION } from '../checks/rules.catalogue';
import type { LibraryRepository } from '../library/library.repository';
import type { LibraryVersionRow } from '../library/library.table';
import type { JobQueue } from '../jobs/jobs.service';
import { JobFailure, type JobContext, type JobHandler } from '../jobs/job-runner';
import type { JobRow } from '../jobs/jobs.table';
import type { TendersService } from '../tenders/tenders.service';
import { bidderRequired, checkFilesMissing, checkRunNotFinished, checkRunNotFound, checkRunRerunRefused, noCheckableFiles, noChecksDeclared, tenderCheckerRequired } from './check-runs.errors';
import type { CheckRunFilter, CheckRunsRepository, CheckRunWithJob } from './check-runs.repository';
import type { CheckRunRow, RunCheck, RunFile } from './check-runs.table';

export const CHECK_JOB_KIND = 'checks.run';

/** File types the checks read; the others (PDF, images, office documents) are evidence for people only. */
const CHECKABLE = /\.(json|ya?ml|csv|xml|xsd|zip|txt|jsonl|ndjson)$/i;

export type UploadedFile = { originalname: string; buffer: Buffer };

export type CheckRunsServiceDeps = {
  db: Database;
  repository: CheckRunsRepository;
  assessmentsRepository: AssessmentsRepository;
  libraryRepository: LibraryRepository;
  auditRepository: AuditRepository;
  queue: JobQueue;
  tenders: Pick<TendersService, 'view'>;
  /** The worker pool, made when the first check runs. */
  pool: () => CheckPool;
};

/** The declared checks of library versions, each tagged with the requirement that asks for it. */
function checksOf(versions: Pick<LibraryVersionRow, 'key' | 'version' | 'checks'>[]): RunCheck[] {
  return versions.flatMap((v) => v.checks.map((c) => ({ ...c, key: v.key, version: v.version ?? '' }) as RunCheck));
}

/** One declaration per rule for the engine: the first requirement's parameters win, the others share its findings. */
function engineChecks(checks: RunCheck[]) {
  const byRule = new Map<string, RunCheck>();
  for (const c of checks) if (!byRule.has(c.rule)) byRule.set(c.rule, c);
  return [...byRule.values()].map(({ key: _key, version: _version, ...declaration }) => declaration);
}

/**
 * Machine checks as evidence: a run of the check engine over a vendor's evidence files (or a
 * tender bidder's files) against the checks their requirements declare, queued as a job, its
 * report stored immutable, every step audited with the files' SHA-256.
 */
export function createCheckRunsService(deps: CheckRunsServiceDeps) {
  const { db, repository: repo, assessmentsRepository: assessments, libraryRepository: library, auditRepository: audit, queue } = deps;

  /** Whether the actor may see a run: the product's viewers for an answer's run, the tender's buyers for a bidder's. */
  async function canSee(actor: Actor, run: CheckRunRow): Promise<boolean> {
    if (run.productVersionId) {
      const pv = await assessments.findProductVersion(db, run.productVersionId);
      return Boolean(pv && canSeeProduct(actor, pv.product));
    }
    if (run.tenderId) {
      try {
        return (await deps.tenders.view(actor, run.tenderId)).access.isBuyer;
      } catch {
        return false;
      }
    }
    return false;
  }

  /** Assessors of any buyer or council, and the organisation that asked for the run (a tender's buyer). */
  const mayRerun = (actor: Actor, run: CheckRunRow) => actor.isAdmin || assessingMemberships(actor).length > 0 || (run.tenderId !== null && Boolean(membershipIn(actor, run.organisationId)));

  async function load(actor: Actor, id: string): Promise<CheckRunWithJob> {
    const run = await repo.findRun(db, id);
    if (!run || !(await canSee(actor, run))) throw checkRunNotFound();
    return run;
  }

  /** Inserts a run and its job in the caller's transaction, and audits who asked for which files. */
  async function queueRun(tx: Database, input: { actor: Actor; organisationId: string; checks: RunCheck[]; files: RunFile[]; evidenceIds?: string[]; uploadIds?: string[]; answerId?: string; productVersionId?: string; tenderId?: string; bidder?: string; rerunOf?: string }, context: AuditContext): Promise<CheckRunRow> {
    const id = randomUUID();
    const job = await queue.enqueue({ kind: CHECK_JOB_KIND, payload: { checkRunId: id } }, tx);
    const run = await repo.insertRun(tx, {
      id,
      organisationId: input.organisationId,
      answerId: input.answerId ?? null,
      productVersionId: input.productVersionId ?? null,
      tenderId: input.tenderId ?? null,
      bidder: input.bidder ?? null,
      evidenceIds: input.evidenceIds ?? [],
      uploadIds: input.uploadIds ?? [],
      requirementKeys: [...new Set(input.checks.map((c) => c.key))].sort(),
      checks: input.checks,
      files: input.files,
      ruleSetVersion: RULE_SET_VERSION,
      jobId: job.id,
      rerunOf: input.rerunOf ?? null,
      createdBy: input.actor.userId,
    });
    await audit.record(tx, context, {
      organisationId: input.organisationId,
      action: input.rerunOf ? 'check_run.rerun' : 'check_run.requested',
      entityType: 'check_run',
      entityId: run.id,
      after: { requirements: run.requirementKeys, rules: engineChecks(input.checks).map((c) => c.rule), ruleSetVersion: RULE_SET_VERSION, files: input.files, answerId: run.answerId, tenderId: run.tenderId, bidder: run.bidder, rerunOf: run.rerunOf },
    });
    return run;
  }

  /** The newest released version of each (key, major) of the requirements named. */
  async function releasedVersion(key: string, major: number, executor: Database = db): Promise<LibraryVersionRow | undefined> {
    return (await library.releasedVersions(executor, key)).find((r) => r.major === major);
  }

  /** Loads a run's files and runs the engine over them in the worker pool. */
  async function execute(job: JobRow, context: JobContext): Promise<Record<string, unknown>> {
    const runId = typeof job.payload.checkRunId === 'string' ? job.payload.checkRunId : null;
    const run = runId ? await repo.findRun(db, runId) : undefined;
    if (!run) throw new JobFailure('checks.run_missing', 'The check run of this job no longer exists.');
    if (run.state === 'done' || run.state === 'failed') return { checkRunId: run.id, state: run.state };
    const stored = [...(await repo.evidenceContents(db, run.evidenceIds)), ...(await repo.uploadContents(db, run.uploadIds))];
    const files = run.files.map((f) => stored.find((s) => s.sha256 === f.sha256 && s.filename === f.name));
    if (files.some((f) => !f)) {
      await finish(run, { state: 'failed', report: null, error: { code: 'checks.evidence_missing', message: 'A file of this check is no longer stored.' } });
      throw new JobFailure('checks.evidence_missing', 'A file of this check is no longer stored.');
    }
    await repo.markRunning(db, run.id);
    let last = -1;
    const report = await deps.pool().run(
      { files: files.map((f) => ({ name: f?.filename ?? '', bytes: new Uint8Array(f?.content ?? Buffer.alloc(0)), sha256: f?.sha256 ?? '' })), checks: engineChecks(run.checks) },
      {
        onProgress: (percent) => {
          if (percent - last < 5) return;
          last = percent;
          context.progress(percent).catch(() => undefined);
        },
      },
    );
    const stopped = report.stopped;
    await finish(run, stopped ? { state: 'failed', report, error: { code: `checks.${stopped.reason}`, message: stopped.message.en } } : { state: 'done', report, error: null });
    return { checkRunId: run.id, outcome: report.summary.outcome };
  }

  async function finish(run: CheckRunRow, outcome: Parameters<CheckRunsRepository['finish']>[2]): Promise<void> {
    await db.transaction(async (tx) => {
      const finished = await repo.finish(tx, run.id, outcome);
      if (!finished) return;
      await audit.record(tx, SYSTEM_AUDIT, {
        organisationId: run.organisationId,
        action: 'check_run.finished',
        entityType: 'check_run',
        entityId: run.id,
        after: { state: outcome.state, outcome: outcome.report?.summary.outcome ?? null, error: outcome.error, ruleSetVersion: outcome.report?.ruleSet.version ?? run.ruleSetVersion, files: outcome.report?.files.map((f) => ({ name: f.name, sha256: f.sha256 })) ?? run.files },
      });
    });
  }

  return {
    /**
     * Called in an import's transaction: a run that waited when the export was made comes without
     * its job (jobs are passing work, not exported), so it gets a new one and runs here.
     */
    async queueImportedRuns(tx: Database): Promise<number> {
      const waiting = await repo.waitingWithoutJob(tx);
      for (const id of waiting) {
        const job = await queue.enqueue({ kind: CHECK_JOB_KIND, payload: { checkRunId: id } }, tx);
        await repo.attachJob(tx, id, job.id);
      }
      return waiting.length;
    },

    /**
     * Called in the transaction that adds evidence to an answer: queues a run of the checks the
     * answer's requirement declares over the files of this upload the checks can read. Null when
     * the requirement declares none or no file is of a checkable kind.
     */
    async requestForEvidence(tx: Database, input: { actor: Actor; answer: AnswerRow; organisationId: string; evidence: EvidenceMeta[] }, context: AuditContext): Promise<CheckRunRow | null> {
      const version = await releasedVersion(input.answer.libraryKey, input.answer.libraryMajor, tx);
      const checks = version ? checksOf([version]) : [];
      const files = input.evidence.filter((e) => CHECKABLE.test(e.filename));
      if (checks.length === 0 || files.length === 0) return null;
      return queueRun(
        tx,
        { actor: input.actor, organisationId: input.organisationId, checks, files: files.map((f) => ({ name: f.filename, bytes: f.size, sha256: f.sha256 })), evidenceIds: files.map((f) => f.id), answerId: input.answer.id, productVersionId: input.answer.productVersionId },
        context,
      );
    },

    /** Whether the answer's requirement declares machine checks, for the answer form's hint. */
    async declaredChecks(key: string, major: number): Promise<RunCheck[]> {
      const version = await releasedVersion(key, major);
      return version ? checksOf([version]) : [];
    },

    /** A procurement officer's check of a bidder's files against the tender's requirements. */
    async checkTenderFiles(actor: Actor, tenderId: string, input: { bidder: string; files: UploadedFile[] }, context: AuditContext): Promise<CheckRunRow> {
      const view = await deps.tenders.view(actor, tenderId);
      if (!view.access.isBuyer) throw tenderCheckerRequired();
      const bidder = input.bidder.trim();
      if (!bidder) throw bidderRequired();
      if (input.files.length === 0) throw checkFilesMissing();
      const checked = input.files.map((file) => ({ file, ...checkEvidenceFile(file), sha256: createHash('sha256').update(file.buffer).digest('hex') }));
      const readable = checked.filter((c) => CHECKABLE.test(c.filename));
      if (readable.length === 0) throw noCheckableFiles();
      const versions = view.sections.flatMap((s) => s.items).flatMap((i) => (i.library ? [i.library] : []));
      const checks = checksOf(versions);
      if (checks.length === 0) throw noChecksDeclared();
      return db.transaction(async (tx) => {
        const uploads = await repo.insertUploads(
          tx,
          readable.map((c) => ({ organisationId: view.tender.buyerOrganisationId, tenderId, bidder, filename: c.filename, contentType: c.contentType, size: c.file.buffer.length, sha256: c.sha256, content: c.file.buffer, uploadedBy: actor.userId })),
        );
        return queueRun(tx, { actor, organisationId: view.tender.buyerOrganisationId, checks, files: uploads.map((u) => ({ name: u.filename, bytes: u.size, sha256: u.sha256 })), uploadIds: uploads.map((u) => u.id), tenderId, bidder }, context);
      });
    },

    /** A tender and its bidder checks, newest first, for the tender's buyers. */
    async tenderChecks(actor: Actor, tenderId: string) {
      const view = await deps.tenders.view(actor, tenderId);
      if (!view.access.isBuyer) throw tenderCheckerRequired();
      const { rows } = await repo.listRuns(db, { tenderId }, { limit: 100, offset: 0 });
      return { tender: view.tender, runs: rows };
    },

    /** Runs a finished check again over the same files, under today's rules: a new report beside the old. */
    async rerun(actor: Actor, id: string, context: AuditContext): Promise<CheckRunRow> {
      const run = await load(actor, id);
      if (!mayRerun(actor, run)) throw checkRunRerunRefused();
      if (run.state !== 'done' && run.state !== 'failed' && run.job?.state !== 'failed') throw checkRunNotFinished();
      const answer = run.answerId ? await assessments.findAnswer(db, run.answerId) : undefined;
      const version = answer ? await releasedVersion(answer.libraryKey, answer.libraryMajor) : undefined;
      const checks = version ? checksOf([version]) : run.checks;
      return db.transaction((tx) =>
        queueRun(
          tx,
          {
            actor,
            organisationId: run.organisationId,
            checks: checks.length > 0 ? checks : run.checks,
            files: run.files,
            evidenceIds: run.evidenceIds,
            uploadIds: run.uploadIds,
            ...(run.answerId ? { answerId: run.answerId } : {}),
            ...(run.productVersionId ? { productVersionId: run.productVersionId } : {}),
            ...(run.tenderId ? { tenderId: run.tenderId } : {}),
            ...(run.bidder ? { bidder: run.bidder } : {}),
            rerunOf: run.id,
          },
          context,
        ),
      );
    },

    find: load,
    mayRerun,

    /** Runs the actor may see, newest first: of an answer, a product version or a tender. */
    async list(actor: Actor, filter: CheckRunFilter, page: { page: number; pageSize: number }) {
      if (filter.answerId) {
        const answer = await assessments.findAnswer(db, filter.answerId);
        const pv = answer ? await assessments.findProductVersion(db, answer.productVersionId) : undefined;
        if (!pv || !canSeeProduct(actor, pv.product)) return { rows: [], total: 0 };
      } else if (filter.productVersionId) {
        const pv = await assessments.findProductVersion(db, filter.productVersionId);
        if (!pv || !canSeeProduct(actor, pv.product)) return { rows: [], total: 0 };
      } else if (filter.tenderId) {
        try {
          if (!(await deps.tenders.view(actor, filter.tenderId)).access.isBuyer) return { rows: [], total: 0 };
        } catch {
          return { rows: [], total: 0 };
        }
      } else if (!actor.isAdmin) {
        return repo.listRuns(db, { organisationIds: actor.memberships.map((m) => m.organisationId) }, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
      }
      return repo.listRuns(db, filter, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
    },

    /** The runs of one requirement of a product version (every revision of the answer), newest first, for the answer page. */
    async forRequirement(actor: Actor, productVersionId: string, key: string): Promise<CheckRunWithJob[]> {
      const pv = await assessments.findProductVersion(db, productVersionId);
      if (!pv || !canSeeProduct(actor, pv.product)) return [];
      return (await repo.listRuns(db, { productVersionId, requirementKey: key }, { limit: 20, offset: 0 })).rows;
    },

    /** For each (product version, requirement): whether its newest finished check passed; the matrix marks those cells. */
    async passingChecks(productVersionIds: string[]): Promise<Map<string, string>> {
      const rows = await repo.newestFinishedByRequirement(db, productVersionIds);
      return new Map(rows.filter((r) => r.state === 'done' && r.outcome === 'pass').map((r) => [`${r.productVersionId}:${r.key}`, r.runId]));
    },

    /** The job handler the runner is given for `checks.run`. */
    handleJob: execute satisfies JobHandler,
  };
}

export type CheckRunsService = ReturnType<typeof createCheckRunsService>;
