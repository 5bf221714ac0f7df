import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import JSZip from 'jszip';
import { createChainVerifier } from '../../server/audit/audit-chain';
import { TENDER_DOCUMENTS } from '../../server/documents/documents';
import { chainEntryOf } from '../../server/exit/organisation-import';
import { createJobRunner } from '../../server/jobs/job-runner';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, orgNumberFrom, TEST_PASSWORD, type LoggedIn } from '../helpers/factories';
import { copyOfLibrary, syncLibraryFrom } from '../helpers/library';
import { buildProduct, syncLibraryAndBaseline } from '../assessments/fixtures';
import { binary, sha256 } from '../helpers/http';

type ManifestFile = { path: string; mediaType: string; rows?: number; bytes: number; sha256: string };
type Manifest = { formatVersion: number; scope: { kind: string; organisationId?: string }; files: ManifestFile[]; auditChains: { chain: string; chainSeq: number; entryHash: string }[] };
type Exported = { bytes: Buffer; manifest: Manifest; zip: JSZip };

const dirs: string[] = [];
const contexts: TestContext[] = [];

let source: TestContext;
let city: OrganisationRow;
let cityOwner: LoggedIn;
let cityEditor: LoggedIn;
let vendorOwner: LoggedIn;
let tenderId: string;
let evidenceBytes: Buffer;
let cityExport: Exported;
let vendorExport: Exported;

async function installation(env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'datakrav-orgimport-'));
  dirs.push(dir);
  const ctx = await createTestApp({ DATA_DIR: dir, ...env });
  contexts.push(ctx);
  return { ctx, dir };
}

const runJobs = (ctx: TestContext) => createJobRunner({ db: ctx.services.database.db, repository: ctx.services.jobs.repository, handlers: ctx.services.exit.jobHandlers }).runOnce();
const send = (who: LoggedIn, method: 'post' | 'put', url: string, body: Record<string, unknown> = {}) => who.agent[method](url).set('X-CSRF-Token', who.csrf).send(body);

async function exportOrganisation(ctx: TestContext, owner: LoggedIn, organisationId: string): Promise<Exported> {
  const requested = await send(owner, 'post', '/api/exit/exports', { scope: 'organisation', organisationId });
  expect(requested.status).toBe(202);
  await runJobs(ctx);
  const status = await owner.agent.get(`/api/exit/exports/${requested.body.id}`);
  expect(status.body).toMatchObject({ state: 'done', error: null });
  const bytes = (await owner.agent.get(status.body.downloadUrl).buffer(true).parse(binary)).body as Buffer;
  const zip = await JSZip.loadAsync(bytes);
  const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string')) as Manifest;
  return { bytes, manifest, zip };
}

/** The export with entries replaced; the manifest's line for each replaced file is made to match, unless the manifest itself is replaced. */
async function altered(exported: Exported, changes: Record<string, string>, options: { fixManifest?: boolean } = {}): Promise<Buffer> {
  const zip = new JSZip();
  const manifest: Manifest = JSON.parse(JSON.stringify(exported.manifest));
  for (const [name, content] of Object.entries(changes)) {
    const line = manifest.files.find((f) => f.path === name);
    if (line && options.fixManifest) Object.assign(line, { sha256: sha256(Buffer.from(content)), bytes: Buffer.byteLength(content) });
  }
  for (const file of Object.values(exported.zip.files)) {
    if (file.dir || file.name in changes || file.name === 'manifest.json') continue;
    zip.file(file.name, await file.async('nodebuffer'));
  }
  for (const [name, content] of Object.entries(changes)) zip.file(name, content);
  if (!('manifest.json' in changes)) zip.file('manifest.json', JSON.stringify(manifest));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const upload = (who: LoggedIn, bytes: Buffer) => who.agent.post('/api/exit/imports').set('X-CSRF-Token', who.csrf).attach('file', bytes, 'organisasjon.zip');
const rowsOf = (exported: Exported, entity: string) => exported.manifest.files.find((f) => f.path === `data/${entity}.jsonl`)?.rows;
const count = async (ctx: TestContext, table: string) => Number(((await ctx.services.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] }).rows[0]?.n);

