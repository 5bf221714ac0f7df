import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Agent as HttpAgent } from 'node:http';
import type supertest from 'supertest';

type Schema = Record<string, unknown>;
type MediaType = { schema?: Schema };
type ResponseObject = { content?: Record<string, MediaType> };
type Operation = { responses?: Record<string, ResponseObject> };
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const DOCUMENT_ID = 'openapi.json';

/**
 * The documented schemas, made as strict as the documentation reads: an object lists every
 * property it has (a field the API answers with but does not document is a drift too), and
 * references point into the one document registered with Ajv.
 */
function strict(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strict);
  if (value === null || typeof value !== 'object') return value;
  const out: Schema = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof inner === 'string' && inner.startsWith('#/') ? `${DOCUMENT_ID}${inner}` : strict(inner);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** "/api/tenders/{tenderId}" as a pattern for a request path. */
function pathPattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

/**
 * Checks every JSON answer of the API against the response the OpenAPI document declares for
 * its operation and status: a body that does not fit, or a success status the document does not
 * name, fails the request in the test that made it. Error answers the operation does not list
 * are still held to the Problem schema.
 */
export function createResponseValidator(document: OpenApiDocument): (res: supertest.Response) => void {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOCUMENT_ID, components: strict(document.components ?? {}) });
  const operations = Object.entries(document.paths)
    .map(([template, ops]) => ({ template, pattern: pathPattern(template), ops }))
    .sort((a, b) => a.template.split('{').length - b.template.split('{').length);
  const validators = new Map<string, ValidateFunction>();

  const validatorFor = (key: string, schema: Schema): ValidateFunction => {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(strict(schema) as Schema);
      validators.set(key, validate);
    }
    return validate;
  };

  return (res) => {
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!/^application\/(?:problem\+)?json$/.test(mediaType)) return;
    const url = new URL(res.request.url);
    const method = res.request.method.toLowerCase();
    const operation = operations.find((o) => o.pattern.test(url.pathname) && o.ops[method]);
    if (!operation) return;
    const op = operation.ops[method] as Operation;
    const where = `${method.toUpperCase()} ${operation.template} ${res.status}`;
    const documented = op.responses?.[String(res.status)] ?? op.responses?.[`${String(res.status)[0]}XX`];
    let schema: Schema | undefined;
    if (documented) {
      schema = documented.content?.[mediaType]?.schema;
      if (!schema && mediaType === 'application/problem+json') schema = { $ref: '#/components/schemas/Problem' };
      if (!schema) throw new Error(`${where}: answers ${mediaType}, but the OpenAPI document declares ${Object.keys(documented.content ?? {}).join(', ') || 'no body'}`);
    } else if (res.status >= 400 && mediaType === 'application/problem+json') {
      schema = { $ref: '#/components/schemas/Problem' };
    } else {
      throw new Error(`${where}: the OpenAPI document does not declare this status`);
    }
    const validate = validatorFor(`${where} ${mediaType}`, schema);
    // A test that reads the bytes themselves (its own parser, e.g. to check a checksum) gets a Buffer: the JSON is inside.
    const body: unknown = Buffer.isBuffer(res.body) ? JSON.parse(res.body.toString('utf8')) : res.body;
    if (!validate(body)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`);
      throw new Error(`${where}: the body does not match the documented response:\n  ${problems.join('\n  ')}`);
    }
  };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options'] as const;

/** A supertest agent whose every request checks its answer with `check` (when given) and goes over `connections`. */
export function validatingAgent(agent: supertest.Agent, check: ((res: supertest.Response) => void) | null, connections: HttpAgent): supertest.Agent {
  for (const method of METHODS) {
    const original = agent[method].bind(agent);
    Object.defineProperty(agent, method, {
      value: (url: string) => {
        const request = original(url).agent(connections);
        return check ? request.expect(check) : request;
      },
      configurable: true,
    });
  }
  return agent;
}
