import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Actor, AuditContext } from '../../auth/actor';
import { AppError, unauthenticated, type FieldError } from '../errors';
import { versionFromIfMatch, versionRequired } from '../versioning';
import { parsePart, validationError } from './validate';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** `api` answers JSON and problem+json; `page` answers HTML. */
export type Surface = 'api' | 'page';
/**
 * Who may call a route at all: `public` anyone, `user` anyone logged in, `admin` the
 * installation's administrators. Rules about organisations are enforced in the services.
 */
export type Access = 'public' | 'user' | 'admin';

export type Locale = 'nb' | 'en';

/** A public route may be called without login; every other route has an actor. */
export type ActorOf<A extends Access> = A extends 'public' ? Actor | null : Actor;

export type Flash = { kind: 'success' | 'info' | 'warning' | 'danger'; message: string };

/** What every handler gets besides its validated input. */
export type BaseContext = {
  req: Request;
  res: Response;
  actor: Actor | null;
  requestId: string;
  audit: AuditContext;
  locale: Locale;
  t: (key: string, values?: Record<string, unknown>) => string;
  /** Renders a page with the layout's shared data (user, organisations, CSRF token, flash). */
  render: (view: string, data?: Record<string, unknown>, status?: number) => void;
  /**
   * Renders a page's content without the layout, with a placeholder for the session's CSRF
   * token: content that depends only on what a cache key names can be kept and shown to every
   * reader with that key through `renderFragment`.
   */
  renderContent: (view: string, data: Record<string, unknown>) => Promise<string>;
  /** Shows content from `renderContent` in the layout, with this session's CSRF token in its forms. */
  renderFragment: (content: string, layoutData: { title: string; nav?: string }) => void;
  /** Redirects after a form post, optionally with a one-time message for the next page. */
  redirect: (url: string, flash?: Flash) => void;
};

export type RouteContext<P, Q, B, A extends Access> = Omit<BaseContext, 'actor'> & {
  params: P;
  query: Q;
  body: B;
  actor: ActorOf<A>;
};

export type ResponseSpec = { status: number; description: string; schema?: z.ZodType; contentType?: string };

/** Schema of a route's path parameters or query: an object, possibly transformed. */
export type InputSchema = z.ZodObject | z.ZodPipe<z.ZodObject>;
/** Input schema of a route part that takes nothing. */
export type NoInput = z.ZodObject<Record<string, never>>;
/** Body schema of a route that takes no body. */
export type NoBody = z.ZodUndefined;

/** The properties of a route that describe it, apart from its input schemas and handler. */
type RouteMeta<A extends Access> = {
  method: HttpMethod;
  path: string;
  surface: Surface;
  access: A;
  summary: string;
  description?: string;
  tags?: string[];
  /** `json` for API bodies, `form` for HTML forms, `multipart` for uploads. */
  bodyType?: 'json' | 'form' | 'multipart';
  /** Runs before validation, e.g. to read a multipart upload. */
  middleware?: RequestHandler[];
  /** Defaults to true for every state-changing method; false only where no cookie can authorise. */
  csrf?: boolean;
  /** Status of a successful API answer; 204 sends no body. */
  successStatus?: number;
  responses?: ResponseSpec[];
  /**
   * An update of a versioned entity: the caller presents the version it read, as the body's
   * `version` or the header If-Match; without either the answer is 428. The body schema declares
   * `version`; an If-Match value fills it when the body has none.
   */
  versioned?: boolean;
  /** A read of a versioned entity: the answer's `version` is sent as its ETag. */
  etag?: boolean;
};

export type RouteSpec<P extends InputSchema, Q extends InputSchema, B extends z.ZodType, A extends Access> = RouteMeta<A> & {
  params?: P;
  query?: Q;
  body?: B;
  /** For page forms: called with the field errors instead of answering 400, to re-show the form. */
  onInvalid?: (ctx: RouteContext<z.output<P>, z.output<Q>, Record<string, unknown>, A>, errors: FieldError[]) => Promise<void> | void;
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>, A>) => Promise<unknown> | unknown;
};

