import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDatabase, type DatabaseHandle } from '../../server/db/client';
import { createTestApp, type TestContext } from '../helpers/app';
import { createTestDatabase } from '../helpers/database';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { copyOfLibrary, syncLibraryFrom } from '../helpers/library';

/*
 * The library's pages and search are read from a cache kept under the library's stamp. These
 * tests read, change the library, and read again: what a reader sees after a change is the
 * change, on the instance that made it and on another instance on the same PostgreSQL database.
 */

let owned: Awaited<ReturnType<typeof createTestDatabase>>;
let ctx: TestContext;
let editor: LoggedIn;
let viewer: LoggedIn;
let neighbour: LoggedIn;

beforeAll(async () => {
  owned = await createTestDatabase();
  ctx = await createTestApp({}, { database: owned.database });
  await syncLibraryFrom(ctx.services);
  const city = await buildOrganisation(ctx.services, { name: 'Hurtigby kommune' });
  const otherCity = await buildOrganisation(ctx.services, { name: 'Nabohurtig kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  neighbour = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[otherCity, 'editor']] }));
});
afterAll(async () => {
  await ctx.close();
  await owned.drop();
});

const keysOf = (body: { items: { key: string; status: string }[] }) => body.items.map((i) => `${i.key}:${i.status}`);

test('When an item is deprecated after readers opened it, then its page, the search and the list show it deprecated at once', async () => {
  const before = await viewer.agent.get('/api/library/items').query({ q: 'API-007' });
  expect(keysOf(before.body)).toContain('API-007:published');
  expect((await viewer.agent.get('/library/items/API-007')).text).not.toMatch(/Utgått|Deprecated/);

  const deprecated = await editor.agent.post('/api/library/items/API-007/deprecate').set('X-CSRF-Token', editor.csrf).send({ replacedBy: 'API-001' });
  expect(deprecated.status).toBe(200);

  expect(keysOf((await viewer.agent.get('/api/library/items').query({ q: 'API-007' })).body)).toContain('API-007:deprecated');
  expect((await viewer.agent.get('/api/library/items/API-007')).body).toMatchObject({ status: 'deprecated', replacedBy: 'API-001' });
  const page = await viewer.agent.get('/library/items/API-007');
  expect(page.status).toBe(200);
  expect(page.text).toMatch(/API-001/);
});

test('When a new version is published, then the item page read a moment before shows the new version', async () => {
  const item = await viewer.agent.get('/api/library/items/EXP-002');
  const oldVersion = item.body.version as string;
  expect((await viewer.agent.get('/library/items/EXP-002')).text).toContain(oldVersion);

  const draft = await editor.agent.post('/api/library/items/EXP-002/drafts').set('X-CSRF-Token', editor.csrf).send({});
  expect(draft.status).toBe(201);
  const { key: _k, version: _v, status: _s, replacedBy: _r, publishedAt: _p, draft: _d, changeNote: _c, ...content } = item.body;
  const edited = await editor.agent
    .put(`/api/library/drafts/${draft.body.draft.id}`)
    .set('X-CSRF-Token', editor.csrf)
    .send({ ...content, changeNote: null, title: { nb: `${content.title.nb} (hurtig)`, en: `${content.title.en} (quick)` }, version: 1 });
  expect(edited.status).toBe(200);
  const published = await editor.agent.post(`/api/library/drafts/${draft.body.draft.id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'minor', version: 2, changeNote: { nb: 'Tittel: endret', en: 'Title: changed' } });
  expect(published.status).toBe(200);
  const newVersion = published.body.version as string;
  expect(newVersion).not.toBe(oldVersion);

  expect((await viewer.agent.get('/api/library/items/EXP-002')).body.version).toBe(newVersion);
  const page = (await viewer.agent.get('/library/items/EXP-002')).text;
  expect(page).toContain(newVersion);
  expect(page).toContain(`${content.title.nb} (hurtig)`);
});

test('When a sector pack changes in a library sync, then a tender page read a moment before offers the changed pack', async () => {
  const created = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Pakkevalg', reference: `PAKKE-${Date.now()}`, language: 'nb', contactEmail: 'innkjop@hurtigby.example' });
  expect(created.status).toBe(201);
  const before = await editor.agent.get(`/tenders/${created.body.id}`);
  expect(before.text).toMatch(/<option value="health-care">Helse og omsorg \(\d+\)<\/option>/);

  const library = await copyOfLibrary();
  try {
    const file = path.join(library.dir, 'packs', 'health-care.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('nb: Helse og omsorg\n', 'nb: Helse, omsorg og velferd\n'));
    await syncLibraryFrom(ctx.services, library.dir);
    const after = await editor.agent.get(`/tenders/${created.body.id}`);
    expect(after.text).toMatch(/<option value="health-care">Helse, omsorg og velferd \(\d+\)<\/option>/);
    expect(after.text).not.toContain('>Helse og omsorg (');
  } finally {
    await syncLibraryFrom(ctx.services);
    await library.remove();
  }
  expect((await editor.agent.get(`/tenders/${created.body.id}`)).text).toMatch(/<option value="health-care">Helse og omsorg \(\d+\)<\/option>/);
});

test('When a city drafts a new item, then its own members find it and another city does not, whoever searched first', async () => {
  // The other city searches first, so its answer (without the draft) is what the cache holds.
  expect((await neighbour.agent.get('/api/library/items').query({ q: 'ZYX-001' })).body.total).toBe(0);
  const created = await editor.agent
    .post('/api/library/items')
    .set('X-CSRF-Token', editor.csrf)
    .send({
      key: 'ZYX-001',
      kind: 'requirement',
      category: 'export',
      type: 'V',
      weight: 10,
      themes: [2],
      title: { nb: 'Hurtig uttrekk av alle data', en: 'Quick extract of all data' },
      text: { nb: 'Leverandøren skal levere et fullt uttrekk på forespørsel.', en: 'The supplier shall deliver a full extract on request.' },
      rationale: { nb: 'Kunden trenger dataene sine.', en: 'The customer needs its data.' },
      responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' },
      parameters: [],
      references: [{ source: 'eu-data-act', section: 'Art. 30(5)', note: { nb: 'Eksport i maskinlesbart format.', en: 'Export in a machine-readable format.' } }],
      verification: { method: 'sample-export', text: { nb: 'Kunden ber om et uttrekk.', en: 'The customer requests an extract.' } },
      evidence: [{ nb: 'Eksempel på uttrekk', en: 'Sample extract' }],
      domains: ['all'],
      tags: [],
    });
  expect(created.body).toMatchObject({ key: 'ZYX-001' });
  expect(created.status).toBe(201);
  expect(keysOf((await viewer.agent.get('/api/library/items').query({ q: 'ZYX-001' })).body)).toEqual(['ZYX-001:draft']);
  expect((await neighbour.agent.get('/api/library/items').query({ q: 'ZYX-001' })).body.total).toBe(0);
  expect((await neighbour.agent.get('/api/library/items/ZYX-001')).status).toBe(404);
  const draftLink = `href="/library/drafts/${created.body.draft.id}"`;
  expect((await viewer.agent.get('/library?q=ZYX-001')).text).toContain(draftLink);
  expect((await neighbour.agent.get('/library?q=ZYX-001')).text).not.toContain(draftLink);
});

describe('two instances on one PostgreSQL database', () => {
  const onServer = Boolean(process.env.DATABASE_URL);
  let second: DatabaseHandle;
  let other: TestContext;

  beforeAll(async () => {
    if (!onServer) return;
    second = await createDatabase({ databaseUrl: owned.url, poolSize: 3 });
    other = await createTestApp({}, { database: second });
  });
  afterAll(async () => {
    if (!onServer) return;
    await other.close();
    await second.close();
  });

  (onServer ? test : test.skip)('When one instance deprecates an item that the other had cached, then the other shows it deprecated on the next read', async () => {
    const reader = await loginAs(other, viewer.user);
    expect((await reader.agent.get('/api/library/items/API-003')).body.status).toBe('published');
    expect(keysOf((await reader.agent.get('/api/library/items').query({ q: 'API-003' })).body)).toContain('API-003:published');

    const deprecated = await editor.agent.post('/api/library/items/API-003/deprecate').set('X-CSRF-Token', editor.csrf).send({ replacedBy: 'API-001' });
    expect(deprecated.status).toBe(200);

    expect((await reader.agent.get('/api/library/items/API-003')).body.status).toBe('deprecated');
    expect(keysOf((await reader.agent.get('/api/library/items').query({ q: 'API-003' })).body)).toContain('API-003:deprecated');
  });
});

test('When two editors of the same city open the library and an item, then each page is the same content with the reader\'s own CSRF token in its forms', async () => {
  const city = (await buildOrganisation(ctx.services, { name: 'Tokenby kommune' }));
  const first = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  const second = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  const tokens = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
  for (const path of ['/library', '/library/items/EXP-001']) {
    const [a, b] = [(await first.agent.get(path)).text, (await second.agent.get(path)).text];
    expect(a).not.toMatch(/dk-csrf-/);
    expect(b).not.toMatch(/dk-csrf-/);
    // The content's forms (saving a selection, starting a draft) and the layout's carry each reader's token.
    expect(tokens(a).length).toBeGreaterThanOrEqual(3);
    expect(new Set(tokens(a))).toEqual(new Set([first.csrf]));
    expect(new Set(tokens(b))).toEqual(new Set([second.csrf]));
    const withoutTokens = (html: string, token: string) => html.replaceAll(token, 'TOKEN').replace(/"requestId"[^,]*/g, '');
    expect(withoutTokens(a, first.csrf)).toBe(withoutTokens(b, second.csrf));
  }
  expect((await first.agent.get('/library/items/EXP-001')).text).toMatch(/<title>EXP-001 [^<]+ – Datakrav<\/title>/);
  const saved = await first.agent.post('/library/selections').type('form').send({ _csrf: first.csrf, name: 'Tokenutvalg', q: 'eksport' });
  expect(saved.status).toBe(303);
});
