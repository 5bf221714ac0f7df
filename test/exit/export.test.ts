import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import JSZip from 'jszip';
import { runChecks } from '../../server/checks/engine';
import { checksDeclarationSchema } from '../../server/checks/rules.catalogue';
import { createJobRunner } from '../../server/jobs/job-runner';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { PROJECT_ROOT } from '../../server/shared/paths';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { buildProduct } from '../assessments/fixtures';
import { binary, sha256 } from '../helpers/http';

let ctx: TestContext;
let dataDir: string;
let city: OrganisationRow;
let partner: OrganisationRow;
let owner: LoggedIn;
let partnerEditor: LoggedIn;
let admin: LoggedIn;
let stranger: { email: string };
const tenders: Record<string, string> = {};


async function createTender(editor: LoggedIn, title: string) {
  const res = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title, reference: `EXIT/${title}`, language: 'nb', domain: 'school', contactEmail: 'innkjop@example.no' });
  expect(res.status).toBe(201);
  await editor.agent.post(`/api/tenders/${res.body.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'EXIT-009'] }).expect(201);
  return res.body.id as string;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'datakrav-exit-test-'));
  ctx = await createTestApp({ DATA_DIR: dataDir }, { seed: 'library' });
  city = await buildOrganisation(ctx.services, { name: 'Utgangsby kommune' });
  partner = await buildOrganisation(ctx.services, { name: 'Partnerby kommune' });
  const elsewhere = await buildOrganisation(ctx.services, { name: 'Annenby kommune' });
  owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'owner']] }));
  const cityEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  partnerEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[partner, 'editor']] }));
  const elsewhereEditor = await loginAs(ctx, await buildUser(ctx.services, { email: `fremmed-${Date.now()}@annenby.no`, memberships: [[elsewhere, 'editor']] }));
  stranger = { email: elsewhereEditor.user.email };
  admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
  tenders.own = await createTender(cityEditor, 'Eget anbud');
  tenders.shared = await createTender(partnerEditor, 'Felles anbud');
  const shared = await partnerEditor.agent.get(`/api/tenders/${tenders.shared}`).expect(200);
  await partnerEditor.agent.put(`/api/tenders/${tenders.shared}/co-buyers/${city.id}`).set('X-CSRF-Token', partnerEditor.csrf).send({ canEdit: false, version: shared.body.version }).expect(204);
  tenders.other = await createTender(elsewhereEditor, 'Fremmed anbud');
});
afterAll(async () => {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Requests an export, runs the job queue as the app's runner does, and answers the downloaded zip. */
async function exportAs(who: LoggedIn, body: Record<string, unknown>) {
  const requested = await who.agent.post('/api/exit/exports').set('X-CSRF-Token', who.csrf).send(body);
  expect(requested.status).toBe(202);
  expect(requested.body).toMatchObject({ state: 'queued', progress: 0, downloadUrl: null });
  const runner = createJobRunner({ db: ctx.services.database.db, repository: ctx.services.jobs.repository, handlers: ctx.services.exit.jobHandlers });
  await runner.runOnce();
  const status = await who.agent.get(`/api/exit/exports/${requested.body.id}`);
  expect(status.body).toMatchObject({ state: 'done', progress: 100, error: null });
  const download = await who.agent.get(status.body.downloadUrl).buffer(true).parse(binary);
  expect(download.status).toBe(200);
  const bytes = download.body as Buffer;
  expect(download.headers['x-content-sha256']).toBe(sha256(bytes));
  expect(status.body.sha256).toBe(sha256(bytes));
  const zip = await JSZip.loadAsync(bytes);
  const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string'));
  const read = async (name: string) => (zip.file(name) as JSZip.JSZipObject).async('nodebuffer');
  const rows = async (entity: string) => (await read(`data/${entity}.jsonl`)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { id: requested.body.id as string, bytes, zip, manifest, read, rows };
}

test('When an owner exports their organisation, then the zip holds every file the manifest names, each matching its SHA-256, rows valid against their schemas', async () => {
  const { manifest, zip, read } = await exportAs(owner, { scope: 'organisation', organisationId: city.id });
  expect(manifest).toMatchObject({ formatVersion: 1, scope: { kind: 'organisation', organisationId: city.id } });
  expect(new Date(manifest.createdAt).toISOString()).toBe(manifest.createdAt);
  const names = Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name).sort();
  expect(names).toEqual(['manifest.json', ...manifest.files.map((f: { path: string }) => f.path)].sort());
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  for (const file of manifest.files as { path: string; sha256: string; bytes: number; rows?: number; mediaType: string }[]) {
    const bytes = await read(file.path);
    expect({ path: file.path, sha256: sha256(bytes), bytes: bytes.length }).toEqual({ path: file.path, sha256: file.sha256, bytes: file.bytes });
    if (file.path.endsWith('.jsonl')) {
      const entity = path.basename(file.path, '.jsonl');
      const validate = ajv.compile(JSON.parse((await read(`schemas/${entity}.schema.json`)).toString('utf8')));
      const lines = bytes.toString('utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(file.rows ?? -1);
      for (const line of lines) expect({ entity, valid: validate(JSON.parse(line)), errors: validate.errors ?? null }).toEqual({ entity, valid: true, errors: null });
      const csv = parse((await read(`csv/${entity}.csv`)).toString('utf8'), { columns: true, relax_quotes: false }) as Record<string, string>[];
      expect(csv).toHaveLength(lines.length);
      if (lines[0]) expect(Object.keys(csv[0] ?? {})).toEqual(Object.keys(JSON.parse(lines[0])));
    }
  }
  expect((await read('README.md')).toString('utf8')).toBe(readFileSync(path.join(PROJECT_ROOT, 'docs', 'export-format.md'), 'utf8'));
  expect(names).toContain('library/export/EXP-001.yaml');
});

test('When Datakrav\'s own sample-export checks run on its export, then every rule passes: the files parse, text is UTF-8, every JSON Lines file follows its JSON Schema, every file and field of its data model is there, the records have unique keys and every date is ISO 8601', async () => {
  const { bytes, manifest } = await exportAs(owner, { scope: 'organisation', organisationId: city.id });
  const checks = checksDeclarationSchema.parse(['export.parses', 'export.utf8', 'export.json-schema', 'export.data-model', 'export.records', 'export.iso-dates'].map((rule) => ({ rule })));
  const report = await runChecks({ files: [{ name: 'datakrav-export.zip', bytes }], checks });
  const failed = report.findings.filter((f) => f.outcome === 'fail').map((f) => `${f.rule} ${f.location?.entry ?? ''}: ${f.message.en}`);
  expect(failed).toEqual([]);
  expect(report.rules.map((r) => [r.rule, r.outcome])).toEqual([
    ['files.readable', 'pass'],
    ['export.parses', 'pass'],
    ['export.utf8', 'pass'],
    ['export.json-schema', 'pass'],
    ['export.data-model', 'pass'],
    ['export.records', 'pass'],
    ['export.iso-dates', 'pass'],
  ]);
  expect(report.summary.outcome).toBe('pass');
  // Every data file of the manifest was among the files checked against a schema.
  const dataFiles = (manifest.files as { path: string }[]).filter((f) => f.path.endsWith('.jsonl')).length;
  expect(dataFiles).toBeGreaterThan(10);
  expect(report.rules.find((r) => r.rule === 'export.json-schema')?.counts.pass ?? 0).toBeGreaterThanOrEqual(dataFiles);
  // The export's own data model names every entity's primary key, so keys are checked for uniqueness, not skipped.
  const keysChecked = report.findings.filter((f) => f.rule === 'export.records' && /primary key .* is unique/.test(f.message.en));
  expect(keysChecked.length).toBeGreaterThan(10);
});

test('When an owner exports their organisation, then it holds its own and co-bought tenders, never another organisation\'s tenders, members or password hashes', async () => {
  const { rows, read, manifest } = await exportAs(owner, { scope: 'organisation', organisationId: city.id });
  expect((await rows('tenders')).map((t) => t.id).sort()).toEqual([tenders.own, tenders.shared].sort());
  expect((await rows('tender_items')).every((i) => [tenders.own, tenders.shared].includes(i.tender_id as string))).toBe(true);
  expect((await rows('organisations')).map((o) => o.id)).toEqual([city.id]);
  const users = await rows('users');
  expect(users.map((u) => u.email)).toContain(owner.user.email);
  expect(users.every((u) => !('password_hash' in u))).toBe(true);
  for (const file of manifest.files as { path: string }[]) {
    const text = (await read(file.path)).toString('utf8');
    expect({ file: file.path, leaks: text.includes(stranger.email) || text.includes(partnerEditor.user.email) }).toEqual({ file: file.path, leaks: false });
  }
  expect((await rows('audit_log')).every((e) => e.organisation_id === city.id)).toBe(true);
});

test('When the exported audit log is checked with the README\'s own script, then every chain verifies and its head is the manifest\'s', async () => {
  const { read, manifest } = await exportAs(owner, { scope: 'organisation', organisationId: city.id });
  const script = /```js\n([\s\S]*?)```/.exec(readFileSync(path.join(PROJECT_ROOT, 'docs', 'export-format.md'), 'utf8'))?.[1] ?? '';
  const dir = mkdtempSync(path.join(tmpdir(), 'datakrav-verify-'));
  try {
    writeFileSync(path.join(dir, 'verify-audit.js'), script);
    writeFileSync(path.join(dir, 'audit_log.jsonl'), await read('data/audit_log.jsonl'));
    const output = execFileSync(process.execPath, [path.join(dir, 'verify-audit.js'), path.join(dir, 'audit_log.jsonl')], { encoding: 'utf8' });
    const [head] = manifest.auditChains as { chain: string; chainSeq: number; entryHash: string }[];
    expect(head?.chain).toBe(city.id);
    expect(output).toContain(`ok ${city.id}: ${head?.chainSeq} entries, head ${head?.entryHash}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('When an administrator exports the installation, then every organisation, tender and password hash is in it, and the export is audited', async () => {
  const { id, rows, manifest } = await exportAs(admin, { scope: 'installation' });
  expect(manifest.scope).toEqual({ kind: 'installation' });
  expect((await rows('tenders')).map((t) => t.id)).toEqual(expect.arrayContaining(Object.values(tenders)));
  expect((await rows('users')).every((u) => typeof u.password_hash === 'string')).toBe(true);
  expect(manifest.auditChains.map((c: { chain: string }) => c.chain)).toEqual(expect.arrayContaining([city.id, partner.id, 'installation']));
  const audit = await admin.agent.get('/api/audit').query({ entityId: id });
  expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['exit.export_downloaded', 'exit.export_requested', 'exit.export_written']);
  const written = audit.body.items.find((e: { action: string }) => e.action === 'exit.export_written');
  const download = audit.body.items.find((e: { action: string }) => e.action === 'exit.export_downloaded');
  expect(download.after.sha256).toBe(written.after.sha256);
});

