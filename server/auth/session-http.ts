import type { Request, Response } from 'express';
import { type CookieSettings, cookieNames, cookieOptions } from '../shared/http/cookies';
import type { RequestInfo } from './auth.service';

/** What opening a session over HTTP needs: the cookie settings and how long a session lasts. */
export type SessionSettings = { cookies: CookieSettings; sessionHours: number };

/**
 * The session cookie, the same after every way of logging in (the login form, the session API,
 * an accepted invitation that created an account). Opening a session drops the visitor's
 * double-submit CSRF cookie: from then on the session's own token protects the forms.
 */
export function sessionCookie(settings: SessionSettings) {
  const names = cookieNames(settings.cookies);
  return {
    open(res: Response, token: string): void {
      res.cookie(names.session, token, cookieOptions(settings.cookies, { maxAge: settings.sessionHours * 3_600_000 }));
      res.clearCookie(names.csrf, cookieOptions(settings.cookies));
    },
    close(res: Response): void {
      res.clearCookie(names.session, cookieOptions(settings.cookies));
    },
  };
}

/** What the audit log and the session record about the request a login came with. */
export function loginRequestInfo(ctx: { req: Request; requestId: string }): RequestInfo {
  return { requestId: ctx.requestId, ip: ctx.req.ip ?? null, userAgent: ctx.req.get('user-agent') ?? null };
}

/** Only same-site paths are accepted as a place to return to after login. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500 ? value : '/';
}
