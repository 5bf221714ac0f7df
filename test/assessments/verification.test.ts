import { eq } from 'drizzle-orm';
import { routesOf } from '../../server/app';
import { addMonths } from '../../server/assessments/verification-state';
import { verifications } from '../../server/assessments/assessments.table';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { buildProduct, SAMPLE_FILES, shippedBaselineId } from './fixtures';

let ctx: TestContext;
let baselineId: string;
let council: OrganisationRow;
let vendorOrg: OrganisationRow;
let assessor: LoggedIn;
let cityViewer: LoggedIn;
let otherBuyer: LoggedIn;
let vendor: LoggedIn;
let version: ProductVersionRow;

const VALID_MONTHS = 6;

beforeAll(async () => {
  ctx = await createTestApp({ VERIFICATION_VALID_MONTHS: String(VALID_MONTHS) }, { seed: 'baseline' });
  baselineId = await shippedBaselineId(ctx.services);
  const city = await buildOrganisation(ctx.services, { name: 'Vurderby kommune' });
  council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Vurderby', parentId: city.id });
  vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Gamma Systemer AS' });
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  cityViewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  otherBuyer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[await buildOrganisation(ctx.services, { name: 'Nabokommune' }), 'owner']] }));
  vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
  version = (await buildProduct(ctx.services, vendorOrg, { name: 'Gamma Omsorg', domains: ['health-care'] })).versions[0] as ProductVersionRow;
});
afterAll(() => ctx.close());

/** The version of the current answer to a requirement, as a client reads it before revising; none before the first answer. */
async function currentVersionOf(key: string): Promise<{ version: number } | undefined> {
  const list = await vendor.agent.get('/api/assessments/answers').query({ productVersionId: version.id });
  const current = (list.body.items as { key: string; version: number }[]).find((a) => a.key === key);
  return current ? { version: current.version } : undefined;
}

async function answer(key: string, status: string, extra: Record<string, unknown> = {}) {
  const current = (await currentVersionOf(key)) ?? {};
  const res = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version.id, key, major: 1, status, ...current, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; revision: number; version: number };
}

/** Reviews an answer; without a `version` in the body it sends the answer's, read first as a client would. */
async function review(answerId: string, body: Record<string, unknown>, who = assessor) {
  const version = 'version' in body ? body.version : (await who.agent.get(`/api/assessments/answers/${answerId}`)).body.version;
  return who.agent.post(`/api/assessments/answers/${answerId}/verifications`).set('X-CSRF-Token', who.csrf).send({ ...body, version });
}

async function queue(reason?: string) {
  const res = await assessor.agent.get('/api/assessments/queue').query({ ...(reason ? { reason } : {}), pageSize: 200 });
  expect(res.status).toBe(200);
  return res.body.items as { answerId: string; key: string; reason: string }[];
}

