import { randomUUID } from 'node:crypto';
import { membershipIn, type Actor, type AuditContext } from '../auth/actor';
import type { AuditEntry } from '../audit/audit.repository';
import { assessingMemberships, canAnswerFor, pickOrganisation } from '../assessments/assessments.access';
import { majorOf } from '../assessments/assessments.cells';
import { assessorRequired } from '../assessments/assessments.errors';
import type { AnswerInsert } from '../assessments/assessments.repository';
import { ensureBaselineProfile } from '../assessments/assessments.service';
import type { AnswerStatus, answerMessages, ProfileItem, VerificationDecision, verifications } from '../assessments/assessments.table';
import { isAbsolute } from '../assessments/scoring';
import { addMonths } from '../assessments/verification-state';
import type { Services } from '../services';
import { demoActor } from './demo.actors';
import { CONFIRMED_GAP, CONFIRMED_NOT_APPLICABLE, demoAssessmentTexts, type DemoAssessmentTexts } from './demo.assessment-texts';

/** The demo vendors whose products get answers, each answered by its demo owner (see demo.seed.ts). */
const ANSWERING_VENDORS: Record<string, string> = {
  'Fiktiv Fagsystem AS (demo)': 'leverandor@fiktiv.example',
  'Tenkt Programvare AS (demo)': 'leverandor@tenkt.example',
};
/** A vendor without a demo user: its products stay unanswered, which the matrix shows too. */
const SILENT_VENDORS = ['Oppdiktet Data AS (demo)'];
const REVIEWER = { email: 'radsmedlem@eksempelby.example', organisation: 'Arkitekturrådet i Eksempelby (demo)' };
const BUYER_EDITOR = { email: 'innkjoper@eksempelby.example', organisation: 'Eksempelby kommune (demo)' };
const DEMO_PROFILE = 'Skolesystem (demo)';
const DEMO_TENDER_REFERENCE = 'DEMO-2026/17';

type VerificationInsert = typeof verifications.$inferInsert;
type MessageInsert = typeof answerMessages.$inferInsert;
type Review = 'accepted' | 'rejected' | 'change_requested' | 'expired' | 'changed' | null;
type Plan = { status: AnswerStatus; review: Review; lapsed?: boolean } | null;

/**
 * Answers in every state, cycled over the baseline requirements and shifted per product so the
 * matrix shows a mix: verified, a confirmed gap, claimed, partly, verification expired, a claim
 * the council rejected (with a reply), change requested, not applicable, changed after review,
 * past its valid-until date, and unanswered.
 */
const PLAN: Plan[] = [
  { status: 'meets', review: 'accepted' },
  { status: 'does_not_meet', review: 'accepted' },
  { status: 'meets', review: null },
  { status: 'partly', review: null },
  { status: 'meets', review: 'expired' },
  { status: 'meets', review: 'accepted' },
  { status: 'meets', review: 'rejected' },
  { status: 'meets', review: 'change_requested' },
  { status: 'not_applicable', review: 'accepted' },
  { status: 'meets', review: 'changed' },
  { status: 'meets', review: null, lapsed: true },
  null,
];

/** The status a demo product answers: "not applicable" only where the requirement can sensibly not apply. */
function demoStatus(plan: NonNullable<Plan>, texts: DemoAssessmentTexts, qualifiedProduct: boolean, absolute: boolean): AnswerStatus {
  if (plan.status === 'not_applicable' && !texts.answer.not_applicable) return 'meets';
  // Every other product meets its absolute requirements, so the ranking has qualified products too.
  if (qualifiedProduct && absolute && (plan.status === 'partly' || plan.status === 'does_not_meet')) return 'meets';
  return plan.status;
}

/** The council's note when it accepts an answer: about the requirement when it is met, otherwise about the gap it confirms. */
const acceptedNote = (status: AnswerStatus, texts: DemoAssessmentTexts) => (status === 'meets' ? texts.accepted : status === 'not_applicable' ? CONFIRMED_NOT_APPLICABLE : CONFIRMED_GAP);

/** What the demo writes, gathered first and then inserted in a few statements. */
type DemoWrites = {
  answers: (AnswerInsert & { id: string })[];
  verifications: VerificationInsert[];
  messages: MessageInsert[];
  audit: { context: AuditContext; entry: AuditEntry }[];
};

/**
 * Demo answers, reviews and replies for the demo vendors' products, and a demo profile made from
 * the demo tender. Does nothing without the demo products (see demo.vendors.ts); products that
 * already have answers are left alone, so it can run on every start.
 *
 * The services write one answer, review or reply per transaction, several statements each: for
 * the demo's hundreds of them that was most of a first start. The same rules are checked here
 * once for the whole set (the vendor may answer for its product, the requirement version is
 * released, the reviewer assesses from a buyer-side organisation that is not the vendor), and
 * the rows and audit entries the services would write are inserted in one transaction.
 */
