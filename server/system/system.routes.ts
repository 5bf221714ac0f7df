import { z } from 'zod';
import type { Services } from '../services';
import { AppError } from '../shared/errors';
import { buildOpenApiDocument } from '../shared/http/openapi';
import { defineRoute, type RouteDefinition } from '../shared/http/route';

const healthSchema = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

export function systemRoutes(services: Services, allRoutes: () => RouteDefinition[], version: string): RouteDefinition[] {
  let openApiDocument: unknown;
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      surface: 'api',
      access: 'public',
      summary: 'Health check',
      description: 'Answers 503 when the database does not answer.',
      tags: ['System'],
      responses: [{ status: 200, description: 'The service and its database answer', schema: healthSchema }],
      handler: async () => {
        try {
          await services.database.ping();
        } catch (error) {
          throw new AppError('system.database_unavailable', 503, 'The database does not answer.', { cause: error, internal: true });
        }
        return { status: 'ok', database: services.database.kind };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      surface: 'api',
      access: 'public',
      summary: 'This OpenAPI 3.1 document',
      tags: ['System'],
      responses: [{ status: 200, description: 'OpenAPI document' }],
      handler: () => {
        openApiDocument ??= buildOpenApiDocument(allRoutes(), { version });
        return openApiDocument;
      },
    }),
  ];
}
