import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { membershipIn, SYSTEM_AUDIT, type Actor, type ActorMembership, type AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { Domain, RequirementType } from '../library/library.codes';
import type { LibraryRepository } from '../library/library.repository';
import type { LocalisedText } from '../library/library.schemas';
import type { LibraryVersionRow } from '../library/library.table';
import type { TendersService } from '../tenders/tenders.service';
import type { ProductRow, ProductVersionRow } from '../vendors/vendors.table';
import {
  answerConflict,
  answerNotCurrent,
  answerNotFound,
  answerVendorRequired,
  assessorRequired,
  buyerSideRequired,
  duplicateItems,
  evidenceMissing,
  evidenceNotFound,
  evidenceTypeRefused,
  libraryItemUnavailable,
  messageAuthorRequired,
  organisationRequired,
  productNotFound,
  productVersionNotFound,
  profileConflict,
  profileEditorRequired,
  profileNotFound,
  profileOwnerRequired,
  profileReadOnly,
  unknownRequirement,
} from './assessments.errors';
import type { AssessmentsRepository, EvidenceMeta, LatestVerification, MatrixThread, ProductListRow, ProfileScope, ThreadKey, ThreadRow } from './assessments.repository';
import type { AnswerRow, AnswerStatus, AssessmentProfileRow, AssessmentProfileVersionRow, ProfileItem, ProfileVisibility, VerificationDecision } from './assessments.table';
import { compareForRanking, scoreProduct, type ProductScore } from './scoring';

/** Owners, editors and assessors of a buyer or council keep profiles, review answers and reply. */
const ASSESSING_ROLES = new Set(['owner', 'editor', 'assessor']);
/** Owners and editors of a vendor answer for its products. */
const ANSWERING_ROLES = new Set(['owner', 'editor']);

export const BASELINE_SLUG = 'baseline';
/** The shipped baseline: the core export, API, documentation, exit, pricing and ownership requirements. */
export const BASELINE_KEYS = ['EXP-001', 'EXP-002', 'EXP-003', 'API-001', 'API-003', 'DOC-001', 'SEC-001', 'EXIT-001', 'EXIT-002', 'EXIT-006', 'EXIT-007', 'EXIT-009', 'EXIT-010', 'PRI-001', 'PRI-002', 'OWN-001'];

/**
 * Where an answer stands with its reviewers: `verified` (accepted, not expired), `expired`
 * (accepted, but longer ago than the verification period), `rejected`, `change_requested`,
 * `changed` (revised after the newest review) or `unverified` (never reviewed).
 */
export const VERIFICATION_STATES = ['verified', 'unverified', 'expired', 'rejected', 'change_requested', 'changed'] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

export const QUEUE_REASONS = ['expired', 'changed', 'unverified'] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];

/** One requirement of one product version as a comparison shows it. */
export type Cell = {
  key: string;
  major: number;
  answerId: string | null;
  status: AnswerStatus | null;
  verification: VerificationState | null;
  /** The vendor's valid-until date has passed: the answer no longer counts. */
  lapsed: boolean;
  /** What the claimed and the verified score count for this item. */
  claimed: AnswerStatus | null;
  verified: AnswerStatus | null;
};

export type ProfileItemView = ProfileItem & { major: number; title: LocalisedText; kind: LibraryVersionRow['kind'] | null; category: LibraryVersionRow['category'] | null };

export type ProfileView = {
  profile: AssessmentProfileRow & { ownerName: string | null };
  version: AssessmentProfileVersionRow;
  items: ProfileItemView[];
  versions: { version: number; changeNote: string; createdAt: Date }[];
  canEdit: boolean;
};

export type ProfileInput = {
  name: string;
  description?: string | undefined;
  visibility?: ProfileVisibility | undefined;
  organisationId?: string | undefined;
  items?: ItemInput[] | undefined;
  tenderId?: string | undefined;
  /** The joint-set revision the items come from; its newer adoptions are shown on the profile. */
  jointSetRevisionId?: string | undefined;
};

export type ItemInput = { key: string; version?: string | undefined; type?: RequirementType | undefined; weight?: number | undefined };

export type AnswerInput = {
  productVersionId: string;
  key: string;
  major: number;
  status: AnswerStatus;
  explanation?: string | undefined;
  links?: { url: string; title: string }[] | undefined;
  validUntil?: string | null | undefined;
  revision?: number | undefined;
};

export type ProductVersionContext = { version: ProductVersionRow; product: ProductRow; vendorName: string };

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

export type ComparisonRow = ProductListRow & { cells: Cell[]; score: ProductScore };

export type TenderItemsSource = (actor: Actor, tenderId: string) => Promise<{ key: string; libraryVersion: string; type: RequirementType; weight: number }[]>;

export type AssessmentsServiceDeps = {
  db: Database;
  assessmentsRepository: AssessmentsRepository;
  libraryRepository: LibraryRepository;
  auditRepository: AuditRepository;
  /** The library items of a tender the actor may see, for profiles made from a tender's set. */
  tenderItems: TenderItemsSource;
  verificationValidMonths: number;
  now?: () => Date;
};

