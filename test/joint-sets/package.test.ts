import JSZip from 'jszip';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { syncLibraryFrom } from '../helpers/library';
import { buildCities, draftSet, itemsOf, publishNewVersion, send, type Cities } from './fixtures';
import { binary } from '../helpers/http';

/** Two installations: A, where the set is coordinated, and B, which receives the package. */
let a: TestContext;
let b: TestContext;
let c: Cities;
let importer: LoggedIn;
let setId: string;
let docVersion: string;


async function exportPackage(who: LoggedIn, id: string, number: number): Promise<Buffer> {
  const res = await who.agent.get(`/api/joint-sets/${id}/revisions/${number}/package`).buffer(true).parse(binary);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/zip/);
  return res.body as Buffer;
}

const importPackage = (who: LoggedIn, bytes: Buffer, name = 'kravsett.zip') => who.agent.post('/api/joint-sets/import').set('X-CSRF-Token', who.csrf).attach('file', bytes, name);

async function libraryVersionsOf(ctx: TestContext, key: string) {
  return (await ctx.services.repositories.library.allSharedVersions(ctx.services.database.db)).filter((r) => r.key === key).map((r) => ({ version: r.version, contentHash: r.contentHash }));
}

beforeAll(async () => {
  [a, b] = await Promise.all([createTestApp(), createTestApp()]);
  await Promise.all([syncLibraryFrom(a.services), syncLibraryFrom(b.services)]);
  c = await buildCities(a);
  docVersion = await publishNewVersion(a.services, c.osloOwner.user, c.oslo, 'DOC-002', { nb: 'Datamodellen skal også beskrive historikk.', en: 'The data model shall also describe history.' });
  ({ id: setId } = await draftSet(c));
  const doc = (await itemsOf(c.osloEditor, setId, 1)).find((i) => i.key === 'DOC-002');
  await send(c.osloEditor, 'put', `/api/joint-sets/${setId}/revisions/1/items/${doc?.id}`, { libraryVersion: docVersion, weight: 15 }).expect(204);
  await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/1/transition`, { to: 'consultation' }).expect(200);
  await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/1/transition`, { to: 'adopted' }).expect(200);
  await send(c.bergenOwner, 'post', `/api/joint-sets/${setId}/revisions/1/signoffs`, { decision: 'signed' }).expect(204);
  const kristiansand = await buildOrganisation(b.services, { name: 'Kristiansand kommune' });
  importer = await loginAs(b, await buildUser(b.services, { name: 'Kari Kristiansand', memberships: [[kristiansand, 'editor']] }));
});
afterAll(() => Promise.all([a.close(), b.close()]));