export async function seedDemoAssessments(services: Services): Promise<void> {
  const { db } = services.database;
  const repo = services.repositories.assessments;
  const baseline = await ensureBaselineProfile(services);
  if (!baseline) return;
  const items = (await repo.profileVersion(db, baseline.id, baseline.currentVersion))?.items ?? [];
  const reviewer = await demoActor(services, REVIEWER.email, REVIEWER.organisation);
  if (!reviewer) return;
  const reviewerOrganisationId = pickOrganisation(assessingMemberships(reviewer.actor), reviewer.actor.activeOrganisationId ?? undefined, assessorRequired);
  const released = new Set((await services.repositories.library.findVersions(db, items.map((i) => ({ key: i.key, version: i.libraryVersion })))).map((r) => `${r.key}@${r.version}`));
  const answerable = items.filter((item) => released.has(`${item.key}@${item.libraryVersion}`));

  const vendors = await Promise.all([...Object.keys(ANSWERING_VENDORS), ...SILENT_VENDORS].map((name) => services.repositories.organisations.findByName(db, name)));
  const vendorIds = vendors.filter((v) => v !== undefined).map((v) => v.id);
  const { rows: products } = await repo.products(db, { vendorOrganisationIds: vendorIds }, { limit: 100, offset: 0 });
  if (products.length === 0) return;

  const writes: DemoWrites = { answers: [], verifications: [], messages: [], audit: [] };
  // Every write a moment after the one before, as they were made one by one: the review after
  // the answer, the revision after the review, the reply after the rejection.
  let clock = Date.now();
  const tick = () => new Date((clock += 1));
  for (const [productIndex, listed] of products.entries()) {
    const email = ANSWERING_VENDORS[listed.vendorName];
    if (!listed.versionId || !email) continue;
    if ((await repo.currentAnswers(db, [listed.versionId])).length > 0) continue;
    const vendor = await demoActor(services, email, listed.vendorName);
    const productVersion = await repo.findProductVersion(db, listed.versionId);
    if (!vendor || !productVersion || !canAnswerFor(vendor.actor, productVersion.product)) continue;
    if (membershipIn(reviewer.actor, productVersion.product.vendorOrganisationId)) throw assessorRequired();
    const product = { id: productVersion.product.id, versionId: listed.versionId, vendorOrganisationId: productVersion.product.vendorOrganisationId };
    for (const [itemIndex, item] of answerable.entries()) {
      const plan = PLAN[(itemIndex + productIndex * 3) % PLAN.length];
      if (!plan) continue;
      planWrites(writes, { product, item, plan, qualifiedProduct: productIndex % 2 === 0, vendor, reviewer: { ...reviewer, organisationId: reviewerOrganisationId }, tick, validMonths: services.settings.verificationValidMonths });
    }
  }
  if (writes.answers.length > 0) {
    await db.transaction(async (tx) => {
      await repo.insertAnswers(tx, writes.answers);
      await repo.insertVerifications(tx, writes.verifications);
      await repo.insertMessages(tx, writes.messages);
      await services.repositories.audit.recordEach(tx, writes.audit);
    });
  }
  await seedDemoProfile(services, products.find((p) => p.name === 'Elevportalen')?.productId);
}

type DemoActor = { actor: Actor; context: AuditContext };

