import type { Actor, AuditContext } from '../auth/actor';
import type { AuditEntry } from '../audit/audit.repository';
import { createJointSetLoaders, pickOrganisation, type JointSetsDeps } from './joint-sets.access';
import { coordinatorEntry, createJointSetChanges } from './joint-sets.changes';
import { createRevisionContent, type Coordination } from './joint-sets.content';
import { alreadySigned, coordinatorRequired, emptyRevision, ownerRequired, revisionNotFound, unresolvedComments, wrongState } from './joint-sets.errors';
import { compareAndSet, staleVersion } from '../shared/versioning';
import type { JointSetRevisionRow, SignoffDecision } from './joint-sets.table';

/**
 * A revision's way to adoption and the sign-off after it: the coordinator moves it between
 * draft, consultation and adopted; owners of participants sign off or decline the adopted one.
 */
export function createJointSetAdoption(deps: JointSetsDeps) {
  const { db, jointSetsRepository: repo, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  const { loadRevision } = createJointSetLoaders(deps);
  const content = createRevisionContent(deps);
  const change = createJointSetChanges(deps);

  return {
    /** draft → consultation (with items), consultation → draft (to apply what the consultation gave), consultation → adopted (every comment resolved). */
    /** Moves a revision on, if it still has the version the coordinator read (its status and content as seen). */
    async transition(actor: Actor, id: string, number: number, to: 'consultation' | 'draft' | 'adopted', version: number, context: AuditContext): Promise<JointSetRevisionRow> {
      const { set, revision, access, revisions } = await loadRevision(actor, id, number);
      if (!access.isCoordinator) throw coordinatorRequired();
      if (revision.version !== version) throw staleVersion('joint-set revision', revision.version, await audit.lastChangeWithin(db, 'joint_set_revision', revision.id, 'revisionId'));
      const from = revision.status;
      const allowed = (from === 'draft' && to === 'consultation') || (from === 'consultation' && (to === 'draft' || to === 'adopted'));
      if (!allowed) throw wrongState(from, `move to ${to}`);
      if (to !== 'draft' && (await repo.items(db, revision.id)).length === 0) throw emptyRevision();
      if (to === 'adopted') {
        const open = (await repo.comments(db, revision.id)).filter((c) => !c.resolution).length;
        if (open > 0) throw unresolvedComments(open);
      }
      const previous = to === 'adopted' ? revisions.find((r) => r.status === 'adopted') : undefined;
      const entries: AuditEntry[] = [coordinatorEntry(set, `joint_set.revision_${to === 'draft' ? 'reopened' : to}`, { entityType: 'joint_set_revision', entityId: revision.id, before: { status: from }, after: { revision: number, status: to } })];
      if (previous) entries.push(coordinatorEntry(set, 'joint_set.revision_superseded', { entityType: 'joint_set_revision', entityId: previous.id, before: { status: 'adopted' }, after: { revision: previous.number, status: 'superseded', by: number } }));
      return change(set, context, entries, async (tx) => {
        if (previous) await repo.moveRevision(tx, previous.id, 'adopted', { status: 'superseded', supersededAt: now() });
        const values = to === 'consultation' ? { status: to, consultationStartedAt: now() } : to === 'adopted' ? { status: to, adoptedAt: now(), adoptedBy: actor.userId } : { status: to };
        return compareAndSet({
          entity: 'joint-set revision',
          update: () => repo.moveRevision(tx, revision.id, from, values, version),
          currentVersion: async () => (await repo.findRevision(tx, revision.id))?.version,
          lastChange: () => audit.lastChangeWithin(tx, 'joint_set_revision', revision.id, 'revisionId'),
          notFound: revisionNotFound,
        });
      });
    },

    async coordination(actor: Actor, id: string, number: number): Promise<Coordination & { revision: JointSetRevisionRow }> {
      const view = await loadRevision(actor, id, number);
      return { ...(await content.coordinationOf(view, view.revision)), revision: view.revision };
    },

    /** An owner of a participating organisation signs off (final) or declines an adopted revision. */
    async signoff(actor: Actor, id: string, number: number, input: { decision: SignoffDecision; note?: string | undefined; organisationId?: string | undefined }, context: AuditContext): Promise<void> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      const organisation = pickOrganisation(access.signingOrganisations, input.organisationId, ownerRequired);
      if (revision.status !== 'adopted') throw wrongState(revision.status, 'be signed off; only the adopted revision can');
      const existing = (await repo.signoffs(db, revision.id)).find((s) => s.organisationId === organisation.organisationId);
      if (existing?.decision === 'signed') throw alreadySigned();
      await change(
        set,
        context,
        [{ organisationId: organisation.organisationId, action: input.decision === 'signed' ? 'joint_set.revision_signed' : 'joint_set.revision_declined', entityType: 'joint_set_revision', entityId: revision.id, before: existing ? { decision: existing.decision } : null, after: { jointSetId: id, revision: number, decision: input.decision, note: input.note ?? '', by: actor.email } }],
        (tx) => repo.saveSignoff(tx, { revisionId: revision.id, organisationId: organisation.organisationId, decision: input.decision, note: input.note ?? '', userId: actor.userId, userName: actor.name, decidedAt: now() }),
      );
    },
  };
}