test('When a vendor exports its organisation, then its evidence files are in it byte for byte, named by their SHA-256', async () => {
  const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Bevis AS' });
  const vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
  const version = (await buildProduct(ctx.services, vendorOrg, { name: 'Bevissystem' })).versions[0];
  const answer = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version?.id, key: 'EXP-001', major: 1, status: 'meets' });
  expect(answer.status).toBe(201);
  const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 254, 255]), Buffer.from('æøå\n')]);
  await vendor.agent.post(`/api/assessments/answers/${answer.body.id}/evidence`).set('X-CSRF-Token', vendor.csrf).attach('file', content, 'eksportbevis.pdf').expect(201);
  const { rows, read, manifest } = await exportAs(vendor, { scope: 'organisation', organisationId: vendorOrg.id });
  const [evidence] = await rows('evidence_files');
  expect(evidence).toMatchObject({ filename: 'eksportbevis.pdf', content_sha256: sha256(content), sha256: sha256(content) });
  expect(Buffer.compare(await read(`files/${sha256(content)}`), content)).toBe(0);
  expect(manifest.files).toEqual(expect.arrayContaining([{ path: `files/${sha256(content)}`, mediaType: 'application/octet-stream', bytes: content.length, sha256: sha256(content) }]));
  expect((await rows('products')).map((p) => p.name)).toEqual(['Bevissystem']);
});

