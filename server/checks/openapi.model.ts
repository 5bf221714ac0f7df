import { pointer } from './text';

/**
 * A read-only view of an OpenAPI 2.0, 3.0 or 3.1 description for the rules: its operations,
 * parameters, responses and component schemas, with local `$ref`s followed on demand. Only
 * references inside the document are followed; a reference that loops is followed once.
 * Every place is named by its JSON pointer into the description as uploaded.
 */
export type OpenApiVersion = '2.0' | '3.0' | '3.1';

type Json = Record<string, unknown>;

export type Parameter = { name: string; in: string; pointer: string };
export type ResponseSchema = { mediaType: string; schema: unknown; pointer: string };
export type Response = { status: string; pointer: string; headers: string[]; mediaTypes: string[]; schemas: ResponseSchema[] };
export type Operation = { path: string; method: string; pointer: string; operation: Json; parameters: Parameter[]; responses: Response[]; requestSchemas: unknown[] };

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const MAX_HOPS = 64;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodePointer(ref: string): string[] | null {
  if (!ref.startsWith('#')) return null;
  const body = ref.slice(1);
  if (body === '') return [];
  if (!body.startsWith('/')) return null;
  try {
    return body
      .slice(1)
      .split('/')
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    return null;
  }
}

/** The value a local `$ref` points at, or undefined when it points nowhere (or outside the document). */
export function lookupReference(doc: unknown, ref: string): unknown {
  const segments = decodePointer(ref);
  if (segments === null) return undefined;
  let node: unknown = doc;
  for (const segment of segments) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

export function isSuccess(status: string): boolean {
  return /^2(\d\d|XX)$/i.test(status);
}

export function isError(status: string): boolean {
  return /^[45](\d\d|XX)$/i.test(status) || status === 'default';
}

export class ApiModel {
  readonly operations: Operation[];
  readonly schemas: Map<string, { schema: unknown; pointer: string }>;
  private readonly schemaPrefix: string;

  constructor(
    readonly doc: Json,
    readonly version: OpenApiVersion,
  ) {
    this.schemaPrefix = version === '2.0' ? '#/definitions/' : '#/components/schemas/';
    const container = version === '2.0' ? doc.definitions : isObject(doc.components) ? doc.components.schemas : undefined;
    this.schemas = new Map();
    if (isObject(container)) {
      for (const [name, schema] of Object.entries(container)) this.schemas.set(name, { schema, pointer: version === '2.0' ? pointer('definitions', name) : pointer('components', 'schemas', name) });
    }
    this.operations = this.readOperations();
  }

  lookup(ref: string): unknown {
    return lookupReference(this.doc, ref);
  }

  /** Follows `$ref`s until a value that is not a reference (or a loop, or a reference outside). */
  resolve(node: unknown): unknown {
    let current = node;
    for (let hops = 0; hops < MAX_HOPS && isObject(current) && typeof current.$ref === 'string'; hops++) {
      const next = this.lookup(current.$ref);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  }

  /** The component schema name a `$ref` names, if it points into the schemas. */
  schemaName(node: unknown): string | null {
    if (!isObject(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith(this.schemaPrefix)) return null;
    const name = decodePointer(node.$ref)?.at(-1);
    return name !== undefined && this.schemas.has(name) ? name : null;
  }

  /**
   * Component schemas a response schema hands back: the schema itself when named, the items of
   * an array, and the arrays and references inside an envelope object (`{ items: [Elev] }`).
   */
  returnedTypes(schema: unknown, depth = 0, seen = new Set<unknown>()): Set<string> {
    const names = new Set<string>();
    if (depth > 4 || seen.has(schema)) return names;
    seen.add(schema);
    const direct = this.schemaName(schema);
    if (direct) names.add(direct);
    const resolved = this.resolve(schema);
    if (!isObject(resolved)) return names;
    const add = (inner: unknown) => {
      for (const name of this.returnedTypes(inner, depth + 1, seen)) names.add(name);
    };
    if (resolved.items !== undefined) add(resolved.items);
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) if (Array.isArray(resolved[key])) for (const member of resolved[key]) add(member);
    if (depth < 2 && isObject(resolved.properties)) {
      for (const property of Object.values(resolved.properties)) {
        const value = this.resolve(property);
        if (isObject(value) && value.type === 'array') add(value.items);
      }
    }
    return names;
  }

  /** Every component schema name referenced anywhere inside a value (references not followed). */
  referencedSchemas(value: unknown): Set<string> {
    const names = new Set<string>();
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const node = stack.pop();
      if (Array.isArray(node)) stack.push(...node);
      else if (isObject(node)) {
        const name = this.schemaName(node);
        if (name) names.add(name);
        for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push(child);
      }
    }
    return names;
  }

  /** The schemas reachable from some names through the references inside them. */
  closure(start: Iterable<string>): Set<string> {
    const reached = new Set<string>();
    const queue = [...start];
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (reached.has(name)) continue;
      reached.add(name);
      for (const inner of this.referencedSchemas(this.schemas.get(name)?.schema)) if (!reached.has(inner)) queue.push(inner);
    }
    return reached;
  }

  isObjectSchema(schema: unknown): boolean {
    const resolved = this.resolve(schema);
    if (!isObject(resolved)) return false;
    if (resolved.type === 'object' || (Array.isArray(resolved.type) && resolved.type.includes('object'))) return true;
    return resolved.type === undefined && (isObject(resolved.properties) || Array.isArray(resolved.allOf));
  }

  private readParameters(list: unknown, at: string): Parameter[] {
    if (!Array.isArray(list)) return [];
    const parameters: Parameter[] = [];
    list.forEach((entry, index) => {
      const parameter = this.resolve(entry);
      if (isObject(parameter) && typeof parameter.name === 'string' && typeof parameter.in === 'string') parameters.push({ name: parameter.name, in: parameter.in, pointer: `${at}/${index}` });
    });
    return parameters;
  }

  private readResponses(responses: unknown, at: string): Response[] {
    if (!isObject(responses)) return [];
    return Object.entries(responses)
      .filter(([status]) => !status.startsWith('x-'))
      .map(([status, raw]) => {
        const responsePointer = `${at}/${status}`;
        const response = this.resolve(raw);
        const result: Response = { status, pointer: responsePointer, headers: [], mediaTypes: [], schemas: [] };
        if (!isObject(response)) return result;
        if (isObject(response.headers)) result.headers = Object.keys(response.headers);
        if (this.version === '2.0') {
          if (response.schema !== undefined) result.schemas.push({ mediaType: '', schema: response.schema, pointer: `${responsePointer}/schema` });
        } else if (isObject(response.content)) {
          for (const [mediaType, media] of Object.entries(response.content)) {
            result.mediaTypes.push(mediaType);
            if (isObject(media) && media.schema !== undefined) result.schemas.push({ mediaType, schema: media.schema, pointer: `${responsePointer}/content/${mediaType.replace(/~/g, '~0').replace(/\//g, '~1')}/schema` });
          }
        }
        return result;
      });
  }

  private readOperations(): Operation[] {
    const operations: Operation[] = [];
    if (!isObject(this.doc.paths)) return operations;
    for (const [path, rawItem] of Object.entries(this.doc.paths)) {
      if (path.startsWith('x-')) continue;
      const item = this.resolve(rawItem);
      if (!isObject(item)) continue;
      const itemPointer = pointer('paths', path);
      const shared = this.readParameters(item.parameters, `${itemPointer}/parameters`);
      for (const method of METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        const operationPointer = `${itemPointer}/${method}`;
        const own = this.readParameters(operation.parameters, `${operationPointer}/parameters`);
        const parameters = [...own, ...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in))];
        const requestSchemas: unknown[] = [];
        if (this.version === '2.0') {
          if (Array.isArray(operation.parameters)) for (const p of operation.parameters.map((e) => this.resolve(e))) if (isObject(p) && p.in === 'body' && p.schema !== undefined) requestSchemas.push(p.schema);
        } else {
          const body = this.resolve(operation.requestBody);
          if (isObject(body) && isObject(body.content)) for (const media of Object.values(body.content)) if (isObject(media) && media.schema !== undefined) requestSchemas.push(media.schema);
        }
        operations.push({ path, method, pointer: operationPointer, operation, parameters, responses: this.readResponses(operation.responses, `${operationPointer}/responses`), requestSchemas });
      }
    }
    return operations;
  }
}

