import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { buildProduct, syncLibraryAndBaseline } from '../assessments/fixtures';
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
let vendorOwner: LoggedIn;
let otherVendor: LoggedIn;
let version: ProductVersionRow;

beforeAll(async () => {
  ctx = await createTestApp();
  await syncLibraryAndBaseline(ctx.services);
  city = await buildOrganisation(ctx.services, { name: 'Kontrollby kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Kontrollby', parentId: city.id });
  vendorA = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Alfa Fagsystem AS' });
  const vendorB = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Beta Programvare AS' });
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
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
});
