import { z } from 'zod';
import type { DatabaseHandle } from '../db/client';
import { AppError } from '../shared/errors';
import { buildOpenApiDocument } from '../shared/http/openapi';
import { routeFamily, type RouteDefinition } from '../shared/http/route';

const healthSchema = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

const api = routeFamily({ surface: 'api', access: 'public', tags: ['System'] });

/** Health check and the OpenAPI document of every route. */
export function systemApi(deps: { database: DatabaseHandle }, allRoutes: () => RouteDefinition[], version: string): RouteDefinition[] {
  let openApiDocument: unknown;
  return [
    api({
      method: 'get',
      path: '/healthz',
      summary: 'Health check',
      description: 'Answers 503 when the database does not answer.',
      responses: [{ status: 200, description: 'The service and its database answer', schema: healthSchema }],
      handler: async () => {
        try {
          await deps.database.ping();
        } catch (error) {
          throw new AppError('system.database_unavailable', 503, 'The database does not answer.', { cause: error, internal: true });
        }
        return { status: 'ok', database: deps.database.kind };
      },
    }),
    api({
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This OpenAPI 3.1 document',
      responses: [{ status: 200, description: 'OpenAPI document', schema: z.record(z.string(), z.unknown()) }],
      handler: () => {
        openApiDocument ??= buildOpenApiDocument(allRoutes(), { version });
        return openApiDocument;
      },
    }),
  ];
}
