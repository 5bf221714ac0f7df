import type { Actor, ActorMembership } from '../auth/actor';
import { membershipIn } from '../auth/actor';
import type { MembershipRole } from './organisations.table';
import { organisationNotFound, roleRequired } from './organisations.errors';

export const ANY_ROLE: readonly MembershipRole[] = ['owner', 'editor', 'assessor', 'viewer'];

/**
 * The one authorisation rule for organisation-owned data. Someone outside the organisation
 * gets "not found", so ids reveal nothing; a member without the needed role gets "forbidden".
 * Administrators of the installation pass.
 */
export function requireOrganisationRole(actor: Actor, organisationId: string, roles: readonly MembershipRole[] = ANY_ROLE): ActorMembership | null {
  const membership = membershipIn(actor, organisationId);
  if (!membership) {
    if (actor.isAdmin) return null;
    throw organisationNotFound();
  }
  if (!roles.includes(membership.role) && !actor.isAdmin) throw roleRequired(roles);
  return membership;
}

export function canManageOrganisation(actor: Actor, organisationId: string): boolean {
  return actor.isAdmin || membershipIn(actor, organisationId)?.role === 'owner';
}