/** The evidence files accepted: by file name extension, each with the bytes its content must start with. */
const EVIDENCE_TYPES: Record<string, { contentType: string; matches: (bytes: Buffer) => boolean }> = (() => {
  const startsWith = (...signatures: number[][]) => (bytes: Buffer) => signatures.some((s) => s.every((b, i) => bytes[i] === b));
  const zip = startsWith([0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]);
  const text = (bytes: Buffer) => {
    try {
      return !new TextDecoder('utf-8', { fatal: true }).decode(bytes).includes('\u0000');
    } catch {
      return false;
    }
  };
  const jpeg = { contentType: 'image/jpeg', matches: startsWith([0xff, 0xd8, 0xff]) };
  return {
    pdf: { contentType: 'application/pdf', matches: startsWith([0x25, 0x50, 0x44, 0x46, 0x2d]) },
    png: { contentType: 'image/png', matches: startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
    jpg: jpeg,
    jpeg,
    txt: { contentType: 'text/plain; charset=utf-8', matches: text },
    csv: { contentType: 'text/csv; charset=utf-8', matches: text },
    json: { contentType: 'application/json; charset=utf-8', matches: text },
    xml: { contentType: 'application/xml; charset=utf-8', matches: text },
    docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', matches: zip },
    xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', matches: zip },
    zip: { contentType: 'application/zip', matches: zip },
  };
})();
export const EVIDENCE_EXTENSIONS = Object.keys(EVIDENCE_TYPES);

/** A file name safe to store and to send back: no directories, no control characters, at most 200 characters. */
export function safeFilename(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (base.length <= 200) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot) : '';
  return base.slice(0, 200 - extension.length) + extension;
}

/** The stored content type of an evidence file, or an error when its name or content is not an accepted type. */
export function checkEvidenceFile(file: { originalname: string; buffer: Buffer }): { filename: string; contentType: string } {
  const filename = safeFilename(file.originalname);
  const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  const type = EVIDENCE_TYPES[extension];
  if (!type || file.buffer.length === 0 || !type.matches(file.buffer)) throw evidenceTypeRefused(EVIDENCE_EXTENSIONS.filter((e) => e !== 'jpeg').map((e) => e.toUpperCase()).join(', '));
  return { filename, contentType: type.contentType };
}

