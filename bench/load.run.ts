/**
 * The load benchmark: the application started as `npm start` starts it (NODE_ENV=production, its
 * own process) on a generated data set (bench/load-data.ts), loaded with autocannon by 50
 * connections of one logged-in user, 10 s per target, beside the floor: a bare Express 5 +
 * express-handlebars app rendering a page of the library list's size and row count with no
 * database (bench/floor-app.ts), measured in the same run.
 *
 *   npm run bench -- load              every target on the embedded database (or on the
 *                                      PostgreSQL server in DATABASE_URL, in a new database)
 *   npm run bench -- load --quick      the same with 4 s per target, to see that it works
 *   npm run bench -- --postgres        two app instances on one new database on the server in
 *                                      DATABASE_URL: reads and writes against both at once
 *
 * Targets: p95 ≤ 50 ms and no errors on every target; ≥ 50 % of the floor's requests per second
 * for the library list, item and search, ≥ 25 % for the tender, matrix and product pages. The
 * tender item update sends the version its connection last saw, so concurrent connections send
 * stale versions: the 409s are counted apart from the errors, as the answer a stale read gets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../server/config';
import { createDatabase } from '../server/db/client';
import { createServices } from '../server/services';
import { PROJECT_ROOT } from '../server/shared/paths';
import { BUILT_ENTRY, START_NODE_OPTIONS, buildIfChanged } from './built-app';
import { generateLoadData, LOAD_DATA, LOAD_USER, type LoadData } from './load-data';

const CONNECTIONS = 50;
const P95_TARGET_MS = 50;
const quick = process.argv.includes('--quick');
const postgresMode = process.argv.includes('--postgres');
const SECONDS = quick ? 4 : 10;
const SCALE_OUT_SECONDS = quick ? 5 : 30;

type Session = { cookie: string; csrf: string };
type Measured = { requestsPerSecond: number; p50: number; p95: number; p99: number; errors: number; timeouts: number; non2xx: number; conflicts: number; statuses: Map<number, number>; writes: number };
type Request = NonNullable<autocannon.Options['requests']>[number];

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

/** The CPU time a process has used so far (user and system), in milliseconds, from /proc. */
function cpuMs(child: ChildProcess): number | null {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, counted from the state (field 3) here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The machine's CPU time so far, all cores together, from /proc/stat (Linux): busy and total, in ticks. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, n) => sum + n, 0);
    // idle and iowait are the 4th and 5th of user, nice, system, idle, iowait, irq, softirq, steal.
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return null;
  }
}

/** How busy the machine's cores were between two readings, as a fraction of all of them. */
function busyBetween(before: ReturnType<typeof machineTicks>, after: ReturnType<typeof machineTicks>): number | null {
  return before && after && after.total > before.total ? (after.busy - before.busy) / (after.total - before.total) : null;
}

/** Linux's USER_HZ, which /proc reports CPU times in. */
const CLOCK_TICKS = 100;

/**
 * What one request costs the process that served it, in CPU milliseconds: unlike requests per
 * second, this does not change with what else the machine runs, so it compares runs on a busy machine.
 */
function cpuPerRequest(child: ChildProcess, before: number | null, requests: number): string {
  const after = cpuMs(child);
  return before === null || after === null || requests === 0 ? '' : `  CPU ${((after - before) / requests).toFixed(2)} ms/request`;
}

function rssMb(child: ChildProcess): number | null {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/**
 * Starts the application as `npm start` runs it, from the sources, on the given database. It
 * listens on a port of its own choosing and is reached at the address it prints, so that no other
 * process on the machine can be mistaken for it.
 */
async function startApp(database: { DATA_DIR?: string; DATABASE_URL?: string }): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROFILE_DIR] : [];
  const child = spawn(process.execPath, [...START_NODE_OPTIONS, ...profile, BUILT_ENTRY], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      COOKIE_SECURE: 'false',
      LIBRARY_SYNC_ON_START: 'false',
      ADMIN_PASSWORD: 'lasttest-administrator-2026',
      ...database,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /running at http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port}`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the app exited with ${code}:\n${output}`)));
  });
  const health = await fetch(`${url}/healthz`);
  if (health.status !== 200) throw new Error(`${url}/healthz answered ${health.status}`);
  return { url, child, stop: () => stopChild(child) };
}

