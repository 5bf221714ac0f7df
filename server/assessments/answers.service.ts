import { createHash } from 'node:crypto';
import { membershipIn, type Actor, type AuditContext } from '../auth/actor';
import type { LibraryVersionRow } from '../library/library.table';
import { assessingMemberships, canAnswerFor, canSeeProduct, vendorIdsOf, verificationViewFor, type ProductVersionContext, type VerificationView } from './assessments.access';
import { ALL_PRODUCTS, type Cell } from './assessments.cells';
import type { AssessmentsContext } from './assessments.context';
import { answerNotCurrent, answerVendorRequired, evidenceMissing, evidenceNotFound, unknownRequirement } from './assessments.errors';
import type { EvidenceMeta, ThreadKey } from './assessments.repository';
import type { AnswerRow, AnswerStatus } from './assessments.table';
import { assertVersion, staleVersion, versionRequired } from '../shared/versioning';
import { checkEvidenceFile } from './evidence-files';
import { isLapsed, verificationStateOf, type VerificationState } from './verification-state';

export type AnswerInput = {
  productVersionId: string;
  key: string;
  major: number;
  status: AnswerStatus;
  explanation?: string | undefined;
  links?: { url: string; title: string }[] | undefined;
  validUntil?: string | null | undefined;
  /** The version of the current answer the change is based on; none for a first answer. */
  version?: number | undefined;
};

export type AnswerDetail = {
  answer: AnswerRow;
  context: ProductVersionContext;
  verification: VerificationState;
  lapsed: boolean;
  isVendor: boolean;
  canAnswer: boolean;
  canReview: boolean;
  canReply: boolean;
  library: LibraryVersionRow | null;
  history: AnswerRow[];
  verifications: VerificationView[];
  evidence: (EvidenceMeta & { answerRevision: number })[];
  messages: { id: string; body: string; authorName: string | null; authorOrganisationId: string | null; createdAt: Date }[];
};

/** The thread an answer belongs to: its product version, key and major version. */
export const threadOf = (answer: AnswerRow): ThreadKey => ({ productVersionId: answer.productVersionId, libraryKey: answer.libraryKey, libraryMajor: answer.libraryMajor });
const threadKey = (pv: string, key: string, major: number) => `${pv}|${key}|${major}`;
const answerFields = (a: Pick<AnswerRow, 'status' | 'explanation' | 'links' | 'validUntil' | 'revision' | 'version'>) => ({ status: a.status, explanation: a.explanation, links: a.links, validUntil: a.validUntil, revision: a.revision, version: a.version });
const claimOf = (a: Pick<AnswerRow, 'status' | 'explanation' | 'links' | 'validUntil'>) => JSON.stringify({ status: a.status, explanation: a.explanation, links: a.links, validUntil: a.validUntil });

