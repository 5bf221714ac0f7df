import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { shippedBaselineId } from '../assessments/fixtures';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { binary, sha256 } from '../helpers/http';

let ctx: TestContext;
let city: OrganisationRow;
let partner: OrganisationRow;
let editor: LoggedIn;
let owner: LoggedIn;
let admin: LoggedIn;
let baselineProfileId: string;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'baseline' });
  baselineProfileId = await shippedBaselineId(ctx.services);
  city = await buildOrganisation(ctx.services, { name: 'Sporbar kommune' });
  partner = await buildOrganisation(ctx.services, { name: 'Medkjøper kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'owner']] }));
  admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
});
afterAll(() => ctx.close());


type Entry = { action: string; entityId: string | null; organisationId: string | null; actorUserId: string | null; actorEmail: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null };

async function entries(reader: LoggedIn, query: Record<string, string>): Promise<Entry[]> {
  const res = await reader.agent.get('/api/audit').query(query);
  expect(res.status).toBe(200);
  return res.body.items as Entry[];
}

async function tenderWith(keys: string[]) {
  const created = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Sporbart fagsystem', reference: `2026/${Date.now()}`, language: 'nb', domain: 'school', contactEmail: 'innkjop@sporbar.no' });
  expect(created.status).toBe(201);
  await editor.agent.post(`/api/tenders/${created.body.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys }).expect(201);
  const view = await editor.agent.get(`/api/tenders/${created.body.id}`);
  const sections = view.body.sections as { id: string; version: number; items: { id: string; key: string; version: number }[] }[];
  return { id: created.body.id as string, sections };
}


test('When a tender item is moved, then its entry records the position before and after', async () => {
  const tender = await tenderWith(['EXP-001', 'EXP-002', 'EXP-003']);
  const section = tender.sections[0];
  const first = section?.items[0];
  expect(section?.items.map((i) => i.key)).toEqual(['EXP-001', 'EXP-002', 'EXP-003']);
  await editor.agent.post(`/api/tenders/${tender.id}/items/${first?.id}/move`).set('X-CSRF-Token', editor.csrf).send({ direction: 'down', version: first?.version }).expect(204);
  const [entry] = await entries(owner, { action: 'tender.item_moved', entityId: first?.id ?? '' });
  expect(entry).toMatchObject({ organisationId: city.id, before: { sectionId: section?.id, position: 0 }, after: { tenderId: tender.id, direction: 'down', sectionId: section?.id, position: 1 } });
});

test('When a tender section is moved, then its entry records the position before and after', async () => {
  const tender = await tenderWith(['EXP-001', 'API-003']);
  expect(tender.sections).toHaveLength(2);
  const second = tender.sections[1];
  await editor.agent.post(`/api/tenders/${tender.id}/sections/${second?.id}/move`).set('X-CSRF-Token', editor.csrf).send({ direction: 'up', version: second?.version }).expect(204);
  const [entry] = await entries(owner, { action: 'tender.section_moved', entityId: second?.id ?? '' });
  expect(entry).toMatchObject({ before: { position: 1 }, after: { direction: 'up', position: 0 } });
});

test('When a co-buyer\'s access changes, then the entry records the access before the change', async () => {
  const tender = await tenderWith(['EXP-001']);
  const coBuyer = async (canEdit: boolean) => {
    const { version } = (await editor.agent.get(`/api/tenders/${tender.id}`).expect(200)).body as { version: number };
    await editor.agent.put(`/api/tenders/${tender.id}/co-buyers/${partner.id}`).set('X-CSRF-Token', editor.csrf).send({ canEdit, version }).expect(204);
  };
  await coBuyer(false);
  await coBuyer(true);
  await editor.agent.delete(`/api/tenders/${tender.id}/co-buyers/${partner.id}`).set('X-CSRF-Token', editor.csrf).expect(204);
  const set = await entries(owner, { action: 'tender.co_buyer_set', entityId: tender.id });
  expect(set.map((e) => [e.before, e.after?.canEdit])).toEqual([
    [{ organisationId: partner.id, name: partner.name, canEdit: false }, true],
    [null, false],
  ]);
  const [removed] = await entries(owner, { action: 'tender.co_buyer_removed', entityId: tender.id });
  expect(removed?.before).toEqual({ organisationId: partner.id, name: partner.name, canEdit: true });
});

test('When the library, an item\'s YAML, the comparison and the chart are downloaded, then each entry and header carry the file\'s SHA-256', async () => {
  const downloads = [
    { path: '/api/library/export', query: {}, action: 'library.exported' },
    { path: '/api/library/export', query: { format: 'json' }, action: 'library.exported' },
    { path: '/api/library/items/EXP-001/export', query: {}, action: 'library.item_exported' },
    { path: '/api/assessments/comparison/export', query: { profileId: baselineProfileId, format: 'csv' }, action: 'assessments.comparison_export_downloaded' },
    { path: '/api/assessments/chart', query: { profileId: baselineProfileId }, action: 'assessments.chart_downloaded' },
  ];
  for (const download of downloads) {
    const res = await editor.agent.get(download.path).query(download.query).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const body = res.body as Buffer;
    expect(res.headers['x-content-sha256']).toBe(sha256(body));
    const [entry] = await entries(admin, { action: download.action, actor: editor.user.email });
    expect(entry?.after).toMatchObject({ sha256: sha256(body), bytes: body.length });
  }
  const [comparison] = await entries(owner, { action: 'assessments.comparison_export_downloaded' });
  expect(comparison).toMatchObject({ organisationId: city.id, entityId: baselineProfileId, after: { format: 'csv', basis: 'claimed' } });
});

test('When an editor deprecates a library item, then the entry carries their organisation and its owners see it', async () => {
  const res = await editor.agent.post('/api/library/items/API-002/deprecate').set('X-CSRF-Token', editor.csrf).send({ replacedBy: 'API-001' });
  expect(res.status).toBe(200);
  const [entry] = await entries(owner, { action: 'library.deprecated', entityId: 'API-002' });
  expect(entry).toMatchObject({ organisationId: city.id, actorEmail: editor.user.email, after: { status: 'deprecated', replacedBy: 'API-001' } });
});

test('When a login fails, then the entry names no actor but the attempted e-mail and the client address', async () => {
  const target = await buildUser(ctx.services);
  await ctx.request().post('/api/session').send({ email: target.email.toUpperCase(), password: 'feil passord for kontoen' }).expect(401);
  const [entry] = await entries(admin, { action: 'auth.login_failed', entityId: target.email });
  expect(entry).toMatchObject({ actorUserId: null, actorEmail: null, after: { attemptedEmail: target.email, clientAddress: expect.stringMatching(/127\.0\.0\.1|::1/) } });
  expect(await entries(admin, { action: 'auth.login_failed', actor: target.email })).toEqual([]);
});
