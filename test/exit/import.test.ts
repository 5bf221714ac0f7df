import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import JSZip from 'jszip';
import type { Response } from 'supertest';
import { createJobRunner } from '../../server/jobs/job-runner';
import { TENDER_DOCUMENTS } from '../../server/documents/documents';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { buildProduct, syncLibraryAndBaseline } from '../assessments/fixtures';
import { binary, sha256 } from '../helpers/http';

type ManifestFile = { path: string; mediaType: string; rows?: number; bytes: number; sha256: string };
type Manifest = { formatVersion: number; createdAt: string; scope: { kind: string }; files: ManifestFile[]; auditChains: { chain: string; chainSeq: number; entryHash: string }[] };

const dirs: string[] = [];
const contexts: TestContext[] = [];

let source: TestContext;
let sourceAdmin: LoggedIn;
let sourceEditor: LoggedIn;
let issuedTenderId: string;
let cityId: string;
let tenderCheckRunId: string;
let evidenceCheckRunId: string;
const CLIENT_SECRET = 'kildeby-klienthemmelighet-som-aldri-eksporteres';
const SSO_ENV = { PUBLIC_URL: 'https://datakrav.example.no', OIDC_SECRET_KEY: randomBytes(32).toString('base64') };
let exported: { bytes: Buffer; manifest: Manifest; zip: JSZip };

/** An installation as a first start leaves it: migrated, the library and baseline profile synchronised, one administrator. */
async function emptyInstallation(env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'datakrav-import-test-'));
  dirs.push(dir);
  const ctx = await createTestApp({ DATA_DIR: dir, ...SSO_ENV, ...env });
  contexts.push(ctx);
  await syncLibraryAndBaseline(ctx.services);
  const admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true, email: `forste-admin-${Date.now()}@ny.example.no` }));
  return { ctx, admin, dir };
}

const runJobs = (ctx: TestContext) => createJobRunner({ db: ctx.services.database.db, repository: ctx.services.jobs.repository, handlers: ctx.services.exit.jobHandlers }).runOnce();

async function exportInstallation(ctx: TestContext, admin: LoggedIn) {
  const requested = await admin.agent.post('/api/exit/exports').set('X-CSRF-Token', admin.csrf).send({ scope: 'installation' });
  expect(requested.status).toBe(202);
  await runJobs(ctx);
  const status = await admin.agent.get(`/api/exit/exports/${requested.body.id}`);
  expect(status.body).toMatchObject({ state: 'done', error: null });
  const bytes = (await admin.agent.get(status.body.downloadUrl).buffer(true).parse(binary)).body as Buffer;
  const zip = await JSZip.loadAsync(bytes);
  const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string')) as Manifest;
  return { bytes, manifest, zip };
}

const upload = (who: LoggedIn, bytes: Buffer, name = 'datakrav-export.zip') => who.agent.post('/api/exit/imports').set('X-CSRF-Token', who.csrf).attach('file', bytes, name);

