import type { DatabaseHandle } from '../../server/db/client';
import { createJobRunner, JobFailure, type JobHandler } from '../../server/jobs/job-runner';
import { createJobsRepository } from '../../server/jobs/jobs.repository';
import { createJobQueue } from '../../server/jobs/jobs.service';
import { createTestDatabase } from '../helpers/database';
import { restartableDatabase } from './database';

const repository = createJobsRepository();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the job queue in the database', () => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
  });
  afterAll(() => drop());

  test('When a queued job is claimed, then it runs with its progress visible while it runs, and ends done with its result at 100 %', async () => {
    const queue = createJobQueue({ db: database.db, repository });
    const job = await queue.enqueue({ kind: 'checks.run', payload: { evidenceId: 'e-1' } });
    expect(job.state).toBe('queued');
    const seen: { state: string; progress: number }[] = [];
    const runner = createJobRunner({
      db: database.db,
      repository,
      handlers: {
        'checks.run': async (claimed, context) => {
          expect(claimed.payload).toEqual({ evidenceId: 'e-1' });
          await context.progress(40);
          const during = await queue.find(claimed.id);
          seen.push({ state: during?.state ?? '', progress: during?.progress ?? -1 });
          return { findings: 3 };
        },
      },
    });
    const started = await runner.runOnce();
    expect(started.map((j) => j.id)).toEqual([job.id]);
    expect(seen).toEqual([{ state: 'running', progress: 40 }]);
    const done = await queue.find(job.id);
    expect(done).toMatchObject({ state: 'done', progress: 100, result: { findings: 3 }, error: null, attempts: 1 });
    expect(done?.finishedAt).toBeInstanceOf(Date);
    expect(await runner.runOnce()).toEqual([]);
  });

  test('When a handler fails with a known reason, then the job is failed with that reason; an unexpected error is retried until the attempts are used up', async () => {
    const queue = createJobQueue({ db: database.db, repository });
    const refused = await queue.enqueue({ kind: 'refuse', payload: {} });
    const flaky = await queue.enqueue({ kind: 'flaky', payload: {}, maxAttempts: 2 });
    let flakyRuns = 0;
    const runner = createJobRunner({
      db: database.db,
      repository,
      retryDelayMs: 300,
      concurrency: 2,
      handlers: {
        refuse: async () => {
          throw new JobFailure('checks.evidence_missing', 'The evidence file is gone.');
        },
        flaky: async () => {
          flakyRuns++;
          throw new Error('connection reset');
        },
      },
    });
    await runner.runOnce();
    expect(await queue.find(refused.id)).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'checks.evidence_missing', message: 'The evidence file is gone.' } });
    expect(await queue.find(flaky.id)).toMatchObject({ state: 'queued', attempts: 1, error: { code: 'jobs.handler_failed', message: 'connection reset' } });
    await runner.runOnce();
    expect(flakyRuns).toBe(1);
    await sleep(350);
    await runner.runOnce();
    expect(await queue.find(flaky.id)).toMatchObject({ state: 'failed', attempts: 2, error: { code: 'jobs.handler_failed' } });
    expect(flakyRuns).toBe(2);
  });

  test('When the instance running a job dies, then after its lease expires the job is run again, or failed once its attempts are used up', async () => {
    const queue = createJobQueue({ db: database.db, repository });
    const retried = await queue.enqueue({ kind: 'expiring', payload: { n: 1 }, maxAttempts: 2 });
    const claimedByDead = await repository.claim(database.db, { kinds: ['expiring'], instanceId: 'dead-instance', leaseMs: 30 });
    expect(claimedByDead?.id).toBe(retried.id);
    await sleep(60);
    const runs: string[] = [];
    const survivor = createJobRunner({ db: database.db, repository, instanceId: 'survivor', handlers: { expiring: async (job) => (runs.push(job.id), null) } });
    await survivor.runOnce();
    expect(runs).toEqual([retried.id]);
    expect(await queue.find(retried.id)).toMatchObject({ state: 'done', attempts: 2, claimedBy: 'survivor' });

    const lost = await queue.enqueue({ kind: 'expiring', payload: { n: 2 }, maxAttempts: 1 });
    await repository.claim(database.db, { kinds: ['expiring'], instanceId: 'dead-instance', leaseMs: 30 });
    await sleep(60);
    await survivor.runOnce();
    expect(await queue.find(lost.id)).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'jobs.lease_expired' } });
    expect(runs).toEqual([retried.id]);
  });

  test('When a runner has lost its lease to another, then its late outcome is not written over the new run', async () => {
    const queue = createJobQueue({ db: database.db, repository });
    const job = await queue.enqueue({ kind: 'overtaken', payload: {} });
    const first = await repository.claim(database.db, { kinds: ['overtaken'], instanceId: 'slow', leaseMs: 20 });
    await sleep(50);
    await repository.recoverExpired(database.db);
    const second = await repository.claim(database.db, { kinds: ['overtaken'], instanceId: 'fast', leaseMs: 60_000 });
    expect(second?.id).toBe(job.id);
    expect(await repository.complete(database.db, job.id, first?.claimToken as string, { from: 'slow' })).toBe(false);
    expect(await repository.renew(database.db, job.id, first?.claimToken as string, 60_000, 50)).toBe(false);
    expect(await repository.complete(database.db, job.id, second?.claimToken as string, { from: 'fast' })).toBe(true);
    expect(await queue.find(job.id)).toMatchObject({ state: 'done', result: { from: 'fast' }, attempts: 2 });
  });

  test('When two instances work the same queue side by side, then every job runs exactly once', async () => {
    // On PostgreSQL the two instances have connection pools of their own; the embedded database
    // has one connection per process, so there the two runners share it.
    const store = await restartableDatabase();
    const first = await store.open();
    const second = process.env.DATABASE_URL ? await store.open() : first;
    try {
      const queue = createJobQueue({ db: first.db, repository });
      const ids = new Set<string>();
      for (let i = 0; i < 30; i++) ids.add((await queue.enqueue({ kind: 'count', payload: { i } })).id);
      const runs = new Map<string, string[]>();
      const handler =
        (instance: string): JobHandler =>
        async (job) => {
          runs.set(job.id, [...(runs.get(job.id) ?? []), instance]);
          await sleep(5);
          return null;
        };
      const a = createJobRunner({ db: first.db, repository, instanceId: 'a', concurrency: 3, pollIntervalMs: 5, handlers: { count: handler('a') } });
      const b = createJobRunner({ db: second.db, repository, instanceId: 'b', concurrency: 3, pollIntervalMs: 5, handlers: { count: handler('b') } });
      a.start();
      b.start();
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && runs.size < 30) await sleep(50);
      await Promise.all([a.stop(), b.stop()]);
      expect(runs.size).toBe(30);
      expect([...runs.values()].every((instances) => instances.length === 1)).toBe(true);
      const states = await Promise.all([...ids].map((id) => queue.find(id)));
      expect(states.every((s) => s?.state === 'done' && s.attempts === 1)).toBe(true);
      expect(new Set([...runs.values()].flat())).toEqual(new Set(['a', 'b']));
    } finally {
      if (second !== first) await second.close();
      await first.close();
      await store.drop();
    }
  }, 180_000);

  test('When the app restarts with a job still queued, then the job runs after the restart', async () => {
    const store = await restartableDatabase();
    let before = await store.open();
    try {
      const job = await createJobQueue({ db: before.db, repository }).enqueue({ kind: 'after-restart', payload: { file: 'api.yaml' } });
      await before.close();
      before = await store.open();
      const runs: unknown[] = [];
      const runner = createJobRunner({ db: before.db, repository, handlers: { 'after-restart': async (claimed) => (runs.push(claimed.payload), { ok: true }) } });
      await runner.runOnce();
      expect(runs).toEqual([{ file: 'api.yaml' }]);
      expect(await createJobQueue({ db: before.db, repository }).find(job.id)).toMatchObject({ state: 'done', result: { ok: true } });
    } finally {
      await before.close();
      await store.drop();
    }
  }, 180_000);

  test('When a runner is stopped while a job runs past the timeout, then the job is aborted and queued again, not lost', async () => {
    const queue = createJobQueue({ db: database.db, repository });
    const job = await queue.enqueue({ kind: 'long', payload: {} });
    let started = false;
    const runner = createJobRunner({
      db: database.db,
      repository,
      pollIntervalMs: 5,
      handlers: {
        long: (_job, context) =>
          new Promise((_resolve, reject) => {
            started = true;
            context.signal.addEventListener('abort', () => reject(new Error('aborted')));
          }),
      },
    });
    runner.start();
    while (!started) await sleep(5);
    await runner.stop(50);
    expect(await queue.find(job.id)).toMatchObject({ state: 'queued', attempts: 1, error: { code: 'jobs.interrupted' } });
  });
});
