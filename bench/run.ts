/**
 * `npm run bench`: library sync and search on the embedded database (PGlite in a temporary
 * folder, as `npm start` uses it). Targets: sync of 2,000 items under 5 s; search p95 under 50 ms;
 * the tender documents and the assessment comparison (see the files they import); the machine
 * checks (bench/checks.bench.ts); the export and import of a generated installation
 * (bench/exit.run.ts). With DATABASE_URL set, the assessment comparison is measured
 * on that PostgreSQL server too. Last, the load on the pages and API beside a bare Express floor
 * (bench/load.run.ts), which `npm run bench -- load` runs alone.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { promisify } from 'node:util';
import { SYSTEM_AUDIT, type Actor } from '../server/auth/actor';
import { Packer } from 'docx';
import { generateDocument } from '../server/documents/documents';
import { createSpecificationDocument } from '../server/documents/specification.docx';
import { benchDocuments } from './documents.bench';
import { benchResponseSheet } from './response-sheet.bench';
import { loadConfig } from '../server/config';
import { createDatabase } from '../server/db/client';
import { loadLibraryFiles } from '../server/library/library.files';
import { createServices } from '../server/services';
import { generateLibrary, SHIPPED_LIBRARY } from './library-data';

const execFileAsync = promisify(execFile);
const GENERATED_ITEMS = 2000;
const SEARCHES = 300;
const QUERIES = ['eksport', 'sletting', 'exit plan', 'API', 'arkivuttrekk', 'personopplysninger', 'sensor', 'data format', 'overgang', 'notice period', 'Maskinporten', 'dokumentasjon'];
const FILTERS = [{}, { kind: 'clause' as const }, { category: 'export' as const }, { domain: 'health-care' as const }, { type: 'A' as const }];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timed(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** A 300-item tender on the 2,000-item library: documents end to end, database reads included. */
async function benchTender(services: ReturnType<typeof createServices>): Promise<string[]> {
  const { db } = services.database;
  const buyer = await services.repositories.organisations.insert(db, { kind: 'buyer', name: 'Benchby kommune', orgNumber: null, parentId: null });
  const user = await services.repositories.auth.insertUser(db, { email: 'bench-editor@example.no', name: 'Bench Editor', passwordHash: 'x' });
  await services.repositories.organisations.insertMembership(db, { organisationId: buyer.id, userId: user.id, role: 'editor' });
  const actor: Actor = { userId: user.id, email: user.email, name: user.name, isAdmin: false, locale: 'nb', memberships: await services.repositories.auth.membershipsOf(db, user.id), activeOrganisationId: buyer.id, via: 'token', sessionId: null, csrfToken: null };
  const tender = await services.tenders.create(actor, { title: 'Benchmark-anskaffelse', reference: 'BENCH-1', language: 'nb', contactEmail: 'bench@example.no' }, SYSTEM_AUDIT);
  const keys = (await services.library.search(actor, { status: 'published', kind: 'requirement', sort: 'key', lang: 'nb', limit: 300, offset: 0 })).rows.map((r) => r.key);
  await services.tenders.addLibraryItems(actor, tender.id, keys, SYSTEM_AUDIT);
  await services.tenders.normaliseWeights(actor, tender.id, SYSTEM_AUDIT);
  const lines: string[] = [];
  // End to end and the docx pack floor for the same document, run by run in turn, so that both
  // are measured with the same heap and the same warm code. A docx Document may change while it
  // is packed, so each floor run packs a document of its own, built before its timer starts.
  const againstFloor = async (revision: number | undefined) => {
    const { model } = await services.tenders.documentModel(actor, tender.id, revision);
    const endToEnd: number[] = [];
    const pack: number[] = [];
    for (let run = 0; run <= 15; run++) {
      let t = performance.now();
      const read = await services.tenders.documentModel(actor, tender.id, revision);
      await generateDocument('specification.docx', read.model, read.requirementSet);
      const ms = performance.now() - t;
      const { document } = await createSpecificationDocument(model);
      t = performance.now();
      await Packer.toBuffer(document);
      if (run === 0) continue;
      endToEnd.push(ms);
      pack.push(performance.now() - t);
    }
    return { endToEnd: median(endToEnd), floor: median(pack), model };
  };
  const draft = await againstFloor(undefined);
  await services.tenders.issue(actor, tender.id, SYSTEM_AUDIT);
  const issued = await againstFloor(1);
  const { model } = issued;
  const sheet = await timed(10, async () => {
    const { model: m, requirementSet } = await services.tenders.documentModel(actor, tender.id, 1);
    await generateDocument('response-sheet.xlsx', m, requirementSet);
  });
  const [draftSpec, issuedSpec] = [draft.endToEnd, issued.endToEnd];
  const ratio = Math.max(draftSpec / draft.floor, issuedSpec / issued.floor);
  lines.push(
    `Specification DOCX for a ${keys.length}-requirement tender, end to end with database reads: working copy median ${draftSpec.toFixed(0)} ms, issued revision median ${issuedSpec.toFixed(0)} ms — target < 400 ms: ${Math.max(draftSpec, issuedSpec) < 400 ? 'met' : 'NOT met'}`,
  );
  lines.push(
    `docx pack floor for the same document (pre-built, Packer.toBuffer only), measured in turn with each: median ${draft.floor.toFixed(0)} ms beside the working copy, ${issued.floor.toFixed(0)} ms beside the issued revision; end to end / floor: working copy ${(draftSpec / draft.floor).toFixed(2)}, issued ${(issuedSpec / issued.floor).toFixed(2)} — target < 1.5: ${ratio < 1.5 ? 'met' : 'NOT met'}`,
  );
  lines.push(...(await benchDocuments()));
  lines.push(`Response sheet XLSX for the ${model.sections.reduce((n, s) => n + s.items.filter((i) => i.kind === 'requirement').length, 0)}-requirement tender, end to end: median ${sheet.toFixed(0)} ms — target < 300 ms: ${sheet < 300 ? 'met' : 'NOT met'}`);
  lines.push(...(await benchResponseSheet()));
  return lines;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'datakrav-bench-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const results: string[] = [];
  try {
    const shippedDb = await createDatabase({ dataDir: path.join(work, 'shipped') });
    await shippedDb.migrate();
    const shippedServices = createServices(shippedDb, config);
    let started = performance.now();
    const shippedLibrary = await loadLibraryFiles(SHIPPED_LIBRARY);
    const shippedReport = await shippedServices.library.sync(shippedLibrary, SYSTEM_AUDIT);
    results.push(`Sync of the shipped library (${shippedReport.added} items, load + validate + write): ${Math.round(performance.now() - started)} ms`);
    started = performance.now();
    await shippedServices.library.sync(await loadLibraryFiles(SHIPPED_LIBRARY), SYSTEM_AUDIT);
    results.push(`Second sync of the shipped library (writes nothing): ${Math.round(performance.now() - started)} ms`);
    await shippedDb.close();

    const generatedDir = path.join(work, 'generated');
    await mkdir(generatedDir);
    await generateLibrary(generatedDir, GENERATED_ITEMS);
    const db = await createDatabase({ dataDir: path.join(work, 'large') });
    await db.migrate();
    const services = createServices(db, config);
    started = performance.now();
    const loaded = await loadLibraryFiles(generatedDir);
    const loadMs = performance.now() - started;
    const report = await services.library.sync(loaded, SYSTEM_AUDIT);
    const syncMs = performance.now() - started;
    results.push(`Sync of ${report.added} generated items: ${Math.round(syncMs)} ms (of which reading and validating files ${Math.round(loadMs)} ms) — target < 5000 ms: ${syncMs < 5000 ? 'met' : 'NOT met'}`);

    const reader: Actor = { userId: '00000000-0000-0000-0000-000000000001', email: 'bench@example.no', name: 'Bench', isAdmin: false, locale: 'nb', memberships: [], activeOrganisationId: null, via: 'token', sessionId: null, csrfToken: null };
    const timings: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const q = QUERIES[i % QUERIES.length];
      const filter = FILTERS[i % FILTERS.length];
      const t = performance.now();
      const { total } = await services.library.search(reader, { q, ...filter, sort: 'relevance', lang: i % 2 ? 'en' : 'nb', limit: 25, offset: (i % 3) * 25 });
      timings.push(performance.now() - t);
      if (i === 0 && total === 0) throw new Error(`search for ${q} found nothing`);
    }
    timings.sort((a, b) => a - b);
    const p95 = percentile(timings, 95);
    results.push(`Search over ${report.added + 0} items, ${SEARCHES} queries: median ${percentile(timings, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${(timings[timings.length - 1] as number).toFixed(1)} ms — target p95 < 50 ms: ${p95 < 50 ? 'met' : 'NOT met'}`);
    results.push(...(await benchTender(services)));
    await db.close();

    // The assessment comparison in a fresh process, as a started server has it; with DATABASE_URL
    // once more on that PostgreSQL server (the configuration for many users).
    const runner = path.join(__dirname, 'assessments.run.ts');
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', runner, generatedDir, path.join(work, 'assessments')], { env: { ...process.env, DATABASE_URL: '' }, maxBuffer: 1 << 20 });
    results.push(stdout.trim());
    if (process.env.DATABASE_URL) {
      const onServer = await execFileAsync(process.execPath, ['--import', 'tsx', runner, generatedDir, path.join(work, 'assessments-server')], { maxBuffer: 1 << 20 });
      results.push(onServer.stdout.trim());
    }

    // Leaving Datakrav: the export of a generated installation beside the database's own dump, and
    // its import into an empty installation, in a fresh process so that the RSS growth is the export's.
    const exit = await execFileAsync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'exit.run.ts'), path.join(work, 'exit')], { env: { ...process.env, DATABASE_URL: '' }, maxBuffer: 1 << 20 });
    results.push(exit.stdout.trim());

    // The machine checks, each part in a fresh process, so that the RSS measured is the check's alone.
    const checks = path.join(__dirname, 'checks.bench.ts');
    for (const part of ['openapi', 'csv']) {
      const measured = await execFileAsync(process.execPath, ['--import', 'tsx', checks, part], { maxBuffer: 1 << 20 });
      results.push(measured.stdout.trim());
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  process.stdout.write(`${results.join('\n')}\n`);
}

