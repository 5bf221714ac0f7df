import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { RouteDefinition } from './route';

const problemSchema = z
  .object({
    type: z.string().describe('URI identifying the problem type; ends with the stable code'),
    code: z.string().describe('Stable machine-readable code, e.g. validation.failed'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  // RFC 9457 lets a problem carry extension members (a conflict's current version, say).
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

const staleVersionSchema = problemSchema
  .extend({
    entity: z.string().describe('What was changed'),
    currentVersion: z.number().int().describe('The version now stored'),
    changedBy: z.string().nullable().describe('Who changed it last'),
    changedAt: z.string().nullable().describe('When it was changed last (ISO 8601)'),
  })
  .meta({ id: 'StaleVersionProblem', description: 'RFC 9457 problem details for an update based on an old version' });

const ifMatchHeader = z.object({
  'if-match': z.string().optional().meta({ description: 'The ETag from GET (for example "3"), instead of `version` in the body. One of the two is required.' }),
});

const etagHeader = { ETag: { description: 'The version of what was read, for If-Match on a later update', schema: { type: 'string' as const } } };

/**
 * How the API changes, as the document states it (and as Datakrav's own API-description check
 * asks of vendors). The version in `info.version` is the application's.
 */
const DEPRECATION_POLICY =
  'Versioning and deprecation: additions (new operations, optional fields, new fields in answers) come in any release. An operation or field to be removed or changed incompatibly is first marked `deprecated: true` in this document, named in the release notes, and kept for at least two minor releases and six months before it goes.';

/** Builds the OpenAPI 3.1 document from the same route definitions and zod schemas that serve requests. */
export function buildOpenApiDocument(routes: RouteDefinition[], info: { version: string; serverUrl?: string }) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerToken', { type: 'http', scheme: 'bearer', description: 'Personal API token created on the account page' });
  registry.registerComponent('securitySchemes', 'sessionCookie', { type: 'apiKey', in: 'cookie', name: 'dk_session', description: 'Session from POST /api/session; send X-CSRF-Token on changes' });

  for (const route of routes.filter((r) => r.surface === 'api')) {
    const responses: Record<string, ResponseConfig> = {};
    for (const response of route.responses ?? [{ status: route.successStatus ?? 200, description: 'Success' }]) {
      const headers = route.etag && response.status < 300 ? { headers: etagHeader } : {};
      // A status listed twice answers in either media type (a file that is JSON or binary, say).
      const earlier = responses[String(response.status)]?.content ?? {};
      responses[String(response.status)] = response.schema
        ? { description: response.description, ...headers, content: { ...earlier, [response.contentType ?? 'application/json']: { schema: response.schema } } }
        : { description: response.description, ...headers };
    }
    if (route.body || route.params || route.query) responses['400'] = problemResponse('The request is invalid; `errors` names each field');
    if (route.access !== 'public') responses['401'] = problemResponse('Not logged in');
    if (route.access === 'admin' || route.access === 'user') responses['403'] = problemResponse('Not allowed');
    if (route.params) responses['404'] = problemResponse('Not found, or not visible to the caller');
    if (route.versioned) {
      responses['409'] = {
        description: 'Nothing was changed: someone else changed it since the version sent (StaleVersionProblem, with the current version), or its state does not allow the change (Problem)',
        content: { 'application/problem+json': { schema: z.union([staleVersionSchema, problemSchema]) } },
      };
      responses['428'] = problemResponse('No version sent: send `version` in the body or the header If-Match');
    }
    // One error handler answers every error, these and any other, in the same shape.
    responses.default = problemResponse('Any other error, in the same shape: 413 for a body or file over the limit, 429 after too many attempts, 500 when the server fails, 503 when the database does not answer');
    registry.registerPath({
      method: route.method,
      path: route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags ?? [],
      ...(route.access === 'public' ? { security: [] } : { security: [{ bearerToken: [] }, { sessionCookie: [] }] }),
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.versioned ? { headers: ifMatchHeader } : {}),
        ...(route.body ? { body: { required: true, content: { [route.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json']: { schema: route.body } } } } : {}),
      },
      responses,
    });
  }

  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Datakrav API',
      version: info.version,
      description: `Shared anti-lock-in requirements, tender documents and vendor data-access assessments. Errors are RFC 9457 problem details.\n\n${DEPRECATION_POLICY}`,
      'x-deprecation-policy': DEPRECATION_POLICY,
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    servers: [{ url: info.serverUrl ?? '/' }],
  });
}
