import { membershipIn, type Actor, type ActorMembership } from '../auth/actor';
import type { Database } from '../db/client';
import type { ProductRow, ProductVersionRow } from '../vendors/vendors.table';
import { answerNotFound, buyerSideRequired, organisationRequired, productVersionNotFound, profileEditorRequired, profileNotFound, profileReadOnly } from './assessments.errors';
import type { AssessmentsRepository, ProfileScope } from './assessments.repository';
import type { AnswerRow, AssessmentProfileRow, VerificationDecision, VerificationRow } from './assessments.table';

/** Owners, editors and assessors of a buyer or council keep profiles, review answers and reply. */
const ASSESSING_ROLES = new Set(['owner', 'editor', 'assessor']);
/** Owners and editors of a vendor answer for its products. */
const ANSWERING_ROLES = new Set(['owner', 'editor']);

export type ProductVersionContext = { version: ProductVersionRow; product: ProductRow; vendorName: string };

const isBuyerSide = (m: ActorMembership) => m.kind === 'buyer' || m.kind === 'council';

export const vendorIdsOf = (actor: Actor) => actor.memberships.filter((m) => m.kind === 'vendor').map((m) => m.organisationId);
/** Buyers, councils and administrators see every product's answers; a vendor only its own. */
export const seesAllProducts = (actor: Actor) => actor.isAdmin || actor.memberships.some(isBuyerSide);
export const canSeeProduct = (actor: Actor, product: ProductRow) => seesAllProducts(actor) || Boolean(membershipIn(actor, product.vendorOrganisationId));
export const canAnswerFor = (actor: Actor, product: ProductRow) => ANSWERING_ROLES.has(membershipIn(actor, product.vendorOrganisationId)?.role ?? '');
/** The actor's memberships that may keep profiles, review and reply: owners, editors and assessors of buyers and councils. */
export const assessingMemberships = (actor: Actor) => actor.memberships.filter((m) => isBuyerSide(m) && ASSESSING_ROLES.has(m.role));

/** The name of one of the actor's organisations, as the session read it. */
export const organisationNameOf = (actor: Actor, organisationId: string): string | null => actor.memberships.find((m) => m.organisationId === organisationId)?.organisationName ?? null;

export function requireBuyerSide(actor: Actor): void {
  if (!seesAllProducts(actor)) throw buyerSideRequired();
}

/** The organisation an action is taken for: the one named, or the only eligible one. */
export function pickOrganisation(eligible: ActorMembership[], organisationId: string | undefined, refused: () => Error): string {
  if (organisationId) {
    if (eligible.some((m) => m.organisationId === organisationId)) return organisationId;
    throw refused();
  }
  if (eligible.length === 1) return (eligible[0] as ActorMembership).organisationId;
  if (eligible.length === 0) throw refused();
  throw organisationRequired();
}

/** The profiles an actor may list: the repository turns this into its condition. */
export function profileScope(actor: Actor): ProfileScope {
  if (actor.isAdmin) return { all: true };
  return {
    all: false,
    memberOrganisationIds: actor.memberships.map((m) => m.organisationId),
    buyerSide: actor.memberships.some(isBuyerSide),
    vendorOrganisationIds: vendorIdsOf(actor),
  };
}

export function canEditProfile(actor: Actor, profile: AssessmentProfileRow): boolean {
  if (!profile.ownerOrganisationId) return false;
  return actor.isAdmin || ASSESSING_ROLES.has(membershipIn(actor, profile.ownerOrganisationId)?.role ?? '');
}

export type VerificationView = {
  id: string;
  answerId: string;
  answerRevision: number;
  decision: VerificationDecision;
  noteForVendor: string;
  /** Present only for members of the reviewing organisation and administrators. */
  internalNote?: string;
  assessorOrganisationId: string;
  assessorName: string;
  decidedAt: Date;
  expiresAt: Date;
};

/** A review as the actor sees it: internal notes stay inside the organisation that wrote them. */
export function verificationViewFor(actor: Actor, review: VerificationRow & { answerRevision: number; assessorName: string }): VerificationView {
  const seesInternalNote = actor.isAdmin || Boolean(membershipIn(actor, review.assessorOrganisationId));
  return {
    id: review.id,
    answerId: review.answerId,
    answerRevision: review.answerRevision,
    decision: review.decision,
    noteForVendor: review.noteForVendor,
    ...(seesInternalNote ? { internalNote: review.internalNote } : {}),
    assessorOrganisationId: review.assessorOrganisationId,
    assessorName: review.assessorName,
    decidedAt: review.decidedAt,
    expiresAt: review.expiresAt,
  };
}

/**
 * The feature's lookups that enforce who may see what: a profile, product version or answer the
 * actor may not see is "not found", never "forbidden", so its existence does not leak.
 */
export function createAssessmentsAccess(deps: { db: Database; repo: AssessmentsRepository }) {
  const { db, repo } = deps;

  async function isRequestedOfVendor(actor: Actor, profileId: string): Promise<boolean> {
    const vendors = new Set(vendorIdsOf(actor));
    if (vendors.size === 0) return false;
    return (await repo.requestsOfProfile(db, profileId)).some((r) => vendors.has(r.vendorOrganisationId));
  }

  async function canSeeProfile(actor: Actor, profile: AssessmentProfileRow): Promise<boolean> {
    if (actor.isAdmin || profile.visibility === 'public') return true;
    if (profile.ownerOrganisationId && membershipIn(actor, profile.ownerOrganisationId)) return true;
    if (profile.visibility === 'shared' && actor.memberships.some(isBuyerSide)) return true;
    return isRequestedOfVendor(actor, profile.id);
  }

  async function loadProfile(actor: Actor, id: string) {
    const profile = await repo.findProfile(db, id);
    if (!profile || !(await canSeeProfile(actor, profile))) throw profileNotFound();
    return profile;
  }

  return {
    loadProfile,

    async loadProfileForEdit(actor: Actor, id: string) {
      const profile = await loadProfile(actor, id);
      if (!profile.ownerOrganisationId) throw profileReadOnly();
      if (!canEditProfile(actor, profile)) throw profileEditorRequired();
      return profile;
    },

    async loadProductVersion(actor: Actor, id: string): Promise<ProductVersionContext> {
      const found = await repo.findProductVersion(db, id);
      if (!found || !canSeeProduct(actor, found.product)) throw productVersionNotFound();
      return found;
    },

    /** An answer row and its product version, or "not found" for those who may not see the product. */
    async loadAnswer(actor: Actor, id: string): Promise<{ answer: AnswerRow; context: ProductVersionContext }> {
      const answer = await repo.findAnswer(db, id);
      const context = answer ? await repo.findProductVersion(db, answer.productVersionId) : undefined;
      if (!answer || !context || !canSeeProduct(actor, context.product)) throw answerNotFound();
      return { answer, context };
    },
  };
}