/** A vendor's answers for its product versions: reading and revising them, and their evidence files. */
export function createAnswersService(ctx: AssessmentsContext) {
  const { db, repo, library, audit, access, cells, now, today, evidenceAdded } = ctx;

  /** Checks every file before any is stored, so one refused file stores none. */
  function checkedFiles(files: { originalname: string; buffer: Buffer }[]) {
    return files.map((file) => ({ file, ...checkEvidenceFile(file), sha256: createHash('sha256').update(file.buffer).digest('hex') }));
  }

  /** Stores files on the current answer with their audit entries, and lets the hook queue what they ask for. */
  async function storeEvidence(actor: Actor, answer: AnswerRow, vendorOrganisationId: string, files: ReturnType<typeof checkedFiles>, context: AuditContext): Promise<{ evidence: EvidenceMeta[]; checkRunId: string | null }> {
    return db.transaction(async (tx) => {
      const evidence: EvidenceMeta[] = [];
      for (const { file, filename, contentType, sha256 } of files) {
        const row = await repo.insertEvidence(tx, { answerId: answer.id, filename, contentType, size: file.buffer.length, sha256, content: file.buffer, uploadedBy: actor.userId, createdAt: now() });
        await audit.record(tx, context, { organisationId: vendorOrganisationId, action: 'answer.evidence_added', entityType: 'evidence_file', entityId: row.id, after: { answerId: answer.id, key: answer.libraryKey, filename, contentType, size: row.size, sha256 } });
        evidence.push(row);
      }
      const queued = await evidenceAdded(tx, { actor, answer, organisationId: vendorOrganisationId, evidence }, context);
      return { evidence, checkRunId: queued?.id ?? null };
    });
  }

  return {
    /** Products the caller's vendor organisations make, with versions and the profiles they were asked to answer. */
    async vendorProducts(actor: Actor) {
      const vendorIds = vendorIdsOf(actor);
      const { rows } = await repo.products(db, { vendorOrganisationIds: vendorIds }, ALL_PRODUCTS);
      const [versions, requests] = await Promise.all([repo.versionsOfProducts(db, rows.map((r) => r.productId)), repo.requestsForVendors(db, vendorIds)]);
      return rows.map((row) => ({ ...row, versions: versions.filter((v) => v.productId === row.productId), profiles: requests.filter((r) => r.productId === row.productId) }));
    },

    loadProductVersion: access.loadProductVersion,

    /** A product version's answers to a profile, with the score, as its vendor and its assessors see them. */
    async productSheet(actor: Actor, productVersionId: string, profileId: string, version?: number) {
      const context = await access.loadProductVersion(actor, productVersionId);
      const profile = await access.loadProfile(actor, profileId);
      const profileVersion = await cells.profileVersionOf(profile, version);
      const [items, siblings] = await Promise.all([cells.itemViews(profileVersion.items), repo.versionsOfProducts(db, [context.product.id])]);
      const own = (await cells.cellsFor(profileVersion.items, [productVersionId])).get(productVersionId) ?? [];
      return {
        context,
        siblings,
        profile,
        profileVersion,
        items: items.map((item, n) => ({ item, cell: own[n] as Cell })),
        score: cells.scoreOf(profileVersion.items, own),
        canAnswer: canAnswerFor(actor, context.product),
      };
    },

    /** The current answers of a product version, to a profile's requirements (its current version) or all. */
    async answersOf(actor: Actor, productVersionId: string, profileId?: string) {
      const keys = profileId ? (await cells.profileVersionOf(await access.loadProfile(actor, profileId))).items.map((i) => i.key) : undefined;
      const context = await access.loadProductVersion(actor, productVersionId);
      const [current, latest] = await Promise.all([repo.currentAnswers(db, [productVersionId], keys), repo.latestVerifications(db, [productVersionId], keys)]);
      const latestByThread = new Map(latest.map((v) => [threadKey(v.productVersionId, v.libraryKey, v.libraryMajor), v]));
      const moment = now();
      return {
        context,
        answers: current.map((answer) => ({
          answer,
          verification: verificationStateOf(answer, latestByThread.get(threadKey(answer.productVersionId, answer.libraryKey, answer.libraryMajor)), moment),
          lapsed: isLapsed(answer.validUntil, today()),
        })),
      };
    },

    /** The vendor's current answer to one requirement, if any, for the answer form. */
    async currentAnswer(actor: Actor, productVersionId: string, key: string, major: number) {
      const context = await access.loadProductVersion(actor, productVersionId);
      const released = (await library.releasedVersions(db, key)).find((r) => r.major === major);
      if (!released) throw unknownRequirement(key, major);
      return { context, library: released, answer: await repo.findCurrentAnswer(db, { productVersionId, libraryKey: key, libraryMajor: major }), canAnswer: canAnswerFor(actor, context.product) };
    },

    /**
     * Records the vendor's answer as a new revision; the earlier one stays in the history. A first
     * answer needs no version; changing an existing one names the version it was based on (428
     * without, 409 when the answer was revised or reviewed since). An answer identical to the
     * current one changes nothing.
     */
    async saveAnswer(actor: Actor, input: AnswerInput, context: AuditContext): Promise<{ answer: AnswerRow; created: boolean }> {
      const { product } = await access.loadProductVersion(actor, input.productVersionId);
      if (!canAnswerFor(actor, product)) throw answerVendorRequired();
      if (!(await library.releasedVersions(db, input.key)).some((r) => r.major === input.major)) throw unknownRequirement(input.key, input.major);
      const key = { productVersionId: input.productVersionId, libraryKey: input.key, libraryMajor: input.major };
      const fields = { status: input.status, explanation: input.explanation ?? '', links: input.links ?? [], validUntil: input.validUntil ?? null };
      return db.transaction(async (tx) => {
        const current = await repo.findCurrentAnswer(tx, key);
        if (current) {
          if (input.version === undefined) throw versionRequired();
          const lastChange = () => audit.lastChange(tx, 'answer', current.id);
          await assertVersion({ entity: 'answer', expected: input.version, current: current.version, lastChange });
          if (claimOf(current) === claimOf(fields)) return { answer: current, created: false };
          if (!(await repo.retireAnswer(tx, current.id, input.version))) {
            // Someone revised it in between: the revision that beat this one is a new answer row,
            // so who changed it is read from that row's history, not the retired one's.
            const winner = await repo.findCurrentAnswer(tx, key);
            throw staleVersion('answer', winner?.version ?? current.version + 1, winner ? await audit.lastChange(tx, 'answer', winner.id) : await lastChange());
          }
        }
        const answer = await repo.insertAnswer(tx, {
          ...key,
          ...fields,
          isCurrent: true,
          revision: (current?.revision ?? 0) + 1,
          version: (current?.version ?? 0) + 1,
          answeredBy: actor.userId,
          answeredByOrganisationId: product.vendorOrganisationId,
          createdAt: now(),
        });
        await audit.record(tx, context, {
          organisationId: product.vendorOrganisationId,
          action: current ? 'answer.revised' : 'answer.created',
          entityType: 'answer',
          entityId: answer.id,
          before: current ? { answerId: current.id, ...answerFields(current) } : null,
          after: { productVersionId: input.productVersionId, productId: product.id, key: input.key, major: input.major, ...answerFields(answer) },
        });
        return { answer, created: true };
      });
    },

    /** An answer with its history, reviews, evidence and thread; internal notes only for the reviewing organisation. */
    async answerDetail(actor: Actor, answerId: string): Promise<AnswerDetail> {
      const { answer, context } = await access.loadAnswer(actor, answerId);
      const key = threadOf(answer);
      const [history, reviews, evidence, messages, released] = await Promise.all([
        repo.answerHistory(db, key),
        repo.verificationsOfThread(db, key),
        repo.evidenceOfThread(db, key),
        repo.messagesOfThread(db, key),
        library.releasedVersions(db, answer.libraryKey),
      ]);
      const current = history.find((h) => h.isCurrent) ?? answer;
      const isVendor = Boolean(membershipIn(actor, context.product.vendorOrganisationId));
      return {
        answer,
        context,
        verification: verificationStateOf(current, reviews[0], now()),
        lapsed: isLapsed(answer.validUntil, today()),
        isVendor,
        canAnswer: canAnswerFor(actor, context.product),
        canReview: !isVendor && assessingMemberships(actor).length > 0,
        canReply: canAnswerFor(actor, context.product) || (!isVendor && assessingMemberships(actor).length > 0),
        library: released.find((r) => r.major === answer.libraryMajor) ?? null,
        history,
        verifications: reviews.map((v) => verificationViewFor(actor, v)),
        evidence,
        messages: messages.map((m) => ({ id: m.id, body: m.body, authorName: m.authorName, authorOrganisationId: m.authorOrganisationId, createdAt: m.createdAt })),
      };
    },

    /** Attaches an evidence file to the current answer; the file is checked only once the vendor may add it. */
    async addEvidence(actor: Actor, answerId: string, file: { originalname: string; buffer: Buffer } | undefined, context: AuditContext): Promise<EvidenceMeta & { checkRunId: string | null }> {
      if (!file) {
        await this.addEvidenceFiles(actor, answerId, [], context);
        throw evidenceMissing();
      }
      const { evidence, checkRunId } = await this.addEvidenceFiles(actor, answerId, [file], context);
      return { ...(evidence[0] as EvidenceMeta), checkRunId };
    },

    /** Attaches files to the current answer; a file the requirement's machine checks read queues a check run. */
    async addEvidenceFiles(actor: Actor, answerId: string, files: { originalname: string; buffer: Buffer }[], context: AuditContext): Promise<{ evidence: EvidenceMeta[]; checkRunId: string | null }> {
      const { answer, context: pv } = await access.loadAnswer(actor, answerId);
      if (!canAnswerFor(actor, pv.product)) throw answerVendorRequired();
      if (!answer.isCurrent) throw answerNotCurrent();
      if (files.length === 0) return { evidence: [], checkRunId: null };
      return storeEvidence(actor, answer, pv.product.vendorOrganisationId, checkedFiles(files), context);
    },

    /** Saves the answer and attaches the files sent with it; the files are checked before anything is saved. */
    async saveAnswerWithEvidence(actor: Actor, input: AnswerInput, files: { originalname: string; buffer: Buffer }[], context: AuditContext): Promise<{ answer: AnswerRow; created: boolean; evidence: EvidenceMeta[]; checkRunId: string | null }> {
      const { product } = await access.loadProductVersion(actor, input.productVersionId);
      if (!canAnswerFor(actor, product)) throw answerVendorRequired();
      const checked = checkedFiles(files);
      const saved = await this.saveAnswer(actor, input, context);
      if (checked.length === 0) return { ...saved, evidence: [], checkRunId: null };
      return { ...saved, ...(await storeEvidence(actor, saved.answer, product.vendorOrganisationId, checked, context)) };
    },

    /** An evidence file for download, for exactly those who may see its answer. */
    async evidenceFile(actor: Actor, evidenceId: string) {
      const file = await repo.findEvidence(db, evidenceId);
      const answer = file ? await repo.findAnswer(db, file.answerId) : undefined;
      const context = answer ? await repo.findProductVersion(db, answer.productVersionId) : undefined;
      if (!file || !context || !canSeeProduct(actor, context.product)) throw evidenceNotFound();
      return file;
    },
  };
}
