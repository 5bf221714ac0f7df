import type { Actor, AuditContext } from '../auth/actor';
import { createInvitationLinks, type InvitationLinksDeps } from '../organisations/invitation-links';
import type { InvitationRow, MembershipRole } from '../organisations/organisations.table';
import { canInvite, type VendorsAccess } from './vendors.access';
import { vendorInviteRoleRequired } from './vendors.errors';

/** A vendor contact invited by a buyer or council becomes the vendor's owner, so they can invite colleagues. */
const VENDOR_INVITATION_ROLE: MembershipRole = 'owner';

/**
 * Invitations of vendor contacts: the organisations feature's invitation links into a vendor,
 * issued by the buyers and councils that keep the register as well as by the vendor's owners.
 * Accepting one is the ordinary invitation flow.
 */
export function createVendorInvitationsService(deps: InvitationLinksDeps & { access: VendorsAccess }) {
  const links = createInvitationLinks(deps);

  /** The vendor must be visible (else 404), and the actor one who may invite its contacts. */
  async function requireInviter(actor: Actor, vendorId: string): Promise<void> {
    await deps.access.loadVendor(actor, vendorId);
    if (!canInvite(actor, vendorId)) throw vendorInviteRoleRequired();
  }

  return {
    /** A single-use link that makes its recipient an owner of the vendor; returned once, for the inviter to send. */
    async invite(actor: Actor, vendorId: string, input: { email: string }, context: AuditContext): Promise<{ invitation: InvitationRow; token: string }> {
      await requireInviter(actor, vendorId);
      return links.issue(actor, vendorId, { email: input.email, role: VENDOR_INVITATION_ROLE }, context, { vendorContact: true });
    },

    async pendingInvitations(actor: Actor, vendorId: string): Promise<InvitationRow[]> {
      await requireInviter(actor, vendorId);
      return links.pending(vendorId);
    },

    async revokeInvitation(actor: Actor, vendorId: string, invitationId: string, context: AuditContext): Promise<void> {
      await requireInviter(actor, vendorId);
      await links.withdraw(vendorId, invitationId, context);
    },
  };
}
