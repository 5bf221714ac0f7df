import { isAppError } from '../shared/errors';
import { cookieNames, cookieOptions } from '../shared/http/cookies';
import { formRoute } from '../shared/http/forms';
import { routeFamily, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { apiTokenFormSchema, apiTokenParams, languageFormSchema, loginFormSchema, loginQuerySchema, organisationSwitchFormSchema, passwordFormSchema } from './auth.schemas';
import type { AuthService } from './auth.service';
import { tokenBody } from './auth.views';
import { loginRequestInfo, safeReturnPath, sessionCookie, type SessionSettings } from './session-http';
import type { Actor } from './actor';
import type { Request } from 'express';

/**
 * Other ways of logging in (single sign-on, `server/sso/`): the login page's buttons, and where a
 * logout sends the browser so the provider ends its session too.
 */
export type ExternalLogins = {
  buttons: (returnTo: string) => Promise<{ displayName: string; loginUrl: string }[]>;
  logoutUrl: (actor: Actor, ctx: { req: Request }) => Promise<string | null>;
};

const page = routeFamily({ surface: 'page', access: 'user' });
const publicPage = routeFamily({ surface: 'page', access: 'public' });

/** The language cookie outlives sessions: a visitor's choice is remembered for a year. */
const LANGUAGE_COOKIE_MS = 365 * 86_400_000;

/** The login and logout pages, the language and organisation choosers, and the account page. */
export function authPages(deps: SessionSettings & { auth: AuthService; externalLogins?: ExternalLogins | undefined }): RouteDefinition[] {
  const { auth } = deps;
  const loginButtons = (returnTo: string) => deps.externalLogins?.buttons(returnTo) ?? Promise.resolve([]);
  const session = sessionCookie(deps);
  const names = cookieNames(deps.cookies);

  async function showAccount(ctx: RouteContext<unknown, unknown, unknown, 'user'>, extra: Record<string, unknown> = {}, status = 200) {
    const tokens = await auth.listApiTokens(ctx.actor);
    ctx.render('account/show', { title: ctx.t('account.title'), nav: 'account', tokens: tokens.map(tokenBody), ...extra }, status);
  }

  return [
    publicPage({
      method: 'get',
      path: '/login',
      summary: 'Login page',
      query: loginQuerySchema,
      handler: async (ctx) => {
        const returnTo = safeReturnPath(ctx.query.returnTo);
        if (ctx.actor) return ctx.redirect(returnTo);
        ctx.render('auth/login', { title: ctx.t('auth.login.title'), returnTo, providers: await loginButtons(returnTo), layoutPlain: true });
      },
    }),
    publicPage({
      method: 'post',
      path: '/login',
      summary: 'Log in with email and password',
      bodyType: 'form',
      body: loginFormSchema,
      // Whatever was wrong, the page says only that the login failed: it never tells which part.
      onInvalid: async (ctx) => ctx.render('auth/login', { title: ctx.t('auth.login.title'), error: ctx.t('auth.login.failed'), providers: await loginButtons('/'), layoutPlain: true }, 400),
      handler: async (ctx) => {
        const returnTo = safeReturnPath(ctx.body.returnTo);
        try {
          const { token } = await auth.login(ctx.body, loginRequestInfo(ctx));
          session.open(ctx.res, token);
          ctx.redirect(returnTo);
        } catch (error) {
          if (isAppError(error) && (error.code === 'auth.invalid_credentials' || error.code === 'auth.too_many_attempts' || error.code === 'auth.sso_required')) {
            const message =
              error.code === 'auth.too_many_attempts'
                ? ctx.t('auth.login.tooMany')
                : error.code === 'auth.sso_required'
                  ? ctx.t('auth.login.ssoRequired', { organisation: error.extensions.organisation })
                  : ctx.t('auth.login.failed');
            const providers = await loginButtons(returnTo);
            return ctx.render('auth/login', { title: ctx.t('auth.login.title'), error: message, email: ctx.body.email, returnTo, providers, layoutPlain: true }, error.status);
          }
          throw error;
        }
      },
    }),
    page({
      method: 'post',
      path: '/logout',
      summary: 'Log out',
      bodyType: 'form',
      handler: async (ctx) => {
        // The provider's logout address needs the session's ID token, so it is read before the session ends.
        const providerLogout = (await deps.externalLogins?.logoutUrl(ctx.actor, ctx)) ?? null;
        await auth.logout(ctx.actor, ctx.audit);
        session.close(ctx.res);
        // A page that moves on by itself, not a redirect: the form's CSP (form-action 'self') would
        // block a redirect to the provider's origin.
        if (providerLogout) return ctx.render('auth/continue', { title: ctx.t('auth.continue.logoutTitle'), message: ctx.t('auth.continue.logoutText'), refreshTo: providerLogout, layoutPlain: true });
        ctx.redirect('/login', { kind: 'info', message: ctx.t('auth.loggedOut') });
      },
    }),
    publicPage({
      method: 'post',
      path: '/language',
      summary: 'Choose the interface language',
      bodyType: 'form',
      body: languageFormSchema,
      handler: async (ctx) => {
        if (ctx.actor) await auth.setLocale(ctx.actor, ctx.body.lang, ctx.audit);
        ctx.res.cookie(names.lang, ctx.body.lang, cookieOptions(deps.cookies, { maxAge: LANGUAGE_COOKIE_MS }));
        ctx.redirect(safeReturnPath(ctx.body.returnTo));
      },
    }),
    page({
      method: 'post',
      path: '/session/organisation',
      summary: 'Choose the organisation to work in',
      bodyType: 'form',
      body: organisationSwitchFormSchema,
      handler: async (ctx) => {
        await auth.switchOrganisation(ctx.actor, ctx.body.organisationId);
        ctx.redirect(safeReturnPath(ctx.body.returnTo));
      },
    }),
    page({
      method: 'get',
      path: '/account',
      summary: 'Account page: password, language and API tokens',
      handler: (ctx) => showAccount(ctx),
    }),
    formRoute({
      path: '/account/password',
      summary: 'Change password',
      access: 'user',
      body: passwordFormSchema,
      rerender: (ctx, { formErrors }, status) => showAccount(ctx, { passwordErrors: formErrors }, status),
      problems: (error) => (isAppError(error) && error.code === 'auth.wrong_current_password' ? { errors: error.errors, status: error.status } : null),
      run: async (ctx) => {
        await auth.changePassword(ctx.actor, ctx.body, ctx.audit);
        return { to: '/account', flash: { kind: 'success', message: ctx.t('account.passwordChanged') } };
      },
    }),
    formRoute({
      path: '/account/tokens',
      summary: 'Create a personal API token',
      access: 'user',
      body: apiTokenFormSchema,
      rerender: (ctx, { formErrors }, status) => showAccount(ctx, { tokenErrors: formErrors }, status),
      // Creating a token refuses nothing the form could show; any failure goes to the error page.
      problems: () => null,
      run: async (ctx) => {
        const { token, row } = await auth.createApiToken(ctx.actor, ctx.body, ctx.audit);
        await showAccount(ctx, { newToken: { value: token, name: row.name } }, 201);
        return { shown: true };
      },
    }),
    page({
      method: 'post',
      path: '/account/tokens/:tokenId/revoke',
      summary: 'Revoke a personal API token',
      bodyType: 'form',
      params: apiTokenParams,
      handler: async (ctx) => {
        await auth.revokeApiToken(ctx.actor, ctx.params.tokenId, ctx.audit);
        ctx.redirect('/account', { kind: 'success', message: ctx.t('account.tokenRevoked') });
      },
    }),
  ];
}
