import type { AuditContext } from '../auth/actor';
import type { AuditEntry } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { JointSetsDeps } from './joint-sets.access';
import { jointSetNotFound } from './joint-sets.errors';
import type { JointSetRow } from './joint-sets.table';

/** An audit entry in the coordinator's log, naming the set. */
export const coordinatorEntry = (set: JointSetRow, action: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  organisationId: set.coordinatorOrganisationId,
  action,
  entityType: 'joint_set',
  entityId: set.id,
  ...extra,
  after: { jointSetId: set.id, ...(extra.after ?? {}) },
});

/**
 * Every change to a set runs in one transaction that locks the set (so concurrent changes to it
 * queue), marks it changed and writes its audit entries; an entry may be built from the result.
 */
export function createJointSetChanges(deps: Pick<JointSetsDeps, 'db' | 'jointSetsRepository' | 'auditRepository'>) {
  const { db, jointSetsRepository: repo, auditRepository: audit } = deps;
  return async function change<T>(set: JointSetRow, context: AuditContext, entries: (AuditEntry | ((result: T) => AuditEntry))[], work: (tx: Database) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      if (!(await repo.lock(tx, set.id))) throw jointSetNotFound();
      const result = await work(tx);
      await repo.touch(tx, set.id);
      await audit.recordMany(
        tx,
        context,
        entries.map((e) => (typeof e === 'function' ? e(result) : e)),
      );
      return result;
    });
  };
}