beforeAll(async () => {
  ({ ctx: source } = await installation());
  await syncLibraryAndBaseline(source.services);
  city = await buildOrganisation(source.services, { name: 'Kildeby kommune', orgNumber: orgNumberFrom('96412345') });
  const partner = await buildOrganisation(source.services, { name: 'Partnerby kommune' });
  const vendorOrg = await buildOrganisation(source.services, { kind: 'vendor', name: 'Flytt AS' });
  cityOwner = await loginAs(source, await buildUser(source.services, { email: `eier-${Date.now()}@kildeby.no`, memberships: [[city, 'owner']] }));
  cityEditor = await loginAs(source, await buildUser(source.services, { email: `redaktor-${Date.now()}@kildeby.no`, memberships: [[city, 'editor']] }));
  const partnerEditor = await loginAs(source, await buildUser(source.services, { memberships: [[partner, 'editor']] }));
  vendorOwner = await loginAs(source, await buildUser(source.services, { email: `selger-${Date.now()}@flytt.no`, memberships: [[vendorOrg, 'owner']] }));

  // A tender with a co-buyer from another organisation, issued so that its documents exist.
  const created = await send(cityEditor, 'post', '/api/tenders', { title: 'Flyttbart anbud', reference: 'ORG/1', language: 'nb', domain: 'school', contactEmail: 'innkjop@kildeby.no' });
  expect(created.status).toBe(201);
  tenderId = created.body.id as string;
  await send(cityEditor, 'post', `/api/tenders/${tenderId}/items`, { keys: ['EXP-001', 'EXIT-009'] }).expect(201);
  const tender = await cityEditor.agent.get(`/api/tenders/${tenderId}`).expect(200);
  await send(cityEditor, 'put', `/api/tenders/${tenderId}/co-buyers/${partner.id}`, { canEdit: true, version: tender.body.version }).expect(204);
  await send(cityEditor, 'post', `/api/tenders/${tenderId}/issue`).expect(200);

  // A joint set the city coordinates, with the partner taking part.
  const set = await send(cityEditor, 'post', '/api/joint-sets', { title: 'Felles krav til flytting', domain: 'school' });
  expect(set.status).toBe(201);
  await send(cityEditor, 'put', `/api/joint-sets/${set.body.id}/participants/${partner.id}`, { version: set.body.version }).expect(204);
  await send(partnerEditor, 'post', `/api/joint-sets/${set.body.id}/invitation`, { response: 'accept' }).expect(204);
  await send(cityEditor, 'post', `/api/joint-sets/${set.body.id}/revisions/1/items`, { keys: ['EXP-001'] }).expect(201);

  // A vendor's answer with evidence, which the city assesses.
  const version = (await buildProduct(source.services, vendorOrg, { name: 'Flyttesystem' })).versions[0];
  const answer = await send(vendorOwner, 'post', '/api/assessments/answers', { productVersionId: version?.id, key: 'EXP-001', major: 1, status: 'meets' });
  expect(answer.status).toBe(201);
  evidenceBytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 254, 255]), Buffer.from('æøå\n')]);
  await vendorOwner.agent.post(`/api/assessments/answers/${answer.body.id}/evidence`).set('X-CSRF-Token', vendorOwner.csrf).attach('file', evidenceBytes, 'bevis.pdf').expect(201);
  await send(cityEditor, 'post', `/api/assessments/answers/${answer.body.id}/verifications`, { decision: 'accepted', version: answer.body.version }).expect(201);

  cityExport = await exportOrganisation(source, cityOwner, city.id);
  vendorExport = await exportOrganisation(source, vendorOwner, vendorOrg.id);
});