/** The load benchmark in processes of its own (bench/load.run.ts); its progress goes to stderr as it runs. */
async function runLoad(flags: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load.run.ts'), ...flags], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the load benchmark exited with ${code}`);
}

/** The start benchmark (bench/start.run.ts) in a process of its own: it starts the built app several times. */
async function runStart(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'start.run.ts')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the start benchmark exited with ${code}`);
}

// `npm run bench` runs every part, the start first and the load last; `npm run bench -- start`
// the start alone; `npm run bench -- load [--quick]` the load alone; `npm run bench -- --postgres`
// the two-instance load on the server in DATABASE_URL.
const args = process.argv.slice(2);
const loadFlags: string[] = args.filter((arg) => arg === '--quick' || arg === '--postgres');
const unknown = args.filter((arg) => arg !== 'load' && arg !== 'start' && !loadFlags.includes(arg));
if (unknown.length > 0) {
  process.stderr.write(`Unknown part or flag: ${unknown.join(' ')}. Parts: start; load (with --quick or --postgres); no part runs them all.\n`);
  process.exit(2);
}
const loadOnly = args.includes('load') || loadFlags.includes('--postgres');
const startOnly = args.includes('start');
(startOnly ? runStart() : loadOnly ? runLoad(loadFlags) : runStart().then(main).then(() => runLoad(loadFlags))).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
