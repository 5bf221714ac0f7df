import { LRUCache } from 'lru-cache';
import type { Database, WriteCounter } from '../db/client';
import type { AuditRepository } from '../audit/audit.repository';
import { notFound } from '../shared/errors';
import type { Actor, ActorMembership, AuditContext } from './actor';
import { auditContextOf, membershipIn } from './actor';
import type { AuthRepository, SessionActorRow } from './auth.repository';
import { apiTokenNotFound, invalidCredentials, ssoRequired, tooManyAttempts, wrongCurrentPassword } from './auth.errors';
import { burnPasswordCheck, generatePassword, hashPassword, randomToken, sha256, verifyPassword } from './secrets';
import type { ApiTokenRow, SessionRow } from './sessions.table';
import type { UserRow } from './users.table';

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const SESSION_TOUCH_INTERVAL_MS = 5 * 60 * 1000;
export const API_TOKEN_PREFIX = 'dk_';

export type AuthServiceDeps = {
  db: Database;
  authRepository: AuthRepository;
  auditRepository: AuditRepository;
  sessionHours: number;
  loginAttemptsPerWindow: number;
  /**
   * The organisation that requires its members to log in through its identity provider, if any
   * of the user's organisations does (`server/sso/`); such users may not log in with a password.
   */
  ssoRequiredFor?: (userId: string) => Promise<{ organisationName: string } | null>;
  now?: () => Date;
  /** The database's write counter (see DatabaseHandle.writes). */
  writes?: WriteCounter;
};

/** Sessions whose row this instance keeps between requests on the embedded database. */
const KEPT_SESSIONS = 10_000;

/** How a session was opened, for the audit log. */
export type LoginMethod = { method: 'password' } | { method: 'oidc'; provider: string };

export type RequestInfo = { requestId: string | null; ip: string | null; userAgent: string | null };