afterAll(async () => {
  for (const ctx of contexts) await ctx.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('When an organisation export is imported into another installation that already has an organisation', () => {
  let target: TestContext;
  let admin: LoggedIn;
  let editorThere: LoggedIn;
  let status: Record<string, unknown> & { organisation: { id: string; name: string; url: string }; rows: Record<string, number>; matched: Record<string, number>; leftOut: { entity: string; rows: number; reason: string }[] };

  beforeAll(async () => {
    ({ ctx: target } = await installation());
    await syncLibraryAndBaseline(target.services);
    admin = await loginAs(target, await buildUser(target.services, { isAdmin: true }));
    await buildOrganisation(target.services, { name: 'Annenby kommune' });
    // The city's editor already has an account here (same e-mail, any case): it is reused.
    const existing = await buildUser(target.services, { email: cityEditor.user.email.toUpperCase() });
    const queued = await upload(admin, cityExport.bytes);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ state: 'queued', scope: 'organisation', formatVersion: 1, sha256: sha256(cityExport.bytes), organisation: null });
    await runJobs(target);
    const done = await admin.agent.get(`/api/exit/imports/${queued.body.id}`);
    expect(done.body).toMatchObject({ state: 'done', error: null });
    status = done.body;
    editorThere = await loginAs(target, existing);
  });

  test('then it is a new organisation with a new id, its tenders, joint set and members, and the status names it with counts per entity', async () => {
    expect(status.organisation).toMatchObject({ name: 'Kildeby kommune', url: `/organisations/${status.organisation.id}` });
    expect(status.organisation.id).not.toBe(city.id);
    expect(status.rows).toMatchObject({ organisations: 1, tenders: 1, tender_revisions: 1, joint_sets: 1, joint_set_revisions: 1, memberships: 2, users: 1 });
    expect(status.rows.tender_items).toBe(rowsOf(cityExport, 'tender_items'));
    expect(status.matched).toMatchObject({ users: 1, library_sources: rowsOf(cityExport, 'library_sources'), library_versions: rowsOf(cityExport, 'library_versions') });
    const organisations = await admin.agent.get('/api/organisations');
    expect(organisations.body.items.map((o: { name: string }) => o.name).sort()).toEqual(['Annenby kommune', 'Kildeby kommune']);
    const tenders = await editorThere.agent.get('/api/tenders');
    expect(tenders.body.items).toHaveLength(1);
    expect(tenders.body.items[0]).toMatchObject({ title: 'Flyttbart anbud' });
    expect(tenders.body.items[0].id).not.toBe(tenderId);
    const page = await admin.agent.get(`/exit/imports/${String(status.id)}`);
    expect(page.text).toContain(`href="/organisations/${status.organisation.id}"`);
    expect(page.text).toContain('Kildeby kommune');
  });

  test('then what belongs to other organisations is left out and the status says why', async () => {
    const reasons = Object.fromEntries(status.leftOut.map((l) => [l.entity, l.reason]));
    expect(reasons).toMatchObject({
      tender_co_buyers: 'organisation_id refers to a row of organisations that the import does not hold',
      joint_set_participants: 'organisation_id refers to a row of organisations that the import does not hold',
      verifications: 'answer_id refers to a row of answers that the import does not hold',
    });
    expect(status.leftOut.find((l) => l.entity === 'tender_co_buyers')?.rows).toBe(1);
  });

  test('then the issued documents downloaded here are byte-identical to those downloaded in the first installation', async () => {
    const [here] = (await editorThere.agent.get('/api/tenders')).body.items as { id: string }[];
    for (const document of TENDER_DOCUMENTS) {
      const original = (await cityEditor.agent.get(`/api/tenders/${tenderId}/documents/${document}`).query({ revision: 1 }).buffer(true).parse(binary)).body as Buffer;
      const imported = await editorThere.agent.get(`/api/tenders/${here?.id}/documents/${document}`).query({ revision: 1 }).buffer(true).parse(binary);
      expect({ document, status: imported.status, sha256: sha256(imported.body as Buffer) }).toEqual({ document, status: 200, sha256: sha256(original) });
    }
  });

  test('then a member new here has an account without a password and without administration, and the reused account is not made an administrator', async () => {
    const members = await admin.agent.get(`/api/organisations/${status.organisation.id}/members`);
    expect(members.body.items.map((m: { email: string; role: string }) => [m.email.toLowerCase(), m.role]).sort()).toEqual([
      [cityEditor.user.email.toLowerCase(), 'editor'],
      [cityOwner.user.email, 'owner'],
    ].sort());
    const refused = await target.request().post('/api/session').send({ email: cityOwner.user.email, password: TEST_PASSWORD });
    expect(refused.status).toBe(401);
    const me = await editorThere.agent.get('/api/session');
    expect(me.body).toMatchObject({ user: { isAdmin: false }, memberships: [{ organisationId: status.organisation.id, organisationName: 'Kildeby kommune', role: 'editor' }] });
    expect((await send(editorThere, 'post', '/api/organisations', { name: 'Ikke admin kommune', kind: 'buyer' })).status).toBe(403);
  });

  test('then the exported audit log is kept verifiable in a new chain that starts with the import', async () => {
    const head = cityExport.manifest.auditChains.find((c) => c.chain === city.id);
    expect(head).toBeDefined();
    const entries = await admin.agent.get('/api/audit').query({ action: 'exit.organisation_imported' });
    expect(entries.body.items).toHaveLength(1);
    expect(entries.body.items[0]).toMatchObject({ actorEmail: admin.user.email, after: { sourceOrganisationId: city.id, sourceChain: head } });
    const archived = await admin.agent.get('/api/audit').query({ action: 'exit.imported_audit_entry', pageSize: 100 });
    expect(archived.body.total).toBe(rowsOf(cityExport, 'audit_log'));
    // Each archived entry sits in the new organisation's chain, after the import's own entry, and holds the exported entry unchanged.
    type Archived = { id: number; organisationId: string; after: { entry: Record<string, unknown> } };
    const items = archived.body.items as Archived[];
    expect(items.every((e) => e.organisationId === status.organisation.id && e.after.entry.organisation_id === city.id && e.id > entries.body.items[0].id)).toBe(true);
    // So anyone can check the exported chain from the stored copies, up to the head the import recorded.
    const verifier = createChainVerifier(city.id);
    for (const entry of items.map((e) => e.after.entry).sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq))) verifier.add(chainEntryOf(entry));
    expect(verifier.report()).toMatchObject({ valid: true, entries: rowsOf(cityExport, 'audit_log'), head: { chainSeq: head?.chainSeq, entryHash: head?.entryHash } });
    const verified = await admin.agent.get('/api/audit/verify');
    expect(verified.body).toMatchObject({ valid: true, firstBreak: null });
    expect(verified.body.chains.find((c: { chain: string }) => c.chain === status.organisation.id)).toMatchObject({ valid: true });
  });

  test('then importing the same export again is refused by name with 409, and nothing is written', async () => {
    const tenders = await count(target, 'tenders');
    const res = await upload(admin, cityExport.bytes);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'exit.import_organisation_exists' });
    expect(res.body.detail).toMatch(/already has an organisation with the name or organisation number of "Kildeby kommune"/);
    expect(await count(target, 'tenders')).toBe(tenders);
    expect((await admin.agent.get('/api/audit').query({ action: 'exit.import_requested' })).body.total).toBe(1);
  });
});

