/**
 * The start as `npm start` makes it (the build, then `node dist/server/start.js`, NODE_ENV=production):
 * ready (first 200 on /healthz, counted from the spawn) on a fresh data folder with the demo data
 * and on the same folder started again, the app's resident memory a second after it is ready,
 * and the CPU time the process used until ready (less sensitive than wall time to a busy
 * machine). Targets (issue 14): ready ≤ 5 s fresh, ≤ 3 s on existing data, RSS ≤ 250 MB. The
 * app's own split by phase (time and memory) of the median fresh run is printed below.
 *
 *   npm run bench -- start
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/shared/paths';
import { BUILT_ENTRY, START_NODE_OPTIONS, buildIfChanged } from './built-app';

const RUNS = 3;
const PAGE_SIZE_KB = 4;
const CLOCK_TICKS_PER_SECOND = 100;

type Started = { readyMs: number; cpuMs: number | null; rssMb: number | null; phases: string | null; memory: string | null };

/** Resident memory and CPU time of a running process, read from /proc (Linux); null elsewhere. */
function procStats(pid: number): { rssMb: number | null; cpuMs: number | null } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: field 14 (utime) and 15 (stime) are the 12th and 13th, 24 (rss) the 22nd.
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    const rssMb = Math.round((Number(fields[21]) * PAGE_SIZE_KB) / 1024);
    return { rssMb, cpuMs };
  } catch {
    return { rssMb: null, cpuMs: null };
  }
}

async function startOnce(dataDir: string): Promise<Started> {
  const began = performance.now();
  const child = spawn(process.execPath, [...START_NODE_OPTIONS, BUILT_ENTRY], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', DEMO: 'true', COOKIE_SECURE: 'false', DATA_DIR: dataDir, ADMIN_PASSWORD: 'startbench-administrator-2026' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    // The port is the app's choice: read from the line it prints, then polled for the first 200.
    let url: string | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${output}`);
      if (performance.now() - began > 120_000) throw new Error(`the app was not ready within 120 s:\n${output}`);
      url ??= /running at (http:\/\/\S+)/.exec(output)?.[1]?.replace('localhost', '127.0.0.1');
      if (url && (await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false))) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const readyMs = Math.round(performance.now() - began);
    const { cpuMs } = procStats(child.pid as number);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { rssMb } = procStats(child.pid as number);
    const line = (message: string) => output.split('\n').find((l) => l.includes(message)) ?? null;
    return { readyMs, cpuMs, rssMb, phases: line('start-up phases'), memory: line('start-up memory') };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function summary(label: string, runs: Started[], targetMs: number): string {
  const ready = runs.map((r) => r.readyMs);
  const cpu = runs.map((r) => r.cpuMs).filter((v) => v !== null);
  const rss = runs.map((r) => r.rssMb).filter((v) => v !== null);
  const readyMedian = median(ready);
  const rssMedian = rss.length > 0 ? median(rss) : null;
  return (
    `${label.padEnd(34)} ready median ${readyMedian} ms (${ready.join(', ')}), CPU until ready ${cpu.length > 0 ? `${median(cpu)} ms` : '?'}, RSS after start ${rssMedian ?? '?'} MB` +
    ` — ready ≤ ${targetMs / 1000} s: ${readyMedian <= targetMs ? 'met' : 'NOT met'}; RSS ≤ 250 MB: ${rssMedian !== null && rssMedian <= 250 ? 'met' : 'NOT met'}`
  );
}

async function main(): Promise<void> {
  buildIfChanged();
  const fresh: Started[] = [];
  const existing: Started[] = [];
  const work = await mkdtemp(path.join(tmpdir(), 'datakrav-start-'));
  try {
    for (let run = 0; run < RUNS; run++) {
      const dataDir = path.join(work, `run-${run}`);
      fresh.push(await startOnce(dataDir));
      existing.push(await startOnce(dataDir));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const byReady = [...fresh].sort((a, b) => a.readyMs - b.readyMs)[Math.floor(fresh.length / 2)] as Started;
  const lines = [
    `Start as \`npm start\` runs it (${RUNS} runs each):`,
    summary('Fresh data folder, demo data', fresh, 5000),
    summary('Existing data, demo data', existing, 3000),
    `Median fresh run, the app's split: ${byReady.phases?.replace(/^.*?"phases":/, '').replace(/,"msg".*$/, '') ?? '(no debug line)'}`,
    `Median fresh run, memory after each phase (MB): ${byReady.memory?.replace(/^.*?"memory":/, '').replace(/,"msg".*$/, '') ?? '(no debug line)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
