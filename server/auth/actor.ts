import type { MembershipRole, OrganisationKind } from '../organisations/organisations.table';

export type ActorMembership = {
  organisationId: string;
  organisationName: string;
  kind: OrganisationKind;
  role: MembershipRole;
  parentId: string | null;
};

/** The authenticated user a request acts for, with everything authorisation decisions need. */
export type Actor = {
  userId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  locale: 'nb' | 'en';
  memberships: ActorMembership[];
  activeOrganisationId: string | null;
  via: 'session' | 'token';
  sessionId: string | null;
  csrfToken: string | null;
};

/** Who did something, for the audit log: present on every call that changes data. */
export type AuditContext = {
  actorUserId: string | null;
  actorEmail: string | null;
  requestId: string | null;
  ip: string | null;
};

export const SYSTEM_AUDIT: AuditContext = { actorUserId: null, actorEmail: 'system', requestId: null, ip: null };

export function auditContextOf(actor: Actor | null, requestId: string | null, ip: string | null): AuditContext {
  return { actorUserId: actor?.userId ?? null, actorEmail: actor?.email ?? null, requestId, ip };
}

export function membershipIn(actor: Actor, organisationId: string): ActorMembership | undefined {
  return actor.memberships.find((m) => m.organisationId === organisationId);
}

/** The organisation the user works in now: the chosen one if still a member, else the first. */
export function activeMembership(actor: Actor): ActorMembership | undefined {
  return (actor.activeOrganisationId ? membershipIn(actor, actor.activeOrganisationId) : undefined) ?? actor.memberships[0];
}