test('When a vendor\'s export is imported, then its product, answers and evidence are there, and the evidence downloads byte-identical', async () => {
  const { ctx: target } = await installation();
  await syncLibraryAndBaseline(target.services);
  const admin = await loginAs(target, await buildUser(target.services, { isAdmin: true }));
  const seller = await buildUser(target.services, { email: vendorOwner.user.email });
  const queued = await upload(admin, vendorExport.bytes);
  expect(queued.status).toBe(202);
  await runJobs(target);
  const done = await admin.agent.get(`/api/exit/imports/${queued.body.id}`);
  expect(done.body).toMatchObject({ state: 'done', organisation: { name: 'Flytt AS' }, rows: { products: 1, answers: 1, evidence_files: 1 } });
  const evidence = ((await target.services.database.db.execute(sql`select id from evidence_files`)) as unknown as { rows: { id: string }[] }).rows;
  expect(evidence).toHaveLength(1);
  const vendor = await loginAs(target, seller);
  const download = await vendor.agent.get(`/api/assessments/evidence/${evidence[0]?.id}`).buffer(true).parse(binary);
  expect({ status: download.status, sha256: sha256(download.body as Buffer) }).toEqual({ status: 200, sha256: sha256(evidenceBytes) });
});

test('When the installation has an organisation with another name but the same organisation number, then the import is refused by name with 409 and nothing is written', async () => {
  const { ctx: target } = await installation();
  await syncLibraryAndBaseline(target.services);
  const admin = await loginAs(target, await buildUser(target.services, { isAdmin: true }));
  await buildOrganisation(target.services, { name: 'Nytt navn kommune', orgNumber: city.orgNumber });
  const res = await upload(admin, cityExport.bytes);
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'exit.import_organisation_exists' });
  expect(res.body.detail).toContain(`organisation number of "Kildeby kommune" (Nytt navn kommune, ${city.orgNumber})`);
  expect(await count(target, 'organisations')).toBe(1);
  expect(await count(target, 'tenders')).toBe(0);
  expect((await admin.agent.get('/api/audit').query({ action: 'exit.import_requested' })).body.items).toEqual([]);
});