/** One product's answer to one requirement as the plan says, with the reviews, replies and audit entries the services would record. */
function planWrites(
  writes: DemoWrites,
  input: {
    product: { id: string; versionId: string; vendorOrganisationId: string };
    item: ProfileItem;
    plan: NonNullable<Plan>;
    qualifiedProduct: boolean;
    vendor: DemoActor;
    reviewer: DemoActor & { organisationId: string };
    tick: () => Date;
    validMonths: number;
  },
): void {
  const { product, item, plan, vendor, reviewer, tick } = input;
  const texts = demoAssessmentTexts(item.key);
  const status = demoStatus(plan, texts, input.qualifiedProduct, isAbsolute(item.type));
  const explanation = texts.answer[status] ?? texts.answer.meets;
  const thread = { productVersionId: product.versionId, libraryKey: item.key, libraryMajor: majorOf(item.libraryVersion) };
  const links = [{ url: `https://dokumentasjon.example/${item.key.toLowerCase()}`, title: `Leverandørens dokumentasjon for ${item.key} (fiktiv)` }];
  const claim = { status, explanation, links, validUntil: plan.lapsed ? '2025-12-31' : '2028-12-31' };
  const answerAudit = (answer: AnswerInsert & { id: string }, before: (AnswerInsert & { id: string }) | null) =>
    writes.audit.push({
      context: vendor.context,
      entry: {
        organisationId: product.vendorOrganisationId,
        action: before ? 'answer.revised' : 'answer.created',
        entityType: 'answer',
        entityId: answer.id,
        before: before ? { answerId: before.id, ...answerFields(before) } : null,
        after: { productVersionId: product.versionId, productId: product.id, key: item.key, major: thread.libraryMajor, ...answerFields(answer) },
      },
    });
  const answer = { id: randomUUID(), ...thread, ...claim, isCurrent: true, revision: 1, version: 1, answeredBy: vendor.actor.userId, answeredByOrganisationId: product.vendorOrganisationId, createdAt: tick() };
  writes.answers.push(answer);
  answerAudit(answer, null);

  const review = (decision: VerificationDecision, noteForVendor: string, internalNote: string) => {
    const decidedAt = tick();
    writes.verifications.push({ answerId: answer.id, assessorOrganisationId: reviewer.organisationId, decision, noteForVendor, internalNote, decidedBy: reviewer.actor.userId, decidedAt, expiresAt: addMonths(decidedAt, input.validMonths) });
    writes.audit.push({
      context: reviewer.context,
      entry: {
        organisationId: reviewer.organisationId,
        action: 'answer.verified',
        entityType: 'answer',
        entityId: answer.id,
        after: { ...answerThread(answer), revision: answer.revision, version: answer.version + 1, decision, noteForVendor, internalNote },
      },
    });
    answer.version += 1;
  };
  const reply = (author: DemoActor, organisationId: string, body: string) => {
    writes.messages.push({ ...thread, authorOrganisationId: organisationId, authorUserId: author.actor.userId, body, createdAt: tick() });
    writes.audit.push({ context: author.context, entry: { organisationId, action: 'answer.message_posted', entityType: 'answer', entityId: answer.id, after: { ...answerThread(answer), body } } });
  };

  switch (plan.review) {
    case 'accepted':
      review('accepted', acceptedNote(status, texts), '');
      break;
    case 'rejected':
      review('rejected', texts.rejected, texts.internal);
      reply(vendor, product.vendorOrganisationId, texts.vendorReply);
      reply(reviewer, reviewer.organisationId, texts.reviewerReply);
      break;
    case 'change_requested':
      review('change_requested', texts.changeRequest, texts.internal);
      break;
    case 'expired': {
      // Reviewed longer ago than the verification period: written with the old dates.
      const decidedAt = addMonths(new Date(), -30);
      const verificationId = randomUUID();
      writes.verifications.push({ id: verificationId, answerId: answer.id, assessorOrganisationId: reviewer.organisationId, decision: 'accepted', noteForVendor: acceptedNote(status, texts), internalNote: texts.internal, decidedBy: reviewer.actor.userId, decidedAt, expiresAt: addMonths(decidedAt, 24) });
      writes.audit.push({ context: reviewer.context, entry: { organisationId: reviewer.organisationId, action: 'answer.verified', entityType: 'answer', entityId: answer.id, after: { verificationId, decision: 'accepted', decidedAt: decidedAt.toISOString(), demo: true } } });
      break;
    }
    case 'changed': {
      review('accepted', acceptedNote(status, texts), '');
      answer.isCurrent = false;
      const revised = { ...answer, id: randomUUID(), explanation: `${explanation} ${texts.revised}`, validUntil: '2028-12-31', isCurrent: true, revision: 2, version: answer.version + 1, createdAt: tick() };
      writes.answers.push(revised);
      answerAudit(revised, answer);
      break;
    }
    case null:
      break;
  }
}

const answerFields = (a: AnswerInsert) => ({ status: a.status, explanation: a.explanation, links: a.links, validUntil: a.validUntil, revision: a.revision, version: a.version });
const answerThread = (a: AnswerInsert) => ({ productVersionId: a.productVersionId, key: a.libraryKey, major: a.libraryMajor });

/** A shared profile of the demo buyer, made from the demo tender, with Elevportalen asked to answer it. */
async function seedDemoProfile(services: Services, productId: string | undefined): Promise<void> {
  const { db } = services.database;
  const editor = await demoActor(services, BUYER_EDITOR.email, BUYER_EDITOR.organisation);
  const buyerId = editor?.actor.activeOrganisationId;
  if (!editor || !buyerId) return;
  const tender = await services.repositories.tenders.findByReference(db, buyerId, DEMO_TENDER_REFERENCE);
  const { rows } = await services.assessments.listProfiles(editor.actor, { q: DEMO_PROFILE }, { limit: 10, offset: 0 });
  if (!tender || rows.some((p) => p.name === DEMO_PROFILE)) return;
  const view = await services.assessments.createProfile(editor.actor, { name: DEMO_PROFILE, description: 'Kravene fra demoanskaffelsen av skoleadministrativt system.', visibility: 'shared', organisationId: buyerId, tenderId: tender.id }, editor.context);
  if (productId) await services.assessments.requestAnswers(editor.actor, view.profile.id, { productId, organisationId: buyerId }, editor.context);
}
