import { majorOf } from '../assessments/assessments.cells';
import { ensureBaselineProfile } from '../assessments/assessments.service';
import type { AnswerStatus } from '../assessments/assessments.table';
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

/**
 * Demo answers, reviews and replies for the demo vendors' products, and a demo profile made from
 * the demo tender. Does nothing without the demo products (see demo.vendors.ts); products that
 * already have answers are left alone, so it can run on every start.
 */
export async function seedDemoAssessments(services: Services): Promise<void> {
  const { db } = services.database;
  const repo = services.repositories.assessments;
  const baseline = await ensureBaselineProfile(services);
  if (!baseline) return;
  const items = (await repo.profileVersion(db, baseline.id, baseline.currentVersion))?.items ?? [];
  const reviewer = await demoActor(services, REVIEWER.email, REVIEWER.organisation);
  if (!reviewer) return;
  const reviewerOrganisationId = reviewer.actor.activeOrganisationId as string;

  const vendors = await Promise.all([...Object.keys(ANSWERING_VENDORS), ...SILENT_VENDORS].map((name) => services.repositories.organisations.findByName(db, name)));
  const vendorIds = vendors.filter((v) => v !== undefined).map((v) => v.id);
  const { rows: products } = await repo.products(db, { vendorOrganisationIds: vendorIds }, { limit: 100, offset: 0 });
  if (products.length === 0) return;

  for (const [productIndex, product] of products.entries()) {
    const email = ANSWERING_VENDORS[product.vendorName];
    if (!product.versionId || !email) continue;
    if ((await repo.currentAnswers(db, [product.versionId])).length > 0) continue;
    const vendor = await demoActor(services, email, product.vendorName);
    if (!vendor) continue;
    for (const [itemIndex, item] of items.entries()) {
      const plan = PLAN[(itemIndex + productIndex * 3) % PLAN.length];
      if (!plan) continue;
      const texts = demoAssessmentTexts(item.key);
      const status = demoStatus(plan, texts, productIndex % 2 === 0, isAbsolute(item.type));
      const explanation = texts.answer[status] ?? texts.answer.meets;
      const base = { productVersionId: product.versionId, key: item.key, major: majorOf(item.libraryVersion) };
      const links = [{ url: `https://dokumentasjon.example/${item.key.toLowerCase()}`, title: `Leverandørens dokumentasjon for ${item.key} (fiktiv)` }];
      const { answer } = await services.assessments.saveAnswer(vendor.actor, { ...base, status, explanation, links, validUntil: plan.lapsed ? '2025-12-31' : '2028-12-31' }, vendor.context);
      const review = (decision: 'accepted' | 'rejected' | 'change_requested', noteForVendor: string, internalNote: string) =>
        services.assessments.verify(reviewer.actor, answer.id, { decision, noteForVendor, internalNote, organisationId: reviewerOrganisationId, version: answer.version }, reviewer.context);
      switch (plan.review) {
        case 'accepted':
          await review('accepted', acceptedNote(status, texts), '');
          break;
        case 'rejected':
          await review('rejected', texts.rejected, texts.internal);
          await services.assessments.postMessage(vendor.actor, answer.id, { body: texts.vendorReply }, vendor.context);
          await services.assessments.postMessage(reviewer.actor, answer.id, { body: texts.reviewerReply, organisationId: reviewerOrganisationId }, reviewer.context);
          break;
        case 'change_requested':
          await review('change_requested', texts.changeRequest, texts.internal);
          break;
        case 'expired': {
          // Reviewed longer ago than the verification period: written directly with the old dates.
          const decidedAt = addMonths(new Date(), -30);
          await db.transaction(async (tx) => {
            const row = await repo.insertVerification(tx, { answerId: answer.id, assessorOrganisationId: reviewerOrganisationId, decision: 'accepted', noteForVendor: acceptedNote(status, texts), internalNote: texts.internal, decidedBy: reviewer.actor.userId, decidedAt, expiresAt: addMonths(decidedAt, 24) });
            await services.repositories.audit.record(tx, reviewer.context, { organisationId: reviewerOrganisationId, action: 'answer.verified', entityType: 'answer', entityId: answer.id, after: { verificationId: row.id, decision: 'accepted', decidedAt: decidedAt.toISOString(), demo: true } });
          });
          break;
        }
        case 'changed':
          await review('accepted', acceptedNote(status, texts), '');
          await services.assessments.saveAnswer(vendor.actor, { ...base, status, explanation: `${explanation} ${texts.revised}`, links, validUntil: '2028-12-31', version: answer.version + 1 }, vendor.context);
          break;
        case null:
          break;
      }
    }
  }
  await seedDemoProfile(services, products.find((p) => p.name === 'Elevportalen')?.productId);
}

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
