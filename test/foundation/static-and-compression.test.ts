import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import supertest from 'supertest';
import { COMPRESSION_THRESHOLD, WHOLE_BODY_LIMIT, compressResponses } from '../../server/shared/http/compression';
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

/**
 * A request whose answer is kept byte for byte as the server sent it: supertest unpacks a
 * compressed body before any parser sees it, so these go through node:http.
 */
async function rawRequest(app: express.Express, target: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  try {
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: target, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
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

  test('When a browser offers brotli beside gzip, then the page comes brotli-compressed, with its compressed length and Vary, and reads the same unpacked', async () => {
    const plain = await ctx.request().get('/accessibility').set('Accept-Encoding', 'identity');
    expect(plain.status).toBe(200);
    const page = await rawRequest(ctx.app, '/accessibility', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers.vary).toMatch(/Accept-Encoding/);
    expect(Number(page.headers['content-length'])).toBe(page.body.length);
    const withoutToken = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '');
    expect(withoutToken(brotliDecompressSync(page.body).toString('utf8'))).toBe(withoutToken(plain.text));
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

describe('response compression', () => {
  const page = `<!doctype html><title>Krav</title><table>${Array.from({ length: 400 }, (_, n) => `<tr><td>KRAV-${n}</td><td>Leverandøren skal kunne eksportere alle data i et åpent format (${n}).</td></tr>`).join('')}</table>`;
  const large = JSON.stringify({ items: Array.from({ length: 6000 }, (_, n) => ({ key: `KRAV-${n}`, title: `Åpent eksportformat nummer ${n}`, tekst: 'Leverandøren skal levere en fullstendig eksport.' })) });
  const app = express();
  app.use(compressResponses({ filter: () => true }));
  app.get('/page', (_req, res) => void res.type('html').send(page));
  app.get('/large', (_req, res) => void res.type('json').send(large));
  app.get('/parts', (_req, res) => {
    res.type('html');
    res.write(page.slice(0, 5000));
    res.end(page.slice(5000));
  });
  app.get('/small', (_req, res) => void res.type('html').send('<p>kort</p>'));
  app.get('/no-transform', (_req, res) => void res.set('Cache-Control', 'no-transform').type('html').send(page));
  app.get('/encoded', (_req, res) => void res.set('Content-Encoding', 'gzip').type('html').send(gunzipSync.length ? Buffer.from('already encoded') : ''));

  const raw = (target: string, acceptEncoding: string, headers: Record<string, string> = {}) => rawRequest(app, target, { 'Accept-Encoding': acceptEncoding, ...headers });
  const bytes = (res: { body: Buffer }) => res.body;

  test('When a whole page is sent, then it is compressed in the encoding the client weighs highest and unpacks to the page', async () => {
    expect(Buffer.byteLength(page)).toBeGreaterThan(COMPRESSION_THRESHOLD);
    const cases: [string, string | undefined, (body: Buffer) => Buffer][] = [
      ['gzip', 'gzip', gunzipSync],
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['deflate', 'deflate', inflateSync],
      ['gzip;q=0.5, deflate', 'deflate', inflateSync],
      ['br;q=0, gzip', 'gzip', gunzipSync],
      ['identity', undefined, (body) => body],
    ];
    for (const [accept, expected, unpack] of cases) {
      const res = await raw('/page', accept);
      expect({ accept, status: res.status, encoding: res.headers['content-encoding'] }).toEqual({ accept, status: 200, encoding: expected });
      expect(res.headers.vary).toMatch(/Accept-Encoding/);
      expect(Number(res.headers['content-length'])).toBe(bytes(res).length);
      expect(unpack(bytes(res)).toString('utf8')).toBe(page);
    }
  });

  test('When a body is written in parts or is larger than a whole body is compressed at once, then it is compressed as a stream and unpacks the same', async () => {
    expect(Buffer.byteLength(large)).toBeGreaterThan(WHOLE_BODY_LIMIT);
    const big = await raw('/large', 'gzip');
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(big.headers['content-length']).toBeUndefined();
    expect(gunzipSync(bytes(big)).toString('utf8')).toBe(large);

    const parts = await raw('/parts', 'gzip, br');
    expect(parts.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(bytes(parts)).toString('utf8')).toBe(page);
  });

  test('When a body is small, marked no-transform, already encoded, asked for with HEAD or unchanged since the client last saw it, then it goes out uncompressed', async () => {
    const small = await raw('/small', 'gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(bytes(small).toString('utf8')).toBe('<p>kort</p>');

    const noTransform = await raw('/no-transform', 'gzip');
    expect(noTransform.headers['content-encoding']).toBeUndefined();
    expect(bytes(noTransform).toString('utf8')).toBe(page);

    const encoded = await raw('/encoded', 'gzip, br');
    expect(encoded.headers['content-encoding']).toBe('gzip');
    expect(bytes(encoded).toString('utf8')).toBe('already encoded');

    const head = await rawRequest(app, '/page', { 'Accept-Encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(page));

    const first = await raw('/page', 'gzip');
    const again = await raw('/page', 'gzip', { 'If-None-Match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.headers['content-encoding']).toBeUndefined();
    expect(again.body.length).toBe(0);
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
