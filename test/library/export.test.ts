import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { syncLibraryFrom } from '../helpers/library';

let ctx: TestContext;
let editor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  const city = await buildOrganisation(ctx.services);
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  const draft = await editor.agent.post('/api/library/items/EXP-001/drafts').set('X-CSRF-Token', editor.csrf).send({});
  const current = (await editor.agent.get('/api/library/items/EXP-001')).body;
  const { key: _k, version: _v, status: _s, replacedBy: _r, publishedAt: _p, draft: _d, changeNote: _c, ...content } = current;
  await editor.agent
    .put(`/api/library/drafts/${draft.body.draft.id}`)
    .set('X-CSRF-Token', editor.csrf)
    .send({ ...content, changeNote: null, title: { nb: `${content.title.nb}: «æøå»`, en: `${content.title.en}: "quoted"` }, version: 1 });
  await editor.agent.post(`/api/library/drafts/${draft.body.draft.id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'minor', version: 2, changeNote: { nb: 'Tittel: endret', en: 'Title: changed' } });
  await editor.agent.post('/api/library/items/API-002/deprecate').set('X-CSRF-Token', editor.csrf).send({ replacedBy: 'API-001' });
});
afterAll(() => ctx.close());

async function unzipTo(buffer: Buffer, dir: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(buffer);
  const names: string[] = [];
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const target = path.join(dir, entry.name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, await entry.async('nodebuffer'));
    names.push(entry.name);
  }
  return names.sort();
}

test('When the whole library is exported, wiped and synced from the export, then the library is identical', async () => {
  const zip = await editor.agent.get('/api/library/export').buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(zip.status).toBe(200);
  expect(zip.headers['content-type']).toBe('application/zip');
  const dir = await mkdtemp(path.join(tmpdir(), 'datakrav-export-'));
  try {
    const names = await unzipTo(zip.body as Buffer, dir);
    expect(names).toContain('sources.yaml');
    expect(names).toContain('export/EXP-001.yaml');
    const before = (await editor.agent.get('/api/library/export').query({ format: 'json' })).body;
    expect(before.items.find((i: { key: string }) => i.key === 'EXP-001').versions.map((v: { version: string }) => v.version)).toEqual(['1.2.0', '1.3.0']);
    const clause = before.items.find((i: { key: string }) => i.key === 'EXIT-001').versions[0];
    expect(clause).toMatchObject({ verification: { phases: ['tender'] }, ssa: { agreements: ['ssa-l', 'ssa-s', 'ssa-d', 'ssa-v'], annex: 'general-terms-changes', precedence: 'prevails' } });

    const fresh = await createTestApp();
    try {
      await syncLibraryFrom(fresh.services, dir);
      const admin = await loginAs(fresh, await buildUser(fresh.services, { isAdmin: true }));
      const after = (await admin.agent.get('/api/library/export').query({ format: 'json' })).body;
      expect(after).toEqual(before);
    } finally {
      await fresh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('When one item is exported, then its YAML file holds every released version in order', async () => {
  const res = await editor.agent.get('/api/library/items/EXP-001/export');
  expect(res.status).toBe(200);
  expect(res.headers['content-disposition']).toContain('EXP-001.yaml');
  const docs = loadAll(res.text, undefined, { schema: CORE_SCHEMA }) as { version: string; title: { nb: string } }[];
  expect(docs.map((d) => d.version)).toEqual(['1.2.0', '1.3.0']);
  expect(docs[1]?.title.nb).toContain('«æøå»');
});

test('When a filtered selection is exported, then only the matching items are in it', async () => {
  const res = await editor.agent.get('/api/library/export').query({ format: 'json', category: 'pricing' });
  expect(res.status).toBe(200);
  expect(res.body.items.length).toBeGreaterThan(0);
  expect(res.body.items.every((i: { versions: { category: string }[] }) => i.versions.every((v) => v.category === 'pricing'))).toBe(true);
  expect(res.body.sources.length).toBe(57);
});
