import type { Request } from 'express';
import type { Actor } from '../auth/actor';
import type { MemberView } from './organisations.repository';
import { MEMBERSHIP_ROLES, type InvitationRow, type MembershipRole, type OrganisationRow } from './organisations.table';

/** The installation's address as a recipient of a link opens it: configured, or read from the request. */
export type PublicUrl = (ctx: { req: Request }) => string;

/** The link an invitation's recipient opens; the inviter sends it (Datakrav sends no e-mail). */
export function invitationUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/invitations/${token}`;
}

export function organisationBody(row: OrganisationRow) {
  return { id: row.id, kind: row.kind, name: row.name, orgNumber: row.orgNumber, parentId: row.parentId, version: row.version, createdAt: row.createdAt.toISOString() };
}

export function memberBody(row: MemberView) {
  return { userId: row.userId, email: row.email, name: row.name, role: row.role, version: row.version, since: row.since.toISOString() };
}

/** A pending invitation as the API shows it; never its token. */
export function invitationBody(row: InvitationRow) {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

/** The organisations list: each organisation with the viewer's role in it, or null where they are no member. */
export function organisationListRows(rows: OrganisationRow[], actor: Pick<Actor, 'memberships'>) {
  return rows.map((row) => ({ ...row, role: actor.memberships.find((m) => m.organisationId === row.id)?.role ?? null }));
}

/** The organisation page: the viewer's own row among the members is marked, and every role is offered. */
export function organisationPage(
  overview: { organisation: OrganisationRow; parent: OrganisationRow | null; children: OrganisationRow[]; canManage: boolean; members: MemberView[]; invitations: InvitationRow[] },
  viewerId: string,
  typedRole?: { userId: string; role: unknown },
) {
  return {
    organisation: overview.organisation,
    parent: overview.parent,
    children: overview.children,
    canManage: overview.canManage,
    members: overview.members.map((m) => {
      const typed = typedRole?.userId === m.userId && MEMBERSHIP_ROLES.some((r) => r === typedRole.role) ? (typedRole.role as MembershipRole) : undefined;
      return { ...m, isSelf: m.userId === viewerId, selectedRole: typed ?? m.role, savedRole: typed ? m.role : undefined };
    }),
    invitations: overview.invitations,
    roles: MEMBERSHIP_ROLES,
  };
}

/**
 * The organisation's edit form: what the user typed when a save was refused, else what is saved.
 * After a refusal because someone else saved first, `saved` holds the values now stored.
 */
export function organisationEditForm(organisation: OrganisationRow, typed?: Record<string, unknown>) {
  const text = (value: unknown, fallback: string | null) => (typeof value === 'string' ? value : (fallback ?? ''));
  return {
    name: text(typed?.name, organisation.name),
    orgNumber: text(typed?.orgNumber, organisation.orgNumber),
    version: organisation.version,
  };
}

/** The link just created, shown once on the page that created it. */
export function newInvitation(invitation: InvitationRow, baseUrl: string, token: string) {
  return { email: invitation.email, url: invitationUrl(baseUrl, token), expiresAt: invitation.expiresAt };
}

/**
 * The invitation page: whether the visitor is logged in as the invitee, as someone else (who
 * must log out first), or not at all (the page then stands without the application's menus).
 */
export function invitationPage(found: { invitation: InvitationRow; organisation: OrganisationRow; accountExists: boolean }, viewer: Pick<Actor, 'email'> | null, token: string) {
  const signedInAsInvitee = viewer?.email.toLowerCase() === found.invitation.email;
  return {
    invitation: found.invitation,
    organisation: found.organisation,
    accountExists: found.accountExists,
    signedInAsInvitee,
    signedInAsOther: Boolean(viewer) && !signedInAsInvitee,
    loginUrl: `/login?returnTo=${encodeURIComponent(`/invitations/${token}`)}`,
    token,
    layoutPlain: !viewer,
  };
}
