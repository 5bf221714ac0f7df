import type { Database } from '../db/client';
import type { Actor } from '../auth/actor';
import { forbidden } from '../shared/errors';
import { requireOrganisationRole } from '../organisations/organisation-access';
import type { AuditRepository } from './audit.repository';
import type { AuditQuery } from './audit.schemas';

export function createAuditService(deps: { db: Database; auditRepository: AuditRepository }) {
  const { db, auditRepository: audit } = deps;
  return {
    /**
     * Owners read their organisation's log; administrators read everything, including entries
     * that belong to no organisation (logins, accounts).
     */
    async list(actor: Actor, query: AuditQuery) {
      let organisationIds: string[] | undefined;
      if (query.organisationId) {
        requireOrganisationRole(actor, query.organisationId, ['owner']);
        organisationIds = [query.organisationId];
      } else if (!actor.isAdmin) {
        organisationIds = actor.memberships.filter((m) => m.role === 'owner').map((m) => m.organisationId);
        if (organisationIds.length === 0) throw forbidden('audit.owner_required', 'Only owners of an organisation can read its audit log.');
      }
      const { rows, total } = await audit.list(
        db,
        { organisationIds, action: query.action, entityType: query.entityType, entityId: query.entityId, actorEmail: query.actor, from: query.from, to: query.to },
        { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
      );
      return { rows, total, page: query.page, pageSize: query.pageSize };
    },

    actions: () => audit.distinctActions(db),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
