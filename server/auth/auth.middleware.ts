import type { RequestHandler } from 'express';
import { AppError } from '../shared/errors';
import { type CookieSettings, cookieNames, cookieOptions } from '../shared/http/cookies';
import { DEFAULT_LOCALE, isLocale, type Translator } from '../shared/i18n';
import type { Locale } from '../shared/http/route';
import { randomToken } from './secrets';
import type { AuthService } from './auth.service';

/**
 * Resolves who is calling (Bearer token or session cookie), the language, the one-time flash
 * message and, for visitors who are not logged in, the double-submit CSRF cookie.
 */
export function createAuthenticate(deps: { authService: AuthService; cookies: CookieSettings; translator: (locale: Locale) => Translator }): RequestHandler {
  const names = cookieNames(deps.cookies);
  return async (req, res, next) => {
    try {
      req.actor = null;
      req.locale = DEFAULT_LOCALE;
      req.t = deps.translator(DEFAULT_LOCALE);
      req.anonymousCsrfToken = null;
      req.flash = null;
      const authorization = req.get('authorization');
      const cookies = (req.cookies ?? {}) as Record<string, string | undefined>;
      if (authorization) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization);
        const actor = match?.[1] ? await deps.authService.authenticateApiToken(match[1]) : null;
        if (!actor) {
          res.set('WWW-Authenticate', 'Bearer realm="datakrav", error="invalid_token"');
          throw new AppError('auth.invalid_token', 401, 'The API token is unknown, revoked or expired.');
        }
        req.actor = actor;
      } else if (cookies[names.session]) {
        req.actor = await deps.authService.authenticateSession(cookies[names.session] as string);
        if (!req.actor) res.clearCookie(names.session, cookieOptions(deps.cookies));
      }

      const langCookie = cookies[names.lang];
      req.locale = req.actor?.locale ?? (isLocale(langCookie) ? langCookie : DEFAULT_LOCALE);
      req.t = deps.translator(req.locale);

      if (!req.actor) {
        const existing = cookies[names.csrf];
        if (existing && /^[A-Za-z0-9_-]{20,100}$/.test(existing)) {
          req.anonymousCsrfToken = existing;
        } else if (req.method === 'GET' && !req.path.startsWith('/api/')) {
          req.anonymousCsrfToken = randomToken();
          res.cookie(names.csrf, req.anonymousCsrfToken, cookieOptions(deps.cookies));
        }
      }

      const flash = cookies[names.flash];
      if (flash) {
        res.clearCookie(names.flash, cookieOptions(deps.cookies));
        try {
          const parsed = JSON.parse(flash) as { kind?: unknown; message?: unknown };
          if (typeof parsed.kind === 'string' && typeof parsed.message === 'string') req.flash = { kind: parsed.kind, message: parsed.message.slice(0, 500) };
        } catch {
          req.flash = null;
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
