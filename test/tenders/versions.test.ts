import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { expectNoLostUpdate, raceFromOneRead, versionOfEtag } from '../helpers/versioning';

let ctx: TestContext;
let editor: LoggedIn;
let colleague: LoggedIn;
let partnerId: string;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  const city = await buildOrganisation(ctx.services, { name: 'Versjonsby kommune' });
  partnerId = (await buildOrganisation(ctx.services, { name: 'Nabobyen kommune' })).id;
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Ina Innkjøper', memberships: [[city, 'editor']] }));
  colleague = await loginAs(ctx, await buildUser(ctx.services, { name: 'Kari Kollega', memberships: [[city, 'editor']] }));
}, 180_000);
afterAll(() => ctx.close());

type TenderJson = { id: string; version: number; sections: { id: string; version: number; items: { id: string; key: string; version: number; weight: number }[] }[] };

let counter = 0;
async function newTender(): Promise<TenderJson> {
  counter += 1;
  const created = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Nytt sak- og arkivsystem', reference: `V/${counter}`, language: 'nb' });
  expect(created.status).toBe(201);
  await editor.agent.post(`/api/tenders/${created.body.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'API-003'] }).expect(201);
  return read(created.body.id as string);
}

async function read(id: string): Promise<TenderJson> {
  const res = await editor.agent.get(`/api/tenders/${id}`).expect(200);
  return res.body as TenderJson;
}

describe('no lost updates on a tender', () => {
  test('When a tender is read, then the answer carries its version and the same version as ETag', async () => {
    const tender = await newTender();
    const res = await editor.agent.get(`/api/tenders/${tender.id}`).expect(200);
    expect(versionOfEtag(res)).toBe(res.body.version);
  });

  test('When two people change the tender\'s details from the same read, then one is saved and the other gets 409 with the current version and who saved; without a version 428', async () => {
    const tender = await newTender();
    const conflict = await expectNoLostUpdate({
      as: editor,
      method: 'put',
      path: `/api/tenders/${tender.id}`,
      bodies: [{ title: 'Sak- og arkivsystem for kommunen' }, { title: 'Arkivsystem med eksportkrav' }],
      readVersion: async () => (await read(tender.id)).version,
    });
    expect(conflict.entity).toBe('tender');
  });

  test('When two people change the same item from the same read, then exactly one change is kept and the other is refused with 409, not silently lost', async () => {
    const tender = await newTender();
    const itemId = tender.sections[0]?.items[0]?.id as string;
    const readItem = async () => (await editor.agent.get(`/api/tenders/${tender.id}/items/${itemId}`).expect(200)).body as { version: number; weight: number };
    const conflict = await expectNoLostUpdate({ as: editor, method: 'put', path: `/api/tenders/${tender.id}/items/${itemId}`, bodies: [{ weight: 30 }, { weight: 40 }], readVersion: async () => (await readItem()).version });
    expect(conflict.entity).toBe('tender item');
    const item = await editor.agent.get(`/api/tenders/${tender.id}/items/${itemId}`).expect(200);
    expect(versionOfEtag(item)).toBe(item.body.version);
  });

  test('When an item is changed five times by two writers from one read each time, then the first change is never lost', async () => {
    const tender = await newTender();
    const itemId = tender.sections[0]?.items[0]?.id as string;
    for (let attempt = 0; attempt < 5; attempt++) {
      const version = (await editor.agent.get(`/api/tenders/${tender.id}/items/${itemId}`)).body.version as number;
      const [first, second] = await Promise.all([
        editor.agent.put(`/api/tenders/${tender.id}/items/${itemId}`).set('X-CSRF-Token', editor.csrf).send({ weight: 11, version }),
        colleague.agent.put(`/api/tenders/${tender.id}/items/${itemId}`).set('X-CSRF-Token', colleague.csrf).send({ weight: 22, version }),
      ]);
      expect([first.status, second.status].sort()).toEqual([204, 409]);
      const kept = (await editor.agent.get(`/api/tenders/${tender.id}/items/${itemId}`)).body.weight as number;
      expect(kept).toBe(first.status === 204 ? 11 : 22);
    }
  });

  test('When two people move the same item from one read, then one move happens and the other gets 409', async () => {
    const tender = await newTender();
    const section = tender.sections.find((s) => s.items.length >= 2) ?? tender.sections[0];
    const itemId = section?.items[1]?.id ?? (section?.items[0]?.id as string);
    await expectNoLostUpdate({
      as: editor,
      method: 'post',
      path: `/api/tenders/${tender.id}/items/${itemId}/move`,
      bodies: [{ direction: 'up' }, { direction: 'down' }],
      readVersion: async () => (await read(tender.id)).sections.flatMap((s) => s.items).find((i) => i.id === itemId)?.version as number,
    });
  });

  test('When two people rename the same section from one read, then one name is kept and the other gets 409; moving a section is guarded the same way', async () => {
    const tender = await newTender();
    const sectionId = tender.sections[0]?.id as string;
    const sectionVersion = async () => (await read(tender.id)).sections.find((s) => s.id === sectionId)?.version as number;
    await expectNoLostUpdate({ as: editor, method: 'put', path: `/api/tenders/${tender.id}/sections/${sectionId}`, bodies: [{ title: 'Eksport av data' }, { title: 'Dataeksport' }], readVersion: sectionVersion });
    await editor.agent.post(`/api/tenders/${tender.id}/sections`).set('X-CSRF-Token', editor.csrf).send({ title: 'Egne krav' }).expect(201);
    await expectNoLostUpdate({ as: editor, method: 'post', path: `/api/tenders/${tender.id}/sections/${sectionId}/move`, bodies: [{ direction: 'down' }, { direction: 'up' }], readVersion: sectionVersion });
  });

  test('When two people share the tender with a co-buyer from one read of the tender, then one is saved and the other gets 409', async () => {
    const tender = await newTender();
    await expectNoLostUpdate({ as: editor, method: 'put', path: `/api/tenders/${tender.id}/co-buyers/${partnerId}`, bodies: [{ canEdit: true }, { canEdit: false }], readVersion: async () => (await read(tender.id)).version });
  });

  test('When an item is upgraded without a version, then the answer is 428 naming version', async () => {
    const tender = await newTender();
    const itemId = tender.sections[0]?.items[0]?.id as string;
    const res = await editor.agent.post(`/api/tenders/${tender.id}/items/${itemId}/upgrade`).set('X-CSRF-Token', editor.csrf).send({});
    expect(res.status).toBe(428);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'version' })]);
  });

  test('When a changed item is saved from a stale item page, then the page is shown again with the other person\'s value, the typed value kept and a message who changed it', async () => {
    const tender = await newTender();
    const itemId = tender.sections[0]?.items[0]?.id as string;
    const { version } = (await editor.agent.get(`/api/tenders/${tender.id}/items/${itemId}`)).body as { version: number };
    await colleague.agent.put(`/api/tenders/${tender.id}/items/${itemId}`).set('X-CSRF-Token', colleague.csrf).send({ weight: 17, version }).expect(204);
    const page = await editor.agent.post(`/tenders/${tender.id}/items/${itemId}`).type('form').send({ _csrf: editor.csrf, version: String(version), type: 'V', weight: '42' });
    expect(page.status).toBe(409);
    expect(page.text).toContain('Noen andre har endret dette etter at du åpnet det');
    expect(page.text).toContain(colleague.user.email);
    expect(page.text).toMatch(/<td>17<\/td><td>42<\/td>/);
    expect(page.text).toMatch(/id="field-weight"[^>]*value="42"/);
    expect(page.text).toContain(`name="version" value="${version + 1}"`);
  });

  test('When the tender\'s details are saved from a stale page, then the page shows the saved title beside the typed one and keeps the typed title in the form', async () => {
    const tender = await newTender();
    const { version } = await read(tender.id);
    await colleague.agent.put(`/api/tenders/${tender.id}`).set('X-CSRF-Token', colleague.csrf).set('If-Match', `"${version}"`).send({ title: 'Kollegaens tittel' }).expect(200);
    const page = await editor.agent.post(`/tenders/${tender.id}`).type('form').send({ _csrf: editor.csrf, version: String(version), title: 'Min egen tittel', reference: `V/${counter}`, language: 'nb' });
    expect(page.status).toBe(409);
    expect(page.text).toContain('Kollegaens tittel');
    expect(page.text).toMatch(/id="field-title"[^>]*value="Min egen tittel"/);
    const after = await read(tender.id);
    expect(after.version).toBe(version + 1);
  });

  test('When two writers race, then the refused one is told the version that won', async () => {
    const tender = await newTender();
    const { version, results } = await raceFromOneRead({ as: editor, method: 'put', path: `/api/tenders/${tender.id}`, bodies: [{ description: 'A' }, { description: 'B' }], readVersion: async () => (await read(tender.id)).version });
    const refused = results.find((r) => r.status === 409);
    expect(refused?.body.currentVersion).toBe(version + 1);
  });
});
