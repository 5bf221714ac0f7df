import type { Actor } from './actor';
import type { ApiTokenRow, SessionRow } from './sessions.table';

/** Who is logged in, as the session API answers: the user, their memberships and the CSRF token for later changes. */
export function sessionBody(actor: Actor, session: Pick<SessionRow, 'expiresAt'> | null) {
  return {
    user: { id: actor.userId, email: actor.email, name: actor.name, isAdmin: actor.isAdmin, locale: actor.locale },
    memberships: actor.memberships.map((m) => ({ organisationId: m.organisationId, organisationName: m.organisationName, kind: m.kind, role: m.role })),
    csrfToken: actor.csrfToken,
    expiresAt: session?.expiresAt.toISOString() ?? null,
  };
}

/** A personal API token as the API and the account page list it: its name and prefix, never its value. */
export function tokenBody(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}
