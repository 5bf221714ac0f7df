import type { Database } from '../db/client';
import type { AuditRepository } from '../audit/audit.repository';
import { changedFields } from '../audit/audit.repository';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuthRepository } from '../auth/auth.repository';
import { hashPassword, sha256 } from '../auth/secrets';
import { adminOnly } from '../auth/auth.errors';
import type { UserRow } from '../auth/users.table';
import { badRequest } from '../shared/errors';
import { assertVersion, compareAndSet } from '../shared/versioning';
import { createInvitationLinks } from './invitation-links';
import { canManageOrganisation, requireOrganisationRole } from './organisation-access';
import { assertUniqueOrganisation } from './organisation-identity';
import { alreadyMember, invalidParent, invitationEmailMismatch, invitationNeedsLogin, invitationNotFound, lastOwner, memberNotFound, organisationNotFound } from './organisations.errors';
import type { MemberView, OrganisationsRepository } from './organisations.repository';
import type { OrganisationCreateInput } from './organisations.schemas';
import type { InvitationRow, MembershipRole, OrganisationKind, OrganisationRow } from './organisations.table';

export type OrganisationsServiceDeps = {
  db: Database;
  organisationsRepository: OrganisationsRepository;
  authRepository: AuthRepository;
  auditRepository: AuditRepository;
  now?: () => Date;
};

