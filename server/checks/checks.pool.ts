import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { checkReportSchema, type CheckReport, type Message, type StopReason } from './checks.schemas';
import type { CheckTask, WorkerMessage } from './checks.worker';
import type { CheckRequest } from './engine';
import { message } from './findings';
import type { CheckLimits } from './limits';
import { RULES, RULE_SET_VERSION, type RuleId } from './rules.catalogue';

/**
 * Runs checks in a pool of worker threads, so that a hostile file can neither block nor crash
 * the process that serves pages: each check has a time budget (counted from when a thread takes
 * it) and a heap limit; a check that exceeds either is stopped, its thread replaced, and the
 * report says so.
 */
export type CheckPoolOptions = {
  /** Threads that run checks at once. */
  threads?: number;
  /** Time one check may take once a thread has started it. */
  timeBudgetMs?: number;
  /** Heap (old generation) one thread may use. */
  memoryMb?: number;
  limits?: Partial<CheckLimits>;
};

export type RunOptions = {
  onProgress?: (percent: number) => void;
  /**
   * Moves the files' memory to the worker instead of copying it (a 50 MB file is then held
   * once, not twice). The caller must not use the bytes afterwards. Bytes that share their
   * memory with other buffers are copied all the same.
   */
  moveFiles?: boolean;
};

export type CheckPool = {
  run(request: CheckRequest, options?: RunOptions): Promise<CheckReport>;
  close(): Promise<void>;
};

/**
 * From the sources (Jest, tsx) this module is a .ts file and the worker needs tsx registered;
 * in the build it is dist/server/checks/checks.pool.js beside the compiled worker.
 */
const WORKER_FILE = __filename.endsWith('.ts') ? path.join(__dirname, 'checks.worker-source.cjs') : path.join(__dirname, 'checks.worker.js');

export const DEFAULT_POOL_OPTIONS = { timeBudgetMs: 120_000, memoryMb: 512 } as const;

/** Hashes on the serving thread in slices, yielding between them, for the report of a stopped check. */
async function sha256(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  const slice = 1024 * 1024;
  for (let i = 0; i < bytes.length; i += slice) {
    hash.update(bytes.subarray(i, i + slice));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}

const STOP_MESSAGES: Record<StopReason, (budget: { seconds: number; memoryMb: number }) => Message> = {
  time_budget: ({ seconds }) => message(`Kontrollen ble stoppet fordi den brukte mer enn ${seconds.toLocaleString('nb-NO')} sekunder.`, `The check was stopped because it took more than ${seconds.toLocaleString('en-GB')} seconds.`),
  memory_budget: ({ memoryMb }) => message(`Kontrollen ble stoppet fordi den brukte mer enn ${memoryMb} MB minne.`, `The check was stopped because it used more than ${memoryMb} MB of memory.`),
  crashed: () => message('Kontrollen stanset uventet og ble ikke fullført.', 'The check stopped unexpectedly and did not complete.'),
};

type HashedFile = { name: string; bytes: Uint8Array; size: number; sha256: string };

function stoppedReport(request: CheckRequest, hashed: HashedFile[], reason: StopReason, startedAt: string, budget: { seconds: number; memoryMb: number }): CheckReport {
  const text = STOP_MESSAGES[reason](budget);
  const rules: RuleId[] = ['files.readable', ...request.checks.map((c) => c.rule)];
  const files = hashed.map((file) => ({ name: file.name, bytes: file.size, sha256: file.sha256, format: null }));
  return checkReportSchema.parse({
    format: 'datakrav-check-report',
    formatVersion: 1,
    ruleSet: { version: RULE_SET_VERSION },
    startedAt,
    finishedAt: new Date().toISOString(),
    files,
    rules: rules.map((rule) => ({ rule, version: RULES[rule].version, params: request.checks.find((c) => c.rule === rule)?.params ?? {}, outcome: 'fail', counts: { pass: 0, fail: 1, notApplicable: 0 } })),
    findings: rules.map((rule) => ({ rule, ruleVersion: RULES[rule].version, outcome: 'fail', level: 'required', location: null, message: text })),
    stopped: { reason, message: text },
    summary: { outcome: 'fail', rules: { pass: 0, fail: rules.length, notApplicable: 0 }, findings: { pass: 0, fail: rules.length, notApplicable: 0 } },
  });
}

function reasonOf(error: unknown, timedOut: boolean): StopReason {
  if (timedOut) return 'time_budget';
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') return 'memory_budget';
  return 'crashed';
}

export function createCheckPool(options: CheckPoolOptions = {}): CheckPool {
  const timeBudgetMs = options.timeBudgetMs ?? DEFAULT_POOL_OPTIONS.timeBudgetMs;
  const memoryMb = options.memoryMb ?? DEFAULT_POOL_OPTIONS.memoryMb;
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const piscina = new Piscina({
    filename: WORKER_FILE,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
  });
  return {
    async run(request, runOptions = {}) {
      const startedAt = new Date().toISOString();
      const hashed: HashedFile[] = [];
      for (const file of request.files) hashed.push({ name: file.name, bytes: file.bytes, size: file.bytes.length, sha256: file.sha256 ?? (await sha256(file.bytes)) });
      const moved = runOptions.moveFiles ? [...new Set(hashed.map((f) => f.bytes).filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer).map((b) => b.buffer as ArrayBuffer))] : [];
      const channel = new MessageChannel();
      const abort = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      channel.port2.on('message', (note: WorkerMessage) => {
        if ('started' in note) {
          timer = setTimeout(() => {
            timedOut = true;
            abort.abort();
          }, timeBudgetMs);
        } else runOptions.onProgress?.(note.progress);
      });
      const task: CheckTask = { request: { ...request, files: hashed.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 })) }, limits: options.limits ?? {}, port: channel.port1 };
      try {
        return checkReportSchema.parse(await piscina.run(task, { transferList: [channel.port1, ...moved], signal: abort.signal }));
      } catch (error) {
        return stoppedReport(request, hashed, reasonOf(error, timedOut), startedAt, { seconds: timeBudgetMs / 1000, memoryMb });
      } finally {
        clearTimeout(timer);
        channel.port2.close();
      }
    },
    close: () => piscina.destroy(),
  };
}
