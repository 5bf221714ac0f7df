import type { Actor, AuditContext } from '../auth/actor';
import type { AuthRepository } from '../auth/auth.repository';
import { randomToken, sha256 } from '../auth/secrets';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { alreadyMember, invitationNotFound } from './organisations.errors';
import type { OrganisationsRepository } from './organisations.repository';
import type { InvitationRow, MembershipRole } from './organisations.table';

/** How long an invitation link can be used. */
const INVITATION_DAYS = 14;

export type InvitationLinksDeps = {
  db: Database;
  organisationsRepository: OrganisationsRepository;
  authRepository: AuthRepository;
  auditRepository: AuditRepository;
  now: () => Date;
};

/**
 * Single-use invitation links into an organisation: issuing, listing the pending ones and
 * withdrawing one, each change audited. The callers decide who may do it (owners of the
 * organisation here; buyers, councils and the vendor's owners for vendor contacts).
 */
export function createInvitationLinks(deps: InvitationLinksDeps) {
  const { db, organisationsRepository: orgs, authRepository: users, auditRepository: audit, now } = deps;
  return {
    /**
     * The installation may have no mail server, so the link's token goes back to the inviter
     * to send; only its hash is stored. `auditNote` adds to the audit entry what kind of
     * invitation it is.
     */
    async issue(actor: Actor, organisationId: string, input: { email: string; role: MembershipRole }, context: AuditContext, auditNote: Record<string, unknown> = {}): Promise<{ invitation: InvitationRow; token: string }> {
      const existingUser = await users.findUserByEmail(db, input.email);
      if (existingUser && (await orgs.findMembership(db, organisationId, existingUser.id))) throw alreadyMember();
      const token = randomToken();
      const invitation = await db.transaction(async (tx) => {
        const created = await orgs.insertInvitation(tx, {
          organisationId,
          email: input.email.toLowerCase(),
          role: input.role,
          tokenHash: sha256(token),
          invitedBy: actor.userId,
          expiresAt: new Date(now().getTime() + INVITATION_DAYS * 86_400_000),
        });
        await audit.record(tx, context, {
          organisationId,
          action: 'invitation.created',
          entityType: 'invitation',
          entityId: created.id,
          after: { email: created.email, role: created.role, expiresAt: created.expiresAt.toISOString(), ...auditNote },
        });
        return created;
      });
      return { invitation, token };
    },

    pending(organisationId: string): Promise<InvitationRow[]> {
      return orgs.pendingInvitations(db, organisationId, now());
    },

    async withdraw(organisationId: string, invitationId: string, context: AuditContext): Promise<void> {
      await db.transaction(async (tx) => {
        const revoked = await orgs.revokeInvitation(tx, organisationId, invitationId, now());
        if (!revoked) throw invitationNotFound();
        await audit.record(tx, context, { organisationId, action: 'invitation.revoked', entityType: 'invitation', entityId: invitationId, before: { email: revoked.email, role: revoked.role } });
      });
    },
  };
}

export type InvitationLinks = ReturnType<typeof createInvitationLinks>;