async function startFloor(rows: number, pageBytes: number): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'floor-app.ts')], { cwd: PROJECT_ROOT, env: { ...process.env, NODE_ENV: 'production', ROWS: String(rows), PAGE_BYTES: String(pageBytes) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, child, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function login(url: string): Promise<Session> {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(LOAD_USER) });
  if (res.status !== 201) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** One autocannon run; statuses, 409s and latencies are counted from every response. */
async function measure(url: string, session: Session, requests: Request[], seconds: number, connections = CONNECTIONS): Promise<Measured> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options = { url, connections, duration: seconds, timeout: 10, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'accept-encoding': 'gzip' }, requests };
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
  latencies.sort((a, b) => a - b);
  const conflicts = statuses.get(409) ?? 0;
  const writes = (statuses.get(201) ?? 0) + (statuses.get(204) ?? 0);
  return {
    requestsPerSecond: result.requests.total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx - conflicts,
    conflicts,
    statuses,
    writes,
  };
}

/**
 * Tender item updates: each sends the version its connection's last answer gave for the item
 * (+1 after its own success, the current version from a 409), so concurrent connections editing
 * the same item send stale versions. Every success is counted per item, to compare afterwards.
 */
/** Per item: updates answered 204, and updates sent that had no answer when the run ended. */
type UpdateCounts = { successes: Map<string, number>; unanswered: Map<string, number> };
const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);

function itemUpdates(data: LoadData, counts: UpdateCounts): Request[] {
  const known = new Map(data.tenderItems.map((i) => [i.itemId, i.version]));
  const items = data.tenderItems.slice(0, 40);
  let turn = 0;
  return [
    {
      method: 'PUT',
      setupRequest: (req, context) => {
        const item = items[turn++ % items.length] as LoadData['tenderItems'][number];
        const version = known.get(item.itemId) as number;
        Object.assign(context, { itemId: item.itemId, version });
        add(counts.unanswered, item.itemId, 1);
        return { ...req, path: `/api/tenders/${item.tenderId}/items/${item.itemId}`, headers: { ...req.headers, 'content-type': 'application/json' }, body: JSON.stringify({ weight: 1 + (turn % 9), version }) };
      },
      onResponse: (status, body, context) => {
        const { itemId, version } = context as { itemId: string; version: number };
        add(counts.unanswered, itemId, -1);
        if (status === 204) {
          add(counts.successes, itemId, 1);
          known.set(itemId, Math.max(known.get(itemId) ?? 0, version + 1));
        } else if (status === 409) {
          const current = (JSON.parse(body) as { currentVersion?: number }).currentVersion;
          if (typeof current === 'number') known.set(itemId, Math.max(known.get(itemId) ?? 0, current));
        }
      },
    },
  ];
}

function rotating(paths: string[]): Request[] {
  let turn = 0;
  return [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[turn++ % paths.length] as string }) }];
}

const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mark = (met: boolean) => (met ? 'met' : 'NOT met');

function line(name: string, m: Measured, floor: number | null, ratioTarget: number | null): string {
  const ratio = floor ? m.requestsPerSecond / floor : null;
  const targets = [`p95 ≤ ${P95_TARGET_MS} ms: ${mark(m.p95 <= P95_TARGET_MS)}`, `no errors: ${mark(m.errors + m.timeouts + m.non2xx === 0)}`];
  if (ratioTarget !== null && ratio !== null) targets.push(`≥ ${ratioTarget * 100} % of floor: ${mark(ratio >= ratioTarget)}`);
  return `${name.padEnd(26)} ${fixed(m.requestsPerSecond).padStart(6)} req/s  p50 ${fixed(m.p50).padStart(5)} ms  p95 ${fixed(m.p95).padStart(5)} ms  p99 ${fixed(m.p99).padStart(5)} ms  errors ${m.errors + m.timeouts}  non-2xx ${m.non2xx}${m.conflicts ? `  409 ${m.conflicts}` : ''}${ratio !== null ? `  ${(ratio * 100).toFixed(1)} % of floor` : ''} — ${targets.join('; ')}`;
}

