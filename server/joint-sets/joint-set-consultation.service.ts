import { createHash } from 'node:crypto';
import type { Actor, AuditContext } from '../auth/actor';
import { createJointSetLoaders, pickOrganisation, type JointSetsDeps } from './joint-sets.access';
import { coordinatorEntry, createJointSetChanges } from './joint-sets.changes';
import { createRevisionContent, type RevisionView } from './joint-sets.content';
import { commentNotFound, coordinatorRequired, participantRequired, revisionNotFound, wrongState } from './joint-sets.errors';
import { buildConsultationReportDocx } from './joint-sets.report.docx';
import type { CommentPosition, CommentResolution, JointSetCommentRow } from './joint-sets.table';
import { compareAndSet, staleVersion } from '../shared/versioning';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * The consultation: participants comment on a revision's items, the coordinator answers each
 * comment, and the report of both, for participants only.
 */
export function createJointSetConsultation(deps: JointSetsDeps) {
  const { db, jointSetsRepository: repo, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  const { loadRevision } = createJointSetLoaders(deps);
  const content = createRevisionContent(deps);
  const change = createJointSetChanges(deps);

  /** The revision with its comments; readers of a public set who take no part get 404. */
  async function consultation(actor: Actor, id: string, number: number): Promise<RevisionView> {
    const view = await content.revisionView(await loadRevision(actor, id, number));
    if (!view.access.isParticipant) throw revisionNotFound();
    return view;
  }

  return {
    consultation,

    async comment(actor: Actor, id: string, number: number, input: { itemId: string; position: CommentPosition; text: string; organisationId?: string | undefined }, context: AuditContext): Promise<JointSetCommentRow> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      const organisation = pickOrganisation(access.actingOrganisations, input.organisationId, participantRequired);
      if (revision.status !== 'consultation') throw wrongState(revision.status, 'take comments; only a revision in consultation can');
      const item = await content.requireItem(revision.id, input.itemId);
      return change(
        set,
        context,
        [(c: JointSetCommentRow) => ({ organisationId: organisation.organisationId, action: 'joint_set.comment_added', entityType: 'joint_set_comment', entityId: c.id, after: { jointSetId: id, revision: number, key: item.libraryKey, position: input.position, text: input.text } })],
        (tx) => repo.insertComment(tx, { revisionId: revision.id, itemId: item.id, organisationId: organisation.organisationId, authorId: actor.userId, authorName: actor.name, position: input.position, text: input.text }),
      );
    },

    /** The coordinator's answer to a comment, based on the comment's version (so two answers never overwrite each other). */
    async resolveComment(actor: Actor, id: string, number: number, commentId: string, input: { resolution: CommentResolution; response: string; version: number }, context: AuditContext): Promise<void> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      if (!access.isCoordinator) throw coordinatorRequired();
      const comment = (await repo.comments(db, revision.id)).find((c) => c.id === commentId);
      if (!comment) throw commentNotFound();
      if (revision.status !== 'consultation') throw wrongState(revision.status, 'have its comments answered; only a revision in consultation can');
      if (comment.version !== input.version) throw staleVersion('comment', comment.version, await audit.lastChange(db, 'joint_set_comment', commentId));
      await change(
        set,
        context,
        [coordinatorEntry(set, 'joint_set.comment_resolved', { entityType: 'joint_set_comment', entityId: commentId, before: { resolution: comment.resolution, response: comment.response }, after: { revision: number, resolution: input.resolution, response: input.response } })],
        (tx) =>
          compareAndSet({
            entity: 'comment',
            update: () => repo.updateComment(tx, commentId, { resolution: input.resolution, response: input.response, resolvedBy: actor.userId, resolvedAt: now() }, input.version),
            currentVersion: async () => (await repo.comments(tx, revision.id)).find((c) => c.id === commentId)?.version,
            lastChange: () => audit.lastChange(tx, 'joint_set_comment', commentId),
            notFound: commentNotFound,
          }),
      );
    },

    /** The consultation report as DOCX, recorded in the coordinator's audit log with the file's SHA-256. */
    async consultationReport(actor: Actor, id: string, number: number, lang: 'nb' | 'en', context: AuditContext): Promise<{ bytes: Buffer; sha256: string; filename: string; contentType: string }> {
      const view = await consultation(actor, id, number);
      const bytes = await buildConsultationReportDocx(view, lang);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await audit.record(db, context, {
        organisationId: view.set.coordinatorOrganisationId,
        action: 'joint_set.report_generated',
        entityType: 'joint_set_revision',
        entityId: view.revision.id,
        after: { jointSetId: id, revision: number, document: 'consultation-report.docx', sha256, bytes: bytes.length },
      });
      return { bytes, sha256, filename: `consultation-report-rev${view.revision.number}.docx`, contentType: DOCX };
    },
  };
}
