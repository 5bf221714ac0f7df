import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { buildProduct } from '../assessments/fixtures';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { createServices } from '../../server/services';
import { loadConfig } from '../../server/config';

const FIXTURES = path.join(__dirname, '..', 'checks', 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

let ctx: TestContext;
let city: OrganisationRow;
let vendorA: OrganisationRow;
let assessor: LoggedIn;
let buyerEditor: LoggedIn;
let vendorOwner: LoggedIn;
let otherVendor: LoggedIn;
let version: ProductVersionRow;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'baseline' });
  city = await buildOrganisation(ctx.services, { name: 'Kontrollby kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Kontrollby', parentId: city.id });
  vendorA = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Alfa Fagsystem AS' });
  const vendorB = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Beta Programvare AS' });
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  buyerEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  vendorOwner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorA, 'owner']] }));
  otherVendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorB, 'owner']] }));
  version = (await buildProduct(ctx.services, vendorA, { name: 'Alfa Skole' })).versions[0] as ProductVersionRow;
}, 180_000);
afterAll(async () => {
  await ctx.services.jobs.stop();
  await ctx.close();
});

async function answer(key: string, status = 'meets') {
  const res = await vendorOwner.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendorOwner.csrf).send({ productVersionId: version.id, key, major: 1, status, explanation: 'Se vedlagt API-beskrivelse.' });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

function upload(who: LoggedIn, answerId: string, name: string, content: Buffer) {
  return who.agent.post(`/api/assessments/answers/${answerId}/evidence`).set('X-CSRF-Token', who.csrf).attach('file', content, name);
}

