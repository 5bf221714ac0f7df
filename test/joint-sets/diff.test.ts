import { createTestApp, type TestContext } from '../helpers/app';
import { diffRevisions, type DiffItem } from '../../server/joint-sets/joint-sets.diff';
import { adoptedSet, buildCities, itemsOf, publishNewVersion, send, type Cities } from './fixtures';

let ctx: TestContext;
let c: Cities;
let setId: string;
let docVersion: string;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  c = await buildCities(ctx);

  // Revision 1 adopted; revision 2 removes EXIT-009, adds EXP-002, changes API-003's weight and
  // type, sets EXP-001's export hours, pins DOC-002 to its new version and moves API-003 to a new section.
  ({ id: setId } = await adoptedSet(c));
  docVersion = await publishNewVersion(ctx.services, c.osloOwner.user, c.oslo, 'DOC-002', { nb: 'Datamodellen skal også beskrive historikk.', en: 'The data model shall also describe history.' });
  await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions`, { changeNote: 'Endringer etter første år.' }).expect(201);
  const items = new Map((await itemsOf(c.osloEditor, setId, 2)).map((i) => [i.key, i]));
  const url = (key: string) => `/api/joint-sets/${setId}/revisions/2/items/${items.get(key)?.id}`;
  await send(c.osloEditor, 'delete', url('EXIT-009')).expect(204);
  await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/2/items`, { keys: ['EXP-002'] }).expect(201);
  const section = await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/2/sections`, { title: 'Integrasjon' });
  await send(c.osloEditor, 'put', url('API-003'), { weight: 25, type: 'AV', sectionId: section.body.id }).expect(204);
  await send(c.osloEditor, 'put', url('EXP-001'), { parameterValues: { exportHours: 48 } }).expect(204);
  await send(c.osloEditor, 'put', url('DOC-002'), { libraryVersion: docVersion }).expect(204);
});
afterAll(() => ctx.close());

describe('the diff between two revisions', () => {
  test('When two revisions are compared, then items added, removed, pinned to another version, and type, weight, parameter and section changes are listed', async () => {
    const res = await c.bergenEditor.agent.get(`/api/joint-sets/${setId}/diff`).query({ from: 1, to: 2 });
    expect(res.status).toBe(200);
    expect(res.body.added).toEqual([{ key: 'EXP-002', version: '1.2.0', section: 'Eksport' }]);
    expect(res.body.removed).toEqual([{ key: 'EXIT-009', version: '1.2.0', section: 'Avslutning og overgang' }]);
    expect(res.body.versionChanged).toEqual([{ key: 'DOC-002', from: '1.1.0', to: docVersion, changes: expect.arrayContaining([expect.objectContaining({ field: 'text' })]) }]);
    expect(res.body.changed.sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key))).toEqual([
      { key: 'API-003', type: { from: 'V', to: 'AV' }, weight: { from: 10, to: 25 }, section: { from: 'API', to: 'Integrasjon' } },
      { key: 'EXP-001', parameterValues: { from: {}, to: { exportHours: 48 } } },
    ]);
    expect(res.body.unchanged).toBe(0);
  });

  test('When the diff is taken the other way, then added and removed swap and each change is reversed', async () => {
    const res = await c.osloViewer.agent.get(`/api/joint-sets/${setId}/diff`).query({ from: 2, to: 1 });
    expect(res.body.added.map((i: { key: string }) => i.key)).toEqual(['EXIT-009']);
    expect(res.body.removed.map((i: { key: string }) => i.key)).toEqual(['EXP-002']);
    expect(res.body.versionChanged).toEqual([expect.objectContaining({ key: 'DOC-002', from: docVersion, to: '1.1.0' })]);
    expect(res.body.changed.find((c: { key: string }) => c.key === 'API-003')).toEqual({ key: 'API-003', type: { from: 'AV', to: 'V' }, weight: { from: 25, to: 10 }, section: { from: 'Integrasjon', to: 'API' } });
  });

  test('When a revision is compared with itself, then nothing is listed and every item counts as unchanged', async () => {
    const res = await c.osloViewer.agent.get(`/api/joint-sets/${setId}/diff`).query({ from: 1, to: 1 });
    expect(res.body).toEqual({ from: 1, to: 1, added: [], removed: [], versionChanged: [], changed: [], unchanged: 4 });
  });

  test('When a revision number does not exist or is not a number, then the answer is 404 or 400', async () => {
    expect((await c.osloViewer.agent.get(`/api/joint-sets/${setId}/diff`).query({ from: 1, to: 9 })).status).toBe(404);
    const bad = await c.osloViewer.agent.get(`/api/joint-sets/${setId}/diff`).query({ from: 'en', to: 2 });
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'validation.failed' });
  });

  test('When parameter values differ only in key order, then the diff does not count it as a change', () => {
    const item = (parameterValues: Record<string, unknown>): DiffItem => ({ key: 'EXP-001', version: '1.0.0', section: 'Eksport', type: 'A', weight: 0, parameterValues });
    const diff = diffRevisions([item({ a: 1, b: [1, 2] })], [item({ b: [1, 2], a: 1 })], new Map());
    expect(diff).toEqual({ added: [], removed: [], versionChanged: [], changed: [], unchanged: 1 });
  });
});
