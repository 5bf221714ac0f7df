import type { AuditContext } from '../auth/actor';
import type { AuthRepository } from '../auth/auth.repository';
import type { AuthService, RequestInfo } from '../auth/auth.service';
import { safeEqual, sha256 } from '../auth/secrets';
import type { UserRow } from '../auth/users.table';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../organisations/organisations.table';
import { AppError, isAppError } from '../shared/errors';
import type { IdentityProvidersService, Provider } from './identity-providers.service';
import { openidClient, type OpenidConfiguration } from './openid';
import {
  accountDisabled,
  emailTaken,
  identityLinkedElsewhere,
  linkSessionChanged,
  loginExpired,
  loginStateMismatch,
  noAccount,
  providerRefused,
  providerUnavailable,
  tokenRejected,
} from './sso.errors';
import type { SsoRepository } from './sso.repository';

const ATTEMPT_LIFETIME_MS = 10 * 60 * 1000;
const DISCOVERY_LIFETIME_MS = 10 * 60 * 1000;
const PROVIDER_TIMEOUT_SECONDS = 10;
/** SSO accounts have no password: this is no argon2 hash, so every password check fails. */
const NO_PASSWORD = '!sso';

export type SsoLoginDeps = {
  db: Database;
  ssoRepository: SsoRepository;
  authRepository: AuthRepository;
  organisationsRepository: OrganisationsRepository;
  auditRepository: AuditRepository;
  providers: IdentityProvidersService;
  openSession: AuthService['openSession'];
  now?: () => Date;
};

export type Claims = Record<string, unknown>;

export type CallbackResult =
  | { kind: 'login'; token: string; returnTo: string; organisationName: string | null; hasRole: boolean }
  | { kind: 'linked'; returnTo: string; providerName: string };

/** The values of a claim, by name or dotted path (`realm_access.roles` in Keycloak). */
export function claimValues(claims: Claims, name: string): string[] {
  let value: unknown = claims;
  for (const part of name.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The strongest of the roles the claims map to: owner, then editor, assessor, viewer. */
export function strongestRole(roles: MembershipRole[]): MembershipRole | null {
  return MEMBERSHIP_ROLES.find((r) => roles.includes(r)) ?? null;
}

function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || (error instanceof TypeError && /fetch failed/i.test(error.message));
}

/** What the audit log says about a refused answer: the library's code, never a token. */
function rejectionReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const code = (error as { code?: unknown }).code;
  const label = typeof code === 'string' ? code : error.name;
  return `${label}: ${error.message}`.slice(0, 300);
}

/**
 * Logging in through an OpenID Connect provider: the authorization code flow with PKCE, state
 * and nonce, through openid-client, which checks the ID token's signature, issuer, audience,
 * expiry and nonce. Accounts are matched by issuer and subject; roles follow the claims.
 */
