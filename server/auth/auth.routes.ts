import { z } from 'zod';
import type { Services } from '../services';
import { isAppError } from '../shared/errors';
import { type CookieSettings, cookieNames, cookieOptions } from '../shared/http/cookies';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import type { Actor } from './actor';
import { apiTokenCreateSchema, apiTokenSchema, localeSchema, loginFormSchema, loginSchema, passwordChangeSchema, sessionResponseSchema } from './auth.schemas';
import type { ApiTokenRow, SessionRow } from './sessions.table';

/** Only same-site paths are accepted as a place to return to after login. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500 ? value : '/';
}

function sessionBody(actor: Actor, session: Pick<SessionRow, 'expiresAt'> | null) {
  return {
    user: { id: actor.userId, email: actor.email, name: actor.name, isAdmin: actor.isAdmin, locale: actor.locale },
    memberships: actor.memberships.map((m) => ({ organisationId: m.organisationId, organisationName: m.organisationName, kind: m.kind, role: m.role })),
    csrfToken: actor.csrfToken,
    expiresAt: session?.expiresAt.toISOString() ?? null,
  };
}

function tokenBody(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

const tokenParams = z.strictObject({ tokenId: z.uuid('must be a token id') });
const passwordFormSchema = passwordChangeSchema.extend({ confirmPassword: z.string().max(200) }).refine((v) => v.newPassword === v.confirmPassword, {
  path: ['confirmPassword'],
  message: 'does not match the new password',
});
const languageFormSchema = z.object({ lang: localeSchema, returnTo: z.string().max(500).optional() });
const switchFormSchema = z.object({ organisationId: z.uuid('must be an organisation id'), returnTo: z.string().max(500).optional() });

export function authRoutes(services: Services, cookies: CookieSettings, sessionHours: number): RouteDefinition[] {
  const names = cookieNames(cookies);
  const requestInfo = (ctx: RouteContext<unknown, unknown, unknown, 'public'>) => ({ requestId: ctx.requestId, ip: ctx.req.ip ?? null, userAgent: ctx.req.get('user-agent') ?? null });
  const setSessionCookie = (ctx: RouteContext<unknown, unknown, unknown, 'public'>, token: string) => {
    ctx.res.cookie(names.session, token, cookieOptions(cookies, { maxAge: sessionHours * 3_600_000 }));
    ctx.res.clearCookie(names.csrf, cookieOptions(cookies));
  };

  async function renderAccount(ctx: RouteContext<unknown, unknown, unknown, 'user'>, extra: Record<string, unknown> = {}, status = 200) {
    const tokens = await services.auth.listApiTokens(ctx.actor);
    ctx.render('account/show', { title: ctx.t('account.title'), nav: 'account', tokens: tokens.map(tokenBody), ...extra }, status);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/login',
      surface: 'page',
      access: 'public',
      summary: 'Login page',
      query: z.object({ returnTo: z.string().max(500).optional() }),
      handler: (ctx) => {
        if (ctx.actor) return ctx.redirect(safeReturnPath(ctx.query.returnTo));
        ctx.render('auth/login', { title: ctx.t('auth.login.title'), returnTo: safeReturnPath(ctx.query.returnTo), layoutPlain: true });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/login',
      surface: 'page',
      access: 'public',
      summary: 'Log in with email and password',
      bodyType: 'form',
      body: loginFormSchema.omit({ _csrf: true }),
      onInvalid: (ctx) => ctx.render('auth/login', { title: ctx.t('auth.login.title'), error: ctx.t('auth.login.failed'), layoutPlain: true }, 400),
      handler: async (ctx) => {
        const returnTo = safeReturnPath(ctx.body.returnTo);
        try {
          const { token } = await services.auth.login(ctx.body, requestInfo(ctx));
          setSessionCookie(ctx, token);
          ctx.redirect(returnTo);
        } catch (error) {
          if (isAppError(error) && (error.code === 'auth.invalid_credentials' || error.code === 'auth.too_many_attempts')) {
            const message = error.code === 'auth.too_many_attempts' ? ctx.t('auth.login.tooMany') : ctx.t('auth.login.failed');
            return ctx.render('auth/login', { title: ctx.t('auth.login.title'), error: message, email: ctx.body.email, returnTo, layoutPlain: true }, error.status);
          }
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/logout',
      surface: 'page',
      access: 'user',
      summary: 'Log out',
      bodyType: 'form',
      handler: async (ctx) => {
        await services.auth.logout(ctx.actor, ctx.audit);
        ctx.res.clearCookie(names.session, cookieOptions(cookies));
        ctx.redirect('/login', { kind: 'info', message: ctx.t('auth.loggedOut') });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/language',
      surface: 'page',
      access: 'public',
      summary: 'Choose the interface language',
      bodyType: 'form',
      body: languageFormSchema,
      handler: async (ctx) => {
        if (ctx.actor) await services.auth.setLocale(ctx.actor, ctx.body.lang, ctx.audit);
        ctx.res.cookie(names.lang, ctx.body.lang, cookieOptions(cookies, { maxAge: 365 * 86_400_000 }));
        ctx.redirect(safeReturnPath(ctx.body.returnTo));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/session/organisation',
      surface: 'page',
      access: 'user',
      summary: 'Choose the organisation to work in',
      bodyType: 'form',
      body: switchFormSchema,
      handler: async (ctx) => {
        await services.auth.switchOrganisation(ctx.actor, ctx.body.organisationId);
        ctx.redirect(safeReturnPath(ctx.body.returnTo));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/account',
      surface: 'page',
      access: 'user',
      summary: 'Account page: password, language and API tokens',
      handler: (ctx) => renderAccount(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/account/password',
      surface: 'page',
      access: 'user',
      summary: 'Change password',
      bodyType: 'form',
      body: passwordFormSchema,
      onInvalid: (ctx, errors) => renderAccount(ctx, { passwordErrors: errors }, 400),
      handler: async (ctx) => {
        try {
          await services.auth.changePassword(ctx.actor, ctx.body, ctx.audit);
        } catch (error) {
          if (isAppError(error) && error.code === 'auth.wrong_current_password') return renderAccount(ctx, { passwordErrors: error.errors }, 400);
          throw error;
        }
        ctx.redirect('/account', { kind: 'success', message: ctx.t('account.passwordChanged') });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/account/tokens',
      surface: 'page',
      access: 'user',
      summary: 'Create a personal API token',
      bodyType: 'form',
      body: apiTokenCreateSchema.extend({ expiresInDays: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(365).optional()) }),
      onInvalid: (ctx, errors) => renderAccount(ctx, { tokenErrors: errors }, 400),
      handler: async (ctx) => {
        const { token, row } = await services.auth.createApiToken(ctx.actor, ctx.body, ctx.audit);
        await renderAccount(ctx, { newToken: { value: token, name: row.name } }, 201);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/account/tokens/:tokenId/revoke',
      surface: 'page',
      access: 'user',
      summary: 'Revoke a personal API token',
      bodyType: 'form',
      params: tokenParams,
      handler: async (ctx) => {
        await services.auth.revokeApiToken(ctx.actor, ctx.params.tokenId, ctx.audit);
        ctx.redirect('/account', { kind: 'success', message: ctx.t('account.tokenRevoked') });
      },
    }),

    defineRoute({
      method: 'post',
      path: '/api/session',
      surface: 'api',
      access: 'public',
      csrf: false,
      summary: 'Log in and receive a session cookie',
      description:
        'For API clients that use cookies. The answer carries the CSRF token that every later state-changing request with this cookie must send in the X-CSRF-Token header. Scripts can use a personal API token instead.',
      tags: ['Session'],
      body: loginSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Logged in; the session cookie is set', schema: sessionResponseSchema }],
      handler: async (ctx) => {
        const { token, session, actor } = await services.auth.login(ctx.body, requestInfo(ctx));
        setSessionCookie(ctx, token);
        return sessionBody(actor, session);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/session',
      surface: 'api',
      access: 'user',
      summary: 'Who am I',
      tags: ['Session'],
      responses: [{ status: 200, description: 'The current user and memberships', schema: sessionResponseSchema }],
      handler: (ctx) => sessionBody(ctx.actor, null),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/session',
      surface: 'api',
      access: 'user',
      summary: 'Log out',
      tags: ['Session'],
      successStatus: 204,
      responses: [{ status: 204, description: 'Logged out' }],
      handler: async (ctx) => {
        await services.auth.logout(ctx.actor, ctx.audit);
        ctx.res.clearCookie(names.session, cookieOptions(cookies));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/me/password',
      surface: 'api',
      access: 'user',
      summary: 'Change my password',
      description: 'Ends every other session of the user.',
      tags: ['Session'],
      body: passwordChangeSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Password changed' }],
      handler: async (ctx) => {
        await services.auth.changePassword(ctx.actor, ctx.body, ctx.audit);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/tokens',
      surface: 'api',
      access: 'user',
      summary: 'List my API tokens',
      tags: ['Session'],
      responses: [{ status: 200, description: 'Active tokens (never the token values)', schema: z.object({ items: z.array(apiTokenSchema) }) }],
      handler: async (ctx) => ({ items: (await services.auth.listApiTokens(ctx.actor)).map(tokenBody) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/me/tokens',
      surface: 'api',
      access: 'user',
      summary: 'Create an API token',
      description: 'The token value is in this answer only; it is stored hashed.',
      tags: ['Session'],
      body: apiTokenCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: apiTokenSchema.extend({ token: z.string() }) }],
      handler: async (ctx) => {
        const { token, row } = await services.auth.createApiToken(ctx.actor, ctx.body, ctx.audit);
        return { ...tokenBody(row), token };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/me/tokens/:tokenId',
      surface: 'api',
      access: 'user',
      summary: 'Revoke an API token',
      tags: ['Session'],
      params: tokenParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Revoked' }],
      handler: async (ctx) => {
        await services.auth.revokeApiToken(ctx.actor, ctx.params.tokenId, ctx.audit);
      },
    }),
  ];
}
