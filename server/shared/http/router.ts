import type { Express, NextFunction, Request, Response } from 'express';
import { csrfRejected } from '../../auth/auth.errors';
import { auditContextOf } from '../../auth/actor';
import { safeEqual } from '../../auth/secrets';
import { AppError, unauthenticated } from '../errors';
import { basePageData, CSRF_PLACEHOLDER } from '../views';
import { type CookieSettings, setFlash } from './cookies';
import { etagOf } from '../versioning';
import type { BaseContext, RouteDefinition } from './route';

const SAFE_METHODS = new Set(['get', 'head', 'options']);

function csrfTokenOf(req: Request): string | undefined {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const body = req.body as Record<string, unknown> | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}

/**
 * State-changing requests made with a session cookie must carry the session's CSRF token
 * (form field `_csrf` or header `X-CSRF-Token`). Forms shown to visitors who are not logged
 * in use a double-submit cookie. Bearer-token requests carry no ambient credentials.
 */
function checkCsrf(route: RouteDefinition, req: Request): void {
  if (SAFE_METHODS.has(route.method) || route.csrf === false) return;
  const actor = req.actor;
  if (actor?.via === 'token') return;
  if (!actor && route.surface === 'api') return;
  const sent = csrfTokenOf(req);
  const expected = actor ? actor.csrfToken : req.anonymousCsrfToken;
  if (!sent || !expected || !safeEqual(sent, expected)) throw csrfRejected();
}

function loginRedirect(req: Request): string {
  return `/login?returnTo=${encodeURIComponent(req.originalUrl)}`;
}

function baseContext(req: Request, res: Response, cookies: CookieSettings): BaseContext {
  return {
    req,
    res,
    actor: req.actor,
    requestId: req.requestId,
    audit: auditContextOf(req.actor, req.requestId, req.ip ?? null),
    locale: req.locale,
    t: req.t,
    render: (view, data = {}, status = 200) => {
      res.status(status).render(view, { ...basePageData(req), ...data });
    },
    renderContent: (view, data) =>
      new Promise<string>((resolve, reject) => {
        req.app.render(view, { ...basePageData(req), ...data, csrfToken: CSRF_PLACEHOLDER, layout: false }, (error: Error | null, html?: string) => (error ? reject(error) : resolve(html as string)));
      }),
    renderFragment: (content, layoutData) => {
      const page = basePageData(req);
      res.render('fragment', { ...page, ...layoutData, fragment: content.replaceAll(CSRF_PLACEHOLDER, String(page.csrfToken ?? '')) });
    },
    redirect: (url, flash) => {
      if (flash) setFlash(res, cookies, flash);
      res.redirect(303, url);
    },
  };
}

function stripCsrfField(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && '_csrf' in body) {
    const { _csrf: _ignored, ...rest } = body as Record<string, unknown>;
    return rest;
  }
  return body;
}

/** The body as the route reads it: a form's fields without `_csrf`, or a JSON body (a form-encoded body counts as none). */
function rawBody(route: RouteDefinition, req: Request): unknown {
  if (!route.body) return undefined;
  if (route.bodyType === 'form' || route.bodyType === 'multipart') return stripCsrfField(req.body ?? {});
  if (req.is(['application/json', 'application/*+json'])) return req.body;
  // An update of a versioned entity may carry its version in If-Match alone, with no body.
  if (route.versioned && req.get('if-match') && !req.get('content-type')) return undefined;
  throw new AppError('request.body_required', 415, 'Send the body as JSON with Content-Type: application/json.');
}

function handlerFor(route: RouteDefinition, cookies: CookieSettings) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (route.access !== 'public' && !req.actor) {
        if (route.surface === 'page' && route.method === 'get') {
          res.redirect(303, loginRedirect(req));
          return;
        }
        throw unauthenticated();
      }
      if (route.access === 'admin' && !req.actor?.isAdmin) throw new AppError('auth.admin_only', 403, 'Only an administrator can do this.');
      checkCsrf(route, req);

      const result = await route.run(baseContext(req, res, cookies), { params: req.params, query: req.query, body: rawBody(route, req), ifMatch: req.get('if-match') });
      if (route.etag && !res.headersSent) {
        const version = (result as { version?: unknown } | undefined)?.version;
        if (typeof version === 'number') res.set('ETag', etagOf(version));
      }
      if (route.surface === 'api' && !res.headersSent) {
        const status = route.successStatus ?? 200;
        if (status === 204 || result === undefined) res.status(status === 200 && result === undefined ? 204 : status).end();
        else res.status(status).json(result);
      }
    } catch (error) {
      next(error);
    }
  };
}

/** Refuses visitors who are not logged in before a route's own middleware reads an upload. */
const rejectAnonymous = (req: Request, _res: Response, next: NextFunction) => next(req.actor ? undefined : unauthenticated());

/**
 * Registers every route, then answers 405 with an Allow header for known paths called with a
 * method they do not support.
 */
export function mountRoutes(app: Express, routes: RouteDefinition[], cookies: CookieSettings): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const before = route.middleware && route.access !== 'public' ? [rejectAnonymous, ...route.middleware] : (route.middleware ?? []);
    app[route.method](route.path, ...before, handlerFor(route, cookies));
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    if (route.method === 'get') methods.add('HEAD');
    methodsByPath.set(route.path, methods);
  }
  for (const [routePath, methods] of methodsByPath) {
    const allow = [...methods, 'OPTIONS'].join(', ');
    app.all(routePath, (req, res, next) => {
      res.set('Allow', allow);
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      next(new AppError('request.method_not_allowed', 405, `${req.method} is not allowed here. Allowed: ${allow}.`));
    });
  }
}

export function describeRoutes(routes: RouteDefinition[]): { method: string; path: string; access: string; surface: string }[] {
  return routes.map((r) => ({ method: r.method, path: r.path, access: r.access, surface: r.surface }));
}
