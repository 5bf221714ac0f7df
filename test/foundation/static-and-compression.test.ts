import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import supertest from 'supertest';
import { IMMUTABLE_CACHE, createStaticAssets } from '../../server/shared/http/static-assets';
import { TEMPLATES_DIR } from '../../server/shared/paths';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs } from '../helpers/factories';
import { syncLibraryFrom } from '../helpers/library';

jest.setTimeout(120_000);

/** The response body as bytes, left as the server sent it (supertest would otherwise unzip it). */
function rawBody(res: supertest.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('compression and static files in the app', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ NODE_ENV: 'production', COOKIE_SECURE: 'false' }, { checkResponses: false });
  });
  afterAll(() => ctx.close());

  test('When a browser accepts gzip, then a page and a JSON response come gzip-compressed and read the same unpacked', async () => {
    const plain = await ctx.request().get('/login').set('Accept-Encoding', 'identity');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();

    const page = await ctx.request().get('/login').set('Accept-Encoding', 'gzip');
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text.replace(/name="_csrf" value="[^"]*"/g, '')).toBe(plain.text.replace(/name="_csrf" value="[^"]*"/g, ''));

    const json = await ctx.request().get('/api/openapi.json').set('Accept-Encoding', 'gzip, deflate');
    expect(json.status).toBe(200);
    expect(json.headers['content-encoding']).toBe('gzip');
    expect(json.body.openapi).toMatch(/^3\./);
  });

  test('When a page links its stylesheet, then the link is a hashed name served for a year as immutable, and the plain name still works with a short cache', async () => {
    const page = await ctx.request().get('/login');
    const href = /<link rel="stylesheet" href="(\/static\/app\/app\.[0-9a-f]{10}\.css)">/.exec(page.text)?.[1];
    expect(href).toBeDefined();
    expect(page.text).toMatch(/<script src="\/static\/app\/app\.[0-9a-f]{10}\.js" defer><\/script>/);
    expect(page.text).toMatch(/href="\/static\/designsystemet\/src\/index\.[0-9a-f]{10}\.css"/);

    const hashed = await ctx.request().get(href as string);
    expect(hashed.status).toBe(200);
    expect(hashed.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(hashed.headers['content-type']).toMatch(/^text\/css/);
    expect(hashed.text).toBe(await readFile(path.join(TEMPLATES_DIR, 'assets', 'app.css'), 'utf8'));

    const plain = await ctx.request().get('/static/app/app.css');
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=3600');
    expect(plain.text).toBe(hashed.text);

    const wrongHash = await ctx.request().get('/static/app/app.0123456789.css');
    expect(wrongHash.status).toBe(404);
  });

  test('When a tender document is downloaded by a browser that accepts gzip, then the DOCX goes out as it is and the JSON requirement set compressed', async () => {
    await syncLibraryFrom(ctx.services);
    const city = await buildOrganisation(ctx.services);
    const editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
    const created = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Komprimering', reference: 'GZ-1', language: 'nb', contactEmail: 'innkjop@example.no', organisationId: city.id });
    expect(created.status).toBe(201);
    await editor.agent.post(`/api/tenders/${created.body.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001'] }).expect(201);

    const docx = await editor.agent.get(`/api/tenders/${created.body.id}/documents/specification.docx`).set('Accept-Encoding', 'gzip').buffer(true).parse(rawBody);
    expect(docx.status).toBe(200);
    expect(docx.headers['content-encoding']).toBeUndefined();
    expect((docx.body as Buffer).subarray(0, 2).toString()).toBe('PK');

    const set = await editor.agent.get(`/api/tenders/${created.body.id}/documents/requirements.json`).set('Accept-Encoding', 'gzip');
    expect(set.status).toBe(200);
    expect(set.headers['content-encoding']).toBe('gzip');
  });
});

describe('content-hashed names', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'datakrav-assets-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('When an asset changes, then it gets a new name, the new name serves the new content and the old name is no longer served', async () => {
    await writeFile(path.join(dir, 'site.css'), 'body { color: black; }');
    const assets = createStaticAssets([{ prefix: '/static/site', dir }], { watch: true, plainMaxAge: 0 });
    const app = express();
    assets.mount(app);

    const before = assets.assetUrl('/static/site/site.css');
    expect(before).toMatch(/^\/static\/site\/site\.[0-9a-f]{10}\.css$/);
    expect((await supertest(app).get(before)).text).toBe('body { color: black; }');

    await writeFile(path.join(dir, 'site.css'), 'body { color: navy; }');
    const after = assets.assetUrl('/static/site/site.css');
    expect(after).not.toBe(before);
    const served = await supertest(app).get(after);
    expect(served.status).toBe(200);
    expect(served.text).toBe('body { color: navy; }');
    expect(served.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect((await supertest(app).get(before)).status).toBe(404);
  });

  test('When a template names a file that does not exist or lies outside the folder, then its plain URL is kept and nothing outside is served', async () => {
    const assets = createStaticAssets([{ prefix: '/static/site', dir }], { watch: false, plainMaxAge: 0 });
    const app = express();
    assets.mount(app);
    expect(assets.assetUrl('/static/site/missing.css')).toBe('/static/site/missing.css');
    expect(assets.assetUrl('/static/site/../../etc/passwd')).toBe('/static/site/../../etc/passwd');
    expect((await supertest(app).get('/static/site/%2e%2e/%2e%2e/etc/passwd.0123456789.x')).status).toBe(403);
  });
});
