import { and, asc, count, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, organisations } from '../organisations/organisations.table';
import type { ActorMembership } from './actor';
import { apiTokens, sessions, type ApiTokenRow, type SessionRow } from './sessions.table';
import { users, type UserRow } from './users.table';

/** A live session with its user and the user's memberships, as one row. */
export type SessionActorRow = { session: SessionRow; user: UserRow; memberships: ActorMembership[] };

/**
 * The memberships of the row's user as a JSON array, ordered by organisation name: read in the
 * same statement as the session or token, so authenticating a request costs one round trip.
 */
const membershipsJson = sql<ActorMembership[]>`coalesce((
  select json_agg(json_build_object('organisationId', o.id, 'organisationName', o.name, 'kind', o.kind, 'role', m.role, 'parentId', o.parent_id) order by o.name)
  from ${memberships} m join ${organisations} o on o.id = m.organisation_id
  where m.user_id = ${users.id}), '[]'::json)`;

/**
 * Every request that carries a session cookie runs this statement, so it is built once per
 * database and sent as a prepared statement: neither the query builder nor the server's planner
 * repeats its work per request.
 */
function sessionActorQuery(db: Database) {
  return db
    .select({ session: sessions, user: users, memberships: membershipsJson })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), sql`${sessions.expiresAt} > ${sql.placeholder('now')}::timestamptz`))
    .limit(1)
    .prepare('auth_session_actor');
}

export function createAuthRepository() {
  const sessionActorQueries = new WeakMap<Database, ReturnType<typeof sessionActorQuery>>();
  return {
    /** The live session of a token hash with its user and memberships, in one statement. */
    async findSessionActor(db: Database, tokenHash: string, now: Date): Promise<SessionActorRow | undefined> {
      let query = sessionActorQueries.get(db);
      if (!query) {
        query = sessionActorQuery(db);
        sessionActorQueries.set(db, query);
      }
      const rows = await query.execute({ tokenHash, now: now.toISOString() });
      return rows[0];
    },

    async countUsers(db: Database): Promise<number> {
      const rows = await db.select({ n: count() }).from(users);
      return Number(rows[0]?.n ?? 0);
    },

    async findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
      const rows = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
      return rows[0];
    },

    async findUserById(db: Database, id: string): Promise<UserRow | undefined> {
      const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return rows[0];
    },

    async insertUser(db: Database, values: { email: string; name: string; passwordHash: string; isAdmin?: boolean; locale?: 'nb' | 'en' }): Promise<UserRow> {
      const rows = await db.insert(users).values(values).returning();
      return rows[0] as UserRow;
    },

    async updateUser(db: Database, id: string, values: Partial<Pick<UserRow, 'name' | 'passwordHash' | 'locale' | 'passwordChangedAt' | 'isAdmin' | 'disabledAt'>>): Promise<UserRow> {
      const rows = await db.update(users).set({ ...values, updatedAt: new Date() }).where(eq(users.id, id)).returning();
      return rows[0] as UserRow;
    },

    async membershipsOf(db: Database, userId: string): Promise<ActorMembership[]> {
      return db
        .select({
          organisationId: memberships.organisationId,
          organisationName: organisations.name,
          kind: organisations.kind,
          role: memberships.role,
          parentId: organisations.parentId,
        })
        .from(memberships)
        .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(organisations.name));
    },

    async insertSession(db: Database, values: { tokenHash: string; userId: string; csrfToken: string; expiresAt: Date; activeOrganisationId: string | null; userAgent: string | null }): Promise<SessionRow> {
      const rows = await db.insert(sessions).values(values).returning();
      return rows[0] as SessionRow;
    },

    async touchSession(db: Database, id: string, now: Date, expiresAt: Date): Promise<void> {
      await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id));
    },

    async setActiveOrganisation(db: Database, sessionId: string, organisationId: string): Promise<void> {
      await db.update(sessions).set({ activeOrganisationId: organisationId }).where(eq(sessions.id, sessionId));
    },

    async deleteSession(db: Database, id: string): Promise<SessionRow | undefined> {
      const rows = await db.delete(sessions).where(eq(sessions.id, id)).returning();
      return rows[0];
    },

    async deleteOtherSessions(db: Database, userId: string, keepSessionId: string | null): Promise<number> {
      const rows = await db
        .delete(sessions)
        .where(keepSessionId ? and(eq(sessions.userId, userId), sql`${sessions.id} <> ${keepSessionId}`) : eq(sessions.userId, userId))
        .returning({ id: sessions.id });
      return rows.length;
    },

    async deleteExpiredSessions(db: Database, now: Date): Promise<number> {
      const rows = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
      return rows.length;
    },

    async insertApiToken(db: Database, values: { userId: string; name: string; tokenHash: string; prefix: string; expiresAt: Date | null }): Promise<ApiTokenRow> {
      const rows = await db.insert(apiTokens).values(values).returning();
      return rows[0] as ApiTokenRow;
    },

    async findLiveApiToken(db: Database, tokenHash: string, now: Date): Promise<ApiTokenRow | undefined> {
      const rows = await db
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))))
        .limit(1);
      return rows[0];
    },

    async markApiTokenUsed(db: Database, id: string, now: Date): Promise<void> {
      await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
    },

    async listApiTokens(db: Database, userId: string): Promise<ApiTokenRow[]> {
      return db
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
        .orderBy(asc(apiTokens.createdAt));
    },

    async revokeApiToken(db: Database, userId: string, id: string, now: Date): Promise<ApiTokenRow | undefined> {
      const rows = await db
        .update(apiTokens)
        .set({ revokedAt: now })
        .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
        .returning();
      return rows[0];
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
