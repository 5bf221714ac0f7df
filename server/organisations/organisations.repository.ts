import { and, asc, count, eq, gt, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { users } from '../auth/users.table';
import { invitations, memberships, organisations, type InvitationRow, type MembershipRole, type OrganisationKind, type OrganisationRow } from './organisations.table';

export type MemberView = { userId: string; email: string; name: string; role: MembershipRole; version: number; since: Date };

export function createOrganisationsRepository() {
  return {
    async list(db: Database, filter: { ids?: string[]; kind?: OrganisationKind | undefined; q?: string | undefined }, page: { limit: number; offset: number }): Promise<{ rows: OrganisationRow[]; total: number }> {
      const conditions: SQL[] = [];
      if (filter.ids) {
        if (filter.ids.length === 0) return { rows: [], total: 0 };
        conditions.push(inArray(organisations.id, filter.ids));
      }
      if (filter.kind) conditions.push(eq(organisations.kind, filter.kind));
      if (filter.q) {
        const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(or(ilike(organisations.name, pattern), ilike(organisations.orgNumber, pattern)) as SQL);
      }
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const [rows, totals] = await Promise.all([
        db.select().from(organisations).where(where).orderBy(asc(organisations.name)).limit(page.limit).offset(page.offset),
        db.select({ n: count() }).from(organisations).where(where),
      ]);
      return { rows, total: Number(totals[0]?.n ?? 0) };
    },

    async findById(db: Database, id: string): Promise<OrganisationRow | undefined> {
      const rows = await db.select().from(organisations).where(eq(organisations.id, id)).limit(1);
      return rows[0];
    },

    async findByName(db: Database, name: string): Promise<OrganisationRow | undefined> {
      const rows = await db.select().from(organisations).where(sql`lower(${organisations.name}) = lower(${name})`).limit(1);
      return rows[0];
    },

    async findByOrgNumber(db: Database, orgNumber: string): Promise<OrganisationRow | undefined> {
      const rows = await db.select().from(organisations).where(eq(organisations.orgNumber, orgNumber)).limit(1);
      return rows[0];
    },

    async insert(db: Database, values: { kind: OrganisationKind; name: string; orgNumber: string | null; parentId: string | null }): Promise<OrganisationRow> {
      const rows = await db.insert(organisations).values(values).returning();
      return rows[0] as OrganisationRow;
    },

    /** Changes the organisation and raises its version, if it still has the expected one; undefined when stale. */
    async update(db: Database, id: string, expectedVersion: number, values: Partial<Pick<OrganisationRow, 'name' | 'orgNumber' | 'website'>>): Promise<OrganisationRow | undefined> {
      const rows = await db
        .update(organisations)
        .set({ ...values, version: sql`${organisations.version} + 1`, updatedAt: new Date() })
        .where(and(eq(organisations.id, id), eq(organisations.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async children(db: Database, parentId: string): Promise<OrganisationRow[]> {
      return db.select().from(organisations).where(eq(organisations.parentId, parentId)).orderBy(asc(organisations.name));
    },

    async members(db: Database, organisationId: string): Promise<MemberView[]> {
      return db
        .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, version: memberships.version, since: memberships.createdAt })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.organisationId, organisationId))
        .orderBy(asc(users.name), asc(users.email));
    },

    async findMembership(db: Database, organisationId: string, userId: string): Promise<{ role: MembershipRole; version: number } | undefined> {
      const rows = await db
        .select({ role: memberships.role, version: memberships.version })
        .from(memberships)
        .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, userId)))
        .limit(1);
      return rows[0];
    },

    async countOwners(db: Database, organisationId: string): Promise<number> {
      const rows = await db
        .select({ n: count() })
        .from(memberships)
        .where(and(eq(memberships.organisationId, organisationId), eq(memberships.role, 'owner')));
      return Number(rows[0]?.n ?? 0);
    },

    /** Locks the organisation's membership rows so owner counts stay true under concurrency. */
    async lockMemberships(db: Database, organisationId: string): Promise<void> {
      await db.execute(sql`select 1 from ${organisations} where ${organisations.id} = ${organisationId} for update`);
    },

    async insertMembership(db: Database, values: { organisationId: string; userId: string; role: MembershipRole }): Promise<void> {
      await db.insert(memberships).values(values);
    },

    /** Changes a member's role and raises the membership's version, if it still has the expected one; false when stale. */
    async updateMembershipRole(db: Database, organisationId: string, userId: string, expectedVersion: number, role: MembershipRole): Promise<boolean> {
      const rows = await db
        .update(memberships)
        .set({ role, version: sql`${memberships.version} + 1` })
        .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, userId), eq(memberships.version, expectedVersion)))
        .returning({ version: memberships.version });
      return rows.length > 0;
    },

    async deleteMembership(db: Database, organisationId: string, userId: string): Promise<void> {
      await db.delete(memberships).where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, userId)));
    },

    async insertInvitation(db: Database, values: { organisationId: string; email: string; role: MembershipRole; tokenHash: string; invitedBy: string | null; expiresAt: Date }): Promise<InvitationRow> {
      const rows = await db.insert(invitations).values(values).returning();
      return rows[0] as InvitationRow;
    },

    async pendingInvitations(db: Database, organisationId: string, now: Date): Promise<InvitationRow[]> {
      return db
        .select()
        .from(invitations)
        .where(and(eq(invitations.organisationId, organisationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
        .orderBy(asc(invitations.createdAt));
    },

    async findUsableInvitation(db: Database, tokenHash: string, now: Date): Promise<InvitationRow | undefined> {
      const rows = await db
        .select()
        .from(invitations)
        .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
        .limit(1);
      return rows[0];
    },

    /** Marks an invitation used; returns false when another request used it first. */
    async markInvitationAccepted(db: Database, id: string, userId: string, now: Date): Promise<boolean> {
      const rows = await db
        .update(invitations)
        .set({ acceptedAt: now, acceptedBy: userId })
        .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning({ id: invitations.id });
      return rows.length === 1;
    },

    async revokeInvitation(db: Database, organisationId: string, id: string, now: Date): Promise<InvitationRow | undefined> {
      const rows = await db
        .update(invitations)
        .set({ revokedAt: now })
        .where(and(eq(invitations.id, id), eq(invitations.organisationId, organisationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning();
      return rows[0];
    },
  };
}

export type OrganisationsRepository = ReturnType<typeof createOrganisationsRepository>;