describe('machine checks of a vendor\'s evidence', () => {
  test('When a vendor uploads an API description to an answer whose requirement declares checks, then a run is queued, the runner produces the report, and the assessor sees it', async () => {
    const { id: answerId } = await answer('API-001');
    const uploaded = await upload(vendorOwner, answerId, 'alfa-openapi.yaml', fixture('good-openapi.yaml'));
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.checkRunId).toEqual(expect.any(String));
    const runId = uploaded.body.checkRunId as string;

    const queued = await vendorOwner.agent.get(`/api/check-runs/${runId}`);
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({ state: 'queued', progress: 0, report: null, requirementKeys: ['API-001'], answerId, files: [{ name: 'alfa-openapi.yaml', sha256: uploaded.body.sha256 }] });

    const ran = await ctx.services.jobs.runner.runOnce();
    expect(ran).toHaveLength(1);

    const done = await assessor.agent.get(`/api/check-runs/${runId}`);
    expect(done.body).toMatchObject({ state: 'done', progress: 100, error: null });
    const rules = (done.body.report.rules as { rule: string; outcome: string }[]).map((r) => r.rule);
    expect(rules).toEqual(['files.readable', 'openapi.parses', 'openapi.read-operations', 'openapi.response-schemas', 'openapi.pagination', 'openapi.security', 'openapi.error-schemas']);
    expect(done.body.report.files[0]).toMatchObject({ name: 'alfa-openapi.yaml', sha256: uploaded.body.sha256, format: 'openapi' });

    const status = await vendorOwner.agent.get(`/api/check-runs/${runId}/status`);
    expect(status.body).toEqual({ id: runId, state: 'done', progress: 100, outcome: done.body.report.summary.outcome, error: null });

    const page = await assessor.agent.get(`/assessments/check-runs/${runId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Kontrollrapport');
    expect(page.text).toContain('Hver operasjon har et skjema for svaret');
    expect(page.text).toContain(uploaded.body.sha256);

    const audit = await ctx.services.repositories.audit.list(ctx.services.database.db, { entityId: runId }, { limit: 10, offset: 0 });
    expect(audit.rows.map((r) => r.action).sort()).toEqual(['check_run.finished', 'check_run.requested']);
    expect(audit.rows.find((r) => r.action === 'check_run.requested')).toMatchObject({ actorEmail: vendorOwner.user.email, organisationId: vendorA.id, after: expect.objectContaining({ files: [{ name: 'alfa-openapi.yaml', bytes: uploaded.body.size, sha256: uploaded.body.sha256 }] }) });
  }, 180_000);

  test('When the assessor runs a finished check again, then a new report is made beside the old one, which the database refuses to change', async () => {
    const { id: answerId } = await answer('API-011');
    const uploaded = await upload(vendorOwner, answerId, 'poor-openapi.json', fixture('poor-openapi.json'));
    const first = uploaded.body.checkRunId as string;
    await ctx.services.jobs.runner.runOnce();
    const before = (await assessor.agent.get(`/api/check-runs/${first}`)).body;
    expect(before.state).toBe('done');

    expect((await vendorOwner.agent.post(`/api/check-runs/${first}/rerun`).set('X-CSRF-Token', vendorOwner.csrf).send({})).status).toBe(403);
    const rerun = await assessor.agent.post(`/api/check-runs/${first}/rerun`).set('X-CSRF-Token', assessor.csrf).send({});
    expect(rerun.status).toBe(201);
    expect(rerun.body).toMatchObject({ state: 'queued', rerunOf: first, files: before.files, answerId });
    expect(rerun.body.id).not.toBe(first);
    await ctx.services.jobs.runner.runOnce();
    const second = (await assessor.agent.get(`/api/check-runs/${rerun.body.id}`)).body;
    expect(second).toMatchObject({ state: 'done', rerunOf: first });
    expect(second.report.summary).toEqual(before.report.summary);
    expect((await assessor.agent.get(`/api/check-runs/${first}`)).body.report).toEqual(before.report);

    await expect(ctx.services.database.db.execute(sql`update check_runs set report = null where id = ${first}`)).rejects.toThrow();
    await expect(ctx.services.database.db.execute(sql`update check_runs set state = 'queued' where id = ${first}`)).rejects.toThrow();
    expect((await assessor.agent.get(`/api/check-runs/${first}`)).body.report).toEqual(before.report);

    const list = await assessor.agent.get('/api/check-runs').query({ answerId });
    expect(list.body).toMatchObject({ total: 2, page: 1 });
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([rerun.body.id, first]);
  }, 180_000);

  test('When another vendor asks for a report, then it gets 404 on the API and the page and an empty list; the vendor never sees the assessor\'s internal note', async () => {
    const { id: answerId } = await answer('EXP-004');
    const uploaded = await upload(vendorOwner, answerId, 'elever.csv', fixture('elever.csv'));
    const runId = uploaded.body.checkRunId as string;
    await ctx.services.jobs.runner.runOnce();
    expect((await otherVendor.agent.get(`/api/check-runs/${runId}`)).status).toBe(404);
    expect((await otherVendor.agent.get(`/api/check-runs/${runId}/status`)).status).toBe(404);
    expect((await otherVendor.agent.get(`/assessments/check-runs/${runId}`)).status).toBe(404);
    expect((await otherVendor.agent.post(`/api/check-runs/${runId}/rerun`).set('X-CSRF-Token', otherVendor.csrf).send({})).status).toBe(404);
    expect((await otherVendor.agent.get('/api/check-runs').query({ answerId })).body).toMatchObject({ items: [], total: 0 });

    const read = await assessor.agent.get(`/api/assessments/answers/${answerId}`);
    const review = await assessor.agent.post(`/api/assessments/answers/${answerId}/verifications`).set('X-CSRF-Token', assessor.csrf).send({ decision: 'accepted', noteForVendor: 'Eksporten er lest.', internalNote: 'Intern: sjekk manifestet neste år.', version: read.body.version });
    expect(review.status).toBe(201);
    const assessorPage = await assessor.agent.get(`/assessments/answers/${answerId}`);
    expect(assessorPage.text).toContain('Maskinelle kontroller');
    expect(assessorPage.text).toContain(`/assessments/check-runs/${runId}`);
    expect(assessorPage.text).toContain('Intern: sjekk manifestet neste år.');
    const vendorPage = await vendorOwner.agent.get(`/assessments/answers/${answerId}`);
    expect(vendorPage.text).toContain(`/assessments/check-runs/${runId}`);
    expect(vendorPage.text).not.toContain('Intern: sjekk manifestet');
    const vendorReport = await vendorOwner.agent.get(`/assessments/check-runs/${runId}`);
    expect(vendorReport.status).toBe(200);
    expect(vendorReport.text).not.toContain('Intern: sjekk manifestet');
    expect(JSON.stringify((await vendorOwner.agent.get(`/api/check-runs/${runId}`)).body)).not.toContain('Intern');
  }, 180_000);

  test('When the vendor saves the answer form with a file, then the answer and the evidence are stored, a check is queued, and a passing check marks the cell on the product page and in the matrix', async () => {
    const form = await vendorOwner.agent.get(`/assessments/products/${version.id}/answer`).query({ key: 'EXP-002', major: 1 });
    expect(form.status).toBe(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    expect(form.text).toContain('Dokumentasjon kravet ber om');
    expect(form.text).toContain('Dette kravet har maskinelle kontroller');
    // A first answer: the form presents no version, and the save sends the empty field back as the browser would.
    expect(form.text).toContain('<input type="hidden" name="version" value="">');
    const saved = await vendorOwner.agent
      .post(`/assessments/products/${version.id}/answers`)
      .field('_csrf', vendorOwner.csrf)
      .field('key', 'EXP-002')
      .field('major', '1')
      .field('version', '')
      .field('status', 'meets')
      .field('explanation', 'Eksporten har historikk og metadata.')
      .attach('files', fixture('elever.csv'), 'elever.csv')
      .attach('files', fixture('datamodell.yaml'), 'datamodell.yaml')
      .attach('files', fixture('skoler.json'), 'skoler.json')
      .attach('files', fixture('skoler.schema.json'), 'skoler.schema.json')
      .attach('files', fixture('klasser.xml'), 'klasser.xml')
      .attach('files', fixture('klasser.xsd'), 'klasser.xsd');
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toMatch(/^\/assessments\/check-runs\/[0-9a-f-]{36}$/);
    const runId = String(saved.headers.location).split('/').pop() as string;
    const queuedPage = await vendorOwner.agent.get(`/assessments/check-runs/${runId}`);
    expect(queuedPage.text).toContain('aria-live="polite"');
    expect(queuedPage.text).toContain('I kø');
    await ctx.services.jobs.runner.runOnce();
    const run = (await vendorOwner.agent.get(`/api/check-runs/${runId}`)).body;
    expect(run.files.map((f: { name: string }) => f.name)).toEqual(['elever.csv', 'datamodell.yaml', 'skoler.json', 'skoler.schema.json', 'klasser.xml', 'klasser.xsd']);
    expect(run.report.rules.filter((r: { outcome: string }) => r.outcome === 'fail')).toEqual([]);
    expect(run.report.summary.outcome).toBe('pass');

    const profile = await assessor.agent.post('/api/profiles').set('X-CSRF-Token', assessor.csrf).send({ name: 'Eksportprofil', visibility: 'shared', items: [{ key: 'EXP-002' }, { key: 'API-011' }] });
    expect(profile.status).toBe(201);
    const sheet = await assessor.agent.get(`/assessments/products/${version.id}`).query({ profileId: profile.body.id });
    expect(sheet.text).toContain('✓ maskinkontroll');
    const matrix = await assessor.agent.get('/assessments/compare').query({ profileId: profile.body.id });
    expect(matrix.status).toBe(200);
    const markers = matrix.text.match(/✓ (maskinkontroll|machine-checked)/g) ?? [];
    expect(markers).toHaveLength(1);
  }, 180_000);

  test('When the app restarts while a check is queued, then a new instance on the same database runs it', async () => {
    const { id: answerId } = await answer('EXP-001');
    const uploaded = await upload(vendorOwner, answerId, 'elever.csv', fixture('elever.csv'));
    const runId = uploaded.body.checkRunId as string;
    await ctx.services.jobs.stop();
    expect((await vendorOwner.agent.get(`/api/check-runs/${runId}`)).body).toMatchObject({ state: 'queued', report: null });
    const restarted = createServices(ctx.services.database, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
    try {
      const ran = await restarted.jobs.runner.runOnce();
      expect(ran.map((j) => j.payload.checkRunId)).toEqual([runId]);
    } finally {
      await restarted.jobs.stop();
    }
    expect((await vendorOwner.agent.get(`/api/check-runs/${runId}`)).body).toMatchObject({ state: 'done', progress: 100 });
  }, 180_000);

  test('When a procurement officer uploads a bidder\'s files on a tender, then the tender\'s declared checks run and the report is linked from the tender', async () => {
    const tender = await buyerEditor.agent.post('/api/tenders').set('X-CSRF-Token', buyerEditor.csrf).send({ title: 'Nytt elevsystem', reference: 'KB-2026-7', language: 'nb', domain: 'school', contactEmail: 'innkjop@kontrollby.no' });
    expect(tender.status).toBe(201);
    expect((await buyerEditor.agent.post(`/api/tenders/${tender.body.id}/items`).set('X-CSRF-Token', buyerEditor.csrf).send({ keys: ['API-001', 'EXIT-009'] })).status).toBe(201);
    const refused = await buyerEditor.agent.post(`/api/tenders/${tender.body.id}/check-runs`).set('X-CSRF-Token', buyerEditor.csrf).field('bidder', 'Gamma AS').attach('files', Buffer.from('%PDF-1.4\n%%EOF\n'), 'tilbud.pdf');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('check_run.no_checkable_files');
    const created = await buyerEditor.agent.post(`/api/tenders/${tender.body.id}/check-runs`).set('X-CSRF-Token', buyerEditor.csrf).field('bidder', 'Gamma AS').attach('files', fixture('poor-openapi.json'), 'gamma-api.json');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'queued', tenderId: tender.body.id, bidder: 'Gamma AS', requirementKeys: ['API-001'] });
    expect((await vendorOwner.agent.get(`/api/check-runs/${created.body.id}`)).status).toBe(404);
    await ctx.services.jobs.runner.runOnce();
    const done = (await buyerEditor.agent.get(`/api/check-runs/${created.body.id}`)).body;
    expect(done.state).toBe('done');
    expect(done.report.summary.outcome).toBe('fail');
    const tenderPage = await buyerEditor.agent.get(`/tenders/${tender.body.id}`);
    expect(tenderPage.text).toContain(`/tenders/${tender.body.id}/check-runs`);
    const checksPage = await buyerEditor.agent.get(`/tenders/${tender.body.id}/check-runs`);
    expect(checksPage.status).toBe(200);
    expect(checksPage.text).toContain('Gamma AS');
    expect(checksPage.text).toContain(`/assessments/check-runs/${created.body.id}`);
  }, 180_000);
});
