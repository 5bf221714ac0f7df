import supertest from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createLogger } from '../../server/shared/logger';
import { addMonths, localDate } from '../../server/vendors/contract-dates';
import { createVendorsService } from '../../server/vendors/vendors.service';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, TEST_PASSWORD, type LoggedIn } from '../helpers/factories';
import { createProduct, csrfOf, recordUsage, registerVendor } from './fixtures';

let ctx: TestContext;
let city: OrganisationRow;
let otherCity: OrganisationRow;
let editor: LoggedIn;
let viewer: LoggedIn;
let assessor: LoggedIn;
let otherEditor: LoggedIn;
let vendorUser: LoggedIn;
let products: Record<string, string>;
const today = localDate(new Date());
const inMonths = (months: number) => addMonths(today, months);

beforeAll(async () => {
  ctx = await createTestApp();
  city = await buildOrganisation(ctx.services, { name: 'Bruksby kommune' });
  otherCity = await buildOrganisation(ctx.services, { name: 'Naboby kommune' });
  const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Brukt Leverandør AS' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'assessor']] }));
  otherEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[otherCity, 'editor']] }));
  vendorUser = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
  const vendor = await registerVendor(editor, { name: 'Kontraktsleverandør AS' });
  products = {};
  for (const name of ['Skoleportal', 'Helsejournal', 'Arkivsystem', 'Lønnssystem', 'Kartløsning', 'Driftsovervåking']) {
    products[name] = (await createProduct(editor, vendor.id, { name })).id;
  }
});
afterAll(() => ctx.close());

