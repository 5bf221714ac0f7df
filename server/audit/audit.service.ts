import type { Database } from '../db/client';
import type { Actor } from '../auth/actor';
import { forbidden } from '../shared/errors';
import { requireOrganisationRole } from '../organisations/organisation-access';
import type { AuditRepository } from './audit.repository';
import type { AuditQuery, AuditVerifyQuery } from './audit.schemas';
import { createChainVerifier, type ChainBreak, type ChainReport } from './audit-chain';

const CHAIN_PAGE = 1000;

export type ChainVerification = { valid: boolean; entries: number; chains: ChainReport[]; firstBreak: ChainBreak | null };

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

    /**
     * Recomputes the hash chains the actor may read: an owner their organisations' chains, an
     * administrator every chain (or one organisation's). Answers each chain's head and the first
     * broken entry, so a change made directly in the database is named.
     */
    async verify(actor: Actor, query: AuditVerifyQuery): Promise<ChainVerification> {
      let organisationIds: string[] | undefined;
      if (query.organisationId) {
        requireOrganisationRole(actor, query.organisationId, ['owner']);
        organisationIds = [query.organisationId];
      } else if (!actor.isAdmin) {
        organisationIds = actor.memberships.filter((m) => m.role === 'owner').map((m) => m.organisationId);
        if (organisationIds.length === 0) throw forbidden('audit.owner_required', 'Only owners of an organisation can verify its audit log.');
      }
      return verifyChains(db, audit, organisationIds);
    },

  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/** Verifies every chain in scope, page by page, never holding a whole chain in memory. */
export async function verifyChains(db: Database, audit: AuditRepository, organisationIds?: string[]): Promise<ChainVerification> {
  const names = await audit.chainNames(db, organisationIds);
  for (const id of organisationIds ?? []) if (!names.includes(id)) names.push(id);
  const chains: ChainReport[] = [];
  for (const chain of names) {
    const verifier = createChainVerifier(chain);
    let afterSeq = 0;
    for (;;) {
      const rows = await audit.chainEntries(db, chain, afterSeq, CHAIN_PAGE);
      if (rows.length === 0 || !rows.every((row) => verifier.add(row))) break;
      afterSeq = rows[rows.length - 1]?.chainSeq ?? afterSeq;
      if (rows.length < CHAIN_PAGE) break;
    }
    chains.push(verifier.report());
  }
  const unchained = await audit.firstUnchained(db, organisationIds);
  const breaks = chains.flatMap((c) => (c.firstBreak ? [c.firstBreak] : []));
  if (unchained) breaks.push({ entryId: unchained.id, chainSeq: unchained.chainSeq, reason: 'not_chained', message: `Audit entry ${unchained.id} has no place in a chain: it was written past the database's trigger.` });
  breaks.sort((a, b) => a.entryId - b.entryId);
  return { valid: breaks.length === 0, entries: chains.reduce((n, c) => n + c.entries, 0), chains, firstBreak: breaks[0] ?? null };
}