describe('packages between installations', () => {
  test('When an adopted revision is exported, then the zip holds joint-set.yaml, sources.yaml and exactly the pinned library versions in the library\'s file format', async () => {
    const zip = await JSZip.loadAsync(await exportPackage(c.bergenEditor, setId, 1));
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]?.dir).sort();
    expect(names).toEqual(['api/API-003.yaml', 'documentation-data-model/DOC-002.yaml', 'exit-transition/EXIT-009.yaml', 'export/EXP-001.yaml', 'joint-set.yaml', 'sources.yaml']);
    const doc = await (zip.file('documentation-data-model/DOC-002.yaml') as JSZip.JSZipObject).async('string');
    expect(doc).toContain(`version: ${docVersion}`);
    expect(doc).not.toContain('version: 1.0.0');
    const manifest = await (zip.file('joint-set.yaml') as JSZip.JSZipObject).async('string');
    expect(manifest).toContain('format: datakrav-joint-set');
    expect(manifest).toContain(`id: ${setId}`);
    expect(manifest).toContain(c.bergen.name);
  });

  test('When the package is imported into another installation, then the set, the revision and the library versions arrive with the same keys, versions and content', async () => {
    const res = await importPackage(importer, await exportPackage(c.osloEditor, setId, 1));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ setId, number: 1, libraryVersionsAdded: [`DOC-002@${docVersion}`] });

    const set = await importer.agent.get(`/api/joint-sets/${setId}`);
    expect(set.body).toMatchObject({ title: 'Felles krav til skoleadministrative systemer', domain: 'school', revisions: [{ number: 1, status: 'adopted', imported: true }], access: { isCoordinator: true } });
    const there = await c.osloEditor.agent.get(`/api/joint-sets/${setId}/revisions/1`);
    const here = await importer.agent.get(`/api/joint-sets/${setId}/revisions/1`);
    const content = (body: { sections: { title: string; items: { key: string; libraryVersion: string; type: string; weight: number; parameterValues: object; title: string }[] }[] }) =>
      body.sections.map((s) => ({ title: s.title, items: s.items.map((i) => ({ key: i.key, libraryVersion: i.libraryVersion, type: i.type, weight: i.weight, parameterValues: i.parameterValues, title: i.title })) }));
    expect(content(here.body)).toEqual(content(there.body));
    expect(here.body.coordination.imported).toEqual([{ organisation: c.bergen.name, signedAt: expect.any(String) }]);
    expect(await libraryVersionsOf(b, 'DOC-002')).toEqual(await libraryVersionsOf(a, 'DOC-002'));

    const again = await importPackage(importer, await exportPackage(c.osloEditor, setId, 1));
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'joint_set.package_revision_exists' });

    const exported = await c.osloOwner.agent.get('/api/audit').query({ organisationId: c.oslo.id, action: 'joint_set.package_exported', pageSize: 50 });
    expect(exported.body.items[0]?.after).toMatchObject({ jointSetId: setId, revision: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), libraryVersions: 4 });
    const imported = await b.services.repositories.audit.list(b.services.database.db, { action: 'joint_set.revision_imported' }, { limit: 10, offset: 0 });
    expect(imported.rows.map((r) => r.after)).toEqual([expect.objectContaining({ jointSetId: setId, revision: 1, status: 'adopted', libraryVersionsAdded: [`DOC-002@${docVersion}`] })]);
    const libraryImported = await b.services.repositories.audit.list(b.services.database.db, { action: 'library.version_imported', entityId: 'DOC-002' }, { limit: 10, offset: 0 });
    expect(libraryImported.rows.map((r) => r.after)).toContainEqual(expect.objectContaining({ version: docVersion, from: 'joint-set package' }));
  });

  test('When a newer revision is adopted and its package imported, then it becomes the adopted revision there and the older one is superseded', async () => {
    await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions`, {}).expect(201);
    await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/2/items`, { keys: ['EXP-002'] }).expect(201);
    await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/2/transition`, { to: 'consultation' }).expect(200);
    await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/2/transition`, { to: 'adopted' }).expect(200);
    const res = await importPackage(importer, await exportPackage(c.osloEditor, setId, 2));
    expect(res.status).toBe(201);
    expect(res.body.libraryVersionsAdded).toEqual([]);
    const set = await importer.agent.get(`/api/joint-sets/${setId}`);
    expect(set.body.revisions.map((r: { number: number; status: string }) => [r.number, r.status])).toEqual([
      [2, 'adopted'],
      [1, 'superseded'],
    ]);
    const diff = await importer.agent.get(`/api/joint-sets/${setId}/diff`).query({ from: 1, to: 2 });
    expect(diff.body.added.map((i: { key: string }) => i.key)).toEqual(['EXP-002']);
  });

  test('When a pinned version exists in the receiving installation with other content, then the import is refused naming it, and nothing is imported', async () => {
    const other = await createTestApp();
    try {
      await syncLibraryFrom(other.services);
      const city = await buildOrganisation(other.services, { name: 'Stavanger kommune' });
      const owner = await buildUser(other.services, { memberships: [[city, 'owner']] });
      const sameVersion = await publishNewVersion(other.services, owner, city, 'DOC-002', { nb: 'Stavanger skrev noe helt annet her.', en: 'Stavanger wrote something else here.' });
      expect(sameVersion).toBe(docVersion);
      const before = await libraryVersionsOf(other, 'DOC-002');
      const session = await loginAs(other, owner);
      const res = await importPackage(session, await exportPackage(c.osloEditor, setId, 1));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('joint_set.package_conflict');
      expect(res.body.detail).toContain(`DOC-002 ${docVersion}`);
      expect(res.body.errors).toEqual([{ path: `items.DOC-002@${docVersion}`, message: expect.stringContaining('other content') }]);
      expect(await libraryVersionsOf(other, 'DOC-002')).toEqual(before);
      expect((await session.agent.get(`/api/joint-sets/${setId}`)).status).toBe(404);
      expect((await session.agent.get('/api/joint-sets')).body.items).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test('When the upload is not a package, misses a pinned item, or no file is sent, then the answer is a 4xx naming the problem', async () => {
    const garbage = await importPackage(importer, Buffer.from('ikke en zip'));
    expect({ status: garbage.status, code: garbage.body.code }).toEqual({ status: 422, code: 'joint_set.package_invalid' });
    const zip = await JSZip.loadAsync(await exportPackage(c.osloEditor, setId, 1));
    zip.remove('export/EXP-001.yaml');
    const missing = await importPackage(importer, await zip.generateAsync({ type: 'nodebuffer' }));
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: 'EXP-001.yaml', message: expect.stringContaining('is missing') }]);
    const bomb = new JSZip();
    bomb.file('joint-set.yaml', 'x'.repeat(60 * 1024 * 1024));
    const tooLarge = await importPackage(importer, await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect({ status: tooLarge.status, errors: tooLarge.body.errors }).toEqual({ status: 422, errors: [{ path: 'file', message: expect.stringContaining('too large') }] });
    const none = await importer.agent.post('/api/joint-sets/import').set('X-CSRF-Token', importer.csrf).field('organisationId', '');
    expect({ status: none.status, code: none.body.code }).toEqual({ status: 400, code: 'joint_set.package_missing' });
  });

  test('When a draft revision is exported, then it is refused: only adopted revisions travel', async () => {
    await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions`, {}).expect(201);
    const res = await c.osloEditor.agent.get(`/api/joint-sets/${setId}/revisions/3/package`);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'joint_set.wrong_state' });
  });
});