describe('When an organisation import is refused, then the answer names the problem and nothing is written', () => {
  let target: TestContext;
  let admin: LoggedIn;
  let owner: LoggedIn;
  let library: Awaited<ReturnType<typeof copyOfLibrary>>;

  beforeAll(async () => {
    ({ ctx: target } = await installation());
    // This installation's library has EXP-001 1.2.0 with another text than the exporting one's.
    library = await copyOfLibrary();
    const file = path.join(library.dir, 'export', 'EXP-001.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Full eksport av alle data når som helst', 'Full eksport av alle data, endret her'));
    await syncLibraryFrom(target.services, library.dir);
    admin = await loginAs(target, await buildUser(target.services, { isAdmin: true }));
    const here = await buildOrganisation(target.services, { name: 'Annenby kommune' });
    owner = await loginAs(target, await buildUser(target.services, { memberships: [[here, 'owner']] }));
  });
  afterAll(() => library.remove());

  async function expectRefused(who: LoggedIn, bytes: Buffer, expected: { status: number; code: string; detail: RegExp }) {
    const before = { organisations: await count(target, 'organisations'), tenders: await count(target, 'tenders'), users: await count(target, 'users'), library: await count(target, 'library_versions') };
    const res = await upload(who, bytes);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: expected.status, code: expected.code });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(expected.detail);
    await runJobs(target);
    expect({ organisations: await count(target, 'organisations'), tenders: await count(target, 'tenders'), users: await count(target, 'users'), library: await count(target, 'library_versions') }).toEqual(before);
    expect((await admin.agent.get('/api/audit').query({ action: 'exit.import_requested' })).body.items).toEqual([]);
    return res;
  }

  test('a library item whose key and version hold other content here is named as key@version', async () => {
    const res = await expectRefused(admin, cityExport.bytes, { status: 409, code: 'exit.import_library_conflict', detail: /with other content: EXP-001@1\.2\.0\./ });
    expect(res.body.items).toEqual(['EXP-001@1.2.0']);
  });

  test('someone who is not an administrator of this installation, even an owner, gets 403', async () => {
    await expectRefused(owner, vendorExport.bytes, { status: 403, code: 'exit.import_admin_required', detail: /Only an administrator/ });
  });

  test('an audit log altered in the export, with the manifest made to match, does not verify', async () => {
    const log = await (cityExport.zip.file('data/audit_log.jsonl') as JSZip.JSZipObject).async('string');
    const lines = log.split('\n');
    const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
    lines[0] = JSON.stringify({ ...first, actor_email: 'noen.andre@example.no' });
    await expectRefused(admin, await altered(cityExport, { 'data/audit_log.jsonl': lines.join('\n') }, { fixManifest: true }), {
      status: 422,
      code: 'exit.import_audit_chain_broken',
      detail: /does not match its hash: its content was changed after it was written/,
    });
  });

  test('a file whose SHA-256 does not match the manifest', async () => {
    const tenders = await (cityExport.zip.file('data/tenders.jsonl') as JSZip.JSZipObject).async('string');
    await expectRefused(admin, await altered(cityExport, { 'data/tenders.jsonl': tenders.replace('Flyttbart anbud', 'Endret anbud!!') }), { status: 400, code: 'exit.import_checksum_mismatch', detail: /"data\/tenders\.jsonl" does not match the manifest/ });
  });

  test('a manifest naming an organisation its data does not hold', async () => {
    const manifest = { ...cityExport.manifest, scope: { kind: 'organisation', organisationId: '00000000-0000-4000-8000-000000000000' } };
    await expectRefused(admin, await altered(cityExport, { 'manifest.json': JSON.stringify(manifest) }), { status: 400, code: 'exit.import_organisation_missing', detail: /does not hold it/ });
  });

  test('a truncated upload', async () => {
    await expectRefused(admin, cityExport.bytes.subarray(0, Math.floor(cityExport.bytes.length * 0.6)), { status: 400, code: 'exit.import_not_zip', detail: /not a complete zip archive/ });
  });
});