/** A request's parts before validation, as the router reads them. */
export type RawInput = { params: unknown; query: unknown; body: unknown; ifMatch?: string | undefined };

/**
 * A registered route: its description (for the router, the OpenAPI document and the
 * authorisation tests) and `run`, which validates the raw input with the route's own schemas
 * and calls the handler with values of the schemas' types.
 */
export type RouteDefinition = RouteMeta<Access> & {
  params?: InputSchema;
  query?: InputSchema;
  body?: z.ZodType;
  run: (base: BaseContext, input: RawInput) => Promise<unknown>;
};

const EMPTY = z.object({});

/**
 * The body of an update with the version it is based on: the body's own `version`, else the one
 * If-Match names; neither is a 428. Both, naming different versions, is a 400.
 */
function withPresentedVersion(body: unknown, ifMatch: string | undefined): unknown {
  const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const fromHeader = versionFromIfMatch(ifMatch);
  const inBody = fields.version === undefined || fields.version === '' ? undefined : fields.version;
  if (inBody === undefined && fromHeader === undefined) throw versionRequired();
  if (inBody === undefined) return { ...fields, version: fromHeader };
  if (fromHeader !== undefined && Number(inBody) !== fromHeader) {
    throw new AppError('precondition.version_mismatch', 400, 'The body\'s version and the If-Match header name different versions; send one.', { errors: [{ path: 'version', message: 'differs from If-Match' }] });
  }
  return body;
}

/** The actor of a route's context; the router has already refused anonymous calls to non-public routes. */
function actorFor<A extends Access>(access: A, actor: Actor | null): ActorOf<A> {
  if (access !== 'public' && !actor) throw unauthenticated();
  return actor as ActorOf<A>;
}

/**
 * Declares a route. The handler's `params`, `query` and `body` have the types of the zod
 * schemas given beside it, and the same schemas validate the request and describe the route in
 * the OpenAPI document.
 */
export function defineRoute<P extends InputSchema = NoInput, Q extends InputSchema = NoInput, B extends z.ZodType = NoBody, A extends Access = Access>(
  spec: RouteSpec<P, Q, B, A>,
): RouteDefinition {
  const { handler, onInvalid, ...meta } = spec;
  return {
    ...meta,
    async run(base, input) {
      const params = parsePart(spec.params ?? EMPTY, input.params, 'params');
      if (!params.ok) throw new AppError('request.not_found', 404, `No such resource: ${params.errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`);
      const query = parsePart(spec.query ?? EMPTY, input.query ?? {}, 'query');
      if (!query.ok) throw validationError(query.errors);
      const context = { ...base, actor: actorFor(spec.access, base.actor), params: params.data as z.output<P>, query: query.data as z.output<Q> };
      if (!spec.body) return handler({ ...context, body: undefined as z.output<B> });
      const rawBody = spec.versioned ? withPresentedVersion(input.body, input.ifMatch) : input.body;
      const body = parsePart(spec.body, rawBody, 'body');
      if (body.ok) return handler({ ...context, body: body.data });
      if (!onInvalid) throw validationError(body.errors);
      const raw = rawBody && typeof rawBody === 'object' ? (rawBody as Record<string, unknown>) : {};
      await onInvalid({ ...context, body: raw }, body.errors);
      return undefined;
    },
  };
}

/**
 * A family of routes that share surface, access and tags (a feature's API, or its pages):
 * `const api = routeFamily({ surface: 'api', access: 'user', tags: ['Tenders'] })`, then
 * `api({ method, path, params, body, handler })`, fully typed.
 */
export function routeFamily<A extends Access>(defaults: { surface: Surface; access: A; tags?: string[] }) {
  return <P extends InputSchema = NoInput, Q extends InputSchema = NoInput, B extends z.ZodType = NoBody>(spec: Omit<RouteSpec<P, Q, B, A>, 'surface' | 'access'>): RouteDefinition =>
    defineRoute<P, Q, B, A>({ ...defaults, ...spec, tags: spec.tags ?? defaults.tags });
}