describe('recording usages', () => {
  test('When an editor records that the city uses a product, then its members see it with the notice deadline, and the audit log has it', async () => {
    const usage = await recordUsage(editor, { productId: products.Skoleportal, contractStart: '2022-08-01', contractEnd: '2027-07-31', noticeMonths: 6, exitPlanStatus: 'draft', note: 'Opsjon på to år' });
    expect(usage).toMatchObject({ organisationId: city.id, organisationName: 'Bruksby kommune', productName: 'Skoleportal', vendorName: 'Kontraktsleverandør AS', noticeDeadline: '2027-01-31', exitPlanStatus: 'draft' });
    for (const member of [viewer, assessor]) {
      const list = await member.agent.get('/api/usages');
      expect(list.body.items.map((u: { id: string }) => u.id)).toContain(usage.id);
    }
    const audit = await ctx.services.audit.list({ userId: '', email: '', name: '', isAdmin: true, locale: 'nb', memberships: [], activeOrganisationId: null, via: 'session', sessionId: null, csrfToken: null }, { organisationId: city.id, action: 'product_usage.created', page: 1, pageSize: 10 });
    expect(audit.rows[0]).toMatchObject({ entityId: usage.id, after: { product: 'Skoleportal', contractEnd: '2027-07-31', noticeMonths: 6, exitPlanStatus: 'draft' } });
  });

  test('When an editor changes the exit plan, then the change is audited with before and after', async () => {
    const usage = await recordUsage(editor, { productId: products.Lønnssystem, exitPlanStatus: 'none' });
    const res = await editor.agent.patch(`/api/usages/${usage.id}`).set('X-CSRF-Token', editor.csrf).send({ version: 1, exitPlanStatus: 'approved', note: 'Testet uttrekk' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ exitPlanStatus: 'approved', note: 'Testet uttrekk' });
    const log = await ctx.services.repositories.audit.list(ctx.services.database.db, { entityId: usage.id, action: 'product_usage.updated' }, { limit: 5, offset: 0 });
    expect(log.rows[0]).toMatchObject({ organisationId: city.id, before: { exitPlanStatus: 'none', note: '' }, after: { exitPlanStatus: 'approved', note: 'Testet uttrekk' } });
  });

  test('When a viewer or an assessor tries to record or change a usage, then the answer is 403 and nothing changes', async () => {
    const usage = await recordUsage(editor, { productId: products.Kartløsning, exitPlanStatus: 'none' });
    for (const member of [viewer, assessor]) {
      const create = await member.agent.post('/api/usages').set('X-CSRF-Token', member.csrf).send({ organisationId: city.id, productId: products.Kartløsning });
      expect(create.status).toBe(403);
      const change = await member.agent.patch(`/api/usages/${usage.id}`).set('X-CSRF-Token', member.csrf).send({ version: 1, exitPlanStatus: 'approved' });
      expect(change.status).toBe(403);
      expect(change.body.code).toBe('usage.editor_required');
      const remove = await member.agent.delete(`/api/usages/${usage.id}`).set('X-CSRF-Token', member.csrf);
      expect(remove.status).toBe(403);
    }
    expect((await viewer.agent.get(`/api/usages/${usage.id}`)).body.exitPlanStatus).toBe('none');
  });

  test('When another buyer or a vendor reaches for the city\'s usage, then it does not exist for them, in reading, changing, removing and listing', async () => {
    const usage = await recordUsage(editor, { productId: products.Helsejournal, contractEnd: inMonths(10), exitPlanStatus: 'none' });
    for (const stranger of [otherEditor, vendorUser]) {
      expect((await stranger.agent.get(`/api/usages/${usage.id}`)).status).toBe(404);
      const change = await stranger.agent.patch(`/api/usages/${usage.id}`).set('X-CSRF-Token', stranger.csrf).send({ version: 1, note: 'kapret' });
      expect(change.status).toBe(404);
      expect(change.body.code).toBe('usage.not_found');
      expect((await stranger.agent.delete(`/api/usages/${usage.id}`).set('X-CSRF-Token', stranger.csrf)).status).toBe(404);
      expect((await stranger.agent.get('/api/usages')).body.items.map((u: { id: string }) => u.id)).not.toContain(usage.id);
      expect((await stranger.agent.get('/api/usages').query({ organisationId: city.id })).status).toBe(404);
      expect((await stranger.agent.get('/api/usages/exposure').query({ organisationId: city.id })).status).toBe(404);
      expect((await stranger.agent.get(`/usages/${usage.id}`)).status).toBe(404);
      const recordForCity = await stranger.agent.post('/api/usages').set('X-CSRF-Token', stranger.csrf).send({ organisationId: city.id, productId: products.Helsejournal });
      expect(recordForCity.status).toBe(404);
    }
    expect((await viewer.agent.get(`/api/usages/${usage.id}`)).body.note).toBe('');
  });

  test('When the contract ends before it starts, then the answer is 422 naming contractEnd', async () => {
    const res = await editor.agent.post('/api/usages').set('X-CSRF-Token', editor.csrf).send({ productId: products.Arkivsystem, contractStart: '2026-01-01', contractEnd: '2025-12-31' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'contractEnd', message: 'must be on or after the contract start' }]);
  });

  test.each([
    ['an exit plan status that does not exist', { exitPlanStatus: 'maybe' }, 'exitPlanStatus'],
    ['a negative notice period', { noticeMonths: -1 }, 'noticeMonths'],
    ['a date in the wrong form', { contractEnd: '31.12.2027' }, 'contractEnd'],
    ['a product id that is not a uuid', { productId: 'skoleportal' }, 'productId'],
  ])('When a usage has %s, then the answer is a 400 problem naming the field', async (_case, overrides, path) => {
    const res = await editor.agent.post('/api/usages').set('X-CSRF-Token', editor.csrf).send({ productId: products.Arkivsystem, ...overrides });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });

  test('When a usage is removed, then it is gone and the audit log keeps what it was', async () => {
    const usage = await recordUsage(editor, { productId: products.Driftsovervåking, contractEnd: '2030-01-01', exitPlanStatus: 'none' });
    expect((await editor.agent.delete(`/api/usages/${usage.id}`).set('X-CSRF-Token', editor.csrf)).status).toBe(204);
    expect((await editor.agent.get(`/api/usages/${usage.id}`)).status).toBe(404);
    const log = await ctx.services.repositories.audit.list(ctx.services.database.db, { entityId: usage.id, action: 'product_usage.removed' }, { limit: 5, offset: 0 });
    expect(log.rows[0]?.before).toMatchObject({ product: 'Driftsovervåking', contractEnd: '2030-01-01' });
  });

  test('When an editor records a usage through the form, then the usage list shows it; a viewer sees the usage read-only', async () => {
    const form = await editor.agent.get('/usages/new').query({ productId: products.Arkivsystem });
    expect(form.status).toBe(200);
    expect(form.text).toMatch(new RegExp(`value="${products.Arkivsystem}" selected`));
    const csrf = csrfOf(form.text);
    const bad = await editor.agent.post('/usages').type('form').send({ _csrf: csrf, organisationId: city.id, productId: products.Arkivsystem, contractStart: '', contractEnd: '2028-13-01', noticeMonths: '', exitPlanStatus: 'none', note: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('contractEnd');
    const saved = await editor.agent.post('/usages').type('form').send({ _csrf: csrf, organisationId: city.id, productId: products.Arkivsystem, contractStart: '2020-01-01', contractEnd: '2028-12-31', noticeMonths: '12', exitPlanStatus: 'draft', note: 'Noark 5-uttrekk avtalt' });
    expect(saved.status).toBe(303);
    const list = await viewer.agent.get(saved.headers.location as string);
    expect(list.text).toContain('Arkivsystem');
    expect(list.text).toContain('Utkast');
    const id = /href="\/usages\/([0-9a-f-]{36})">Arkivsystem/.exec(list.text)?.[1] as string;
    const readOnly = await viewer.agent.get(`/usages/${id}`);
    expect(readOnly.text).toContain('Noark 5-uttrekk avtalt');
    expect(readOnly.text).not.toContain(`action="/usages/${id}"`);
    const refused = await viewer.agent.post(`/usages/${id}`).type('form').send({ _csrf: csrfOf(readOnly.text), contractStart: '', contractEnd: '', noticeMonths: '', exitPlanStatus: 'approved', note: '', version: '1' });
    expect(refused.status).toBe(403);
  });
});

describe('lock-in exposure', () => {
  let exposureCity: OrganisationRow;
  let planner: LoggedIn;

  beforeAll(async () => {
    exposureCity = await buildOrganisation(ctx.services, { name: 'Risikoby kommune' });
    planner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[exposureCity, 'editor']] }));
    const record = (product: string, contractEnd: string | null, noticeMonths: number | null, exitPlanStatus: string) =>
      recordUsage(planner, { productId: products[product], contractStart: inMonths(-48), contractEnd, noticeMonths, exitPlanStatus });
    await record('Skoleportal', inMonths(4), 6, 'none');
    await record('Helsejournal', inMonths(14), 12, 'draft');
    await record('Arkivsystem', inMonths(-1), 6, 'none');
    await record('Lønnssystem', inMonths(30), 6, 'approved');
    await record('Kartløsning', inMonths(11), 3, 'approved');
    await record('Driftsovervåking', null, null, 'draft');
  });

  test('When the exposure is read with the default horizon, then contracts ending within 18 months are listed soonest first, ended and missed notice deadlines marked', async () => {
    const res = await planner.agent.get('/api/usages/exposure');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ organisationId: exposureCity.id, horizonMonths: 18, today, horizonEnd: inMonths(18) });
    expect(res.body.endingContracts.map((u: { productName: string; ended: boolean; noticePassed: boolean }) => [u.productName, u.ended, u.noticePassed])).toEqual([
      ['Arkivsystem', true, true],
      ['Skoleportal', false, true],
      ['Kartløsning', false, false],
      ['Helsejournal', false, false],
    ]);
  });

  test('When the horizon is longer, then contracts ending later are included; open-ended ones never are', async () => {
    const res = await planner.agent.get('/api/usages/exposure').query({ organisationId: exposureCity.id, horizonMonths: 36 });
    expect(res.body.endingContracts.map((u: { productName: string }) => u.productName)).toEqual(['Arkivsystem', 'Skoleportal', 'Kartløsning', 'Helsejournal', 'Lønnssystem']);
    const bad = await planner.agent.get('/api/usages/exposure').query({ horizonMonths: 0 });
    expect(bad.status).toBe(400);
  });

  test('When the exposure is read, then every usage without an approved exit plan is listed', async () => {
    const res = await planner.agent.get('/api/usages/exposure');
    expect(res.body.withoutApprovedExitPlan.map((u: { productName: string; exitPlanStatus: string }) => `${u.productName}:${u.exitPlanStatus}`).sort()).toEqual(['Arkivsystem:none', 'Driftsovervåking:draft', 'Helsejournal:draft', 'Skoleportal:none']);
  });

  test('When no assessment data is plugged in, then the absolute requirements section says so and lists nothing', async () => {
    const { repositories, database } = ctx.services;
    const unplugged = createVendorsService({ db: database.db, vendorsRepository: repositories.vendors, organisationsRepository: repositories.organisations, authRepository: repositories.auth, auditRepository: repositories.audit });
    const app = createApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), services: { ...ctx.services, vendors: unplugged }, logger: createLogger({ level: 'silent' }) });
    const agent = supertest.agent(app);
    await agent.post('/api/session').send({ email: planner.user.email, password: TEST_PASSWORD }).expect(201);
    const res = await agent.get('/api/usages/exposure');
    expect(res.body.failingAbsolute).toEqual({ available: false, items: [] });
    const page = await agent.get('/vendors/exposure');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Risikoby kommune');
    expect(page.text).toContain('Kontrakter som løper ut (4)');
    expect(page.text).toContain('Uten godkjent exitplan (4)');
    expect(page.text).toContain('Ingen vurderingsdata ennå');
    expect(page.text).toContain('Fristen for oppsigelse er passert');
    expect(page.text).not.toContain('Lønnssystem');
  });

  test('When a user belongs to no buyer, then the exposure API refuses with 403 and the page explains it', async () => {
    const res = await vendorUser.agent.get('/api/usages/exposure');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('usage.buyer_required');
    const page = await vendorUser.agent.get('/vendors/exposure');
    expect(page.status).toBe(200);
    expect(page.text).toContain('føres for kommuner og fylker');
  });

  test('When the exposure is asked for a vendor organisation, then the answer says it must be a buyer', async () => {
    const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor' });
    const admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
    const res = await admin.agent.get('/api/usages/exposure').query({ organisationId: vendorOrg.id });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('usage.not_a_buyer');
  });

  test('When the assessments plug in which products fail absolute requirements, then the exposure lists those usages with the failing keys', async () => {
    const asked: string[][] = [];
    ctx.services.vendors.setAbsoluteFailureSource(async (productIds) => {
      asked.push(productIds);
      return new Map([[products.Helsejournal as string, ['EXP-001', 'EXIT-009']]]);
    });
    const res = await planner.agent.get('/api/usages/exposure');
    expect(asked[0]?.sort()).toEqual(Object.values(products).sort());
    expect(res.body.failingAbsolute.available).toBe(true);
    expect(res.body.failingAbsolute.items.map((u: { productName: string; failingKeys: string[] }) => [u.productName, u.failingKeys])).toEqual([['Helsejournal', ['EXP-001', 'EXIT-009']]]);
    const page = await planner.agent.get('/vendors/exposure');
    expect(page.text).toContain('EXP-001, EXIT-009');
    expect(page.text).not.toContain('Ingen vurderingsdata ennå');
  });
});
