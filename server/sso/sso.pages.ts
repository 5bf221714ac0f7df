import type { Request, Response } from 'express';
import type { Actor } from '../auth/actor';
import { loginRequestInfo, safeReturnPath, sessionCookie, type SessionSettings } from '../auth/session-http';
import { MEMBERSHIP_ROLES } from '../organisations/organisations.table';
import { isAppError } from '../shared/errors';
import { formRoute, type FormValues } from '../shared/http/forms';
import { routeFamily, type RouteContext, type RouteDefinition } from '../shared/http/route';
import type { FieldError } from '../shared/errors';
import type { IdentityProvidersService } from './identity-providers.service';
import type { SsoLoginService } from './sso-login.service';
import {
  callbackQuery,
  loginStartQuery,
  mappingParams,
  organisationParams,
  policyFormSchema,
  providerFormSchema,
  providerParams,
  providerSlugParams,
  roleMappingFormSchema,
} from './sso.schemas';
import { identityBody, providerBody, redirectUriOf, roleMappingBody } from './sso.views';

const publicPage = routeFamily({ surface: 'page', access: 'public' });
const page = routeFamily({ surface: 'page', access: 'user' });
const adminPage = routeFamily({ surface: 'page', access: 'admin' });

/** The browser's copy of a login's state; the callback must bring the same value back. */
const STATE_COOKIE = 'dk_sso_state';
const STATE_COOKIE_MS = 10 * 60 * 1000;

export type SsoPagesDeps = SessionSettings & {
  identityProviders: IdentityProvidersService;
  ssoLogin: SsoLoginService;
  publicUrl: (ctx: { req: Request }) => string;
};

type AnyContext = RouteContext<unknown, unknown, unknown, 'public' | 'user' | 'admin'>;