test('When an owner exports from the export page, then the page follows the job to a download link', async () => {
  const page = await owner.agent.get('/exit');
  expect(page.status).toBe(200);
  expect(page.text).toContain('Eksporter Utgangsby kommune');
  expect(page.text).not.toContain('Eksporter hele installasjonen');
  const posted = await owner.agent.post('/exit/exports').type('form').send({ _csrf: owner.csrf, scope: 'organisation', organisationId: city.id });
  expect(posted.status).toBe(303);
  const statusPath = posted.headers.location as string;
  expect(statusPath).toMatch(/^\/exit\/exports\/[0-9a-f-]{36}$/);
  const queued = await owner.agent.get(statusPath);
  expect(queued.text).toContain('I kø');
  expect(queued.headers.refresh).toBe('3');
  await createJobRunner({ db: ctx.services.database.db, repository: ctx.services.jobs.repository, handlers: ctx.services.exit.jobHandlers }).runOnce();
  const done = await owner.agent.get(statusPath);
  expect(done.text).toContain('Ferdig');
  expect(done.text).toContain(`href="/api/exit/exports/${statusPath.split('/').pop()}/download"`);
  expect(done.headers.refresh).toBeUndefined();
  expect((await admin.agent.get('/exit')).text).toContain('Eksporter hele installasjonen');
});

