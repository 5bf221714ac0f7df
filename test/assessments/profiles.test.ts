import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { ensureBaselineProfile } from '../../server/assessments/assessments.service';
import { BASELINE_KEYS } from '../../server/assessments/profiles.service';
import { shippedBaselineId } from './fixtures';

let ctx: TestContext;
let city: OrganisationRow;
let council: OrganisationRow;
let baselineId: string;
let editor: LoggedIn;
let assessor: LoggedIn;
let viewer: LoggedIn;
let outsider: LoggedIn;
let vendor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'baseline' });
  baselineId = await shippedBaselineId(ctx.services);
  city = await buildOrganisation(ctx.services, { name: 'Profilby kommune' });
  council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Profilby', parentId: city.id });
  const other = await buildOrganisation(ctx.services, { name: 'Annenby kommune' });
  const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Profilleverandør AS' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  outsider = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[other, 'owner']] }));
  vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
});
afterAll(() => ctx.close());

async function createProfile(who: LoggedIn, body: Record<string, unknown>) {
  return who.agent.post('/api/profiles').set('X-CSRF-Token', who.csrf).send(body);
}

describe('the shipped baseline profile', () => {
  test('When the library has been synced, then a public baseline profile covers the core export, API and exit requirements, once', async () => {
    expect(await ensureBaselineProfile(ctx.services)).toMatchObject({ id: baselineId });
    const res = await vendor.agent.get(`/api/profiles/${baselineId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ slug: 'baseline', ownerOrganisationId: null, visibility: 'public', version: 1, canEdit: false });
    expect(res.body.items.map((i: { key: string }) => i.key)).toEqual(BASELINE_KEYS);
    expect(res.body.items.find((i: { key: string }) => i.key === 'EXP-003')).toMatchObject({ libraryVersion: '1.2.0', major: 1, type: 'AV', weight: 10 });
  });

  test('When anyone tries to change or delete the baseline, then it is refused and unchanged', async () => {
    const put = await editor.agent.put(`/api/profiles/${baselineId}`).set('X-CSRF-Token', editor.csrf).send({ name: 'Min grunnprofil', version: 1 });
    expect(put.status).toBe(403);
    expect(put.body.code).toBe('profile.read_only');
    expect((await editor.agent.delete(`/api/profiles/${baselineId}`).set('X-CSRF-Token', editor.csrf)).status).toBe(403);
    expect((await editor.agent.get(`/api/profiles/${baselineId}`)).body.slug).toBe('baseline');
  });
});

describe('profiles of buyers and councils', () => {
  test('When an editor creates a profile, then items are pinned to the newest published version with the library type and weight unless given', async () => {
    const res = await createProfile(editor, { name: 'Skolesystemer', items: [{ key: 'EXP-001' }, { key: 'API-003', weight: 40 }, { key: 'SEC-001', version: '1.1.0', type: 'AV' }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Skolesystemer', visibility: 'private', ownerOrganisationId: city.id, version: 1, canEdit: true });
    expect(res.body.items).toEqual([
      expect.objectContaining({ key: 'EXP-001', libraryVersion: '1.2.0', type: 'A', weight: 10, title: 'Full eksport av alle data når som helst' }),
      expect.objectContaining({ key: 'API-003', type: 'V', weight: 40 }),
      expect.objectContaining({ key: 'SEC-001', type: 'AV', weight: 8 }),
    ]);
  });

  test('When a profile names an unknown item, an unknown version or an item twice, then nothing is created and each problem is named', async () => {
    const unknown = await createProfile(editor, { name: 'Feil', items: [{ key: 'ZZZ-999' }, { key: 'EXP-001', version: '9.0.0' }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'profile.library_item_unavailable', errors: [{ path: 'items', message: expect.stringContaining('ZZZ-999') }, { path: 'items', message: expect.stringContaining('EXP-001') }] });
    const twice = await createProfile(editor, { name: 'Dobbel', items: [{ key: 'EXP-001' }, { key: 'EXP-001' }] });
    expect(twice.body.code).toBe('profile.duplicate_items');
    const list = await editor.agent.get('/api/profiles').query({ q: 'Feil' });
    expect(list.body.total).toBe(0);
  });

  test('When the details or the items change, then each change makes a new version and the old ones can still be read', async () => {
    const created = (await createProfile(assessor, { name: 'Rådets profil', visibility: 'shared', items: [{ key: 'EXP-003' }, { key: 'API-003' }] })).body;
    expect(created.ownerOrganisationId).toBe(council.id);
    const renamed = await assessor.agent.put(`/api/profiles/${created.id}`).set('X-CSRF-Token', assessor.csrf).send({ name: 'Rådets profil for skole', version: 1 });
    expect(renamed.body).toMatchObject({ name: 'Rådets profil for skole', currentVersion: 2 });
    const changed = await assessor.agent.put(`/api/profiles/${created.id}`).set('X-CSRF-Token', assessor.csrf).send({ items: [{ key: 'EXP-003', weight: 70 }, { key: 'API-003', weight: 30 }], changeNote: 'Vektet eksport høyere', version: 2 });
    expect(changed.body).toMatchObject({ currentVersion: 3, version: 3 });
    expect(changed.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    const old = await assessor.agent.get(`/api/profiles/${created.id}`).query({ version: 1 });
    expect(old.body.items.map((i: { weight: number }) => i.weight)).toEqual([10, 10]);
    const stale = await assessor.agent.put(`/api/profiles/${created.id}`).set('X-CSRF-Token', assessor.csrf).send({ items: [{ key: 'EXP-003' }], version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'conflict.stale_version', currentVersion: 3, changedBy: assessor.user.email });
    const audit = await ctx.services.repositories.audit.list(ctx.services.database.db, { entityId: created.id }, { limit: 10, offset: 0 });
    const versioned = audit.rows.find((r) => r.action === 'profile.updated' && (r.after as { version: number }).version === 3);
    expect(versioned).toMatchObject({ before: expect.objectContaining({ version: 2, items: expect.any(Array) }), after: expect.objectContaining({ version: 3, changeNote: 'Vektet eksport høyere' }) });
  });

  test('When a profile is private, then other organisations and vendors get 404; shared ones are read by every buyer but not by vendors', async () => {
    const privateProfile = (await createProfile(editor, { name: 'Privat profil', items: [{ key: 'EXP-001' }] })).body;
    const shared = (await createProfile(editor, { name: 'Delt profil', visibility: 'shared', items: [{ key: 'EXP-001' }] })).body;
    expect((await viewer.agent.get(`/api/profiles/${privateProfile.id}`)).status).toBe(200);
    for (const who of [outsider, vendor, assessor]) {
      const res = await who.agent.get(`/api/profiles/${privateProfile.id}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('profile.not_found');
      expect(res.text).not.toContain('Privat profil');
    }
    expect((await outsider.agent.get(`/api/profiles/${shared.id}`)).status).toBe(200);
    expect((await vendor.agent.get(`/api/profiles/${shared.id}`)).status).toBe(404);
    const outsiderList = await outsider.agent.get('/api/profiles').query({ pageSize: 200 });
    const names = outsiderList.body.items.map((p: { name: string }) => p.name);
    expect(names).toContain('Delt profil');
    expect(names).not.toContain('Privat profil');
    const vendorList = await vendor.agent.get('/api/profiles').query({ pageSize: 200 });
    expect(vendorList.body.items.map((p: { slug: string | null; visibility: string }) => p.visibility)).toEqual(['public']);
  });

  test('When a viewer or an outsider tries to change a profile, then the viewer gets 403 and the outsider 404', async () => {
    const profile = (await createProfile(editor, { name: 'Låst profil', visibility: 'shared', items: [{ key: 'EXP-001' }] })).body;
    expect((await viewer.agent.put(`/api/profiles/${profile.id}`).set('X-CSRF-Token', viewer.csrf).send({ name: 'Endret', version: 1 })).body.code).toBe('profile.editor_required');
    expect((await outsider.agent.put(`/api/profiles/${profile.id}`).set('X-CSRF-Token', outsider.csrf).send({ name: 'Endret', version: 1 })).status).toBe(403);
    const privateProfile = (await createProfile(editor, { name: 'Låst privat', items: [{ key: 'EXP-001' }] })).body;
    expect((await outsider.agent.delete(`/api/profiles/${privateProfile.id}`).set('X-CSRF-Token', outsider.csrf)).status).toBe(404);
    expect((await vendor.agent.post('/api/profiles').set('X-CSRF-Token', vendor.csrf).send({ name: 'Leverandørprofil' })).body.code).toBe('profile.owner_required');
    expect((await viewer.agent.post('/api/profiles').set('X-CSRF-Token', viewer.csrf).send({ name: 'Seerprofil' })).status).toBe(403);
  });

  test('When an editor deletes their profile, then it is gone', async () => {
    const profile = (await createProfile(editor, { name: 'Kortlivet', items: [{ key: 'EXP-001' }] })).body;
    expect((await editor.agent.delete(`/api/profiles/${profile.id}`).set('X-CSRF-Token', editor.csrf)).status).toBe(204);
    expect((await editor.agent.get(`/api/profiles/${profile.id}`)).status).toBe(404);
  });

  test('When a profile is made from a tender, then it copies the tender\'s library items with their pinned versions, types and weights', async () => {
    const tender = (await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Nytt skolesystem', reference: 'PROFIL/1', language: 'nb', contactEmail: 'innkjop@profilby.no' })).body;
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'API-003', 'DOC-002'] });
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ custom: { kind: 'requirement', type: 'V', title: 'Eget krav i anskaffelsen', text: 'Løsningen skal gjøre noe bare denne kommunen trenger.' } });
    await editor.agent.post(`/api/tenders/${tender.id}/weights/normalise`).set('X-CSRF-Token', editor.csrf).expect(204);
    const tenderItems = (await editor.agent.get(`/api/tenders/${tender.id}/items`)).body.sections.flatMap((s: { items: unknown[] }) => s.items) as { key: string; fromLibrary: boolean; libraryVersion: string; type: string; weight: number }[];
    const res = await createProfile(editor, { name: 'Fra anskaffelsen', tenderId: tender.id });
    expect(res.status).toBe(201);
    expect(res.body.items.map((i: { key: string; libraryVersion: string; type: string; weight: number }) => ({ key: i.key, libraryVersion: i.libraryVersion, type: i.type, weight: i.weight }))).toEqual(
      tenderItems.filter((i) => i.fromLibrary).map((i) => ({ key: i.key, libraryVersion: i.libraryVersion, type: i.type, weight: i.weight })),
    );
    expect((await createProfile(outsider, { name: 'Stjålet', tenderId: tender.id })).status).toBe(404);
  });

  test('When profiles are managed on the pages, then the forms create, version and delete them', async () => {
    const form = await editor.agent.get('/assessments/profiles/new');
    expect(form.status).toBe(200);
    const created = await editor.agent.post('/assessments/profiles').type('form').send({ _csrf: editor.csrf, name: 'Sideprofil', visibility: 'shared', keys: 'exp-001, API-003' });
    expect(created.status).toBe(303);
    const page = await editor.agent.get(created.headers.location as string);
    expect(page.text).toContain('Sideprofil');
    expect(page.text).toContain('API-003');
    const profileId = (created.headers.location as string).split('/').pop() as string;
    const saved = await editor.agent.post(`/assessments/profiles/${profileId}`).type('form').send({
      _csrf: editor.csrf,
      name: 'Sideprofil',
      visibility: 'shared',
      version: '1',
      'items[0][key]': 'EXP-001',
      'items[0][version]': '1.2.0',
      'items[0][type]': 'A',
      'items[0][weight]': '0',
      'items[1][key]': 'API-003',
      'items[1][version]': '1.1.0',
      'items[1][type]': 'V',
      'items[1][weight]': '10',
      'items[1][remove]': 'on',
      addKeys: 'SEC-001',
    });
    expect(saved.status).toBe(303);
    const api = await editor.agent.get(`/api/profiles/${profileId}`);
    expect(api.body.items.map((i: { key: string }) => i.key)).toEqual(['EXP-001', 'SEC-001']);
    expect(api.body.currentVersion).toBe(2);
    const bad = await editor.agent.post(`/assessments/profiles/${profileId}`).type('form').send({ _csrf: editor.csrf, name: 'Sideprofil', visibility: 'shared', version: '2', addKeys: 'ZZZ-999' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('ZZZ-999');
    const denied = await viewer.agent.post(`/assessments/profiles/${profileId}/delete`).type('form').send({ _csrf: viewer.csrf });
    expect(denied.status).toBe(403);
    const deleted = await editor.agent.post(`/assessments/profiles/${profileId}/delete`).type('form').send({ _csrf: editor.csrf });
    expect(deleted.status).toBe(303);
    expect((await editor.agent.get('/assessments')).text).not.toContain('Sideprofil');
  });
});
