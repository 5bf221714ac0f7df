import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { expectNoLostUpdate, versionOfEtag } from '../helpers/versioning';
import { buildProduct } from './fixtures';

let ctx: TestContext;
let city: OrganisationRow;
let owner: LoggedIn;
let colleague: LoggedIn;
let assessor: LoggedIn;
let otherAssessor: LoggedIn;
let vendor: LoggedIn;
let vendorColleague: LoggedIn;
let version: ProductVersionRow;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'baseline' });
  city = await buildOrganisation(ctx.services, { name: 'Versjonsdal kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Versjonsdal', parentId: city.id });
  const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Delta Versjon AS' });
  owner = await loginAs(ctx, await buildUser(ctx.services, { name: 'Pia Profil', memberships: [[city, 'owner']] }));
  colleague = await loginAs(ctx, await buildUser(ctx.services, { name: 'Per Profil', memberships: [[city, 'editor']] }));
  assessor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Ada Vurderer', memberships: [[council, 'assessor']] }));
  otherAssessor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Bo Vurderer', memberships: [[council, 'assessor']] }));
  vendor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Vera Leverandør', memberships: [[vendorOrg, 'owner']] }));
  vendorColleague = await loginAs(ctx, await buildUser(ctx.services, { name: 'Viggo Leverandør', memberships: [[vendorOrg, 'editor']] }));
  version = (await buildProduct(ctx.services, vendorOrg, { name: 'Delta Skole' })).versions[0] as ProductVersionRow;
}, 180_000);
afterAll(() => ctx.close());

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string;

async function createProfile(name: string) {
  const res = await owner.agent.post('/api/profiles').set('X-CSRF-Token', owner.csrf).send({ name, items: [{ key: 'EXP-001' }, { key: 'API-003' }] });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
}

async function firstAnswer(key: string, as: LoggedIn = vendor) {
  const res = await as.agent.post('/api/assessments/answers').set('X-CSRF-Token', as.csrf).send({ productVersionId: version.id, key, major: 1, status: 'partly', explanation: 'Første svar.' });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number; revision: number };
}

async function currentAnswer(key: string) {
  const res = await vendor.agent.get('/api/assessments/answers').query({ productVersionId: version.id });
  return (res.body.items as { id: string; key: string; version: number; status: string; explanation: string }[]).find((a) => a.key === key);
}