export function createAuthService(deps: AuthServiceDeps) {
  const { db, authRepository: users, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  const sessionLifetimeMs = deps.sessionHours * 60 * 60 * 1000;
  const writes = deps.writes?.exclusive ? deps.writes : null;
  /**
   * On the embedded database, which only this process writes, a session's row with its user and
   * memberships is still what the database holds while no statement that may write has been sent
   * since it was read: a logout, a password change, a disabled user or a changed membership is
   * such a statement, so the next request reads the row again. On PostgreSQL every request reads
   * it, since another instance may have ended the session.
   */
  const keptSessions = writes ? new LRUCache<string, { found: SessionActorRow; generation: number }>({ max: KEPT_SESSIONS }) : null;

  async function sessionActorRow(tokenHash: string, at: Date): Promise<SessionActorRow | undefined> {
    const generation = writes?.generation();
    const kept = keptSessions?.get(tokenHash);
    if (kept && kept.generation === generation) return kept.found.session.expiresAt > at ? kept.found : undefined;
    const found = await users.findSessionActor(db, tokenHash, at);
    if (found && keptSessions && writes?.generation() === generation) keptSessions.set(tokenHash, { found, generation: generation as number });
    return found;
  }

  async function actorFor(user: UserRow, via: Actor['via'], session: SessionRow | null): Promise<Actor> {
    return actorOf(user, await users.membershipsOf(db, user.id), via, session);
  }

  function actorOf(user: UserRow, memberships: ActorMembership[], via: Actor['via'], session: SessionRow | null): Actor {
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      isAdmin: user.isAdmin,
      locale: user.locale,
      memberships,
      activeOrganisationId: session?.activeOrganisationId ?? null,
      via,
      sessionId: session?.id ?? null,
      csrfToken: session?.csrfToken ?? null,
    };
  }

  /** Opens a session for a user who has proven who they are, in the audit log with how. */
  async function openSession(user: UserRow, info: RequestInfo, how: LoginMethod): Promise<{ token: string; session: SessionRow; actor: Actor }> {
    const token = randomToken();
    const session = await db.transaction(async (tx) => {
      const memberships = await users.membershipsOf(tx, user.id);
      const created = await users.insertSession(tx, {
        tokenHash: sha256(token),
        userId: user.id,
        csrfToken: randomToken(),
        expiresAt: new Date(now().getTime() + sessionLifetimeMs),
        activeOrganisationId: memberships[0]?.organisationId ?? null,
        userAgent: info.userAgent?.slice(0, 300) ?? null,
      });
      await audit.record(tx, { actorUserId: user.id, actorEmail: user.email, requestId: info.requestId, ip: info.ip }, {
        organisationId: null,
        action: 'auth.login',
        entityType: 'session',
        entityId: created.id,
        ...(how.method === 'password' ? {} : { after: how }),
      });
      return created;
    });
    return { token, session, actor: await actorFor(user, 'session', session) };
  }

  return {
    /** Checks the password and opens a session; every attempt is written to the audit log. */
    async login(input: { email: string; password: string }, info: RequestInfo): Promise<{ token: string; session: SessionRow; actor: Actor }> {
      const email = input.email.trim().toLowerCase();
      const failedRecently = await audit.countFailedLogins(db, email, new Date(now().getTime() - LOGIN_WINDOW_MS));
      if (failedRecently >= deps.loginAttemptsPerWindow) throw tooManyAttempts(LOGIN_WINDOW_MS / 1000);

      const user = await users.findUserByEmail(db, email);
      const valid = user && !user.disabledAt ? await verifyPassword(user.passwordHash, input.password) : (await burnPasswordCheck(input.password), false);
      if (!user || !valid) {
        // Nobody was authenticated: the entry names no actor, only what was tried and from where,
        // so a guessed password is never shown as something the account's owner did.
        await audit.record(db, { actorUserId: null, actorEmail: null, requestId: info.requestId, ip: info.ip }, {
          organisationId: null,
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: email,
          after: { attemptedEmail: email, clientAddress: info.ip },
        });
        throw invalidCredentials();
      }
      const requiredBy = user.isAdmin ? null : await deps.ssoRequiredFor?.(user.id);
      if (requiredBy) {
        await audit.record(db, { actorUserId: user.id, actorEmail: user.email, requestId: info.requestId, ip: info.ip }, {
          organisationId: null,
          action: 'auth.login_refused',
          entityType: 'user',
          entityId: user.id,
          after: { reason: 'sso_required', organisation: requiredBy.organisationName },
        });
        throw ssoRequired(requiredBy.organisationName);
      }
      return openSession(user, info, { method: 'password' });
    },

    openSession,

    /** The actor of a session cookie, or null when the session is unknown or expired. */
    async authenticateSession(token: string): Promise<Actor | null> {
      const at = now();
      const found = await sessionActorRow(sha256(token), at);
      if (!found || found.user.disabledAt) return null;
      const { session, user, memberships } = found;
      if (at.getTime() - session.lastSeenAt.getTime() > SESSION_TOUCH_INTERVAL_MS) {
        await users.touchSession(db, session.id, at, new Date(at.getTime() + sessionLifetimeMs));
      }
      return actorOf(user, memberships, 'session', session);
    },

    async authenticateApiToken(token: string): Promise<Actor | null> {
      if (!token.startsWith(API_TOKEN_PREFIX)) return null;
      const at = now();
      const row = await users.findLiveApiToken(db, sha256(token), at);
      if (!row) return null;
      const user = await users.findUserById(db, row.userId);
      if (!user || user.disabledAt) return null;
      if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() > SESSION_TOUCH_INTERVAL_MS) await users.markApiTokenUsed(db, row.id, at);
      return actorFor(user, 'token', null);
    },

    async logout(actor: Actor, context: AuditContext): Promise<void> {
      if (!actor.sessionId) return;
      const sessionId = actor.sessionId;
      await db.transaction(async (tx) => {
        const deleted = await users.deleteSession(tx, sessionId);
        if (deleted) await audit.record(tx, context, { organisationId: null, action: 'auth.logout', entityType: 'session', entityId: sessionId });
      });
    },

    async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }, context: AuditContext): Promise<void> {
      const user = await users.findUserById(db, actor.userId);
      if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) throw wrongCurrentPassword();
      const passwordHash = await hashPassword(input.newPassword);
      await db.transaction(async (tx) => {
        const changedAt = now();
        await users.updateUser(tx, user.id, { passwordHash, passwordChangedAt: changedAt });
        const endedSessions = await users.deleteOtherSessions(tx, user.id, actor.sessionId);
        await audit.record(tx, context, {
          organisationId: null,
          action: 'user.password_changed',
          entityType: 'user',
          entityId: user.id,
          before: { passwordChangedAt: user.passwordChangedAt.toISOString() },
          after: { passwordChangedAt: changedAt.toISOString(), otherSessionsEnded: endedSessions },
        });
      });
    },

    async setLocale(actor: Actor, locale: 'nb' | 'en', context: AuditContext): Promise<void> {
      if (actor.locale === locale) return;
      await db.transaction(async (tx) => {
        await users.updateUser(tx, actor.userId, { locale });
        await audit.record(tx, context, { organisationId: null, action: 'user.updated', entityType: 'user', entityId: actor.userId, before: { locale: actor.locale }, after: { locale } });
      });
    },

    async switchOrganisation(actor: Actor, organisationId: string): Promise<void> {
      if (!actor.sessionId) return;
      if (!membershipIn(actor, organisationId)) throw notFound('organisation.not_found', 'No such organisation.');
      await users.setActiveOrganisation(db, actor.sessionId, organisationId);
    },

    async listApiTokens(actor: Actor): Promise<ApiTokenRow[]> {
      return users.listApiTokens(db, actor.userId);
    },

    /** Creates a personal token; the plain token is returned once and never stored. */
    async createApiToken(actor: Actor, input: { name: string; expiresInDays?: number | undefined }, context: AuditContext): Promise<{ token: string; row: ApiTokenRow }> {
      const token = `${API_TOKEN_PREFIX}${randomToken()}`;
      const expiresAt = input.expiresInDays ? new Date(now().getTime() + input.expiresInDays * 86_400_000) : null;
      const row = await db.transaction(async (tx) => {
        const created = await users.insertApiToken(tx, { userId: actor.userId, name: input.name, tokenHash: sha256(token), prefix: token.slice(0, 8), expiresAt });
        await audit.record(tx, context, {
          organisationId: null,
          action: 'api_token.created',
          entityType: 'api_token',
          entityId: created.id,
          after: { name: created.name, prefix: created.prefix, expiresAt: expiresAt?.toISOString() ?? null },
        });
        return created;
      });
      return { token, row };
    },

    async revokeApiToken(actor: Actor, tokenId: string, context: AuditContext): Promise<void> {
      await db.transaction(async (tx) => {
        const revoked = await users.revokeApiToken(tx, actor.userId, tokenId, now());
        if (!revoked) throw apiTokenNotFound();
        await audit.record(tx, context, { organisationId: null, action: 'api_token.revoked', entityType: 'api_token', entityId: tokenId, before: { name: revoked.name, prefix: revoked.prefix } });
      });
    },

    /**
     * On first start, creates the administrator. Returns the generated password when none
     * was configured, so start-up can print it once.
     */
    async ensureFirstAdmin(input: { email: string; password?: string | undefined }): Promise<{ created: boolean; email: string; generatedPassword: string | null }> {
      if ((await users.countUsers(db)) > 0) return { created: false, email: input.email, generatedPassword: null };
      const password = input.password ?? generatePassword();
      const passwordHash = await hashPassword(password);
      await db.transaction(async (tx) => {
        const user = await users.insertUser(tx, { email: input.email.toLowerCase(), name: 'Administrator', passwordHash, isAdmin: true });
        await audit.record(tx, auditContextOf(null, null, null), { organisationId: null, action: 'user.created', entityType: 'user', entityId: user.id, after: { email: user.email, isAdmin: true } });
      });
      return { created: true, email: input.email.toLowerCase(), generatedPassword: input.password ? null : password };
    },

    async deleteExpiredSessions(): Promise<number> {
      return users.deleteExpiredSessions(db, now());
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
