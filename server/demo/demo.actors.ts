import { SYSTEM_AUDIT, type Actor, type AuditContext } from '../auth/actor';
import type { Services } from '../services';

/** A demo user acting in one of its organisations, with the audit context that names it. */
export async function demoActor(services: Services, email: string, organisationName: string): Promise<{ actor: Actor; context: AuditContext } | null> {
  const { db } = services.database;
  const user = await services.repositories.auth.findUserByEmail(db, email);
  const organisation = await services.repositories.organisations.findByName(db, organisationName);
  if (!user || !organisation) return null;
  const actor: Actor = {
    userId: user.id,
    email: user.email,
    name: user.name,
    isAdmin: false,
    locale: 'nb',
    memberships: await services.repositories.auth.membershipsOf(db, user.id),
    activeOrganisationId: organisation.id,
    via: 'session',
    sessionId: null,
    csrfToken: null,
  };
  return { actor, context: { ...SYSTEM_AUDIT, actorUserId: user.id, actorEmail: user.email } };
}
