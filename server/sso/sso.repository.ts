import { and, asc, eq, inArray, lt } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, organisations, type MembershipRole } from '../organisations/organisations.table';
import {
  identityProviders,
  ssoLoginAttempts,
  ssoOrganisationPolicies,
  ssoRoleMappings,
  ssoSessions,
  userIdentities,
  type IdentityProviderRow,
  type SsoLoginAttemptRow,
  type SsoRoleMappingRow,
  type UserIdentityRow,
} from './sso.table';

export type ProviderValues = Omit<IdentityProviderRow, 'id' | 'createdAt' | 'updatedAt'>;

export function createSsoRepository() {
  return {
    async listProviders(db: Database): Promise<IdentityProviderRow[]> {
      return db.select().from(identityProviders).orderBy(asc(identityProviders.displayName));
    },

    async findProviderById(db: Database, id: string): Promise<IdentityProviderRow | undefined> {
      const rows = await db.select().from(identityProviders).where(eq(identityProviders.id, id)).limit(1);
      return rows[0];
    },

    async findProviderBySlug(db: Database, slug: string): Promise<IdentityProviderRow | undefined> {
      const rows = await db.select().from(identityProviders).where(eq(identityProviders.slug, slug)).limit(1);
      return rows[0];
    },

    async insertProvider(db: Database, values: ProviderValues): Promise<IdentityProviderRow> {
      const rows = await db.insert(identityProviders).values(values).returning();
      return rows[0] as IdentityProviderRow;
    },

    async updateProvider(db: Database, id: string, values: Partial<ProviderValues>): Promise<IdentityProviderRow> {
      const rows = await db.update(identityProviders).set({ ...values, updatedAt: new Date() }).where(eq(identityProviders.id, id)).returning();
      return rows[0] as IdentityProviderRow;
    },

    async deleteProvider(db: Database, id: string): Promise<void> {
      await db.delete(identityProviders).where(eq(identityProviders.id, id));
    },

    async findOrganisation(db: Database, id: string): Promise<{ id: string; name: string; kind: string } | undefined> {
      const rows = await db.select({ id: organisations.id, name: organisations.name, kind: organisations.kind }).from(organisations).where(eq(organisations.id, id)).limit(1);
      return rows[0];
    },

    /** The environment provider names its organisation by organisation number or name. */
    async findOrganisationByNumberOrName(db: Database, value: string): Promise<{ id: string; name: string; kind: string } | undefined> {
      const column = /^[0-9]{9}$/.test(value) ? organisations.orgNumber : organisations.name;
      const rows = await db.select({ id: organisations.id, name: organisations.name, kind: organisations.kind }).from(organisations).where(eq(column, value)).limit(1);
      return rows[0];
    },

    async insertLoginAttempt(db: Database, values: Omit<SsoLoginAttemptRow, 'createdAt'>): Promise<void> {
      await db.insert(ssoLoginAttempts).values(values);
    },

    /** Takes the attempt out in one statement, so a state can be used once only. */
    async takeLoginAttempt(db: Database, stateHash: string): Promise<SsoLoginAttemptRow | undefined> {
      const rows = await db.delete(ssoLoginAttempts).where(eq(ssoLoginAttempts.stateHash, stateHash)).returning();
      return rows[0];
    },

    async deleteExpiredLoginAttempts(db: Database, now: Date): Promise<number> {
      const rows = await db.delete(ssoLoginAttempts).where(lt(ssoLoginAttempts.expiresAt, now)).returning({ stateHash: ssoLoginAttempts.stateHash });
      return rows.length;
    },

    async findIdentity(db: Database, issuer: string, subject: string): Promise<UserIdentityRow | undefined> {
      const rows = await db
        .select()
        .from(userIdentities)
        .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)))
        .limit(1);
      return rows[0];
    },

    async insertIdentity(db: Database, values: { userId: string; issuer: string; subject: string; lastLoginAt: Date | null }): Promise<UserIdentityRow> {
      const rows = await db.insert(userIdentities).values(values).returning();
      return rows[0] as UserIdentityRow;
    },

    async markIdentityUsed(db: Database, id: string, at: Date): Promise<void> {
      await db.update(userIdentities).set({ lastLoginAt: at }).where(eq(userIdentities.id, id));
    },

    async identitiesOf(db: Database, userId: string): Promise<UserIdentityRow[]> {
      return db.select().from(userIdentities).where(eq(userIdentities.userId, userId)).orderBy(asc(userIdentities.createdAt));
    },

    async insertSsoSession(db: Database, values: { sessionId: string; providerSlug: string; idToken: string }): Promise<void> {
      await db.insert(ssoSessions).values(values);
    },

    async findSsoSession(db: Database, sessionId: string): Promise<{ providerSlug: string; idToken: string } | undefined> {
      const rows = await db.select({ providerSlug: ssoSessions.providerSlug, idToken: ssoSessions.idToken }).from(ssoSessions).where(eq(ssoSessions.sessionId, sessionId)).limit(1);
      return rows[0];
    },

    async roleMappings(db: Database, organisationId: string): Promise<SsoRoleMappingRow[]> {
      return db.select().from(ssoRoleMappings).where(eq(ssoRoleMappings.organisationId, organisationId)).orderBy(asc(ssoRoleMappings.claimValue));
    },

    async findRoleMapping(db: Database, organisationId: string, claimValue: string): Promise<SsoRoleMappingRow | undefined> {
      const rows = await db
        .select()
        .from(ssoRoleMappings)
        .where(and(eq(ssoRoleMappings.organisationId, organisationId), eq(ssoRoleMappings.claimValue, claimValue)))
        .limit(1);
      return rows[0];
    },

    async insertRoleMapping(db: Database, values: { organisationId: string; claimValue: string; role: MembershipRole }): Promise<SsoRoleMappingRow> {
      const rows = await db.insert(ssoRoleMappings).values(values).returning();
      return rows[0] as SsoRoleMappingRow;
    },

    async deleteRoleMapping(db: Database, organisationId: string, id: string): Promise<SsoRoleMappingRow | undefined> {
      const rows = await db
        .delete(ssoRoleMappings)
        .where(and(eq(ssoRoleMappings.organisationId, organisationId), eq(ssoRoleMappings.id, id)))
        .returning();
      return rows[0];
    },

    async requireSso(db: Database, organisationId: string): Promise<boolean> {
      const rows = await db.select({ requireSso: ssoOrganisationPolicies.requireSso }).from(ssoOrganisationPolicies).where(eq(ssoOrganisationPolicies.organisationId, organisationId)).limit(1);
      return rows[0]?.requireSso ?? false;
    },

    async setRequireSso(db: Database, organisationId: string, requireSso: boolean): Promise<void> {
      await db
        .insert(ssoOrganisationPolicies)
        .values({ organisationId, requireSso })
        .onConflictDoUpdate({ target: ssoOrganisationPolicies.organisationId, set: { requireSso, updatedAt: new Date() } });
    },

    /** The first of the user's organisations that requires login through its provider. */
    async organisationRequiringSso(db: Database, userId: string): Promise<{ organisationName: string } | null> {
      const rows = await db
        .select({ organisationName: organisations.name })
        .from(memberships)
        .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
        .innerJoin(ssoOrganisationPolicies, eq(ssoOrganisationPolicies.organisationId, memberships.organisationId))
        .where(and(eq(memberships.userId, userId), eq(ssoOrganisationPolicies.requireSso, true)))
        .orderBy(asc(organisations.name))
        .limit(1);
      return rows[0] ?? null;
    },

    /** Organisations an identity provider may belong to: buyers and councils, not vendors. */
    async providerOrganisations(db: Database): Promise<{ id: string; name: string }[]> {
      return db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inArray(organisations.kind, ['buyer', 'council'])).orderBy(asc(organisations.name));
    },
  };
}

export type SsoRepository = ReturnType<typeof createSsoRepository>;