describe('verification', () => {
  test('When an assessor accepts an answer, then it is verified for the configured number of months and counts in the verified score', async () => {
    const a = await answer('API-003', 'meets');
    const before = await assessor.agent.get('/api/assessments/scores').query({ profileId: baselineId, productVersionId: version.id });
    const res = await review(a.id, { decision: 'accepted', noteForVendor: 'Godkjent.', internalNote: 'Sjekket i demo.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ decision: 'accepted', noteForVendor: 'Godkjent.', internalNote: 'Sjekket i demo.', assessorOrganisationId: council.id, assessorName: 'Arkitekturrådet i Vurderby' });
    expect(res.body.expiresAt).toBe(addMonths(new Date(res.body.decidedAt), VALID_MONTHS).toISOString());
    expect((await vendor.agent.get(`/api/assessments/answers/${a.id}`)).body.verification).toBe('verified');
    const after = await assessor.agent.get('/api/assessments/scores').query({ profileId: baselineId, productVersionId: version.id });
    const cell = after.body.cells.find((c: { key: string }) => c.key === 'API-003');
    expect(cell).toMatchObject({ status: 'meets', verification: 'verified' });
    expect(after.body.score.verified.score).toBeGreaterThan(before.body.score.verified.score ?? 0);
    expect(after.body.score.verifiedShare).toBeGreaterThan(0);
  });

  test('When the verification period has passed, then the answer is expired, leaves the verified score and is in the review queue', async () => {
    const a = await answer('SEC-001', 'meets');
    const accepted = await review(a.id, { decision: 'accepted' });
    const scoreBefore = (await assessor.agent.get('/api/assessments/scores').query({ profileId: baselineId, productVersionId: version.id })).body.score.verified.score;
    expect((await queue()).map((q) => q.answerId)).not.toContain(a.id);
    await ctx.services.database.db.update(verifications).set({ expiresAt: new Date(Date.now() - 24 * 3600 * 1000) }).where(eq(verifications.id, accepted.body.id));
    const detail = await assessor.agent.get(`/api/assessments/answers/${a.id}`);
    expect(detail.body.verification).toBe('expired');
    const scoreAfter = (await assessor.agent.get('/api/assessments/scores').query({ profileId: baselineId, productVersionId: version.id })).body.score.verified.score;
    expect(scoreAfter).toBeLessThan(scoreBefore);
    expect(await queue('expired')).toEqual(expect.arrayContaining([expect.objectContaining({ answerId: a.id, key: 'SEC-001', reason: 'expired' })]));
    await review(a.id, { decision: 'accepted', noteForVendor: 'Fornyet.' });
    expect((await queue()).map((q) => q.answerId)).not.toContain(a.id);
  });

  test('When the vendor revises a verified answer, then it is marked changed and queued until the new revision is reviewed', async () => {
    const a = await answer('EXP-003', 'meets');
    await review(a.id, { decision: 'accepted' });
    const revised = await answer('EXP-003', 'partly', { explanation: 'Vedlegg eksporteres ikke lenger.' });
    expect((await vendor.agent.get(`/api/assessments/answers/${revised.id}`)).body.verification).toBe('changed');
    expect(await queue('changed')).toEqual(expect.arrayContaining([expect.objectContaining({ answerId: revised.id, reason: 'changed' })]));
    const onOld = await review(a.id, { decision: 'accepted' });
    expect(onOld.status).toBe(409);
    expect(onOld.body.code).toBe('answer.not_current');
    await review(revised.id, { decision: 'accepted' });
    expect((await queue()).map((q) => q.answerId)).not.toContain(revised.id);
  });

  test('When an answer was never reviewed, then it is queued only when asked for unverified answers, and the queue can be limited to a profile', async () => {
    const a = await answer('DOC-001', 'meets');
    expect((await queue()).map((q) => q.answerId)).not.toContain(a.id);
    expect(await queue('unverified')).toEqual(expect.arrayContaining([expect.objectContaining({ answerId: a.id, reason: 'unverified' })]));
    const narrow = (await assessor.agent.post('/api/profiles').set('X-CSRF-Token', assessor.csrf).send({ name: 'Bare API', items: [{ key: 'API-001' }] })).body;
    const limited = await assessor.agent.get('/api/assessments/queue').query({ reason: 'unverified', profileId: narrow.id });
    expect(limited.body.items.map((q: { key: string }) => q.key)).not.toContain('DOC-001');
    const page = await assessor.agent.get('/assessments/queue').query({ reason: 'unverified' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('DOC-001');
  });

  test('When someone other than a buyer\'s or council\'s owners, editors and assessors reviews, then it is refused', async () => {
    const a = await answer('EXIT-001', 'meets');
    expect((await review(a.id, { decision: 'accepted' }, vendor)).body.code).toBe('verification.assessor_required');
    expect((await review(a.id, { decision: 'accepted' }, cityViewer)).body.code).toBe('verification.assessor_required');
    expect((await review(a.id, { decision: 'accepted' }, otherBuyer)).status).toBe(201);
  });

  test('When an assessor reviews on the answer page, then the review is saved and the page shows it with the internal note', async () => {
    const a = await answer('EXIT-002', 'meets');
    const saved = await assessor.agent.post(`/assessments/answers/${a.id}/verifications`).type('form').send({ _csrf: assessor.csrf, decision: 'change_requested', noteForVendor: 'Legg ved exitplanen.', internalNote: 'Sidenotat fra rådsmøtet.', version: String(a.version) });
    expect(saved.status).toBe(303);
    const page = await assessor.agent.get(`/assessments/answers/${a.id}`);
    expect(page.text).toContain('Legg ved exitplanen.');
    expect(page.text).toContain('Sidenotat fra rådsmøtet.');
    const invalid = await assessor.agent.post(`/assessments/answers/${a.id}/verifications`).type('form').send({ _csrf: assessor.csrf, decision: 'perhaps' });
    expect(invalid.status).toBe(400);
  });
});

describe('right of reply', () => {
  test('When an assessor rejects an answer, then the vendor sees the rejection and its reason, replies, and revises; the thread is kept', async () => {
    const a = await answer('EXIT-006', 'meets', { explanation: 'Vi bistår ved avslutning.' });
    await review(a.id, { decision: 'rejected', noteForVendor: 'Bistanden er ikke beskrevet.', internalNote: 'Leverandøren har avvist dette før.' });
    const feedback = await vendor.agent.get('/api/assessments/feedback');
    expect(feedback.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ answerId: a.id, key: 'EXIT-006', reason: 'rejected', noteForVendor: 'Bistanden er ikke beskrevet.' })]));
    expect(feedback.text).not.toContain('Leverandøren har avvist dette før.');
    const reply = await vendor.agent.post(`/api/assessments/answers/${a.id}/messages`).set('X-CSRF-Token', vendor.csrf).send({ body: 'Bistanden står i avtalens bilag 3.' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ authorName: 'Gamma Systemer AS' });
    await assessor.agent.post(`/api/assessments/answers/${a.id}/messages`).set('X-CSRF-Token', assessor.csrf).send({ body: 'Takk, legg ved bilaget.' }).expect(201);
    expect((await cityViewer.agent.post(`/api/assessments/answers/${a.id}/messages`).set('X-CSRF-Token', cityViewer.csrf).send({ body: 'Hei' })).status).toBe(403);
    const revised = await answer('EXIT-006', 'meets', { explanation: 'Bistand etter bilag 3.' });
    const thread = await vendor.agent.get(`/api/assessments/answers/${revised.id}/messages`);
    expect(thread.body.items.map((m: { body: string; authorName: string }) => [m.authorName, m.body])).toEqual([
      ['Gamma Systemer AS', 'Bistanden står i avtalens bilag 3.'],
      ['Arkitekturrådet i Vurderby', 'Takk, legg ved bilaget.'],
    ]);
    const detail = await vendor.agent.get(`/api/assessments/answers/${revised.id}`);
    expect(detail.body.verifications).toEqual([expect.objectContaining({ decision: 'rejected', noteForVendor: 'Bistanden er ikke beskrevet.', answerRevision: 1 })]);
    expect(detail.body.verification).toBe('changed');
    expect((await vendor.agent.get('/api/assessments/feedback')).body.items.map((i: { answerId: string }) => i.answerId)).not.toContain(a.id);
    const page = await vendor.agent.get(`/assessments/answers/${revised.id}`);
    expect(page.text).toContain('Bistanden er ikke beskrevet.');
    expect(page.text).toContain('Bistanden står i avtalens bilag 3.');
    const posted = await vendor.agent.post(`/assessments/answers/${revised.id}/messages`).type('form').send({ _csrf: vendor.csrf, body: 'Bilaget er lastet opp.' });
    expect(posted.status).toBe(303);
  });
});