/** The same export with some entries replaced, added or removed; the manifest is kept unless replaced. */
async function altered(changes: Record<string, Buffer | string | null>, options: { compression?: 'STORE' | 'DEFLATE' } = {}): Promise<Buffer> {
  const zip = new JSZip();
  for (const file of Object.values(exported.zip.files)) {
    if (file.dir || file.name in changes) continue;
    zip.file(file.name, await file.async('nodebuffer'));
  }
  for (const [name, content] of Object.entries(changes)) if (content !== null) zip.file(name, content, { createFolders: false });
  return zip.generateAsync({ type: 'nodebuffer', compression: options.compression ?? 'DEFLATE' });
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'datakrav-import-source-'));
  dirs.push(dir);
  source = await createTestApp({ DATA_DIR: dir, ...SSO_ENV });
  contexts.push(source);
  await syncLibraryAndBaseline(source.services);
  const city = await buildOrganisation(source.services, { name: 'Kildeby kommune' });
  cityId = city.id;
  const partner = await buildOrganisation(source.services, { name: 'Partnerby kommune' });
  const vendorOrg = await buildOrganisation(source.services, { kind: 'vendor', name: 'Flytt AS' });
  sourceAdmin = await loginAs(source, await buildUser(source.services, { isAdmin: true, email: `admin-${Date.now()}@kildeby.no` }));
  sourceEditor = await loginAs(source, await buildUser(source.services, { memberships: [[city, 'owner']] }));
  const vendor = await loginAs(source, await buildUser(source.services, { memberships: [[vendorOrg, 'owner']] }));
  const created = await sourceEditor.agent.post('/api/tenders').set('X-CSRF-Token', sourceEditor.csrf).send({ title: 'Flyttbart anbud', reference: 'IMP/1', language: 'nb', domain: 'school', contactEmail: 'innkjop@kildeby.no' });
  expect(created.status).toBe(201);
  issuedTenderId = created.body.id as string;
  await sourceEditor.agent.post(`/api/tenders/${issuedTenderId}/items`).set('X-CSRF-Token', sourceEditor.csrf).send({ keys: ['EXP-001', 'EXIT-009'] }).expect(201);
  const tender = await sourceEditor.agent.get(`/api/tenders/${issuedTenderId}`).expect(200);
  await sourceEditor.agent.put(`/api/tenders/${issuedTenderId}/co-buyers/${partner.id}`).set('X-CSRF-Token', sourceEditor.csrf).send({ canEdit: true, version: tender.body.version }).expect(204);
  await sourceEditor.agent.post(`/api/tenders/${issuedTenderId}/issue`).set('X-CSRF-Token', sourceEditor.csrf).expect(200);
  const version = (await buildProduct(source.services, vendorOrg, { name: 'Flyttesystem' })).versions[0];
  const answer = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version?.id, key: 'EXP-001', major: 1, status: 'meets' });
  expect(answer.status).toBe(201);
  await vendor.agent.post(`/api/assessments/answers/${answer.body.id}/evidence`).set('X-CSRF-Token', vendor.csrf).attach('file', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 254, 255]), Buffer.from('æøå\n')]), 'bevis.pdf').expect(201);
  // Machine checks: one of the vendor's sample export (evidence), one of a bidder's file uploaded for the tender.
  const sample = await vendor.agent.post(`/api/assessments/answers/${answer.body.id}/evidence`).set('X-CSRF-Token', vendor.csrf).attach('file', readFileSync(path.join(__dirname, '..', 'checks', 'fixtures', 'elever.csv')), 'elever.csv');
  expect(sample.status).toBe(201);
  evidenceCheckRunId = sample.body.checkRunId as string;
  expect(evidenceCheckRunId).toEqual(expect.any(String));
  const tenderCheck = await sourceEditor.agent.post(`/api/tenders/${issuedTenderId}/check-runs`).set('X-CSRF-Token', sourceEditor.csrf).field('bidder', 'Flytt AS').attach('files', readFileSync(path.join(__dirname, '..', 'checks', 'fixtures', 'elever.csv')), 'tilbud-elever.csv');
  expect(tenderCheck.status).toBe(201);
  tenderCheckRunId = tenderCheck.body.id as string;
  while ((await source.services.jobs.runner.runOnce()).length > 0) {
    // Runs the queued check runs to their reports.
  }
  expect((await sourceEditor.agent.get(`/api/check-runs/${tenderCheckRunId}`)).body.state).toBe('done');
  // Single sign-on: a provider with a client secret, a role mapping and a login policy.
  const provider = await sourceAdmin.agent
    .post('/api/identity-providers')
    .set('X-CSRF-Token', sourceAdmin.csrf)
    .send({ slug: 'kildeby-id', displayName: 'Kildeby ID', issuer: 'https://login.kildeby.no', clientId: 'datakrav', clientSecret: CLIENT_SECRET, organisationId: city.id });
  expect(provider.body).toMatchObject({ hasClientSecret: true });
  await sourceEditor.agent.post(`/api/organisations/${city.id}/sso/role-mappings`).set('X-CSRF-Token', sourceEditor.csrf).send({ claimValue: 'DK-Eiere', role: 'owner' }).expect(201);
  // Required, then no longer (so its members still log in with passwords below): the policy's row stays.
  for (const requireSso of [true, false]) await sourceEditor.agent.put(`/api/organisations/${city.id}/sso/policy`).set('X-CSRF-Token', sourceEditor.csrf).send({ requireSso }).expect(200);
  exported = await exportInstallation(source, sourceAdmin);
});