/** A moment moved by whole calendar months; the 31st becomes the last day of a shorter month. */
export function addMonths(moment: Date, months: number): Date {
  const target = new Date(moment.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

export const majorOf = (version: string): number => Number(version.split('.')[0]);
const threadKey = (pv: string, key: string, major: number) => `${pv}|${key}|${major}`;

const isBuyerSide = (m: ActorMembership) => m.kind === 'buyer' || m.kind === 'council';

/**
 * Where a thread stands: its newest review (`expiresAt` in epoch milliseconds) and whether that
 * review was of the current answer decide it, against the clock at `now`.
 */
function reviewState(review: MatrixThread['review'], now: number): VerificationState {
  if (!review) return 'unverified';
  if (!review.ofCurrentAnswer) return 'changed';
  if (review.decision === 'accepted') return review.expiresAt > now ? 'verified' : 'expired';
  return review.decision;
}

export function verificationStateOf(answer: Pick<AnswerRow, 'id'>, latest: Pick<LatestVerification, 'answerId' | 'decision' | 'expiresAt'> | undefined, now: Date): VerificationState {
  return reviewState(latest ? { decision: latest.decision, expiresAt: latest.expiresAt.getTime(), ofCurrentAnswer: latest.answerId === answer.id } : null, now.getTime());
}

export function createAssessmentsService(deps: AssessmentsServiceDeps) {
  const { db, assessmentsRepository: repo, libraryRepository: library, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  const today = () => now().toISOString().slice(0, 10);

  function scopeOf(actor: Actor): ProfileScope {
    if (actor.isAdmin) return { all: true };
    return {
      all: false,
      memberOrganisationIds: actor.memberships.map((m) => m.organisationId),
      buyerSide: actor.memberships.some(isBuyerSide),
      vendorOrganisationIds: vendorIdsOf(actor),
    };
  }

  const vendorIdsOf = (actor: Actor) => actor.memberships.filter((m) => m.kind === 'vendor').map((m) => m.organisationId);
  /** Buyers, councils and administrators see every product's answers; a vendor only its own. */
  const seesAllProducts = (actor: Actor) => actor.isAdmin || actor.memberships.some(isBuyerSide);
  const canSeeProduct = (actor: Actor, product: ProductRow) => seesAllProducts(actor) || Boolean(membershipIn(actor, product.vendorOrganisationId));
  const canAnswerFor = (actor: Actor, product: ProductRow) => ANSWERING_ROLES.has(membershipIn(actor, product.vendorOrganisationId)?.role ?? '');
  const assessingMemberships = (actor: Actor) => actor.memberships.filter((m) => isBuyerSide(m) && ASSESSING_ROLES.has(m.role));
  /** Internal notes stay inside the organisation that wrote them. */
  const seesInternalNotesOf = (actor: Actor, organisationId: string) => actor.isAdmin || Boolean(membershipIn(actor, organisationId));

  function requireBuyerSide(actor: Actor): void {
    if (!seesAllProducts(actor)) throw buyerSideRequired();
  }

  function pickOrganisation(eligible: ActorMembership[], organisationId: string | undefined, refused: () => Error): string {
    if (organisationId) {
      if (eligible.some((m) => m.organisationId === organisationId)) return organisationId;
      throw refused();
    }
    if (eligible.length === 1) return (eligible[0] as ActorMembership).organisationId;
    if (eligible.length === 0) throw refused();
    throw organisationRequired();
  }

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

  function canEditProfile(actor: Actor, profile: AssessmentProfileRow): boolean {
    if (!profile.ownerOrganisationId) return false;
    return actor.isAdmin || ASSESSING_ROLES.has(membershipIn(actor, profile.ownerOrganisationId)?.role ?? '');
  }

  async function loadProfile(actor: Actor, id: string) {
    const profile = await repo.findProfile(db, id);
    if (!profile || !(await canSeeProfile(actor, profile))) throw profileNotFound();
    return profile;
  }

  async function loadProfileForEdit(actor: Actor, id: string) {
    const profile = await loadProfile(actor, id);
    if (!profile.ownerOrganisationId) throw profileReadOnly();
    if (!canEditProfile(actor, profile)) throw profileEditorRequired();
    return profile;
  }

  async function profileVersionOf(profile: AssessmentProfileRow, version?: number): Promise<AssessmentProfileVersionRow> {
    const row = await repo.profileVersion(db, profile.id, version ?? profile.currentVersion);
    if (!row) throw profileNotFound();
    return row;
  }

  async function itemViews(items: ProfileItem[]): Promise<ProfileItemView[]> {
    const rows = new Map((await library.findVersions(db, items.map((i) => ({ key: i.key, version: i.libraryVersion })))).map((r) => [`${r.key}@${r.version}`, r]));
    return items.map((item) => {
      const row = rows.get(`${item.key}@${item.libraryVersion}`);
      return { ...item, major: majorOf(item.libraryVersion), title: row?.title ?? { nb: item.key, en: item.key }, kind: row?.kind ?? null, category: row?.category ?? null };
    });
  }

  /** Library items pinned to a released version: the named one, or the newest published. */
  async function resolveItems(input: ItemInput[]): Promise<ProfileItem[]> {
    const seen = new Set<string>();
    const duplicates = input.map((i) => i.key).filter((key) => (seen.has(key) ? true : (seen.add(key), false)));
    if (duplicates.length > 0) throw duplicateItems([...new Set(duplicates)]);
    const pinned = input.filter((i) => i.version);
    const [exact, latest] = await Promise.all([
      library.findVersions(db, pinned.map((i) => ({ key: i.key, version: i.version as string }))),
      library.latestReleasedOfKeys(db, input.filter((i) => !i.version).map((i) => i.key)),
    ]);
    const byPin = new Map(exact.map((r) => [`${r.key}@${r.version}`, r]));
    const byKey = new Map(latest.filter((r) => r.status === 'published').map((r) => [r.key, r]));
    const missing: string[] = [];
    const items: ProfileItem[] = [];
    for (const item of input) {
      const row = item.version ? byPin.get(`${item.key}@${item.version}`) : byKey.get(item.key);
      if (!row || !row.version) {
        missing.push(item.key);
        continue;
      }
      items.push({ key: item.key, libraryVersion: row.version, type: item.type ?? row.type, weight: item.weight ?? row.weight });
    }
    if (missing.length > 0) throw libraryItemUnavailable(missing);
    return items;
  }

  async function viewProfile(actor: Actor, profile: AssessmentProfileRow & { ownerName: string | null }, version?: number): Promise<ProfileView> {
    const [row, versions] = await Promise.all([profileVersionOf(profile, version), repo.profileVersions(db, profile.id)]);
    return { profile, version: row, items: await itemViews(row.items), versions: versions.map((v) => ({ version: v.version, changeNote: v.changeNote, createdAt: v.createdAt })), canEdit: canEditProfile(actor, profile) };
  }

  async function loadProductVersion(actor: Actor, id: string): Promise<ProductVersionContext> {
    const found = await repo.findProductVersion(db, id);
    if (!found || !canSeeProduct(actor, found.product)) throw productVersionNotFound();
    return found;
  }

  /** An answer row and its product version, or "not found" for those who may not see the product. */
  async function loadAnswer(actor: Actor, id: string): Promise<{ answer: AnswerRow; context: ProductVersionContext }> {
    const answer = await repo.findAnswer(db, id);
    const context = answer ? await repo.findProductVersion(db, answer.productVersionId) : undefined;
    if (!answer || !context || !canSeeProduct(actor, context.product)) throw answerNotFound();
    return { answer, context };
  }

  const thread = (answer: AnswerRow): ThreadKey => ({ productVersionId: answer.productVersionId, libraryKey: answer.libraryKey, libraryMajor: answer.libraryMajor });

  /** The cells of every product version for the given items: two queries whatever the size. */
  async function cellsFor(items: ProfileItem[], versionIds: string[]): Promise<Map<string, Cell[]>> {
    const columns = items.map((item) => {
      const major = majorOf(item.libraryVersion);
      return { key: item.key, major, thread: `${item.key}|${major}` };
    });
    // Looked up by product version, then by `key|major`: a matrix has tens of thousands of cells.
    const threadsByVersion = await repo.matrixThreads(db, versionIds, new Set(columns.map((c) => c.thread)));
    const moment = now().getTime();
    const date = today();
    const cells = new Map<string, Cell[]>();
    for (const versionId of versionIds) {
      const threads = threadsByVersion.get(versionId);
      cells.set(
        versionId,
        columns.map(({ key, major, thread }) => {
          const found = threads?.get(thread);
          if (!found) return { key, major, answerId: null, status: null, verification: null, lapsed: false, claimed: null, verified: null };
          const { answer, review } = found;
          const verification = reviewState(review, moment);
          const lapsed = answer.validUntil !== null && answer.validUntil < date;
          return { key, major, answerId: answer.id, status: answer.status, verification, lapsed, claimed: lapsed ? null : answer.status, verified: !lapsed && verification === 'verified' ? answer.status : null };
        }),
      );
    }
    return cells;
  }

  function scoreOf(items: ProfileItem[], cells: Cell[]): ProductScore {
    return scoreProduct(items.map((item, n) => ({ key: item.key, type: item.type, weight: item.weight, claimed: cells[n]?.claimed ?? null, verified: cells[n]?.verified ?? null })));
  }

  async function rowsWithScores(items: ProfileItem[], rows: ProductListRow[]): Promise<ComparisonRow[]> {
    const cells = await cellsFor(items, rows.map((r) => r.versionId).filter((id): id is string => id !== null));
    return rows.map((row) => {
      const own = row.versionId ? (cells.get(row.versionId) ?? []) : items.map((i) => ({ key: i.key, major: majorOf(i.libraryVersion), answerId: null, status: null, verification: null, lapsed: false, claimed: null, verified: null }));
      return { ...row, cells: own, score: scoreOf(items, own) };
    });
  }

  const ALL_PRODUCTS = { limit: 100_000, offset: 0 };

  async function audited<T>(context: AuditContext, entry: Parameters<AuditRepository['record']>[2], work: (tx: Database) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      const result = await work(tx);
      await audit.record(tx, context, entry);
      return result;
    });
  }

  const answerFields = (a: Pick<AnswerRow, 'status' | 'explanation' | 'links' | 'validUntil' | 'revision'>) => ({ status: a.status, explanation: a.explanation, links: a.links, validUntil: a.validUntil, revision: a.revision });

  return {
    canEditProfile,
    seesAllProducts,
    vendorIdsOf,
    assessingMemberships,

    listProfiles: (actor: Actor, filter: { q?: string | undefined }, page: { limit: number; offset: number }) => repo.listProfiles(db, scopeOf(actor), filter, page),

    async getProfile(actor: Actor, id: string, version?: number): Promise<ProfileView> {
      return viewProfile(actor, await loadProfile(actor, id), version);
    },

    async createProfile(actor: Actor, input: ProfileInput, context: AuditContext): Promise<ProfileView> {
      const organisationId = pickOrganisation(assessingMemberships(actor), input.organisationId, profileOwnerRequired);
      const items = input.tenderId ? await resolveItems((await deps.tenderItems(actor, input.tenderId)).map((i) => ({ key: i.key, version: i.libraryVersion, type: i.type, weight: i.weight }))) : await resolveItems(input.items ?? []);
      const created = await db.transaction(async (tx) => {
        const profile = await repo.insertProfile(tx, { ownerOrganisationId: organisationId, name: input.name, description: input.description ?? '', visibility: input.visibility ?? 'private', currentVersion: 1, jointSetRevisionId: input.jointSetRevisionId ?? null, createdBy: actor.userId });
        await repo.insertProfileVersion(tx, { profileId: profile.id, version: 1, items, changeNote: input.tenderId ? `tender:${input.tenderId}` : '', createdBy: actor.userId });
        await audit.record(tx, context, { organisationId, action: 'profile.created', entityType: 'assessment_profile', entityId: profile.id, after: { name: profile.name, visibility: profile.visibility, fromTender: input.tenderId ?? null, ...(input.jointSetRevisionId ? { fromJointSetRevision: input.jointSetRevisionId } : {}), items } });
        return profile;
      });
      return viewProfile(actor, { ...created, ownerName: actor.memberships.find((m) => m.organisationId === organisationId)?.organisationName ?? null });
    },

    /** Details change in place; changed items make a new version, so earlier scores stay explainable. */
    async updateProfile(
      actor: Actor,
      id: string,
      input: { name?: string | undefined; description?: string | undefined; visibility?: ProfileVisibility | undefined; items?: ItemInput[] | undefined; changeNote?: string | undefined; currentVersion?: number | undefined },
      context: AuditContext,
    ): Promise<ProfileView> {
      const profile = await loadProfileForEdit(actor, id);
      const items = input.items ? await resolveItems(input.items) : undefined;
      await db.transaction(async (tx) => {
        const locked = await repo.lockProfile(tx, id);
        if (!locked) throw profileNotFound();
        if (input.currentVersion !== undefined && input.currentVersion !== locked.currentVersion) throw profileConflict(locked.currentVersion);
        const previous = await repo.profileVersion(tx, id, locked.currentVersion);
        const itemsChanged = items !== undefined && JSON.stringify(items) !== JSON.stringify(previous?.items ?? []);
        const details = { name: input.name ?? locked.name, description: input.description ?? locked.description, visibility: input.visibility ?? locked.visibility };
        const nextVersion = itemsChanged ? locked.currentVersion + 1 : locked.currentVersion;
        if (itemsChanged) await repo.insertProfileVersion(tx, { profileId: id, version: nextVersion, items, changeNote: input.changeNote ?? '', createdBy: actor.userId });
        await repo.updateProfile(tx, id, { ...details, currentVersion: nextVersion, updatedAt: now() });
        await audit.record(tx, context, {
          organisationId: locked.ownerOrganisationId,
          action: 'profile.updated',
          entityType: 'assessment_profile',
          entityId: id,
          before: { name: locked.name, description: locked.description, visibility: locked.visibility, version: locked.currentVersion, ...(itemsChanged ? { items: previous?.items ?? [] } : {}) },
          after: { ...details, version: nextVersion, ...(itemsChanged ? { items, changeNote: input.changeNote ?? '' } : {}) },
        });
      });
      const updated = await repo.findProfile(db, profile.id);
      if (!updated) throw profileNotFound();
      return viewProfile(actor, updated);
    },

    async deleteProfile(actor: Actor, id: string, context: AuditContext): Promise<void> {
      const profile = await loadProfileForEdit(actor, id);
      await audited(context, { organisationId: profile.ownerOrganisationId, action: 'profile.deleted', entityType: 'assessment_profile', entityId: id, before: { name: profile.name, visibility: profile.visibility, version: profile.currentVersion } }, (tx) => repo.deleteProfile(tx, id));
    },

    /** Asks the vendor of a product to answer the profile; the vendor then sees the profile. */
    async requestAnswers(actor: Actor, profileId: string, input: { productId: string; organisationId?: string | undefined }, context: AuditContext): Promise<{ created: boolean }> {
      const profile = await loadProfile(actor, profileId);
      const organisationId = pickOrganisation(assessingMemberships(actor), input.organisationId, profileEditorRequired);
      const product = await repo.findProduct(db, input.productId);
      if (!product) throw productNotFound();
      return db.transaction(async (tx) => {
        const created = await repo.insertRequest(tx, { profileId, productId: product.id, requestedByOrganisationId: organisationId });
        if (created) await audit.record(tx, context, { organisationId, action: 'profile.answers_requested', entityType: 'assessment_profile', entityId: profileId, after: { profile: profile.name, productId: product.id, product: product.name, vendorOrganisationId: product.vendorOrganisationId } });
        return { created };
      });
    },

    /** Requests of the caller's own organisations; the vendor side sees those for its products. */
    async requests(actor: Actor, profileId: string) {
      await loadProfile(actor, profileId);
      const all = await repo.requestsOfProfile(db, profileId);
      if (actor.isAdmin) return all;
      return all.filter((r) => membershipIn(actor, r.requestedByOrganisationId) || membershipIn(actor, r.vendorOrganisationId));
    },

    /** Products the caller's vendor organisations make, with versions and the profiles they were asked to answer. */
    async vendorProducts(actor: Actor) {
      const vendorIds = vendorIdsOf(actor);
      const { rows } = await repo.products(db, { vendorOrganisationIds: vendorIds }, ALL_PRODUCTS);
      const [versions, requests] = await Promise.all([repo.versionsOfProducts(db, rows.map((r) => r.productId)), repo.requestsForVendors(db, vendorIds)]);
      return rows.map((row) => ({ ...row, versions: versions.filter((v) => v.productId === row.productId), profiles: requests.filter((r) => r.productId === row.productId) }));
    },

    loadProductVersion,

    /** Products to choose from when asking vendors to answer, by name. */
    async productOptions(actor: Actor): Promise<ProductListRow[]> {
      requireBuyerSide(actor);
      return (await repo.products(db, {}, { limit: 500, offset: 0 })).rows;
    },

    /** A product version's answers to a profile, with the score, as its vendor and its assessors see them. */
    async productSheet(actor: Actor, productVersionId: string, profileId: string, version?: number) {
      const context = await loadProductVersion(actor, productVersionId);
      const profile = await loadProfile(actor, profileId);
      const profileVersion = await profileVersionOf(profile, version);
      const [items, siblings] = await Promise.all([itemViews(profileVersion.items), repo.versionsOfProducts(db, [context.product.id])]);
      const cells = (await cellsFor(profileVersion.items, [productVersionId])).get(productVersionId) ?? [];
      return {
        context,
        siblings,
        profile,
        profileVersion,
        items: items.map((item, n) => ({ item, cell: cells[n] as Cell })),
        score: scoreOf(profileVersion.items, cells),
        canAnswer: canAnswerFor(actor, context.product),
      };
    },

    /** The current answers of a product version, to the given keys or all. */
    async answersOf(actor: Actor, productVersionId: string, keys?: string[]) {
      const context = await loadProductVersion(actor, productVersionId);
      const [current, latest] = await Promise.all([repo.currentAnswers(db, [productVersionId], keys), repo.latestVerifications(db, [productVersionId], keys)]);
      const latestByThread = new Map(latest.map((v) => [threadKey(v.productVersionId, v.libraryKey, v.libraryMajor), v]));
      const moment = now();
      return {
        context,
        answers: current.map((answer) => ({
          answer,
          verification: verificationStateOf(answer, latestByThread.get(threadKey(answer.productVersionId, answer.libraryKey, answer.libraryMajor)), moment),
          lapsed: answer.validUntil !== null && answer.validUntil < today(),
        })),
      };
    },

    /** The vendor's current answer to one requirement, if any, for the answer form. */
    async currentAnswer(actor: Actor, productVersionId: string, key: string, major: number) {
      const context = await loadProductVersion(actor, productVersionId);
      const released = (await library.releasedVersions(db, key)).find((r) => r.major === major);
      if (!released) throw unknownRequirement(key, major);
      return { context, library: released, answer: await repo.findCurrentAnswer(db, { productVersionId, libraryKey: key, libraryMajor: major }), canAnswer: canAnswerFor(actor, context.product) };
    },

    /**
     * Records the vendor's answer as a new revision; the earlier one stays in the history. An
     * answer identical to the current one changes nothing.
     */
    async saveAnswer(actor: Actor, input: AnswerInput, context: AuditContext): Promise<{ answer: AnswerRow; created: boolean }> {
      const { product } = await loadProductVersion(actor, input.productVersionId);
      if (!canAnswerFor(actor, product)) throw answerVendorRequired();
      if (!(await library.releasedVersions(db, input.key)).some((r) => r.major === input.major)) throw unknownRequirement(input.key, input.major);
      const key = { productVersionId: input.productVersionId, libraryKey: input.key, libraryMajor: input.major };
      const fields = { status: input.status, explanation: input.explanation ?? '', links: input.links ?? [], validUntil: input.validUntil ?? null };
      return db.transaction(async (tx) => {
        const current = await repo.findCurrentAnswer(tx, key);
        if (input.revision !== undefined && input.revision !== (current?.revision ?? 0)) throw answerConflict(current?.revision ?? 0);
        if (current && JSON.stringify(answerFields(current)) === JSON.stringify({ ...fields, revision: current.revision })) return { answer: current, created: false };
        if (current && !(await repo.retireAnswer(tx, current.id))) throw answerConflict(current.revision + 1);
        const answer = await repo.insertAnswer(tx, { ...key, ...fields, isCurrent: true, revision: (current?.revision ?? 0) + 1, answeredBy: actor.userId, answeredByOrganisationId: product.vendorOrganisationId, createdAt: now() });
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
      const { answer, context } = await loadAnswer(actor, answerId);
      const key = thread(answer);
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
        lapsed: answer.validUntil !== null && answer.validUntil < today(),
        isVendor,
        canAnswer: canAnswerFor(actor, context.product),
        canReview: !isVendor && assessingMemberships(actor).length > 0,
        canReply: canAnswerFor(actor, context.product) || (!isVendor && assessingMemberships(actor).length > 0),
        library: released.find((r) => r.major === answer.libraryMajor) ?? null,
        history,
        verifications: reviews.map((v) => ({
          id: v.id,
          answerId: v.answerId,
          answerRevision: v.answerRevision,
          decision: v.decision,
          noteForVendor: v.noteForVendor,
          ...(seesInternalNotesOf(actor, v.assessorOrganisationId) ? { internalNote: v.internalNote } : {}),
          assessorOrganisationId: v.assessorOrganisationId,
          assessorName: v.assessorName,
          decidedAt: v.decidedAt,
          expiresAt: v.expiresAt,
        })),
        evidence,
        messages: messages.map((m) => ({ id: m.id, body: m.body, authorName: m.authorName, authorOrganisationId: m.authorOrganisationId, createdAt: m.createdAt })),
      };
    },

    async addEvidence(actor: Actor, answerId: string, file: { originalname: string; buffer: Buffer } | undefined, context: AuditContext): Promise<EvidenceMeta> {
      const { answer, context: pv } = await loadAnswer(actor, answerId);
      if (!canAnswerFor(actor, pv.product)) throw answerVendorRequired();
      if (!answer.isCurrent) throw answerNotCurrent();
      if (!file) throw evidenceMissing();
      const { filename, contentType } = checkEvidenceFile(file);
      const sha256 = createHash('sha256').update(file.buffer).digest('hex');
      return db.transaction(async (tx) => {
        const row = await repo.insertEvidence(tx, { answerId, filename, contentType, size: file.buffer.length, sha256, content: file.buffer, uploadedBy: actor.userId, createdAt: now() });
        await audit.record(tx, context, { organisationId: pv.product.vendorOrganisationId, action: 'answer.evidence_added', entityType: 'evidence_file', entityId: row.id, after: { answerId, key: answer.libraryKey, filename, contentType, size: row.size, sha256 } });
        return row;
      });
    },

    /** An evidence file for download, for exactly those who may see its answer. */
    async evidenceFile(actor: Actor, evidenceId: string) {
      const file = await repo.findEvidence(db, evidenceId);
      const answer = file ? await repo.findAnswer(db, file.answerId) : undefined;
      const context = answer ? await repo.findProductVersion(db, answer.productVersionId) : undefined;
      if (!file || !context || !canSeeProduct(actor, context.product)) throw evidenceNotFound();
      return file;
    },

    async verify(actor: Actor, answerId: string, input: { decision: VerificationDecision; noteForVendor?: string | undefined; internalNote?: string | undefined; organisationId?: string | undefined }, context: AuditContext) {
      const { answer, context: pv } = await loadAnswer(actor, answerId);
      if (membershipIn(actor, pv.product.vendorOrganisationId)) throw assessorRequired();
      const organisationId = pickOrganisation(assessingMemberships(actor), input.organisationId, assessorRequired);
      if (!answer.isCurrent) throw answerNotCurrent();
      const decidedAt = now();
      return audited(
        context,
        {
          organisationId,
          action: 'answer.verified',
          entityType: 'answer',
          entityId: answer.id,
          after: { productVersionId: answer.productVersionId, key: answer.libraryKey, major: answer.libraryMajor, revision: answer.revision, decision: input.decision, noteForVendor: input.noteForVendor ?? '', internalNote: input.internalNote ?? '' },
        },
        (tx) =>
          repo.insertVerification(tx, {
            answerId,
            assessorOrganisationId: organisationId,
            decision: input.decision,
            noteForVendor: input.noteForVendor ?? '',
            internalNote: input.internalNote ?? '',
            decidedBy: actor.userId,
            decidedAt,
            expiresAt: addMonths(decidedAt, deps.verificationValidMonths),
          }),
      );
    },

    /** A reply in the answer's thread: from the vendor (right of reply) or from a reviewer. */
    async postMessage(actor: Actor, answerId: string, input: { body: string; organisationId?: string | undefined }, context: AuditContext) {
      const { answer, context: pv } = await loadAnswer(actor, answerId);
      const isVendor = Boolean(membershipIn(actor, pv.product.vendorOrganisationId));
      if (isVendor && !canAnswerFor(actor, pv.product)) throw messageAuthorRequired();
      const organisationId = isVendor ? pv.product.vendorOrganisationId : pickOrganisation(assessingMemberships(actor), input.organisationId, messageAuthorRequired);
      const message = await audited(
        context,
        { organisationId, action: 'answer.message_posted', entityType: 'answer', entityId: answer.id, after: { productVersionId: answer.productVersionId, key: answer.libraryKey, major: answer.libraryMajor, body: input.body } },
        (tx) => repo.insertMessage(tx, { ...thread(answer), authorOrganisationId: organisationId, authorUserId: actor.userId, body: input.body, createdAt: now() }),
      );
      return { ...message, authorName: actor.memberships.find((m) => m.organisationId === organisationId)?.organisationName ?? null };
    },

    /** Scores of one product version against one profile, with the cells behind them. */
    async score(actor: Actor, productVersionId: string, profileId: string) {
      const context = await loadProductVersion(actor, productVersionId);
      const profile = await loadProfile(actor, profileId);
      const version = await profileVersionOf(profile);
      const cells = (await cellsFor(version.items, [productVersionId])).get(productVersionId) ?? [];
      return { context, profile, version, cells, score: scoreOf(version.items, cells) };
    },

    /** One page of the products × requirements matrix for buyers and councils. */
    async comparison(actor: Actor, input: { profileId: string; domain?: Domain | undefined; q?: string | undefined; page: number; pageSize: number }) {
      requireBuyerSide(actor);
      const profile = await loadProfile(actor, input.profileId);
      const version = await profileVersionOf(profile);
      const [items, page] = await Promise.all([itemViews(version.items), repo.products(db, { domain: input.domain, q: input.q }, { limit: input.pageSize, offset: (input.page - 1) * input.pageSize })]);
      return { profile, version, items, rows: await rowsWithScores(version.items, page.rows), total: page.total };
    },

    /** Every matching product, scored and ranked; the caller pages or exports. */
    async ranking(actor: Actor, input: { profileId: string; domain?: Domain | undefined; q?: string | undefined; basis: 'claimed' | 'verified' }) {
      requireBuyerSide(actor);
      const profile = await loadProfile(actor, input.profileId);
      const version = await profileVersionOf(profile);
      const [items, all] = await Promise.all([itemViews(version.items), repo.products(db, { domain: input.domain, q: input.q }, ALL_PRODUCTS)]);
      const rows = (await rowsWithScores(version.items, all.rows)).sort(compareForRanking(input.basis));
      return { profile, version, items, rows };
    },

    /** Answers waiting for (re-)review: verification expired, answer revised since, or never reviewed. */
    async queue(actor: Actor, input: { reasons: QueueReason[]; profileId?: string | undefined; page: number; pageSize: number }) {
      requireBuyerSide(actor);
      const moment = now().toISOString();
      const wanted = input.reasons.length > 0 ? input.reasons : QUEUE_REASONS;
      const reasons: SQL[] = [];
      if (wanted.includes('changed')) reasons.push(sql`(lv.id is not null and lv.answer_id <> a.id)`);
      if (wanted.includes('expired')) reasons.push(sql`(lv.answer_id = a.id and lv.decision = 'accepted' and lv.expires_at <= ${moment}::timestamptz)`);
      if (wanted.includes('unverified')) reasons.push(sql`lv.id is null`);
      const conditions = [sql`(${sql.join(reasons, sql` or `)})`];
      if (input.profileId) {
        const items = (await profileVersionOf(await loadProfile(actor, input.profileId))).items;
        if (items.length === 0) return { rows: [] as (ThreadRow & { reason: string })[], total: 0 };
        conditions.push(sql`(${sql.join(items.map((i) => sql`(a.library_key = ${i.key} and a.library_major = ${majorOf(i.libraryVersion)})`), sql` or `)})`);
      }
      return repo.threads(db, sql.join(conditions, sql` and `), { limit: input.pageSize, offset: (input.page - 1) * input.pageSize });
    },

    /** For vendor users: their answers that a reviewer rejected or asked to change, with the note meant for them. */
    async feedback(actor: Actor, page: { page: number; pageSize: number }) {
      const vendorIds = vendorIdsOf(actor);
      if (vendorIds.length === 0) return { rows: [] as (ThreadRow & { reason: string })[], total: 0 };
      return repo.threads(db, sql`p.vendor_organisation_id in ${vendorIds} and lv.answer_id = a.id and lv.decision in ('rejected', 'change_requested')`, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
    },

    /** The public profiles, for the register. */
    publicProfiles: () => repo.publicProfiles(db),

    /**
     * The public register of one public profile: products with at least one verified answer,
     * and only verified statuses. Claims without a valid verification never appear.
     */
    async register(input: { profileId?: string | undefined; page: number; pageSize: number }) {
      const profiles = await repo.publicProfiles(db);
      const profile = input.profileId ? profiles.find((p) => p.id === input.profileId) : (profiles.find((p) => p.slug === BASELINE_SLUG) ?? profiles[0]);
      if (input.profileId && !profile) throw profileNotFound();
      if (!profile) return { profiles, profile: null, items: [], rows: [], total: 0 };
      const version = await profileVersionOf(profile);
      const [items, all] = await Promise.all([itemViews(version.items), repo.products(db, {}, ALL_PRODUCTS)]);
      const verified = (await rowsWithScores(version.items, all.rows))
        .map((row) => ({ ...row, cells: row.cells.map((c) => ({ key: c.key, major: c.major, status: c.verified })) }))
        .filter((row) => row.cells.some((c) => c.status !== null));
      const start = (input.page - 1) * input.pageSize;
      return { profiles, profile, version, items, rows: verified.slice(start, start + input.pageSize), total: verified.length };
    },

    /**
     * For the vendor register's lock-in exposure: products whose newest version fails absolute
     * requirements of the shipped baseline profile by the vendor's own current answers.
     */
    async failingAbsolute(productIds: string[]): Promise<Map<string, string[]>> {
      const result = new Map<string, string[]>();
      const baseline = await repo.findProfileBySlug(db, BASELINE_SLUG);
      if (!baseline || productIds.length === 0) return result;
      const version = await profileVersionOf(baseline);
      const { rows } = await repo.products(db, { productIds }, ALL_PRODUCTS);
      for (const row of await rowsWithScores(version.items, rows)) {
        if (row.score.claimed.failingAbsolute.length > 0) result.set(row.productId, row.score.claimed.failingAbsolute);
      }
      return result;
    },

    /** Creates the shipped baseline profile once the library has its items; later calls change nothing. */
    async ensureBaselineProfile(context: AuditContext): Promise<AssessmentProfileRow | null> {
      const existing = await repo.findProfileBySlug(db, BASELINE_SLUG);
      if (existing) return existing;
      const rows = (await library.latestReleasedOfKeys(db, BASELINE_KEYS)).filter((r) => r.status === 'published' && r.version);
      if (rows.length === 0) return null;
      const byKey = new Map(rows.map((r) => [r.key, r]));
      const items: ProfileItem[] = BASELINE_KEYS.flatMap((key) => {
        const row = byKey.get(key);
        return row ? [{ key, libraryVersion: row.version as string, type: row.type, weight: row.weight }] : [];
      });
      return db.transaction(async (tx) => {
        const profile = await repo.insertProfile(tx, {
          ownerOrganisationId: null,
          slug: BASELINE_SLUG,
          name: 'Grunnprofil for datatilgang',
          description: 'Kjernekravene til eksport, API, dokumentasjon, avslutning, pris og eierskap til data.',
          visibility: 'public',
          currentVersion: 1,
        });
        await repo.insertProfileVersion(tx, { profileId: profile.id, version: 1, items, changeNote: '' });
        await audit.record(tx, context, { organisationId: null, action: 'profile.created', entityType: 'assessment_profile', entityId: profile.id, after: { slug: BASELINE_SLUG, name: profile.name, visibility: 'public', items } });
        return profile;
      });
    },

  };
}

export type AssessmentsService = ReturnType<typeof createAssessmentsService>;

/** Creates the shipped baseline profile after the library sync; safe to call on every start. */
export function ensureBaselineProfile(services: { assessments: AssessmentsService }): Promise<AssessmentProfileRow | null> {
  return services.assessments.ensureBaselineProfile(SYSTEM_AUDIT);
}

/** The library items of a tender as the tender's reader sees it, for a profile made from the tender's set. */
export function tenderLibraryItems(tenders: Pick<TendersService, 'view'>): TenderItemsSource {
  return async (actor, tenderId) =>
    (await tenders.view(actor, tenderId)).sections
      .flatMap((s) => s.items)
      .flatMap((i) => (i.libraryKey && i.libraryVersion ? [{ key: i.libraryKey, libraryVersion: i.libraryVersion, type: i.type, weight: i.weight }] : []));
}
