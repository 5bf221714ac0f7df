import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { expectNoLostUpdate, versionOfEtag } from '../helpers/versioning';

let ctx: TestContext;
let editor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  const city = await buildOrganisation(ctx.services, { name: 'Utkastby kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Ulla Utkast', memberships: [[city, 'editor']] }));
}, 180_000);
afterAll(() => ctx.close());

type Draft = { draft: { id: string; revision: number }; title: { nb: string; en: string } } & Record<string, unknown>;

/** A draft of a shipped item, and its content as a save sends it. */
async function startDraft(key: string): Promise<{ id: string; content: Record<string, unknown> }> {
  const res = await editor.agent.post(`/api/library/items/${key}/drafts`).set('X-CSRF-Token', editor.csrf).send({});
  expect(res.status).toBe(201);
  const body = res.body as Draft;
  const fields = ['kind', 'category', 'type', 'weight', 'themes', 'title', 'text', 'rationale', 'responseGuidance', 'parameters', 'references', 'verification', 'evidence', 'domains', 'tags', 'supersedes', 'ssa'];
  const content = Object.fromEntries(fields.filter((f) => body[f] !== undefined && body[f] !== null).map((f) => [f, body[f]]));
  return { id: body.draft.id, content };
}

const readDraft = async (id: string) => (await editor.agent.get(`/api/library/drafts/${id}`).expect(200)).body as Draft;

describe('no lost updates on library drafts', () => {
  test('When a draft is read, then its revision is sent as ETag', async () => {
    const { id } = await startDraft('EXP-002');
    const res = await editor.agent.get(`/api/library/drafts/${id}`).expect(200);
    expect(versionOfEtag(res)).toBe(res.body.draft.revision);
  });

  test('When two people save the same draft from one read, then one save is kept and the other gets 409 with who saved; without a version 428; If-Match accepted', async () => {
    const { id, content } = await startDraft('EXP-003');
    const title = (nb: string) => ({ ...content, title: { nb, en: `${nb} (en)` } });
    const conflict = await expectNoLostUpdate({
      as: editor,
      method: 'put',
      path: `/api/library/drafts/${id}`,
      bodies: [title('Eksport hvert kvartal'), title('Eksport hver måned')],
      readVersion: async () => (await readDraft(id)).draft.revision,
    });
    expect(conflict.entity).toBe('library draft');
  });

  test('When a draft changed after it was read, then publishing it is refused with 409 and nothing is published', async () => {
    const { id, content } = await startDraft('EXP-004');
    const read = (await readDraft(id)).draft.revision;
    await editor.agent.put(`/api/library/drafts/${id}`).set('X-CSRF-Token', editor.csrf).send({ ...content, title: { nb: 'Endret av en kollega', en: 'Changed by a colleague' }, version: read }).expect(200);
    const publish = await editor.agent.post(`/api/library/drafts/${id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'minor', changeNote: { nb: 'Ny tekst.', en: 'New text.' }, version: read });
    expect(publish.status).toBe(409);
    expect(publish.body).toMatchObject({ code: 'conflict.stale_version', currentVersion: read + 1 });
    expect((await readDraft(id)).draft).not.toBeNull();
    const missing = await editor.agent.post(`/api/library/drafts/${id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'minor', changeNote: { nb: 'Ny tekst.', en: 'New text.' } });
    expect(missing.status).toBe(428);
  });
});