afterAll(async () => {
  for (const ctx of contexts) {
    await ctx.services.jobs.stop();
    await ctx.close();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('When an installation export is imported into an empty installation and exported again, then the manifests match file for file, the audit chains verify and the issued documents in the export, the original and the restored downloads are byte-identical', async () => {
  const target = await emptyInstallation();
  const queued = await upload(target.admin, exported.bytes);
  expect(queued.status).toBe(202);
  expect(queued.body).toMatchObject({ state: 'queued', scope: 'installation', formatVersion: 1, sha256: sha256(exported.bytes), rows: null });
  await runJobs(target.ctx);

  // The empty installation's own administrator was replaced by the export's accounts.
  expect((await target.admin.agent.get(`/api/exit/imports/${queued.body.id}`)).status).toBe(401);
  const admin = await loginAs(target.ctx, sourceAdmin.user);
  const done = await admin.agent.get(`/api/exit/imports/${queued.body.id}`);
  expect(done.body).toMatchObject({ state: 'done', error: null });
  const expectedRows = Object.fromEntries(exported.manifest.files.filter((f) => f.path.startsWith('data/')).map((f) => [path.basename(f.path, '.jsonl'), f.rows]));
  expect(done.body.rows).toEqual(expectedRows);
  expect(done.body.rows).toMatchObject({ check_runs: 2, check_uploads: 1, identity_providers: 1, sso_role_mappings: 1, sso_organisation_policies: 1 });
  expect(done.body.rows.library_packs).toBeGreaterThan(0);
  expect(done.body.importing).toBeNull();

  const verified = await admin.agent.get('/api/audit/verify');
  expect(verified.body).toMatchObject({ valid: true, firstBreak: null });
  for (const head of exported.manifest.auditChains) {
    const chain = verified.body.chains.find((c: { chain: string }) => c.chain === head.chain);
    if (head.chain === 'installation') expect(chain.head.chainSeq).toBeGreaterThan(head.chainSeq);
    else expect(chain.head).toEqual({ chainSeq: head.chainSeq, entryHash: head.entryHash });
  }
  const imported = await admin.agent.get('/api/audit').query({ action: 'exit.installation_imported' });
  expect(imported.body.items).toHaveLength(1);
  expect(imported.body.items[0]).toMatchObject({ actorEmail: target.admin.user.email, before: { administrators: [target.admin.user.email] } });

  const again = await exportInstallation(target.ctx, admin);
  const comparable = (m: Manifest) => m.files.filter((f) => !/(^|\/)audit_log\./.test(f.path));
  expect(comparable(again.manifest)).toEqual(comparable(exported.manifest));
  expect(again.manifest.files.map((f) => f.path)).toEqual(exported.manifest.files.map((f) => f.path));
  expect(again.manifest.createdAt).not.toBe('');
  // The audit log goes on from where the export ended: the same entries, then the import's own and the new export's.
  const before = await (exported.zip.file('data/audit_log.jsonl') as JSZip.JSZipObject).async('nodebuffer');
  const after = await (again.zip.file('data/audit_log.jsonl') as JSZip.JSZipObject).async('nodebuffer');
  expect(after.subarray(0, before.length).equals(before)).toBe(true);
  const added = after.subarray(before.length).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).action as string);
  expect(added).toEqual(expect.arrayContaining(['exit.installation_imported', 'exit.export_requested']));

  // Check runs, sector packs and single sign-on settings came back as they were.
  const editor = await loginAs(target.ctx, sourceEditor.user);
  for (const runId of [tenderCheckRunId, evidenceCheckRunId]) {
    const original = await sourceAdmin.agent.get(`/api/check-runs/${runId}`);
    const restored = await admin.agent.get(`/api/check-runs/${runId}`);
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual(original.body);
  }
  expect((await admin.agent.get('/api/library/packs')).body).toEqual((await sourceAdmin.agent.get('/api/library/packs')).body);
  expect((await editor.agent.get(`/api/organisations/${cityId}/sso`)).body).toEqual((await sourceEditor.agent.get(`/api/organisations/${cityId}/sso`)).body);
  // The provider comes back without its client secret, which no export holds: it must be entered again.
  const providers = (res: Response) => (res.body.items as { slug: string; hasClientSecret: boolean }[]).filter((p) => p.slug === 'kildeby-id');
  expect(providers(await sourceAdmin.agent.get('/api/identity-providers'))).toEqual([expect.objectContaining({ hasClientSecret: true })]);
  expect(providers(await admin.agent.get('/api/identity-providers'))).toEqual([expect.objectContaining({ hasClientSecret: false, organisationId: cityId })]);
  const providerRows = await (exported.zip.file('data/identity_providers.jsonl') as JSZip.JSZipObject).async('string');
  expect(providerRows).toContain('kildeby-id');
  expect(providerRows).not.toContain('client_secret');
  const [sealed] = ((await source.services.database.db.execute(sql`select client_secret_ciphertext as sealed from identity_providers where slug = 'kildeby-id'`)) as unknown as { rows: { sealed: string }[] }).rows;
  expect(sealed?.sealed).toMatch(/^v1\./);
  for (const file of Object.values(exported.zip.files)) {
    const bytes = await file.async('nodebuffer');
    expect({ file: file.name, secret: bytes.includes(CLIENT_SECRET), sealed: bytes.includes(sealed?.sealed ?? '') }).toEqual({ file: file.name, secret: false, sealed: false });
  }

  for (const document of TENDER_DOCUMENTS) {
    const original = (await sourceEditor.agent.get(`/api/tenders/${issuedTenderId}/documents/${document}`).query({ revision: 1 }).buffer(true).parse(binary)).body as Buffer;
    const restored = await editor.agent.get(`/api/tenders/${issuedTenderId}/documents/${document}`).query({ revision: 1 }).buffer(true).parse(binary);
    const inExport = exported.manifest.files.find((f) => f.path === `documents/${issuedTenderId}/1/${document}`);
    expect({ document, status: restored.status, sha256: sha256(restored.body as Buffer), inExport: inExport?.sha256 }).toEqual({ document, status: 200, sha256: sha256(original), inExport: sha256(original) });
  }
});

// On the embedded database the import's transaction holds the one connection, so no request is
// answered while it runs; its progress can be watched on PostgreSQL.
(process.env.DATABASE_URL ? test : test.skip)('When an import is running, then its status in the API and on its page names the entity being written and the rows written of the total', async () => {
  const target = await emptyInstallation();
  const queued = await upload(target.admin, exported.bytes);
  expect(queued.status).toBe(202);
  const rowsTotal = exported.manifest.files.filter((f) => /^data\/[^/]+\.jsonl$/.test(f.path)).reduce((sum, f) => sum + (f.rows ?? 0), 0);
  let seen = null as { api: Record<string, unknown>; page: string } | null;
  let running: Promise<unknown> = Promise.resolve();
  // The import's own audit entry waits for the installation chain's lock, held here, so the import
  // stops after its last row until the status has been read.
  await target.ctx.services.database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7311024, hashtext('installation'))`);
    running = runJobs(target.ctx);
    for (let attempt = 0; attempt < 300 && !seen; attempt++) {
      const status = await target.admin.agent.get(`/api/exit/imports/${queued.body.id}`);
      if (status.body.importing?.rowsDone === rowsTotal) seen = { api: status.body, page: (await target.admin.agent.get(`/exit/imports/${queued.body.id}`)).text };
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  await running;
  expect(seen?.api).toMatchObject({ state: 'running', importing: { entity: 'audit_log', rowsDone: rowsTotal, rowsTotal }, rows: null });
  expect(seen?.page).toContain(`Skriver audit_log: ${rowsTotal} av ${rowsTotal} rader`);
  const admin = await loginAs(target.ctx, sourceAdmin.user);
  expect((await admin.agent.get(`/api/exit/imports/${queued.body.id}`)).body).toMatchObject({ state: 'done', progress: 100, importing: null });
});

test('When an export is made while a check run waits, then the imported run gets a job of its own and runs to its report in the new installation', async () => {
  const waiting = await sourceEditor.agent.post(`/api/tenders/${issuedTenderId}/check-runs`).set('X-CSRF-Token', sourceEditor.csrf).field('bidder', 'Vente AS').attach('files', readFileSync(path.join(__dirname, '..', 'checks', 'fixtures', 'elever.csv')), 'venter-elever.csv');
  expect(waiting.status).toBe(201);
  const withWaitingRun = await exportInstallation(source, sourceAdmin);
  const target = await emptyInstallation();
  expect((await upload(target.admin, withWaitingRun.bytes)).status).toBe(202);
  await runJobs(target.ctx);
  const admin = await loginAs(target.ctx, sourceAdmin.user);
  expect((await admin.agent.get(`/api/check-runs/${waiting.body.id}`)).body).toMatchObject({ state: 'queued', report: null });
  const imported = await admin.agent.get('/api/audit').query({ action: 'exit.installation_imported' });
  expect(imported.body.items[0].after).toMatchObject({ checkRunsQueuedAgain: 1 });
  while ((await target.ctx.services.jobs.runner.runOnce()).length > 0) {
    // Runs the imported run's new job.
  }
  const ran = await admin.agent.get(`/api/check-runs/${waiting.body.id}`);
  expect(ran.body).toMatchObject({ state: 'done', bidder: 'Vente AS' });
  expect(ran.body.report).toEqual(expect.objectContaining({ files: expect.any(Array) }));
});

describe('When an import is refused, then the answer names the problem and nothing is written', () => {
  let target: Awaited<ReturnType<typeof emptyInstallation>>;
  beforeAll(async () => {
    target = await emptyInstallation({ IMPORT_ENTRY_LIMIT: '4mb', IMPORT_MAX_RATIO: '50' });
  });

  async function expectRefused(bytes: Buffer, status: number, code: string, text: RegExp) {
    const res = await upload(target.admin, bytes);
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(text);
    await runJobs(target.ctx);
    const organisations = await target.admin.agent.get('/api/audit').query({ action: 'exit.import_requested' });
    expect(organisations.body.items).toEqual([]);
    expect((await target.admin.agent.get('/api/organisations')).body.items ?? []).toEqual([]);
    expect(readdirSync(target.dir).filter((f) => f === 'imports')).toEqual([]);
  }

  test('a file whose SHA-256 does not match the manifest', async () => {
    const tenders = await (exported.zip.file('data/tenders.jsonl') as JSZip.JSZipObject).async('string');
    await expectRefused(await altered({ 'data/tenders.jsonl': tenders.replace('Flyttbart anbud', 'Endret anbud!!') }), 400, 'exit.import_checksum_mismatch', /"data\/tenders\.jsonl" does not match the manifest/);
  });

  test('a manifest naming a missing file', async () => {
    await expectRefused(await altered({ 'data/tenders.jsonl': null }), 400, 'exit.import_file_missing', /names the file "data\/tenders\.jsonl", but the archive does not hold it/);
  });

  test('a newer format version', async () => {
    await expectRefused(await altered({ 'manifest.json': JSON.stringify({ ...exported.manifest, formatVersion: 2 }) }), 400, 'exit.import_newer_format', /format version 2, newer than this version of Datakrav reads \(up to 1\)/);
  });

  test('an entry name that climbs out with ../', async () => {
    await expectRefused(await altered({ '../../etc/cron.d/datakrav': 'x' }), 400, 'exit.import_unsafe_path', /"\.\.\/\.\.\/etc\/cron\.d\/datakrav", which points outside the archive/);
  });

  test('an absolute entry name', async () => {
    await expectRefused(await altered({ '/etc/passwd': 'x' }), 400, 'exit.import_unsafe_path', /"\/etc\/passwd", which points outside the archive/);
  });

  test('a zip bomb: an entry expanding far more than an export does', async () => {
    await expectRefused(await altered({ 'files/bomb': Buffer.alloc(3 * 1024 * 1024) }), 400, 'exit.import_compression_ratio', /"files\/bomb" expands [0-9]+ times its compressed size.*zip bomb/);
  });

  test('an entry larger than the configured limit', async () => {
    await expectRefused(await altered({ 'files/huge': randomBytes(5 * 1024 * 1024) }, { compression: 'STORE' }), 413, 'exit.import_entry_too_large', /"files\/huge" expands to 5242880 bytes, more than the 4194304 bytes/);
  });

  test('a truncated upload', async () => {
    await expectRefused(exported.bytes.subarray(0, Math.floor(exported.bytes.length * 0.6)), 400, 'exit.import_not_zip', /not a complete zip archive/);
  });

  test('a file that is not a zip', async () => {
    await expectRefused(Buffer.from('name,value\nthis,is csv\n'), 400, 'exit.import_not_zip', /not a complete zip archive/);
  });

  test('an installation export whose manifest is changed to name an organisation its data does not hold', async () => {
    await expectRefused(await altered({ 'manifest.json': JSON.stringify({ ...exported.manifest, scope: { kind: 'organisation', organisationId: '00000000-0000-4000-8000-000000000000' } }) }), 400, 'exit.import_organisation_missing', /export of organisation 00000000-0000-4000-8000-000000000000, but data\/organisations\.jsonl does not hold it/);
  });

  test('an installation that already holds organisations', async () => {
    const res = await upload(sourceAdmin, exported.bytes);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'exit.import_not_empty' });
    expect(res.body.detail).toMatch(/only into an empty installation, and this one already holds 3 organisation\(s\)/);
    expect((await sourceAdmin.agent.get('/api/audit').query({ action: 'exit.import_requested' })).body.items).toEqual([]);
  });

  test('an upload refused before its handler runs, or by it, leaves no temporary file in the data folder', async () => {
    const tmp = (dir: string) => path.join(dir, 'tmp');
    const leftovers = (dir: string) => (existsSync(tmp(dir)) ? readdirSync(tmp(dir)) : []);
    const sourceDir = dirs[0] as string;
    expect(leftovers(target.dir)).toEqual([]);
    expect(leftovers(sourceDir)).toEqual([]);
    const wrongToken = await target.admin.agent.post('/api/exit/imports').set('X-CSRF-Token', 'feil-token').attach('file', exported.bytes, 'eksport.zip');
    expect({ status: wrongToken.status, code: wrongToken.body.code }).toEqual({ status: 403, code: 'auth.csrf_rejected' });
    const wrongFormToken = await target.admin.agent.post('/exit/imports').field('_csrf', 'feil-token').attach('file', exported.bytes, 'eksport.zip');
    expect(wrongFormToken.status).toBe(403);
    const unknownField = await target.admin.agent.post('/api/exit/imports').set('X-CSRF-Token', target.admin.csrf).field('overwrite', 'true').attach('file', exported.bytes, 'eksport.zip');
    expect({ status: unknownField.status, path: unknownField.body.errors?.[0]?.path }).toEqual({ status: 400, path: '(body)' });
    const anonymous = await target.ctx.request().post('/api/exit/imports').attach('file', exported.bytes, 'eksport.zip');
    expect(anonymous.status).toBe(401);
    const notAdmin = await upload(sourceEditor, exported.bytes);
    expect(notAdmin.body.code).toBe('exit.import_admin_required');
    expect(leftovers(target.dir)).toEqual([]);
    expect(leftovers(sourceDir)).toEqual([]);
  });

  test('someone who is not an administrator', async () => {
    const res = await upload(sourceEditor, exported.bytes);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'exit.import_admin_required' });
  });
});
