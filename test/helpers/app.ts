import { Agent, createServer, type Server } from 'node:http';
import type { Express } from 'express';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { DatabaseHandle } from '../../server/db/client';
import { createServices, type Services } from '../../server/services';
import { createLogger } from '../../server/shared/logger';
import { createTestDatabase } from './database';
import { createResponseValidator, validatingAgent, type OpenApiDocument } from './openapi-responses';
import { applySeed, readSnapshot, saveSnapshot, sharedOpenApiDocument, type Seed } from './snapshots';

export type TestContext = {
  app: Express;
  services: Services;
  request: () => supertest.Agent;
  close: () => Promise<void>;
};

/**
 * The application on its own fresh database, as one test file uses it. Every agent it hands out
 * checks each JSON answer of the API against the response documented in `/api/openapi.json`, so a
 * handler that answers another shape than it documents fails the test that calls it. A test file
 * may turn this off with `checkResponses: false` only while its feature's drifts are being fixed.
 * With `seed`, the database holds that seed's rows before the file's first test (see snapshots.ts).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { checkResponses?: boolean; onQuery?: (query: string, params: unknown[]) => void; database?: DatabaseHandle; seed?: Seed } = {},
): Promise<TestContext> {
  // The settings first: a refused setting then costs no database, and leaves none open.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LIBRARY_SYNC_ON_START: 'false', ...env });
  // A database handed in is another test app's, as a second instance on the same server uses it:
  // it stays open, and it holds whatever that app was seeded with.
  const snapshot = options.seed && !options.database ? await readSnapshot(options.seed) : undefined;
  const { database, drop } = options.database ? { database: options.database, drop: async () => undefined } : await createTestDatabase(options.onQuery, snapshot);
  const services = createServices(database, config);
  if (options.seed && !options.database && !snapshot) {
    await applySeed(services, options.seed);
    await saveSnapshot(options.seed, database);
  }
  const app = createApp({ config, services, logger: createLogger({ level: 'silent' }), version: 'test' });
  // One listening server for the whole file: an agent given the bare app would open and close a
  // server for every request it sends.
  const server = await listen(app);
  // The file's requests reuse their connections, as a browser does; the server keeps an idle one
  // longer than any pause between two requests of a test, so none is closed under a request.
  server.keepAliveTimeout = 120_000;
  const connections = new Agent({ keepAlive: true });
  const close = async () => {
    connections.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await drop();
  };
  if (options.checkResponses === false) return { app, services, request: () => validatingAgent(supertest.agent(server), null, connections), close };
  const document = await sharedOpenApiDocument(env, async () => (await supertest(server).get('/api/openapi.json')).body as OpenApiDocument);
  const check = createResponseValidator(document);
  return { app, services, request: () => validatingAgent(supertest.agent(server), check, connections), close };
}

function listen(app: Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