describe('profile', () => {
  test('When two editors change a profile from one read, then exactly one succeeds and the other gets 409; without a version it is 428; If-Match is accepted', async () => {
    const profile = await createProfile('Profil for kappløp');
    const conflict = await expectNoLostUpdate({
      as: owner,
      method: 'put',
      path: `/api/profiles/${profile.id}`,
      bodies: [{ name: 'Profil A' }, { name: 'Profil B' }],
      readVersion: async () => versionOfEtag(await owner.agent.get(`/api/profiles/${profile.id}`)),
    });
    expect(conflict.entity).toBe('profile');
  });

  test('When only the name changes, then the profile gets a new version with the same items, and the earlier version stays readable', async () => {
    const profile = await createProfile('Profil med navn');
    const res = await owner.agent.put(`/api/profiles/${profile.id}`).set('X-CSRF-Token', owner.csrf).send({ name: 'Profil med nytt navn', version: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Profil med nytt navn', version: 2, currentVersion: 2 });
    const earlier = await owner.agent.get(`/api/profiles/${profile.id}`).query({ version: 1 });
    expect(earlier.body.items.map((i: { key: string }) => i.key)).toEqual(res.body.items.map((i: { key: string }) => i.key));
  });

  test('When the profile form is posted after a colleague saved, then the page shows the saved name and keeps what was typed', async () => {
    const profile = await createProfile('Profil for skjema');
    const page = await owner.agent.get(`/assessments/profiles/${profile.id}`);
    expect(page.text).toContain('name="version" value="1"');
    expect((await colleague.agent.put(`/api/profiles/${profile.id}`).set('X-CSRF-Token', colleague.csrf).send({ name: 'Kollegas profilnavn', version: 1 })).status).toBe(200);

    const stale = await owner.agent.post(`/assessments/profiles/${profile.id}`).type('form').send({
      _csrf: csrfOf(page.text),
      name: 'Mitt profilnavn',
      description: 'Min beskrivelse',
      visibility: 'shared',
      changeNote: 'Min endring',
      version: '1',
      'items[0][key]': 'EXP-001',
      'items[0][version]': /name="items\[0\]\[version\]" value="([^"]+)"/.exec(page.text)?.[1],
      'items[0][type]': 'A',
      'items[0][weight]': '7',
      addKeys: '',
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Noen andre har endret dette etter at du åpnet det');
    expect(stale.text).toContain(colleague.user.email);
    expect(stale.text).toContain('value="Mitt profilnavn"');
    expect(stale.text).toContain('Min beskrivelse</textarea>');
    expect(stale.text).toContain('Lagret nå: Kollegas profilnavn');
    expect(stale.text).toContain('value="7"');
    expect(stale.text).toContain('name="version" value="2"');
    expect((await owner.agent.get(`/api/profiles/${profile.id}`)).body.name).toBe('Kollegas profilnavn');
  });
});

describe('answer', () => {
  test('When the first answer is saved, then no version is needed; changing it without one is 428 naming version', async () => {
    const first = await firstAnswer('EXP-002');
    expect(first.version).toBe(1);
    const missing = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version.id, key: 'EXP-002', major: 1, status: 'meets' });
    expect(missing.status).toBe(428);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'version' })]);
    expect((await currentAnswer('EXP-002'))?.status).toBe('partly');
  });

  test('When two vendor users revise an answer from one read, then exactly one succeeds and the other gets 409 with the current version and who changed it', async () => {
    const first = await firstAnswer('EXP-003');
    const send = (as: LoggedIn, explanation: string) =>
      as.agent.post('/api/assessments/answers').set('X-CSRF-Token', as.csrf).send({ productVersionId: version.id, key: 'EXP-003', major: 1, status: 'meets', explanation, version: first.version });
    const results = await Promise.all([send(vendor, 'Veras endring.'), send(vendorColleague, 'Viggos endring.')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = results.find((r) => r.status === 201);
    const refused = results.find((r) => r.status === 409);
    expect(refused?.body).toMatchObject({ code: 'conflict.stale_version', entity: 'answer', currentVersion: first.version + 1 });
    const winner = won === results[0] ? vendor : vendorColleague;
    expect(refused?.body.changedBy).toBe(winner.user.email);
    expect((await currentAnswer('EXP-003'))?.explanation).toBe(won?.body.explanation);
  });

  test('When an answer is read, then the ETag is its version, and If-Match with it revises the answer', async () => {
    const first = await firstAnswer('API-001');
    const read = await vendor.agent.get(`/api/assessments/answers/${first.id}`);
    expect(versionOfEtag(read)).toBe(first.version);
    const revised = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).set('If-Match', String(read.headers.etag)).send({ productVersionId: version.id, key: 'API-001', major: 1, status: 'meets' });
    expect(revised.status).toBe(201);
    expect(revised.body).toMatchObject({ status: 'meets', revision: 2, version: 2 });
  });

  test('When an assessor reviewed the answer after the vendor opened it, then the vendor\'s revision is refused with who reviewed it', async () => {
    const first = await firstAnswer('DOC-001');
    expect((await assessor.agent.post(`/api/assessments/answers/${first.id}/verifications`).set('X-CSRF-Token', assessor.csrf).send({ decision: 'rejected', noteForVendor: 'Mangler dokumentasjon.', version: first.version })).status).toBe(201);
    const stale = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version.id, key: 'DOC-001', major: 1, status: 'meets', version: first.version });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ currentVersion: first.version + 1, changedBy: assessor.user.email });
  });

  test('When the answer form is posted after a colleague revised the answer, then the page shows the saved answer and keeps what was typed', async () => {
    await firstAnswer('SEC-001');
    const form = await vendor.agent.get(`/assessments/products/${version.id}/answer`).query({ key: 'SEC-001', major: 1 });
    expect(form.text).toContain('name="version" value="1"');
    const byColleague = await vendorColleague.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendorColleague.csrf).send({ productVersionId: version.id, key: 'SEC-001', major: 1, status: 'does_not_meet', explanation: 'Viggos forklaring.', version: 1 });
    expect(byColleague.status).toBe(201);

    const stale = await vendor.agent.post(`/assessments/products/${version.id}/answers`).type('form').send({ _csrf: csrfOf(form.text), key: 'SEC-001', major: '1', status: 'meets', explanation: 'Veras forklaring.', links: '', validUntil: '', version: '1' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(vendorColleague.user.email);
    expect(stale.text).toContain('Viggos forklaring.');
    expect(stale.text).toContain('Veras forklaring.</textarea>');
    expect(stale.text).toMatch(/id="status-meets" name="status" value="meets" checked/);
    expect(stale.text).toContain('name="version" value="2"');
  });
});

describe('verification', () => {
  test('When two assessors review an answer from one read, then exactly one review is recorded and the other gets 409; without a version it is 428; If-Match is accepted', async () => {
    const first = await firstAnswer('EXIT-001');
    const conflict = await expectNoLostUpdate({
      as: assessor,
      method: 'post',
      path: `/api/assessments/answers/${first.id}/verifications`,
      bodies: [{ decision: 'accepted' }, { decision: 'rejected', noteForVendor: 'Ikke godt nok.' }],
      readVersion: async () => versionOfEtag(await assessor.agent.get(`/api/assessments/answers/${first.id}`)),
    });
    expect(conflict.entity).toBe('answer');
    const detail = await assessor.agent.get(`/api/assessments/answers/${first.id}`);
    expect(detail.body.verifications).toHaveLength(2);
  });

  test('When the review form is posted after another assessor reviewed, then the page shows the other review and keeps the typed notes', async () => {
    const first = await firstAnswer('EXIT-002');
    const page = await assessor.agent.get(`/assessments/answers/${first.id}`);
    expect(page.text).toContain(`name="version" value="${first.version}"`);
    expect((await otherAssessor.agent.post(`/api/assessments/answers/${first.id}/verifications`).set('X-CSRF-Token', otherAssessor.csrf).send({ decision: 'accepted', noteForVendor: 'Bos godkjenning.', version: first.version })).status).toBe(201);

    const stale = await assessor.agent.post(`/assessments/answers/${first.id}/verifications`).type('form').send({ _csrf: csrfOf(page.text), decision: 'rejected', noteForVendor: 'Adas avslag.', internalNote: 'Adas notat.', version: String(first.version) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(otherAssessor.user.email);
    expect(stale.text).toContain('Bos godkjenning.');
    expect(stale.text).toContain('Adas avslag.</textarea>');
    expect(stale.text).toContain('Adas notat.</textarea>');
    expect(stale.text).toMatch(/id="decision-rejected" name="decision" value="rejected" checked/);
    expect(stale.text).toContain(`name="version" value="${first.version + 1}"`);
  });
});