export function ssoPages(deps: SsoPagesDeps): RouteDefinition[] {
  const { identityProviders: providers, ssoLogin } = deps;
  const session = sessionCookie(deps);
  const stateCookieName = deps.cookies.secure ? `__Secure-${STATE_COOKIE}` : STATE_COOKIE;
  // Lax, so the cookie comes back with the provider's top-level redirect to the callback.
  const stateCookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: deps.cookies.secure, path: '/auth/oidc' };

  /** A login that could not go on: the reason in the user's language, a way back to the login page. */
  function showLoginError(ctx: Pick<AnyContext, 'render' | 't'>, error: unknown): void {
    if (!isAppError(error) || error.internal) throw error;
    const key = `errors.codes.${error.code}`;
    const translated = ctx.t(key);
    ctx.render('sso/error', { title: ctx.t('sso.error.title'), message: translated === key ? error.message : translated, layoutPlain: true }, error.status);
  }

  async function showProviders(ctx: RouteContext<unknown, unknown, unknown, 'admin'>, extra: { values?: FormValues; formErrors?: FieldError[] } = {}, status = 200) {
    const [list, organisations] = await Promise.all([providers.list(ctx.actor), providers.organisationChoices(ctx.actor)]);
    const names = new Map(organisations.map((o) => [o.id, o.name]));
    ctx.render(
      'sso/providers',
      {
        title: ctx.t('sso.admin.title'),
        providers: list.map((p) => ({ ...providerBody(p, deps.publicUrl(ctx)), organisationName: p.organisationId ? (names.get(p.organisationId) ?? '') : (p.organisationRef ?? '') })),
        organisations,
        values: extra.values ?? { scopes: 'openid email profile', roleClaim: 'groups', enabled: 'on' },
        formErrors: extra.formErrors,
        callbackExample: redirectUriOf(deps.publicUrl(ctx), '<short-name>'),
      },
      status,
    );
  }

  async function showProvider(ctx: RouteContext<{ providerId: string }, unknown, unknown, 'admin'>, extra: { values?: FormValues; formErrors?: FieldError[] } = {}, status = 200) {
    const [provider, organisations] = await Promise.all([providers.get(ctx.actor, ctx.params.providerId), providers.organisationChoices(ctx.actor)]);
    const body = providerBody(provider, deps.publicUrl(ctx));
    const values = extra.values ?? { ...body, jitAllowed: body.jitAllowed ? 'on' : '', useUserinfo: body.useUserinfo ? 'on' : '', enabled: body.enabled ? 'on' : '' };
    ctx.render('sso/provider', { title: provider.displayName, provider: body, organisations, values, formErrors: extra.formErrors, readOnly: provider.source === 'environment' }, status);
  }

  async function showOrganisation(ctx: RouteContext<{ orgId: string }, unknown, unknown, 'user'>, extra: { values?: FormValues; formErrors?: FieldError[] } = {}, status = 200) {
    const settings = await providers.organisationSettings(ctx.actor, ctx.params.orgId);
    const organisationName = ctx.actor.memberships.find((m) => m.organisationId === ctx.params.orgId)?.organisationName ?? '';
    ctx.render(
      'sso/organisation',
      {
        title: ctx.t('sso.organisation.title', { name: organisationName }),
        orgId: ctx.params.orgId,
        organisationName,
        requireSso: settings.requireSso,
        providers: settings.providers.map((p) => ({ displayName: p.displayName, roleClaim: p.roleClaim })),
        mappings: settings.roleMappings.map(roleMappingBody),
        roles: MEMBERSHIP_ROLES,
        values: extra.values ?? {},
        formErrors: extra.formErrors,
      },
      status,
    );
  }

  function startLogin(res: Response, state: string): void {
    res.cookie(stateCookieName, state, { ...stateCookieOptions, maxAge: STATE_COOKIE_MS });
  }

  const formProblemsOf = (error: unknown) => (isAppError(error) && error.status < 500 ? { errors: error.errors.length ? error.errors : [{ path: error.code, message: error.message }], status: error.status } : null);

  return [
    publicPage({
      method: 'get',
      path: '/auth/oidc/:slug/login',
      summary: 'Log in through an identity provider: sends the browser there',
      params: providerSlugParams,
      query: loginStartQuery,
      handler: async (ctx) => {
        try {
          const { authorizationUrl, state } = await ssoLogin.begin(ctx.params.slug, {
            redirectUri: redirectUriOf(deps.publicUrl(ctx), ctx.params.slug),
            returnTo: safeReturnPath(ctx.query.returnTo),
            linkUserId: null,
          });
          startLogin(ctx.res, state);
          ctx.res.redirect(303, authorizationUrl);
        } catch (error) {
          showLoginError(ctx, error);
        }
      },
    }),
    publicPage({
      method: 'get',
      path: '/auth/oidc/:slug/callback',
      summary: 'The identity provider’s answer: opens the session or links the account',
      params: providerSlugParams,
      query: callbackQuery,
      handler: async (ctx) => {
        const browserState: unknown = ctx.req.cookies?.[stateCookieName];
        ctx.res.clearCookie(stateCookieName, stateCookieOptions);
        try {
          const result = await ssoLogin.complete(
            ctx.params.slug,
            {
              query: ctx.query,
              browserState: typeof browserState === 'string' ? browserState : null,
              redirectUri: redirectUriOf(deps.publicUrl(ctx), ctx.params.slug),
              currentUserId: ctx.actor?.userId ?? null,
            },
            loginRequestInfo(ctx),
          );
          if (result.kind === 'linked') return ctx.redirect('/account/identities', { kind: 'success', message: ctx.t('sso.linked', { name: result.providerName }) });
          session.open(ctx.res, result.token);
          ctx.redirect(result.hasRole ? safeReturnPath(result.returnTo) : '/auth/oidc/no-role');
        } catch (error) {
          showLoginError(ctx, error);
        }
      },
    }),
    page({
      method: 'post',
      path: '/auth/oidc/:slug/link',
      summary: 'Link my account to an identity provider',
      bodyType: 'form',
      params: providerSlugParams,
      handler: async (ctx) => {
        try {
          const { authorizationUrl, state } = await ssoLogin.begin(ctx.params.slug, { redirectUri: redirectUriOf(deps.publicUrl(ctx), ctx.params.slug), returnTo: '/account/identities', linkUserId: ctx.actor.userId });
          startLogin(ctx.res, state);
          // A page that moves on by itself: the form's CSP (form-action 'self') would block a redirect to the provider.
          ctx.render('auth/continue', { title: ctx.t('sso.identities.title'), message: ctx.t('sso.identities.continue'), refreshTo: authorizationUrl, layoutPlain: true });
        } catch (error) {
          showLoginError(ctx, error);
        }
      },
    }),
    page({
      method: 'get',
      path: '/auth/oidc/no-role',
      summary: 'Logged in, but without a role: ask the organisation’s owner',
      handler: (ctx) => ctx.render('sso/no-role', { title: ctx.t('sso.noRole.title'), organisations: ctx.actor.memberships }),
    }),
    page({
      method: 'get',
      path: '/account/identities',
      summary: 'Identity provider accounts linked to mine, and the providers to link',
      handler: async (ctx) => {
        const [identities, available] = await Promise.all([providers.identities(ctx.actor), providers.loginProviders()]);
        ctx.render('sso/identities', { title: ctx.t('sso.identities.title'), nav: 'account', identities: identities.map(identityBody), providers: available.map((p) => ({ slug: p.slug, displayName: p.displayName })) });
      },
    }),
    adminPage({
      method: 'get',
      path: '/admin/identity-providers',
      summary: 'Identity providers: list and add',
      handler: (ctx) => showProviders(ctx),
    }),
    formRoute({
      path: '/admin/identity-providers',
      summary: 'Add an identity provider',
      access: 'admin',
      body: providerFormSchema,
      rerender: (ctx, { formErrors, values }, status) => showProviders(ctx, { values, formErrors }, status),
      problems: formProblemsOf,
      run: async (ctx) => {
        const created = await providers.create(ctx.actor, ctx.body, ctx.audit);
        return { to: `/admin/identity-providers/${created.id}`, flash: { kind: 'success', message: ctx.t('sso.admin.created') } };
      },
    }),
    adminPage({
      method: 'get',
      path: '/admin/identity-providers/:providerId',
      summary: 'An identity provider: its settings',
      params: providerParams,
      handler: (ctx) => showProvider(ctx),
    }),
    formRoute({
      path: '/admin/identity-providers/:providerId',
      summary: 'Change an identity provider',
      access: 'admin',
      params: providerParams,
      body: providerFormSchema,
      rerender: (ctx, { formErrors, values }, status) => showProvider(ctx, { values, formErrors }, status),
      problems: formProblemsOf,
      run: async (ctx) => {
        const { clientSecret, ...rest } = ctx.body;
        await providers.update(ctx.actor, ctx.params.providerId, { ...rest, ...(clientSecret ? { clientSecret } : {}) }, ctx.audit);
        return { to: `/admin/identity-providers/${ctx.params.providerId}`, flash: { kind: 'success', message: ctx.t('sso.admin.saved') } };
      },
    }),
    adminPage({
      method: 'post',
      path: '/admin/identity-providers/:providerId/delete',
      summary: 'Remove an identity provider',
      bodyType: 'form',
      params: providerParams,
      handler: async (ctx) => {
        await providers.remove(ctx.actor, ctx.params.providerId, ctx.audit);
        ctx.redirect('/admin/identity-providers', { kind: 'success', message: ctx.t('sso.admin.removed') });
      },
    }),
    page({
      method: 'get',
      path: '/organisations/:orgId/sso',
      summary: 'An organisation’s single sign-on: role mappings and policy',
      params: organisationParams,
      handler: (ctx) => showOrganisation(ctx),
    }),
    formRoute({
      path: '/organisations/:orgId/sso/role-mappings',
      summary: 'Map a claim value to a role',
      access: 'user',
      params: organisationParams,
      body: roleMappingFormSchema,
      rerender: (ctx, { formErrors, values }, status) => showOrganisation(ctx, { values, formErrors }, status),
      problems: formProblemsOf,
      run: async (ctx) => {
        await providers.addRoleMapping(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit);
        return { to: `/organisations/${ctx.params.orgId}/sso`, flash: { kind: 'success', message: ctx.t('sso.organisation.mappingAdded') } };
      },
    }),
    page({
      method: 'post',
      path: '/organisations/:orgId/sso/role-mappings/:mappingId/delete',
      summary: 'Remove a claim-to-role mapping',
      bodyType: 'form',
      params: mappingParams,
      handler: async (ctx) => {
        await providers.removeRoleMapping(ctx.actor, ctx.params.orgId, ctx.params.mappingId, ctx.audit);
        ctx.redirect(`/organisations/${ctx.params.orgId}/sso`, { kind: 'success', message: ctx.t('sso.organisation.mappingRemoved') });
      },
    }),
    formRoute({
      path: '/organisations/:orgId/sso/policy',
      summary: 'Require single sign-on for the organisation’s members',
      access: 'user',
      params: organisationParams,
      body: policyFormSchema,
      rerender: (ctx, { formErrors, values }, status) => showOrganisation(ctx, { values, formErrors }, status),
      problems: formProblemsOf,
      run: async (ctx) => {
        await providers.setRequireSso(ctx.actor, ctx.params.orgId, ctx.body.requireSso, ctx.audit);
        return { to: `/organisations/${ctx.params.orgId}/sso`, flash: { kind: 'success', message: ctx.t('sso.organisation.policySaved') } };
      },
    }),
  ];
}

/** For the logout page: where the provider ends its own session, if the session came from one. */
export function providerLogout(ssoLogin: SsoLoginService, publicUrl: (ctx: { req: Request }) => string) {
  return (actor: Actor, ctx: { req: Request }) => (actor.sessionId ? ssoLogin.endSessionUrl(actor.sessionId, `${publicUrl(ctx)}/login`) : Promise.resolve(null));
}