test('When someone may not export, or asks wrongly, then they are refused with the reason', async () => {
  const requestAs = (who: LoggedIn, body: Record<string, unknown>) => who.agent.post('/api/exit/exports').set('X-CSRF-Token', who.csrf).send(body);
  expect((await requestAs(owner, { scope: 'installation' })).body.code).toBe('exit.admin_required');
  expect((await requestAs(partnerEditor, { scope: 'organisation', organisationId: city.id })).status).toBe(404);
  expect((await requestAs(partnerEditor, { scope: 'organisation', organisationId: partner.id })).status).toBe(403);
  const missing = await requestAs(owner, { scope: 'organisation' });
  expect(missing.status).toBe(400);
  expect(missing.body.errors[0].path).toBe('body.organisationId');
  const queued = await requestAs(owner, { scope: 'organisation', organisationId: city.id });
  expect((await partnerEditor.agent.get(`/api/exit/exports/${queued.body.id}`)).status).toBe(404);
  const early = await owner.agent.get(`/api/exit/exports/${queued.body.id}/download`);
  expect(early.status).toBe(409);
  expect(early.body.code).toBe('exit.export_not_ready');
});

test('When tenders are created while an installation export runs, then the export is one consistent cut: every tender it holds has its audit entry and no entry lacks its tender, and each file holds the rows the manifest counts', async () => {
  const writer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  const written: string[] = [];
  let exporting = true;
  const createOne = async () => {
    const res = await writer.agent.post('/api/tenders').set('X-CSRF-Token', writer.csrf).send({ title: `Skrevet under eksport ${written.length}`, reference: `SNAP/${written.length}`, language: 'nb', domain: 'school', contactEmail: 'innkjop@example.no' });
    expect(res.status).toBe(201);
    written.push(res.body.id as string);
  };
  // Exports queued by earlier tests and never run are worked off first, so that the writer below
  // writes only while this export runs.
  const runner = createJobRunner({ db: ctx.services.database.db, repository: ctx.services.jobs.repository, handlers: ctx.services.exit.jobHandlers });
  while ((await runner.runOnce()).length > 0) {
    // The next queued export.
  }
  await createOne();
  const requested = await admin.agent.post('/api/exit/exports').set('X-CSRF-Token', admin.csrf).send({ scope: 'installation' });
  expect(requested.status).toBe(202);
  const writing = (async () => {
    while (exporting) await createOne();
  })();
  while ((await runner.runOnce()).length > 0 && (await ctx.services.jobs.queue.find(requested.body.id))?.state !== 'done') {
    // This export, and any a concurrent test queued meanwhile.
  }
  exporting = false;
  await writing;

  const status = await admin.agent.get(`/api/exit/exports/${requested.body.id}`);
  expect(status.body).toMatchObject({ state: 'done', error: null });
  const zip = await JSZip.loadAsync((await admin.agent.get(status.body.downloadUrl).buffer(true).parse(binary)).body as Buffer);
  const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string')) as { files: { path: string; rows?: number }[] };
  const lines = async (name: string) => ((await (zip.file(name) as JSZip.JSZipObject).async('string')).split('\n').filter(Boolean).map((l) => JSON.parse(l)) as Record<string, unknown>[]);
  for (const file of manifest.files.filter((f) => f.path.startsWith('data/'))) expect({ file: file.path, rows: (await lines(file.path)).length }).toEqual({ file: file.path, rows: file.rows });

  const mine = new Set(written);
  const exportedTenders = (await lines('data/tenders.jsonl')).map((t) => t.id as string).filter((id) => mine.has(id)).sort();
  const exportedEntries = (await lines('data/audit_log.jsonl')).filter((e) => e.action === 'tender.created' && mine.has(e.entity_id as string)).map((e) => e.entity_id as string).sort();
  expect(exportedTenders).toContain(written[0]);
  expect(exportedEntries).toEqual(exportedTenders);
  // Tenders were still being created after the export's cut: the cut is not simply "everything".
  expect(exportedTenders.length).toBeLessThan(written.length);
});
