import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Actor, AuditContext } from '../../auth/actor';
import type { FieldError } from '../errors';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** `api` answers JSON and problem+json; `page` answers HTML. */
export type Surface = 'api' | 'page';
/**
 * Who may call a route at all: `public` anyone, `user` anyone logged in, `admin` the
 * installation's administrators. Rules about organisations are enforced in the services.
 */
export type Access = 'public' | 'user' | 'admin';

export type Locale = 'nb' | 'en';

export type RouteContext<P, Q, B, A extends Access> = {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  actor: A extends 'public' ? Actor | null : Actor;
  requestId: string;
  audit: AuditContext;
  locale: Locale;
  t: (key: string, values?: Record<string, unknown>) => string;
  /** Renders a page with the layout's shared data (user, organisations, CSRF token, flash). */
  render: (view: string, data?: Record<string, unknown>, status?: number) => void;
  /** Redirects after a form post, optionally with a one-time message for the next page. */
  redirect: (url: string, flash?: { kind: 'success' | 'info' | 'warning' | 'danger'; message: string }) => void;
};

export type ResponseSpec = { status: number; description: string; schema?: z.ZodType; contentType?: string };

export type RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, A extends Access> = {
  method: HttpMethod;
  path: string;
  surface: Surface;
  access: A;
  summary: string;
  description?: string;
  tags?: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** `json` for API bodies, `form` for HTML forms, `multipart` for uploads. */
  bodyType?: 'json' | 'form' | 'multipart';
  /** Runs before validation, e.g. to read a multipart upload. */
  middleware?: RequestHandler[];
  /** Defaults to true for every state-changing method; false only where no cookie can authorise. */
  csrf?: boolean;
  /** Status of a successful API answer; 204 sends no body. */
  successStatus?: number;
  responses?: ResponseSpec[];
  /** For page forms: called with the field errors instead of answering 400, to re-show the form. */
  onInvalid?: (ctx: RouteContext<z.infer<P>, z.infer<Q>, Record<string, unknown>, A>, errors: FieldError[]) => Promise<void> | void;
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>, A>) => Promise<unknown> | unknown;
};

// The registry holds routes of every shape; the generic parameters only matter where a route is written.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteDefinition = RouteSpec<any, any, any, Access>;

export function defineRoute<P extends z.ZodType = z.ZodObject<Record<string, never>>, Q extends z.ZodType = z.ZodObject<Record<string, never>>, B extends z.ZodType = z.ZodUnknown, A extends Access = Access>(
  spec: RouteSpec<P, Q, B, A>,
): RouteDefinition {
  return spec as unknown as RouteDefinition;
}
