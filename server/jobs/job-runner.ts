import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/client';
import type { Logger } from '../shared/logger';
import type { JobsRepository } from './jobs.repository';
import type { JobError, JobRow } from './jobs.table';

export type JobContext = {
  /** Records progress in whole percent (0-100) and renews the lease. */
  progress(percent: number): Promise<void>;
  /** Aborted when the runner stops or has lost the job (its lease ran out and another took it). */
  signal: AbortSignal;
};

export type JobHandler = (job: JobRow, context: JobContext) => Promise<Record<string, unknown> | null>;

/** A failure the handler knows about, with a stable code; `retry` says whether trying again can help. */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retry = false,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

export type JobRunnerOptions = {
  db: Database;
  repository: JobsRepository;
  handlers: Record<string, JobHandler>;
  instanceId?: string;
  concurrency?: number;
  pollIntervalMs?: number;
  leaseMs?: number;
  retryDelayMs?: number;
  logger?: Logger;
};

/**
 * Claims jobs of the kinds it has handlers for and runs them, renewing each job's lease while
 * its handler works. Several runners (in one process or in several instances) share one queue.
 */
export function createJobRunner(options: JobRunnerOptions) {
  const instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 1;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const retryDelayMs = options.retryDelayMs ?? 5_000;
  const kinds = Object.keys(options.handlers);
  const { db, repository, logger } = options;
  const active = new Map<string, { done: Promise<void>; abort: AbortController }>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let ticking: Promise<void> | null = null;

  async function execute(job: JobRow): Promise<void> {
    const token = job.claimToken as string;
    const abort = new AbortController();
    let lost = false;
    const renew = async (progress?: number) => {
      if (lost) return;
      const kept = await repository.renew(db, job.id, token, leaseMs, progress);
      if (!kept) {
        lost = true;
        abort.abort();
      }
    };
    const heartbeat = setInterval(() => {
      renew().catch((error: unknown) => logger?.warn({ err: error, jobId: job.id }, 'job lease renewal failed'));
    }, Math.max(10, Math.floor(leaseMs / 3)));
    const context: JobContext = { progress: (percent) => renew(Math.max(0, Math.min(100, Math.round(percent)))), signal: abort.signal };
    const handler = options.handlers[job.kind] as JobHandler;
    const done = (async () => {
      try {
        const result = await handler(job, context);
        if (!lost && !(await repository.complete(db, job.id, token, result))) logger?.warn({ jobId: job.id }, 'job finished after its lease was lost; outcome not written');
      } catch (error) {
        if (lost) return;
        const failure: JobError =
          error instanceof JobFailure ? { code: error.code, message: error.message } : abort.signal.aborted ? { code: 'jobs.interrupted', message: 'The runner stopped while the job was running.' } : { code: 'jobs.handler_failed', message: (error as Error).message };
        const retry = error instanceof JobFailure ? error.retry : true;
        logger?.warn({ jobId: job.id, kind: job.kind, code: failure.code }, 'job failed');
        await repository.fail(db, job.id, token, failure, { allowed: retry, delayMs: abort.signal.aborted ? 1 : retryDelayMs });
      } finally {
        clearInterval(heartbeat);
        active.delete(job.id);
      }
    })();
    active.set(job.id, { done, abort });
  }

  /** Recovers jobs of dead instances, then claims while a slot is free. Returns the jobs started. */
  async function fill(): Promise<JobRow[]> {
    await repository.recoverExpired(db);
    const started: JobRow[] = [];
    while (active.size < concurrency) {
      const job = await repository.claim(db, { kinds, instanceId, leaseMs });
      if (!job) break;
      started.push(job);
      await execute(job);
    }
    return started;
  }

  function schedule(delay: number): void {
    if (!running) return;
    timer = setTimeout(async () => {
      ticking = fill().then(
        () => undefined,
        (error: unknown) => logger?.error({ err: error }, 'job queue poll failed'),
      );
      await ticking;
      ticking = null;
      if (!running) return;
      if (active.size >= concurrency) {
        await Promise.race([...active.values()].map((a) => a.done));
        schedule(0);
      } else schedule(pollIntervalMs);
    }, delay);
  }

  return {
    instanceId,

    /** Claims and runs what is due now, and waits for those jobs to finish. For tests and one-off runs. */
    async runOnce(): Promise<JobRow[]> {
      const started = await fill();
      await Promise.all([...active.values()].map((a) => a.done));
      return started;
    },

    start(): void {
      if (running) return;
      running = true;
      schedule(0);
    },

    /** Stops claiming; waits for running jobs, then aborts those still running after the timeout (they are queued again). */
    async stop(timeoutMs = 10_000): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      if (ticking) await ticking;
      const all = Promise.all([...active.values()].map((a) => a.done));
      const outcome = await Promise.race([all.then(() => 'done' as const), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref())]);
      if (outcome === 'timeout') {
        for (const { abort } of active.values()) abort.abort();
        await all;
      }
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