/** Every `$ref` in the document, with where it stands. */
export function allReferences(doc: unknown): { ref: string; at: string }[] {
  const found: { ref: string; at: string }[] = [];
  const stack: [unknown, string][] = [[doc, '']];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as [unknown, string];
    if (Array.isArray(node)) node.forEach((child, i) => stack.push([child, `${at}/${i}`]));
    else if (isObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (key === '$ref' && typeof child === 'string') found.push({ ref: child, at: `${at}/$ref` });
        else if (typeof child === 'object' && child !== null) stack.push([child, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
    }
  }
  return found.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * How many nodes the document grows to when every local `$ref` is replaced by its target, a
 * reference that loops counting once. Stops counting at `limit`: a small file whose references
 * fan out (each pointing ten times at the next) would otherwise be walked for ever by any tool
 * that dereferences it.
 */
export function expandedSize(doc: Json, limit: number): number {
  const memo = new Map<unknown, number>();
  const visiting = new Set<unknown>();
  let total = 0;
  const size = (node: unknown, depth: number): number => {
    if (total > limit || depth > 4096) return limit + 1;
    if (typeof node !== 'object' || node === null) return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) return 1;
    visiting.add(node);
    let count = 1;
    if (Array.isArray(node)) for (const child of node) count += size(child, depth + 1);
    else {
      const ref = (node as Json).$ref;
      if (typeof ref === 'string' && ref.startsWith('#')) {
        const target = lookupReference(doc, ref);
        count += target === undefined ? 0 : size(target, depth + 1);
      }
      for (const [key, child] of Object.entries(node)) if (key !== '$ref') count += size(child, depth + 1);
    }
    visiting.delete(node);
    memo.set(node, count);
    total = Math.max(total, count);
    return count > limit ? limit + 1 : count;
  };
  return size(doc, 0);
}