describe('internal notes', () => {
  const SECRET = 'INTERNT-NOTAT-7f3a: leverandøren overdriver';

  test('When a vendor uses any page or API answer about its products, then internal notes never appear, while the reviewing organisation sees them', async () => {
    const a = await answer('EXIT-007', 'meets');
    const evidence = await vendor.agent.post(`/api/assessments/answers/${a.id}/evidence`).set('X-CSRF-Token', vendor.csrf).attach('file', SAMPLE_FILES.txt, 'logg.txt');
    await review(a.id, { decision: 'change_requested', noteForVendor: 'Send logg fra test.', internalNote: SECRET });
    const accepted = await answer('EXIT-009', 'meets');
    await review(accepted.id, { decision: 'accepted', internalNote: SECRET });
    expect((await assessor.agent.get(`/api/assessments/answers/${a.id}`)).text).toContain(SECRET);
    expect((await assessor.agent.get(`/assessments/answers/${a.id}`)).text).toContain('INTERNT-NOTAT-7f3a');
    // Another buyer sees the review, but not the council's internal note.
    const other = await otherBuyer.agent.get(`/api/assessments/answers/${a.id}`);
    expect(other.body.verifications[0]).toMatchObject({ noteForVendor: 'Send logg fra test.' });
    expect(other.body.verifications[0]).not.toHaveProperty('internalNote');

    const params: Record<string, string> = { answerId: a.id, productVersionId: version.id, profileId: baselineId, evidenceId: evidence.body.id };
    const queries: Record<string, Record<string, string>> = {
      '/api/assessments/answers': { productVersionId: version.id },
      '/api/assessments/scores': { productVersionId: version.id, profileId: baselineId },
      '/api/assessments/comparison': { profileId: baselineId },
      '/api/assessments/ranking': { profileId: baselineId },
      '/api/assessments/comparison/export': { profileId: baselineId, format: 'csv' },
      '/api/assessments/chart': { profileId: baselineId },
      '/assessments/products/:productVersionId/answer': { key: 'EXIT-007', major: '1' },
      '/assessments/products/:productVersionId': { profileId: baselineId },
    };
    const vendorFacing = routesOf(ctx.app).filter((r) => r.method === 'get' && /^\/(api\/)?(assessments|profiles|register)/.test(r.path));
    expect(vendorFacing.length).toBeGreaterThan(15);
    for (const route of vendorFacing) {
      const url = route.path.replace(/:(\w+)/g, (_m, name: string) => params[name] as string);
      const res = await vendor.agent.get(url).query(queries[route.path] ?? {});
      expect({ path: route.path, status: res.status < 500 }).toEqual({ path: route.path, status: true });
      expect({ path: route.path, leaked: (res.text ?? '').includes('INTERNT-NOTAT-7f3a') }).toEqual({ path: route.path, leaked: false });
    }
    // The answers a vendor gets back from its own changes hold none either.
    const revised = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version.id, key: 'EXIT-007', major: 1, status: 'partly', ...(await currentVersionOf('EXIT-007')) });
    const message = await vendor.agent.post(`/api/assessments/answers/${revised.body.id}/messages`).set('X-CSRF-Token', vendor.csrf).send({ body: 'Logg kommer.' });
    for (const res of [revised, message]) expect(res.text).not.toContain('INTERNT-NOTAT-7f3a');
    expect(revised.body.verifications[0]).not.toHaveProperty('internalNote');
    // Nor does the vendor's own audit log.
    const audit = await vendor.agent.get('/api/audit').query({ organisationId: vendorOrg.id, pageSize: 200 });
    expect(audit.status).toBe(200);
    expect(audit.text).not.toContain('INTERNT-NOTAT-7f3a');
  });
});
