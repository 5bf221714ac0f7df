/**
 * The exit benchmark in a process of its own, so that the RSS growth measured is the export's:
 * a generated installation (1,000 library items, 200 products with answers, 50 issued tenders
 * of 30 items, 20,000 audit entries, 200 evidence files of 100 kB) exported as a zip by the
 * export job, beside the embedded database's own dump of the same data in the same run, then
 * imported into an empty installation. `bench/run.ts` starts it; argument: a work folder. Targets: export ≤ 10 s with RSS growing ≤ 100 MB; import ≤ 2 × the export.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { answers, evidenceFiles } from '../server/assessments/assessments.table';
import { SYSTEM_AUDIT, type Actor } from '../server/auth/actor';
import { loadConfig } from '../server/config';
import { createDatabase } from '../server/db/client';
import { EXIT_ENTITIES } from '../server/exit/exit.repository';
import { createJobRunner } from '../server/jobs/job-runner';
import { loadLibraryFiles } from '../server/library/library.files';
import { createServices, type Services } from '../server/services';
import { products, productVersions } from '../server/vendors/vendors.table';
import { generateLibrary } from './library-data';

const LIBRARY_ITEMS = 1000;
const PRODUCTS = 200;
const ANSWERS_PER_PRODUCT = 10;
const TENDERS = 50;
const ITEMS_PER_TENDER = 30;
const AUDIT_ENTRIES = 20_000;
const EVIDENCE_FILES = 200;
const EVIDENCE_BYTES = 100 * 1024;

async function actorFor(services: Services, userId: string, isAdmin = false): Promise<Actor> {
  const { db } = services.database;
  const [user] = await db.execute(sql`select email, name from users where id = ${userId}`).then((r) => (r as unknown as { rows: { email: string; name: string }[] }).rows);
  return { userId, email: user?.email ?? '', name: user?.name ?? '', isAdmin, locale: 'nb', memberships: await services.repositories.auth.membershipsOf(db, userId), activeOrganisationId: null, via: 'token', sessionId: null, csrfToken: null };
}

async function generate(services: Services, libraryDir: string): Promise<{ admin: Actor; items: number }> {
  const { db } = services.database;
  const report = await services.library.sync(await loadLibraryFiles(libraryDir), SYSTEM_AUDIT);
  const buyer = await services.repositories.organisations.insert(db, { kind: 'buyer', name: 'Exitby kommune', orgNumber: null, parentId: null });
  const vendor = await services.repositories.organisations.insert(db, { kind: 'vendor', name: 'Exit AS', orgNumber: null, parentId: null });
  const editor = await services.repositories.auth.insertUser(db, { email: 'exit-editor@example.no', name: 'Exit Editor', passwordHash: 'x' });
  const admin = await services.repositories.auth.insertUser(db, { email: 'exit-admin@example.no', name: 'Exit Admin', passwordHash: 'x', isAdmin: true });
  await services.repositories.organisations.insertMembership(db, { organisationId: buyer.id, userId: editor.id, role: 'editor' });
  const editorActor = await actorFor(services, editor.id);
  const keys = (await services.library.search(editorActor, { status: 'published', kind: 'requirement', sort: 'key', lang: 'nb', limit: 500, offset: 0 })).rows.map((r) => r.key);
  for (let n = 0; n < TENDERS; n++) {
    const tender = await services.tenders.create(editorActor, { title: `Exit-anskaffelse ${n}`, reference: `EXIT-${n}`, language: 'nb', contactEmail: 'exit@example.no' }, SYSTEM_AUDIT);
    await services.tenders.addLibraryItems(editorActor, tender.id, keys.slice((n * 7) % (keys.length - ITEMS_PER_TENDER), ((n * 7) % (keys.length - ITEMS_PER_TENDER)) + ITEMS_PER_TENDER), SYSTEM_AUDIT);
    await services.tenders.normaliseWeights(editorActor, tender.id, SYSTEM_AUDIT);
    await services.tenders.issue(editorActor, tender.id, SYSTEM_AUDIT);
  }
  const answerIds: string[] = [];
  for (let p = 0; p < PRODUCTS; p++) {
    const [product] = await db.insert(products).values({ vendorOrganisationId: vendor.id, name: `Exitsystem ${p}`, domains: ['school'], deployment: 'saas' }).returning();
    const [version] = await db.insert(productVersions).values({ productId: product?.id as string, label: '1.0', releaseDate: '2026-01-01' }).returning();
    const rows = await db
      .insert(answers)
      .values(keys.slice(0, ANSWERS_PER_PRODUCT).map((key) => ({ productVersionId: version?.id as string, libraryKey: key, libraryMajor: 1, status: 'meets' as const, explanation: `Svar for ${key} i produkt ${p}.` })))
      .returning({ id: answers.id });
    answerIds.push(...rows.map((r) => r.id));
  }
  for (let n = 0; n < EVIDENCE_FILES; n++) {
    const content = randomBytes(EVIDENCE_BYTES);
    await db.insert(evidenceFiles).values({ answerId: answerIds[n * 7] as string, filename: `bevis-${n}.pdf`, contentType: 'application/pdf', size: content.length, sha256: createHash('sha256').update(content).digest('hex'), content });
  }
  await db.execute(sql`
    insert into audit_log (occurred_at, actor_email, organisation_id, action, entity_type, entity_id, after)
    select now() - (n || ' seconds')::interval, 'exit-editor@example.no', case when n % 2 = 0 then ${buyer.id}::uuid else null end,
           'bench.generated', 'bench', n::text, jsonb_build_object('n', n, 'note', 'generert for benchmark')
    from generate_series(1, ${AUDIT_ENTRIES}) as n`);
  return { admin: await actorFor(services, admin.id, true), items: report.added };
}

/** Runs `work` while sampling the process's RSS every 20 ms; answers the time and the largest growth. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; rssGrowthMb: number }> {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, ms: performance.now() - started, rssGrowthMb: (peak - baseline) / (1024 * 1024) };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const [workDir] = process.argv.slice(2);
  if (!workDir) throw new Error('usage: exit.run.ts <work folder>');
  const libraryDir = path.join(workDir, 'library');
  await mkdir(libraryDir, { recursive: true });
  await generateLibrary(libraryDir, LIBRARY_ITEMS);
  const source = path.join(workDir, 'exit-source');
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: source });
  const database = await createDatabase({ dataDir: source });
  await database.migrate();
  const services = createServices(database, config);
  const { admin, items } = await generate(services, libraryDir);
  const counts = Object.fromEntries(
    await Promise.all(
      EXIT_ENTITIES.map(async (e) => [e.name, Number(((await database.db.execute(sql`select count(*)::int as n from ${e.table}`)) as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0)] as const),
    ),
  );
  const runner = createJobRunner({ db: database.db, repository: services.jobs.repository, handlers: services.exit.jobHandlers });

  const job = await services.exit.requestExport(admin, { scope: 'installation' }, SYSTEM_AUDIT);
  const exported = await measured(() => runner.runOnce());
  const done = await services.jobs.queue.find(job.id);
  if (done?.state !== 'done') throw new Error(`the export failed: ${JSON.stringify(done?.error)}`);
  const zip = path.join(source, 'exports', `${job.id}.zip`);
  const zipBytes = (await stat(zip)).size;
  const dump = await measured(async () => (await database.dumpDataDir()) as Blob);
  await database.close();

  const target = path.join(workDir, 'exit-target');
  const targetDb = await createDatabase({ dataDir: target });
  await targetDb.migrate();
  const targetServices = createServices(targetDb, loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: target }));
  const importer = await targetServices.repositories.auth.insertUser(targetDb.db, { email: 'importer@example.no', name: 'Importer', passwordHash: 'x', isAdmin: true });
  await mkdir(path.join(workDir, 'upload'), { recursive: true });
  const upload = path.join(workDir, 'upload', 'export.zip');
  await copyFile(zip, upload);
  const targetRunner = createJobRunner({ db: targetDb.db, repository: targetServices.jobs.repository, handlers: targetServices.exit.jobHandlers, leaseMs: 600_000 });
  const imported = await measured(async () => {
    const queued = await targetServices.exit.requestImport(await actorFor(targetServices, importer.id, true), { path: upload }, SYSTEM_AUDIT);
    await targetRunner.runOnce();
    return targetServices.jobs.queue.find(queued.id);
  });
  if (imported.result?.state !== 'done') throw new Error(`the import failed: ${JSON.stringify(imported.result?.error)}`);
  await targetDb.close();

  const data = `${items} library items, ${counts.products} products with ${counts.answers} answers, ${counts.tenders} issued tenders with ${counts.tender_items} items, ${counts.audit_log} audit entries, ${counts.evidence_files} evidence files of 100 kB`;
  const exportOk = exported.ms <= 10_000 && exported.rssGrowthMb <= 100;
  const importOk = imported.ms <= 2 * exported.ms;
  process.stdout.write(
    [
      `Export of an installation (${data}): ${Math.round(exported.ms)} ms, RSS growth ${exported.rssGrowthMb.toFixed(0)} MB, zip ${(zipBytes / 1024 / 1024).toFixed(1)} MB — target ≤ 10000 ms and ≤ 100 MB: ${exportOk ? 'met' : 'NOT met'}`,
      `Embedded database's own dump of the same data (PGlite dumpDataDir, gzip): ${Math.round(dump.ms)} ms, RSS growth ${dump.rssGrowthMb.toFixed(0)} MB, ${(((dump.result as Blob).size) / 1024 / 1024).toFixed(1)} MB — export / dump time ${(exported.ms / dump.ms).toFixed(2)}`,
      `Import of that export into an empty installation (checked, then one transaction): ${Math.round(imported.ms)} ms, RSS growth ${imported.rssGrowthMb.toFixed(0)} MB — import / export time ${(imported.ms / exported.ms).toFixed(2)}, target ≤ 2: ${importOk ? 'met' : 'NOT met'}`,
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
