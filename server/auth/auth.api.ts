import { z } from 'zod';
import { defineRoute, routeFamily, type RouteDefinition } from '../shared/http/route';
import { apiTokenCreateSchema, apiTokenParams, apiTokenSchema, loginSchema, passwordChangeSchema, sessionResponseSchema } from './auth.schemas';
import type { AuthService } from './auth.service';
import { sessionBody, tokenBody } from './auth.views';
import { loginRequestInfo, sessionCookie, type SessionSettings } from './session-http';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const TAGS = ['Session'];
const api = routeFamily({ surface: 'api', access: 'user', tags: TAGS });

/** The session API (log in, who am I, log out), the user's password and personal API tokens. */
export function authApi(deps: SessionSettings & { auth: AuthService }): RouteDefinition[] {
  const { auth } = deps;
  const session = sessionCookie(deps);
  return [
    defineRoute({
      method: 'post',
      path: '/api/session',
      surface: 'api',
      access: 'public',
      csrf: false,
      summary: 'Log in and receive a session cookie',
      description:
        'For API clients that use cookies. The answer carries the CSRF token that every later state-changing request with this cookie must send in the X-CSRF-Token header. Scripts can use a personal API token instead.',
      tags: TAGS,
      body: loginSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Logged in; the session cookie is set', schema: sessionResponseSchema }],
      handler: async (ctx) => {
        const { token, session: opened, actor } = await auth.login(ctx.body, loginRequestInfo(ctx));
        session.open(ctx.res, token);
        return sessionBody(actor, opened);
      },
    }),
    api({
      method: 'get',
      path: '/api/session',
      summary: 'Who am I',
      responses: [{ status: 200, description: 'The current user and memberships', schema: sessionResponseSchema }],
      handler: (ctx) => sessionBody(ctx.actor, null),
    }),
    api({
      method: 'delete',
      path: '/api/session',
      summary: 'Log out',
      successStatus: 204,
      responses: [{ status: 204, description: 'Logged out' }],
      handler: async (ctx) => {
        await auth.logout(ctx.actor, ctx.audit);
        session.close(ctx.res);
      },
    }),
    api({
      method: 'put',
      path: '/api/me/password',
      summary: 'Change my password',
      description: 'Ends every other session of the user.',
      body: passwordChangeSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Password changed' }],
      handler: async (ctx) => {
        await auth.changePassword(ctx.actor, ctx.body, ctx.audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/me/tokens',
      summary: 'List my API tokens',
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Active tokens (never the token values)', schema: pagedListSchema(apiTokenSchema) }],
      handler: async (ctx) => pageOf((await auth.listApiTokens(ctx.actor)).map(tokenBody), ctx.query),
    }),
    api({
      method: 'post',
      path: '/api/me/tokens',
      summary: 'Create an API token',
      description: 'The token value is in this answer only; it is stored hashed.',
      body: apiTokenCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: apiTokenSchema.extend({ token: z.string() }) }],
      handler: async (ctx) => {
        const { token, row } = await auth.createApiToken(ctx.actor, ctx.body, ctx.audit);
        return { ...tokenBody(row), token };
      },
    }),
    api({
      method: 'delete',
      path: '/api/me/tokens/:tokenId',
      summary: 'Revoke an API token',
      params: apiTokenParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Revoked' }],
      handler: async (ctx) => {
        await auth.revokeApiToken(ctx.actor, ctx.params.tokenId, ctx.audit);
      },
    }),
  ];
}
