import { Writable } from 'node:stream';
import express from 'express';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createErrorHandler } from '../../server/shared/http/error-handler';
import { requestLogging } from '../../server/shared/http/request-log';
import { createLogger } from '../../server/shared/logger';
import { createTestApp, type TestContext } from '../helpers/app';

type Line = { level: number; msg: string; req?: { id: string; method: string; url: string; headers: Record<string, string> }; res?: { statusCode: number }; err?: { message: string }; responseTime?: number; requestId?: string };

/** A logger at `level` whose lines are kept, parsed, in `lines`. */
function recordingLogger(level: string): { logger: ReturnType<typeof createLogger>; lines: Line[] } {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

/** The log lines of one request, once its answer has been logged. */
async function linesOf(lines: Line[], requestId: string): Promise<Line[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return lines.filter((line) => line.req?.id === requestId || line.requestId === requestId);
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp({}, { checkResponses: false });
});
afterAll(() => ctx.close());

function appWith(logger: ReturnType<typeof createLogger>) {
  return createApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LIBRARY_SYNC_ON_START: 'false' }), services: ctx.services, logger, version: 'test' });
}

test('When a request is answered at debug level, then one line tells its id, method, address, status and time, with the cookie redacted, and a plain id from a proxy is kept', async () => {
  const { logger, lines } = recordingLogger('debug');
  const res = await supertest(appWith(logger)).get('/login?next=%2Flibrary').set('X-Request-Id', 'proxy-4711.a').set('Cookie', 'datakrav_session=hemmelig');
  expect(res.status).toBe(200);
  expect(res.headers['x-request-id']).toBe('proxy-4711.a');
  const [line, ...more] = await linesOf(lines, 'proxy-4711.a');
  expect(more).toEqual([]);
  expect(line).toMatchObject({ level: 20, msg: 'request completed', req: { id: 'proxy-4711.a', method: 'GET', url: '/login?next=%2Flibrary' }, res: { statusCode: 200 } });
  expect(line?.req?.headers.cookie).toBe('[redacted]');
  expect(JSON.stringify(lines)).not.toContain('hemmelig');
  expect(typeof line?.responseTime).toBe('number');
});

test('When a request id is not plain, then a new one is made; the health check and static files write no line', async () => {
  const { logger, lines } = recordingLogger('debug');
  const app = appWith(logger);
  const res = await supertest(app).get('/login').set('X-Request-Id', 'ikke gyldig <script>');
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(await linesOf(lines, res.headers['x-request-id'] as string)).toHaveLength(1);

  const health = await supertest(app).get('/healthz');
  const asset = await supertest(app).get('/static/app/app.css');
  expect([health.status, asset.status]).toEqual([200, 200]);
  expect(health.headers['x-request-id']).toBeDefined();
  expect(await linesOf(lines, health.headers['x-request-id'] as string)).toEqual([]);
  expect(await linesOf(lines, asset.headers['x-request-id'] as string)).toEqual([]);
});

test('When the level is info, then an answered request writes nothing and a refused one a line at info', async () => {
  const { logger, lines } = recordingLogger('info');
  const app = appWith(logger);
  const ok = await supertest(app).get('/login');
  expect(ok.status).toBe(200);
  expect(await linesOf(lines, ok.headers['x-request-id'] as string)).toEqual([]);

  const missing = await supertest(app).get('/api/finnes-ikke');
  expect(missing.status).toBe(404);
  const refused = await linesOf(lines, missing.headers['x-request-id'] as string);
  expect(refused.map((line) => [line.level, line.msg, line.res?.statusCode])).toContainEqual([30, 'request completed', 404]);
});

test('When a handler fails, then the error is logged with the request it failed on, and the answer as errored, both under the id the client was told', async () => {
  const { logger, lines } = recordingLogger('info');
  const app = express();
  app.use(requestLogging(logger, { ignore: () => false }));
  app.get('/api/broken', () => {
    throw new Error('databasen svarte ikke');
  });
  app.use(createErrorHandler(logger));
  const res = await supertest(app).get('/api/broken');
  expect(res.status).toBe(500);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  const logged = await linesOf(lines, res.headers['x-request-id'] as string);
  expect(logged.map((line) => [line.level, line.msg])).toEqual([
    [50, 'request failed'],
    [50, 'request errored'],
  ]);
  expect(logged[0]).toMatchObject({ err: { message: 'databasen svarte ikke' }, req: { method: 'GET', url: '/api/broken' } });
  expect(logged[1]).toMatchObject({ res: { statusCode: 500 }, err: { message: 'failed with status code 500' } });
});
