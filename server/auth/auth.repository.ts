import { and, asc, count, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, organisations } from '../organisations/organisations.table';
import type { ActorMembership } from './actor';
import { apiTokens, sessions, type ApiTokenRow, type SessionRow } from './sessions.table';
import { users, type UserRow } from './users.table';

export function createAuthRepository() {
  return {
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

    async findLiveSession(db: Database, tokenHash: string, now: Date): Promise<SessionRow | undefined> {
      const rows = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
        .limit(1);
      return rows[0];
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