export function createSsoLoginService(deps: SsoLoginDeps) {
  const { db, ssoRepository: repo, authRepository: users, organisationsRepository: orgs, auditRepository: audit, providers } = deps;
  const now = deps.now ?? (() => new Date());
  const configurations = new Map<string, { configuration: OpenidConfiguration; fetchedAt: number }>();

  async function configurationFor(provider: Provider): Promise<OpenidConfiguration> {
    const key = `${provider.slug}|${provider.revision}`;
    const cached = configurations.get(key);
    if (cached && Date.now() - cached.fetchedAt < DISCOVERY_LIFETIME_MS) return cached.configuration;
    const oidc = await openidClient();
    const issuer = new URL(provider.issuer);
    // The application's clock may differ from the machine's (tests move it); the library compares
    // token times with its own, shifted by this many seconds.
    const skew = Math.round((now().getTime() - Date.now()) / 1000);
    try {
      const configuration = await oidc.discovery(
        issuer,
        provider.clientId,
        { ...(provider.clientSecret ? { client_secret: provider.clientSecret } : {}), [oidc.clockSkew]: skew },
        provider.clientSecret ? undefined : oidc.None(),
        {
          // By default an ID token received straight from the token endpoint is trusted on TLS
          // alone (OpenID Connect Core 3.1.3.7); checking its signature against the provider's
          // keys as well catches a token signed by anyone else.
          execute: [oidc.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])],
          timeout: PROVIDER_TIMEOUT_SECONDS,
        },
      );
      configurations.set(key, { configuration, fetchedAt: Date.now() });
      return configuration;
    } catch (error) {
      throw providerUnavailable(error);
    }
  }

  async function recordFailure(slug: string, reason: string, info: RequestInfo, actorUserId: string | null = null): Promise<void> {
    await audit.record(db, { actorUserId, actorEmail: null, requestId: info.requestId, ip: info.ip }, {
      organisationId: null,
      action: 'auth.sso_login_failed',
      entityType: 'identity_provider',
      entityId: slug,
      after: { reason },
    });
  }

  /** Makes the user's role in the provider's organisation what the claims say, audited. */
  async function applyRoleMappings(tx: Database, user: UserRow, organisationId: string, claims: Claims, claimName: string, context: AuditContext): Promise<void> {
    const mappings = await repo.roleMappings(tx, organisationId);
    // Without mappings the owner manages members by hand; the claims change nothing.
    if (mappings.length === 0) return;
    const values = claimValues(claims, claimName);
    const matched = mappings.filter((m) => values.includes(m.claimValue));
    const desired = strongestRole(matched.map((m) => m.role));
    await orgs.lockMemberships(tx, organisationId);
    const current = await orgs.findMembership(tx, organisationId, user.id);
    const source = { source: 'sso', claim: claimName, values: matched.map((m) => m.claimValue) };
    const entry = { organisationId, entityType: 'membership', entityId: user.id };
    if (current?.role === desired) return;
    // An organisation always keeps an owner: the last one stays until another owner exists.
    if (current?.role === 'owner' && (await orgs.countOwners(tx, organisationId)) <= 1) return;
    if (desired && !current) {
      await orgs.insertMembership(tx, { organisationId, userId: user.id, role: desired });
      await audit.record(tx, context, { ...entry, action: 'membership.created', after: { role: desired, ...source } });
    } else if (desired && current) {
      // A concurrent change of the membership wins; the next login applies the claims again.
      if (!(await orgs.updateMembershipRole(tx, organisationId, user.id, current.version, desired))) return;
      await audit.record(tx, context, { ...entry, action: 'membership.role_changed', before: { role: current.role }, after: { role: desired, ...source } });
    } else if (current) {
      await orgs.deleteMembership(tx, organisationId, user.id);
      await audit.record(tx, context, { ...entry, action: 'membership.removed', before: { role: current.role }, after: { role: null, ...source } });
    }
  }

  function displayNameOf(claims: Claims): string {
    const pick = (k: string) => (typeof claims[k] === 'string' && (claims[k] as string).trim() ? (claims[k] as string).trim() : null);
    const given = [pick('given_name'), pick('family_name')].filter(Boolean).join(' ');
    return (pick('name') ?? (given || null) ?? pick('preferred_username') ?? pick('email') ?? 'SSO').slice(0, 200);
  }

  /** The e-mail a new account gets; ID-porten sends none, so the subject stands in for it. */
  function emailOf(claims: Claims, issuer: string, subject: string): string {
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (/^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 254) return email;
    return `${sha256(`${issuer}|${subject}`).slice(0, 24)}@${new URL(issuer).hostname}.invalid`;
  }

  async function findOrCreateUser(provider: Provider & { organisationId: string }, claims: Claims, issuer: string, subject: string, info: RequestInfo): Promise<UserRow> {
    const identity = await repo.findIdentity(db, issuer, subject);
    if (identity) {
      const user = await users.findUserById(db, identity.userId);
      if (!user || user.disabledAt) throw accountDisabled();
      await repo.markIdentityUsed(db, identity.id, now());
      return user;
    }
    if (!provider.jitAllowed) throw noAccount();
    const email = emailOf(claims, issuer, subject);
    if (await users.findUserByEmail(db, email)) throw emailTaken();
    return db.transaction(async (tx) => {
      const user = await users.insertUser(tx, { email, name: displayNameOf(claims), passwordHash: NO_PASSWORD });
      await repo.insertIdentity(tx, { userId: user.id, issuer, subject, lastLoginAt: now() });
      await audit.record(tx, { actorUserId: user.id, actorEmail: user.email, requestId: info.requestId, ip: info.ip }, {
        organisationId: provider.organisationId,
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        after: { email: user.email, name: user.name, provider: provider.slug, issuer, subject },
      });
      return user;
    });
  }

  async function completeFlow(
    slug: string,
    input: { query: Record<string, string | undefined>; browserState: string | null; redirectUri: string; currentUserId: string | null },
    info: RequestInfo,
  ): Promise<CallbackResult> {
    const state = input.query.state;
    if (!state || !input.browserState || !safeEqual(state, input.browserState)) throw loginStateMismatch();
    const attempt = await repo.takeLoginAttempt(db, sha256(state));
    if (!attempt || attempt.providerSlug !== slug || attempt.expiresAt.getTime() < now().getTime()) throw loginExpired();
    if (input.query.error) throw providerRefused(input.query.error);
    const provider = await providers.forLogin(slug);
    const configuration = await configurationFor(provider);
    const oidc = await openidClient();

    const callbackUrl = new URL(input.redirectUri);
    for (const [key, value] of Object.entries(input.query)) if (value !== undefined) callbackUrl.searchParams.set(key, value);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (isNetworkFailure(error)) throw providerUnavailable(error);
      throw tokenRejected(rejectionReason(error), error);
    }
    const idClaims = tokens.claims();
    if (!idClaims || !tokens.id_token) throw tokenRejected('no ID token', null);
    let claims: Claims = { ...idClaims };
    if (provider.useUserinfo) {
      try {
        const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...userinfo, ...idClaims };
      } catch (error) {
        if (isNetworkFailure(error)) throw providerUnavailable(error);
        throw tokenRejected(rejectionReason(error), error);
      }
    }
    const issuer = idClaims.iss;
    const subject = idClaims.sub;

    if (attempt.linkUserId) {
      if (input.currentUserId !== attempt.linkUserId) throw linkSessionChanged();
      const linkUserId = attempt.linkUserId;
      const existing = await repo.findIdentity(db, issuer, subject);
      if (existing && existing.userId !== linkUserId) throw identityLinkedElsewhere();
      if (!existing) {
        const user = await users.findUserById(db, linkUserId);
        await db.transaction(async (tx) => {
          const identity = await repo.insertIdentity(tx, { userId: linkUserId, issuer, subject, lastLoginAt: null });
          await audit.record(tx, { actorUserId: linkUserId, actorEmail: user?.email ?? null, requestId: info.requestId, ip: info.ip }, {
            organisationId: provider.organisationId,
            action: 'user.identity_linked',
            entityType: 'user_identity',
            entityId: identity.id,
            after: { provider: provider.slug, issuer, subject },
          });
        });
      }
      return { kind: 'linked', returnTo: attempt.returnTo, providerName: provider.displayName };
    }

    const user = await findOrCreateUser(provider, claims, issuer, subject, info);
    const context: AuditContext = { actorUserId: user.id, actorEmail: user.email, requestId: info.requestId, ip: info.ip };
    await db.transaction((tx) => applyRoleMappings(tx, user, provider.organisationId, claims, provider.roleClaim, context));
    const opened = await deps.openSession(user, info, { method: 'oidc', provider: provider.slug });
    await repo.insertSsoSession(db, { sessionId: opened.session.id, providerSlug: provider.slug, idToken: tokens.id_token });
    const membership = opened.actor.memberships.find((m) => m.organisationId === provider.organisationId);
    const organisationName = (await repo.findOrganisation(db, provider.organisationId))?.name ?? null;
    return { kind: 'login', token: opened.token, returnTo: attempt.returnTo, organisationName, hasRole: Boolean(membership) || user.isAdmin };
  }

  return {
    /** Starts a login (or a link, for a logged-in user): where to send the browser, and the state to keep. */
    async begin(slug: string, input: { redirectUri: string; returnTo: string; linkUserId: string | null }): Promise<{ authorizationUrl: string; state: string }> {
      const provider = await providers.forLogin(slug);
      const configuration = await configurationFor(provider);
      const oidc = await openidClient();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      await repo.deleteExpiredLoginAttempts(db, now());
      await repo.insertLoginAttempt(db, {
        stateHash: sha256(state),
        providerSlug: slug,
        nonce,
        codeVerifier,
        returnTo: input.returnTo,
        linkUserId: input.linkUserId,
        expiresAt: new Date(now().getTime() + ATTEMPT_LIFETIME_MS),
      });
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: input.redirectUri,
        scope: provider.scopes,
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { authorizationUrl: url.href, state };
    },

    /**
     * The provider's answer. The state must be the one this browser started with and is used
     * once; openid-client redeems the code and validates the ID token. Every refusal is audited.
     */
    async complete(
      slug: string,
      input: { query: Record<string, string | undefined>; browserState: string | null; redirectUri: string; currentUserId: string | null },
      info: RequestInfo,
    ): Promise<CallbackResult> {
      try {
        return await completeFlow(slug, input, info);
      } catch (error) {
        if (isAppError(error)) {
          const reason = typeof error.extensions.reason === 'string' ? `${error.code} (${error.extensions.reason})` : error.code;
          await recordFailure(slug, reason, info, input.currentUserId);
        }
        throw error;
      }
    },

    /**
     * Where to send the browser after the local session ends: the provider's end-session
     * endpoint when it has one (RP-initiated logout), else nowhere. Read before the session goes.
     */
    async endSessionUrl(sessionId: string, postLogoutRedirectUri: string): Promise<string | null> {
      const stored = await repo.findSsoSession(db, sessionId);
      if (!stored) return null;
      try {
        const provider = await providers.forLogin(stored.providerSlug);
        const configuration = await configurationFor(provider);
        if (!configuration.serverMetadata().end_session_endpoint) return null;
        const oidc = await openidClient();
        return oidc.buildEndSessionUrl(configuration, { id_token_hint: stored.idToken, post_logout_redirect_uri: postLogoutRedirectUri }).href;
      } catch (error) {
        // The local session ends whatever the provider says; an unreachable provider only skips its logout.
        if (error instanceof AppError) return null;
        throw error;
      }
    },
  };
}

export type SsoLoginService = ReturnType<typeof createSsoLoginService>;