async function pageShape(url: string, session: Session, pagePath: string): Promise<{ bytes: number; rows: number }> {
  const res = await fetch(`${url}${pagePath}`, { headers: { cookie: session.cookie } });
  if (res.status !== 200) throw new Error(`${pagePath} answered ${res.status}`);
  const html = await res.text();
  return { bytes: Buffer.byteLength(html), rows: Math.max(1, (html.match(/<tr[ >]/g) ?? []).length - 1) };
}

async function checkTargets(url: string, session: Session, paths: string[]): Promise<void> {
  for (const target of paths) {
    const res = await fetch(`${url}${target}`, { headers: { cookie: session.cookie } });
    if (res.status !== 200) throw new Error(`${target} answered ${res.status} before the load`);
  }
}

async function makeDatabase(work: string): Promise<{ env: { DATA_DIR?: string; DATABASE_URL?: string }; label: string; drop: () => Promise<void>; url?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { env: { DATA_DIR: path.join(work, 'data') }, label: 'embedded PGlite', drop: async () => undefined };
  const name = `datakrav_load_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    label: 'PostgreSQL server',
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function generate(database: { DATA_DIR?: string; DATABASE_URL?: string }, work: string): Promise<LoadData> {
  const handle = await createDatabase({ databaseUrl: database.DATABASE_URL, dataDir: database.DATA_DIR ?? path.join(work, 'data'), poolSize: 5 });
  try {
    await handle.migrate();
    return await generateLoadData(createServices(handle, loadConfig({ LOG_LEVEL: 'silent' })), work);
  } finally {
    await handle.close();
  }
}

async function pagesAgainstFloor(data: LoadData, database: { DATA_DIR?: string; DATABASE_URL?: string }, label: string): Promise<string[]> {
  const app = await startApp(database);
  const lines: string[] = [`Load on ${label}: ${CONNECTIONS} connections, ${SECONDS} s per target, one logged-in owner; data: ${LOAD_DATA.libraryItems} generated library items (beside the shipped ones), ${LOAD_DATA.products} products with answers to a ${LOAD_DATA.profileRequirements}-requirement profile, ${LOAD_DATA.tenders} tenders of ${LOAD_DATA.itemsPerTender} items`];
  let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
  try {
    lines.push(`App RSS after start: ${rssMb(app.child) ?? '?'} MB`);
    const session = await login(app.url);
    const targets = {
      libraryList: '/library',
      libraryItem: `/library/items/${data.libraryKey}`,
      tender: data.tenderIds.map((id) => `/tenders/${id}`),
      matrix: `/assessments/compare?profileId=${data.profileId}`,
      product: data.productIds.slice(0, 50).map((id) => `/products/${id}`),
      search: data.searchTerms.map((q) => `/api/library/items?q=${encodeURIComponent(q)}`),
    };
    await checkTargets(app.url, session, [targets.libraryList, targets.libraryItem, targets.tender[0] as string, targets.matrix, targets.product[0] as string, targets.search[0] as string]);
    const shape = await pageShape(app.url, session, targets.libraryList);
    floor = await startFloor(shape.rows, shape.bytes);
    const floorShape = await pageShape(floor.url, session, '/page');
    const floorCpu = cpuMs(floor.child);
    const floorRun = await measure(floor.url, session, rotating(['/page']), SECONDS);
    const floorCost = cpuPerRequest(floor.child, floorCpu, floorRun.requestsPerSecond * SECONDS);
    lines.push(`${'Floor (bare Express 5 + hbs)'.padEnd(26)} ${fixed(floorRun.requestsPerSecond).padStart(6)} req/s  p50 ${fixed(floorRun.p50).padStart(5)} ms  p95 ${fixed(floorRun.p95).padStart(5)} ms  p99 ${fixed(floorRun.p99).padStart(5)} ms  errors ${floorRun.errors + floorRun.timeouts}  non-2xx ${floorRun.non2xx}${floorCost}  (page ${floorShape.bytes} bytes, ${floorShape.rows} rows; the library list ${shape.bytes} bytes, ${shape.rows} rows)`);
    const floorRps = floorRun.requestsPerSecond;

    const updates: UpdateCounts = { successes: new Map(), unanswered: new Map() };
    const runs: [string, Request[], number | null][] = [
      ['Library list', rotating([targets.libraryList]), 0.5],
      ['Library item', rotating([targets.libraryItem]), 0.5],
      ['Library search API', rotating(targets.search), 0.5],
      ['Tender page', rotating(targets.tender), 0.25],
      ['Comparison matrix page', rotating([targets.matrix]), 0.25],
      ['Product page', rotating(targets.product), 0.25],
      ['Tender item update API', itemUpdates(data, updates), null],
    ];
    const only = process.env.BENCH_ONLY?.toLowerCase();
    for (const [name, requests, ratioTarget] of runs.filter(([name]) => !only || name.toLowerCase().includes(only))) {
      const cpuBefore = cpuMs(app.child);
      const measured = await measure(app.url, session, requests, SECONDS);
      lines.push(`${line(name, measured, floorRps, ratioTarget)}${cpuPerRequest(app.child, cpuBefore, measured.requestsPerSecond * SECONDS)}`);
    }
    lines.push(`App RSS after the load: ${rssMb(app.child) ?? '?'} MB (target ≤ 250 MB)`);
  } finally {
    await floor?.stop();
    await app.stop();
  }
  return lines;
}

/**
 * Two instances on one PostgreSQL database: the mixed load (reads, item updates from stale and
 * fresh reads, new tenders) against one instance, then against both at once; afterwards every
 * item's version and the count of new tenders are compared with the successes the clients saw.
 */
async function scaleOut(data: LoadData, database: { DATABASE_URL?: string }, serverUrl: string): Promise<string[]> {
  const first = await startApp(database);
  const second = await startApp(database);
  const lines: string[] = [`Two instances on one PostgreSQL database, ${CONNECTIONS} connections each, ${SCALE_OUT_SECONDS} s per phase, reads mixed with writes`];
  const updates: UpdateCounts = { successes: new Map(), unanswered: new Map() };
  const tendersSent = new Set<string>();
  const tendersCreated = new Set<string>();
  let tenderTurn = 0;
  const mixed = (): Request[] => {
    const [update] = itemUpdates(data, updates) as [Request];
    // Writes first in each connection's cycle, so that even a short run makes some of each.
    return [
      update,
      { method: 'GET', path: '/library' },
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const reference = `LOAD-NEW-${++tenderTurn}`;
          Object.assign(context, { reference });
          tendersSent.add(reference);
          return { ...req, path: '/api/tenders', headers: { ...req.headers, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Ny lasttest-anskaffelse', reference, language: 'nb', contactEmail: 'innkjop@lastby.example' }) };
        },
        onResponse: (status, _body, context) => {
          if (status === 201) tendersCreated.add((context as { reference: string }).reference);
        },
      },
      { method: 'GET', path: `/api/library/items?q=eksport` },
      { method: 'GET', path: `/tenders/${data.tenderIds[0]}` },
      { method: 'GET', path: `/library/items/${data.libraryKey}` },
    ];
  };
  try {
    const [sessionOne, sessionTwo] = [await login(first.url), await login(second.url)];
    const beforeAlone = machineTicks();
    const alone = await measure(first.url, sessionOne, mixed(), SCALE_OUT_SECONDS);
    const busyAlone = busyBetween(beforeAlone, machineTicks());
    lines.push(line('One instance, mixed', alone, null, null));
    const beforeBoth = machineTicks();
    const [a, b] = await Promise.all([measure(first.url, sessionOne, mixed(), SCALE_OUT_SECONDS), measure(second.url, sessionTwo, mixed(), SCALE_OUT_SECONDS)]);
    const busyBoth = busyBetween(beforeBoth, machineTicks());
    lines.push(line('Both at once: instance 1', a, null, null), line('Both at once: instance 2', b, null, null));
    const factor = (a.requestsPerSecond + b.requestsPerSecond) / alone.requestsPerSecond;
    lines.push(`Scale-out factor (two instances' req/s over one's): ${factor.toFixed(2)} — target ≥ 1.7: ${mark(factor >= 1.7)}`);
    // The instances, the database server and the load generator share this machine's cores: when
    // one instance already keeps them busy, a second can only take its share of what is left.
    if (busyAlone !== null && busyBoth !== null) {
      lines.push(
        `Machine CPU busy (all ${availableParallelism()} cores, app instances, database server and load generator together): ${(busyAlone * 100).toFixed(0)} % with one instance, ${(busyBoth * 100).toFixed(0)} % with two; ` +
          `the most a second instance can add on this machine, if the work stays CPU-bound, is a factor of ${(1 / busyAlone).toFixed(2)}`,
      );
    }
    const unexpected = [alone, a, b].reduce((n, m) => n + m.errors + m.timeouts + m.non2xx, 0);
    lines.push(`Errors other than the expected 409s: ${unexpected} — target 0: ${mark(unexpected === 0)}`);

    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      // A request still in flight when a run ends is not answered to the client but may be
      // written: such writes are allowed, and nothing else. A lost write is a success the
      // database does not show; a duplicated one, a reference stored twice or an item moved on
      // by more updates than were sent to it.
      const initial = new Map(data.tenderItems.map((i) => [i.itemId, i.version]));
      const { rows } = await client.query<{ id: string; version: number }>('select id, version from tender_items where id = any($1)', [[...updates.unanswered.keys()]]);
      const wrongItems = rows.filter((r) => {
        const moved = r.version - (initial.get(r.id) as number);
        const answered = updates.successes.get(r.id) ?? 0;
        return moved < answered || moved > answered + (updates.unanswered.get(r.id) ?? 0);
      }).length;
      const answeredUpdates = [...updates.successes.values()].reduce((x, y) => x + y, 0);
      const stored = (await client.query<{ reference: string; n: string }>("select reference, count(*) as n from tenders where reference like 'LOAD-NEW-%' group by reference")).rows;
      const storedRefs = new Set(stored.map((r) => r.reference));
      const lostTenders = [...tendersCreated].filter((ref) => !storedRefs.has(ref)).length;
      const duplicatedTenders = stored.filter((r) => Number(r.n) > 1).length;
      const unsent = stored.filter((r) => !tendersSent.has(r.reference)).length;
      const inFlight = stored.filter((r) => !tendersCreated.has(r.reference)).length;
      const ok = wrongItems === 0 && lostTenders === 0 && duplicatedTenders === 0 && unsent === 0;
      lines.push(
        `Writes afterwards: ${answeredUpdates} item updates answered 204 over ${updates.successes.size} items, ${wrongItems} items whose stored version is not the initial one plus their answered updates (plus at most those still in flight); ${tendersCreated.size} new tenders answered 201, ${stored.length} stored (${inFlight} of them from requests still in flight at the end), ${lostTenders} answered but missing, ${duplicatedTenders} stored twice — no write lost or duplicated: ${mark(ok)}`,
      );
    } finally {
      await client.end();
    }
  } finally {
    await first.stop();
    await second.stop();
  }
  return lines;
}

async function main(): Promise<void> {
  if (postgresMode && !process.env.DATABASE_URL) throw new Error('--postgres needs DATABASE_URL, the PostgreSQL server to create the benchmark database on');
  buildIfChanged();
  const work = await mkdtemp(path.join(tmpdir(), 'datakrav-load-'));
  const database = await makeDatabase(work);
  try {
    const started = performance.now();
    const data = await generate(database.env, work);
    process.stderr.write(`Load data generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    const lines = postgresMode ? await scaleOut(data, database.env, database.url as string) : await pagesAgainstFloor(data, database.env, database.label);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await database.drop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

