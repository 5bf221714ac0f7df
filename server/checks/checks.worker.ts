import type { MessagePort } from 'node:worker_threads';
import { runChecks, type CheckRequest } from './engine';
import type { CheckLimits } from './limits';

/**
 * The worker-thread side of the check pool: runs one check and sends its progress back on the
 * port it was given. Loaded by piscina from dist/ (compiled) or, from the sources, through
 * checks.worker-source.cjs.
 */
export type CheckTask = { request: CheckRequest; limits: Partial<CheckLimits>; port: MessagePort };
export type WorkerMessage = { started: true } | { progress: number };

export default async function runCheckTask({ request, limits, port }: CheckTask) {
  port.postMessage({ started: true } satisfies WorkerMessage);
  try {
    return await runChecks(request, { limits, onProgress: (progress) => port.postMessage({ progress } satisfies WorkerMessage) });
  } finally {
    port.close();
  }
}