export function createOrganisationsService(deps: OrganisationsServiceDeps) {
  const { db, organisationsRepository: orgs, authRepository: users, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  const invitationLinks = createInvitationLinks({ db, organisationsRepository: orgs, authRepository: users, auditRepository: audit, now });

  async function requireOrganisation(id: string): Promise<OrganisationRow> {
    const org = await orgs.findById(db, id);
    if (!org) throw organisationNotFound();
    return org;
  }

  async function get(actor: Actor, id: string): Promise<{ organisation: OrganisationRow; parent: OrganisationRow | null; children: OrganisationRow[] }> {
    requireOrganisationRole(actor, id);
    const organisation = await requireOrganisation(id);
    const parent = organisation.parentId ? ((await orgs.findById(db, organisation.parentId)) ?? null) : null;
    return { organisation, parent, children: await orgs.children(db, id) };
  }

  async function members(actor: Actor, organisationId: string): Promise<MemberView[]> {
    requireOrganisationRole(actor, organisationId);
    await requireOrganisation(organisationId);
    return orgs.members(db, organisationId);
  }

  async function pendingInvitations(actor: Actor, organisationId: string): Promise<InvitationRow[]> {
    requireOrganisationRole(actor, organisationId, ['owner']);
    return invitationLinks.pending(organisationId);
  }

  return {
    /** Administrators see every organisation; others the ones they belong to. */
    async list(actor: Actor, filter: { kind?: OrganisationKind | undefined; q?: string | undefined }, page: { limit: number; offset: number }) {
      return orgs.list(db, { ...filter, ...(actor.isAdmin ? {} : { ids: actor.memberships.map((m) => m.organisationId) }) }, page);
    },

    get,

    /** The organisation page: the organisation, its members, and for its owners and administrators the pending invitations. */
    async overview(actor: Actor, id: string) {
      const { organisation, parent, children } = await get(actor, id);
      const canManage = canManageOrganisation(actor, id);
      const memberList = await members(actor, id);
      const invitations = canManage ? await pendingInvitations(actor, id) : [];
      return { organisation, parent, children, canManage, members: memberList, invitations };
    },

    async create(actor: Actor, input: OrganisationCreateInput, context: AuditContext): Promise<OrganisationRow> {
      if (!actor.isAdmin) throw adminOnly();
      await assertUniqueOrganisation(db, orgs, input);
      if (input.kind === 'council') {
        const parent = input.parentId ? await orgs.findById(db, input.parentId) : undefined;
        if (!parent || parent.kind !== 'buyer') throw invalidParent();
      } else if (input.parentId) {
        throw badRequest('organisation.parent_not_allowed', 'Only a council belongs to another organisation.', [{ path: 'parentId', message: 'is only allowed for councils' }]);
      }
      return db.transaction(async (tx) => {
        const created = await orgs.insert(tx, { kind: input.kind, name: input.name, orgNumber: input.orgNumber ?? null, parentId: input.parentId ?? null });
        await audit.record(tx, context, {
          organisationId: created.id,
          action: 'organisation.created',
          entityType: 'organisation',
          entityId: created.id,
          after: { kind: created.kind, name: created.name, orgNumber: created.orgNumber, parentId: created.parentId },
        });
        return created;
      });
    },

    /** Changes the organisation if it is still at `input.version`; every accepted change raises the version. */
    async update(actor: Actor, id: string, input: { name?: string | undefined; orgNumber?: string | null | undefined; version: number }, context: AuditContext): Promise<OrganisationRow> {
      requireOrganisationRole(actor, id, ['owner']);
      const existing = await requireOrganisation(id);
      const lastChange = (executor: Database = db) => audit.lastChange(executor, 'organisation', id);
      await assertVersion({ entity: 'organisation', expected: input.version, current: existing.version, lastChange });
      await assertUniqueOrganisation(db, orgs, input, id);
      const values: Partial<Pick<OrganisationRow, 'name' | 'orgNumber'>> = {};
      if (input.name !== undefined) values.name = input.name;
      if (input.orgNumber !== undefined) values.orgNumber = input.orgNumber;
      const diff = changedFields(existing, values);
      return db.transaction(async (tx) => {
        const updated = await compareAndSet({
          entity: 'organisation',
          update: () => orgs.update(tx, id, input.version, values),
          currentVersion: async () => (await orgs.findById(tx, id))?.version,
          lastChange: () => lastChange(tx),
          notFound: organisationNotFound,
        });
        await audit.record(tx, context, { organisationId: id, action: 'organisation.updated', entityType: 'organisation', entityId: id, before: diff.before, after: { ...diff.after, version: updated.version } });
        return updated;
      });
    },

    members,

    /**
     * The member the confirmation page asks about removing, by the same rule as removing:
     * owners remove others, anyone may leave. No member: `member` is undefined.
     */
    async memberToRemove(actor: Actor, organisationId: string, userId: string): Promise<{ organisation: OrganisationRow; member: MemberView | undefined }> {
      const { organisation } = await get(actor, organisationId);
      if (userId !== actor.userId) requireOrganisationRole(actor, organisationId, ['owner']);
      const member = (await members(actor, organisationId)).find((m) => m.userId === userId);
      return { organisation, member };
    },

    /** One member of an organisation, with the version a role change names. */
    async member(actor: Actor, organisationId: string, userId: string): Promise<MemberView> {
      const member = (await members(actor, organisationId)).find((m) => m.userId === userId);
      if (!member) throw memberNotFound();
      return member;
    },

    /** Changes a member's role if the membership is still at `version`; every accepted change raises it. */
    async changeRole(actor: Actor, organisationId: string, userId: string, input: { role: MembershipRole; version: number }, context: AuditContext): Promise<void> {
      requireOrganisationRole(actor, organisationId, ['owner']);
      const { role, version } = input;
      await db.transaction(async (tx) => {
        await orgs.lockMemberships(tx, organisationId);
        const membership = await orgs.findMembership(tx, organisationId, userId);
        if (!membership) throw memberNotFound();
        const lastChange = () => audit.lastChange(tx, 'membership', userId, organisationId);
        await assertVersion({ entity: 'membership', expected: version, current: membership.version, lastChange });
        if (membership.role === 'owner' && role !== 'owner' && (await orgs.countOwners(tx, organisationId)) <= 1) throw lastOwner();
        await compareAndSet({
          entity: 'membership',
          update: async () => ((await orgs.updateMembershipRole(tx, organisationId, userId, version, role)) ? true : undefined),
          currentVersion: async () => (await orgs.findMembership(tx, organisationId, userId))?.version,
          lastChange,
          notFound: memberNotFound,
        });
        await audit.record(tx, context, {
          organisationId,
          action: 'membership.role_changed',
          entityType: 'membership',
          entityId: userId,
          before: { role: membership.role, version },
          after: { role, version: version + 1 },
        });
      });
    },

    /** Owners remove members; anyone may leave, but the last owner cannot. */
    async removeMember(actor: Actor, organisationId: string, userId: string, context: AuditContext): Promise<void> {
      if (userId !== actor.userId) requireOrganisationRole(actor, organisationId, ['owner']);
      else requireOrganisationRole(actor, organisationId);
      await db.transaction(async (tx) => {
        await orgs.lockMemberships(tx, organisationId);
        const membership = await orgs.findMembership(tx, organisationId, userId);
        if (!membership) throw memberNotFound();
        if (membership.role === 'owner' && (await orgs.countOwners(tx, organisationId)) <= 1) throw lastOwner();
        await orgs.deleteMembership(tx, organisationId, userId);
        await audit.record(tx, context, { organisationId, action: 'membership.removed', entityType: 'membership', entityId: userId, before: { role: membership.role } });
      });
    },

    pendingInvitations,

    /** Creates a single-use invitation link, returned once for the inviter to send. */
    async invite(actor: Actor, organisationId: string, input: { email: string; role: MembershipRole }, context: AuditContext): Promise<{ invitation: InvitationRow; token: string }> {
      requireOrganisationRole(actor, organisationId, ['owner']);
      await requireOrganisation(organisationId);
      return invitationLinks.issue(actor, organisationId, input, context);
    },

    async revokeInvitation(actor: Actor, organisationId: string, invitationId: string, context: AuditContext): Promise<void> {
      requireOrganisationRole(actor, organisationId, ['owner']);
      await invitationLinks.withdraw(organisationId, invitationId, context);
    },

    /** What the invitation page shows before the invitee accepts. */
    async describeInvitation(token: string): Promise<{ invitation: InvitationRow; organisation: OrganisationRow; accountExists: boolean }> {
      const invitation = await orgs.findUsableInvitation(db, sha256(token), now());
      if (!invitation) throw invitationNotFound();
      const organisation = await requireOrganisation(invitation.organisationId);
      return { invitation, organisation, accountExists: Boolean(await users.findUserByEmail(db, invitation.email)) };
    },

    /**
     * Accepts an invitation: a logged-in user with the invited email joins; someone without an
     * account creates one with a name and password. Returns the user who joined.
     */
    async acceptInvitation(token: string, actor: Actor | null, input: { name?: string | undefined; password?: string | undefined }, context: AuditContext): Promise<{ user: UserRow; organisationId: string; createdAccount: boolean }> {
      const invitation = await orgs.findUsableInvitation(db, sha256(token), now());
      if (!invitation) throw invitationNotFound();
      const existing = await users.findUserByEmail(db, invitation.email);
      if (existing && !actor) throw invitationNeedsLogin();
      if (actor && actor.email.toLowerCase() !== invitation.email) throw invitationEmailMismatch();
      if (!existing && (!input.name || !input.password)) {
        throw badRequest('validation.failed', 'Choose your name and a password to create the account.', [
          ...(input.name ? [] : [{ path: 'name', message: 'is required' }]),
          ...(input.password ? [] : [{ path: 'password', message: 'is required' }]),
        ]);
      }
      const passwordHash = existing ? null : await hashPassword(input.password as string);
      return db.transaction(async (tx) => {
        const user = existing ?? (await users.insertUser(tx, { email: invitation.email, name: input.name as string, passwordHash: passwordHash as string }));
        const auditAs: AuditContext = { ...context, actorUserId: user.id, actorEmail: user.email };
        if (!(await orgs.markInvitationAccepted(tx, invitation.id, user.id, now()))) throw invitationNotFound();
        if (!existing) {
          await audit.record(tx, auditAs, { organisationId: invitation.organisationId, action: 'user.created', entityType: 'user', entityId: user.id, after: { email: user.email, name: user.name } });
        }
        if (await orgs.findMembership(tx, invitation.organisationId, user.id)) throw alreadyMember();
        await orgs.insertMembership(tx, { organisationId: invitation.organisationId, userId: user.id, role: invitation.role });
        await audit.record(tx, auditAs, {
          organisationId: invitation.organisationId,
          action: 'membership.created',
          entityType: 'membership',
          entityId: user.id,
          after: { role: invitation.role, invitationId: invitation.id },
        });
        return { user, organisationId: invitation.organisationId, createdAccount: !existing };
      });
    },

    /** Adds a member directly; used by seeding and by administrators setting up an organisation. */
    async addMember(organisationId: string, userId: string, role: MembershipRole, context: AuditContext, executor: Database = db): Promise<void> {
      await orgs.insertMembership(executor, { organisationId, userId, role });
      await audit.record(executor, context, { organisationId, action: 'membership.created', entityType: 'membership', entityId: userId, after: { role } });
    },
  };
}

export type OrganisationsService = ReturnType<typeof createOrganisationsService>;
