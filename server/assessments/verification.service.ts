import type { Database } from '../db/client';
import { membershipIn, type Actor, type AuditContext } from '../auth/actor';
import { assessingMemberships, canAnswerFor, organisationNameOf, pickOrganisation, requireBuyerSide, vendorIdsOf, verificationViewFor, type VerificationView } from './assessments.access';
import { majorOf } from './assessments.cells';
import type { AssessmentsContext } from './assessments.context';
import { answerNotCurrent, assessorRequired, messageAuthorRequired } from './assessments.errors';
import type { ThreadRow } from './assessments.repository';
import type { VerificationDecision } from './assessments.table';
import { threadOf } from './answers.service';
import { assertVersion, compareAndSet } from '../shared/versioning';
import { addMonths, DEFAULT_QUEUE_REASONS, type QueueReason } from './verification-state';

export type VerificationInput = {
  decision: VerificationDecision;
  noteForVendor?: string | undefined;
  internalNote?: string | undefined;
  organisationId?: string | undefined;
  /** The answer's version the decision was made on: a revision or another review since refuses it (409). */
  version: number;
};

/** Reviewing answers: assessors' decisions, the thread's messages, the review queue and the vendor's feedback. */
export function createVerificationService(ctx: AssessmentsContext) {
  const { db, repo, access, cells, now } = ctx;

  return {
    /** Records an assessor's decision on the current answer; answers the review as the reviewer sees it. */
    async verify(actor: Actor, answerId: string, input: VerificationInput, context: AuditContext): Promise<VerificationView> {
      const { answer, context: pv } = await access.loadAnswer(actor, answerId);
      if (membershipIn(actor, pv.product.vendorOrganisationId)) throw assessorRequired();
      const organisationId = pickOrganisation(assessingMemberships(actor), input.organisationId, assessorRequired);
      if (!answer.isCurrent) throw answerNotCurrent();
      const lastChange = (executor: Database = db) => ctx.audit.lastChange(executor, 'answer', answer.id);
      await assertVersion({ entity: 'answer', expected: input.version, current: answer.version, lastChange });
      const decidedAt = now();
      const row = await ctx.audited(
        context,
        {
          organisationId,
          action: 'answer.verified',
          entityType: 'answer',
          entityId: answer.id,
          after: { productVersionId: answer.productVersionId, key: answer.libraryKey, major: answer.libraryMajor, revision: answer.revision, version: input.version + 1, decision: input.decision, noteForVendor: input.noteForVendor ?? '', internalNote: input.internalNote ?? '' },
        },
        async (tx) => {
          await compareAndSet({
            entity: 'answer',
            update: () => repo.raiseAnswerVersion(tx, answer.id, input.version),
            currentVersion: async () => (await repo.findCurrentAnswer(tx, threadOf(answer)))?.version,
            lastChange: () => lastChange(tx),
            notFound: answerNotCurrent,
          });
          return repo.insertVerification(tx, {
            answerId,
            assessorOrganisationId: organisationId,
            decision: input.decision,
            noteForVendor: input.noteForVendor ?? '',
            internalNote: input.internalNote ?? '',
            decidedBy: actor.userId,
            decidedAt,
            expiresAt: addMonths(decidedAt, ctx.verificationValidMonths),
          });
        },
      );
      return verificationViewFor(actor, { ...row, answerRevision: answer.revision, assessorName: organisationNameOf(actor, organisationId) ?? '' });
    },

    /** A reply in the answer's thread: from the vendor (right of reply) or from a reviewer. */
    async postMessage(actor: Actor, answerId: string, input: { body: string; organisationId?: string | undefined }, context: AuditContext) {
      const { answer, context: pv } = await access.loadAnswer(actor, answerId);
      const isVendor = Boolean(membershipIn(actor, pv.product.vendorOrganisationId));
      if (isVendor && !canAnswerFor(actor, pv.product)) throw messageAuthorRequired();
      const organisationId = isVendor ? pv.product.vendorOrganisationId : pickOrganisation(assessingMemberships(actor), input.organisationId, messageAuthorRequired);
      const message = await ctx.audited(
        context,
        { organisationId, action: 'answer.message_posted', entityType: 'answer', entityId: answer.id, after: { productVersionId: answer.productVersionId, key: answer.libraryKey, major: answer.libraryMajor, body: input.body } },
        (tx) => repo.insertMessage(tx, { ...threadOf(answer), authorOrganisationId: organisationId, authorUserId: actor.userId, body: input.body, createdAt: now() }),
      );
      return { ...message, authorName: organisationNameOf(actor, organisationId) };
    },

    /**
     * Answers waiting for (re-)review: verification expired or answer revised since, or, when
     * that reason is asked for, never reviewed; only a profile's requirements when one is named.
     */
    async queue(actor: Actor, input: { reason?: QueueReason | undefined; profileId?: string | undefined; page: number; pageSize: number }) {
      requireBuyerSide(actor);
      const moment = now().toISOString();
      const reasons = input.reason ? [input.reason] : DEFAULT_QUEUE_REASONS;
      let threads: { key: string; major: number }[] | undefined;
      if (input.profileId) {
        const items = (await cells.profileVersionOf(await access.loadProfile(actor, input.profileId))).items;
        if (items.length === 0) return { rows: [] as (ThreadRow & { reason: string })[], total: 0 };
        threads = items.map((i) => ({ key: i.key, major: majorOf(i.libraryVersion) }));
      }
      return repo.reviewQueue(db, { reasons, threads, moment }, { limit: input.pageSize, offset: (input.page - 1) * input.pageSize });
    },

    /** For vendor users: their answers that a reviewer rejected or asked to change, with the note meant for them. */
    async feedback(actor: Actor, page: { page: number; pageSize: number }) {
      const vendorIds = vendorIdsOf(actor);
      if (vendorIds.length === 0) return { rows: [] as (ThreadRow & { reason: string })[], total: 0 };
      return repo.vendorFeedback(db, vendorIds, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
    },
  };
}
