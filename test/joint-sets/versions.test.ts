import { createTestApp, type TestContext } from '../helpers/app';
import { expectNoLostUpdate, versionOfEtag } from '../helpers/versioning';
import { adoptedSet, buildCities, draftSet, send, type Cities } from './fixtures';

let ctx: TestContext;
let c: Cities;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  c = await buildCities(ctx);
}, 180_000);
afterAll(() => ctx.close());

type RevisionJson = { version: number; sections: { id: string; version: number; items: { id: string; key: string; version: number }[] }[] };

const readSet = async (id: string) => (await c.osloEditor.agent.get(`/api/joint-sets/${id}`).expect(200)).body as { version: number; title: string };
const readRevision = async (id: string, number = 1) => (await c.osloEditor.agent.get(`/api/joint-sets/${id}/revisions/${number}`).expect(200)).body as RevisionJson;

describe('no lost updates in joint sets', () => {
  test('When a set and a revision are read, then each answer carries its version and sends it as ETag', async () => {
    const { id } = await draftSet(c);
    const set = await c.osloEditor.agent.get(`/api/joint-sets/${id}`).expect(200);
    expect(versionOfEtag(set)).toBe(set.body.version);
    const revision = await c.osloEditor.agent.get(`/api/joint-sets/${id}/revisions/1`).expect(200);
    expect(versionOfEtag(revision)).toBe(revision.body.version);
  });

  test('When two coordinators change the set\'s details from one read, then one is saved and the other gets 409 with who saved; without a version 428', async () => {
    const { id } = await draftSet(c);
    const conflict = await expectNoLostUpdate({ as: c.osloEditor, method: 'patch', path: `/api/joint-sets/${id}`, bodies: [{ title: 'Felles krav til skolesystemer' }, { title: 'Storbyenes skolekrav' }], readVersion: async () => (await readSet(id)).version });
    expect(conflict.entity).toBe('joint set');
  });

  test('When two coordinators change the same item of a draft from one read, then one change is kept and the other gets 409', async () => {
    const { id } = await draftSet(c);
    const itemId = (await readRevision(id)).sections[0]?.items[0]?.id as string;
    const conflict = await expectNoLostUpdate({
      as: c.osloEditor,
      method: 'put',
      path: `/api/joint-sets/${id}/revisions/1/items/${itemId}`,
      bodies: [{ weight: 30 }, { weight: 45 }],
      readVersion: async () => (await readRevision(id)).sections.flatMap((s) => s.items).find((i) => i.id === itemId)?.version as number,
    });
    expect(conflict.entity).toBe('joint-set item');
  });

  test('When two coordinators rename the same section from one read, then one name is kept and the other gets 409', async () => {
    const { id } = await draftSet(c);
    const sectionId = (await readRevision(id)).sections[0]?.id as string;
    await expectNoLostUpdate({
      as: c.osloEditor,
      method: 'put',
      path: `/api/joint-sets/${id}/revisions/1/sections/${sectionId}`,
      bodies: [{ title: 'Eksport' }, { title: 'Uttrekk av data' }],
      readVersion: async () => (await readRevision(id)).sections.find((s) => s.id === sectionId)?.version as number,
    });
  });

  test('When the revision was changed after the coordinator read it, then moving it to consultation is refused with 409 instead of sending unseen content', async () => {
    const { id } = await draftSet(c);
    const before = await readRevision(id);
    const itemId = before.sections[0]?.items[0]?.id as string;
    await send(c.osloEditor, 'put', `/api/joint-sets/${id}/revisions/1/items/${itemId}`, { weight: 12 }).expect(204);
    const stale = await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/1/transition`, { to: 'consultation', version: before.version });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'conflict.stale_version', entity: 'joint-set revision', currentVersion: before.version + 1, changedBy: c.osloEditor.user.email });
    const missing = await c.osloEditor.agent.post(`/api/joint-sets/${id}/revisions/1/transition`).set('X-CSRF-Token', c.osloEditor.csrf).send({ to: 'consultation' });
    expect(missing.status).toBe(428);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'version' })]);
    const viaHeader = await c.osloEditor.agent.post(`/api/joint-sets/${id}/revisions/1/transition`).set('X-CSRF-Token', c.osloEditor.csrf).set('If-Match', `"${before.version + 1}"`).send({ to: 'consultation' });
    expect(viaHeader.status).toBe(200);
  });

  test('When two people of a participant change its deviation from one read, then one is saved and the other gets 409; declaring one that was declared meanwhile is refused too', async () => {
    const { id } = await adoptedSet(c);
    const url = `/api/joint-sets/${id}/revisions/1/deviations/EXP-001`;
    const first = await send(c.bergenEditor, 'put', url, { kind: 'change', parameterValues: { exportHours: 72 }, justification: 'Vi har store arkiv som tar tid å eksportere.', version: 0 });
    expect(first.status).toBe(200);
    const again = await send(c.bergenOwner, 'put', url, { kind: 'exclude', justification: 'Vi tar kravet ut i stedet for å endre fristen.', version: 0 });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ entity: 'deviation', currentVersion: 1, changedBy: c.bergenEditor.user.email });
    await expectNoLostUpdate({
      as: c.bergenEditor,
      method: 'put',
      path: url,
      bodies: [
        { kind: 'change', parameterValues: { exportHours: 48 }, justification: 'Vi trenger to døgn for å eksportere alt.' },
        { kind: 'change', parameterValues: { exportHours: 96 }, justification: 'Vi trenger fire døgn for å eksportere alt.' },
      ],
      readVersion: async () => ((await c.bergenEditor.agent.get(`/api/joint-sets/${id}/revisions/1/deviations`)).body.items as { key: string; version: number }[]).find((d) => d.key === 'EXP-001')?.version as number,
    });
  });

  test('When a coordinator saves the set\'s details from a stale page, then the page shows the other coordinator\'s title beside the typed one and keeps the typed title', async () => {
    const { id } = await draftSet(c);
    const { version } = await readSet(id);
    await send(c.osloOwner, 'patch', `/api/joint-sets/${id}`, { title: 'Eierens nye tittel', version }).expect(200);
    const page = await c.osloEditor.agent.post(`/joint-sets/${id}`).type('form').send({ _csrf: c.osloEditor.csrf, version: String(version), title: 'Redaktørens tittel', description: '' });
    expect(page.status).toBe(409);
    expect(page.text).toContain('Noen andre har endret dette etter at du åpnet det');
    expect(page.text).toContain(c.osloOwner.user.email);
    expect(page.text).toMatch(/<td>Eierens nye tittel<\/td><td>Redaktørens tittel<\/td>/);
    expect(page.text).toMatch(/name="title"[^>]*value="Redaktørens tittel"/);
    expect((await readSet(id)).title).toBe('Eierens nye tittel');
  });
});
