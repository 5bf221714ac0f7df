import { and, asc, count, desc, eq, getTableColumns, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { pageTotal, totalBeforeLimit } from '../db/page-total';
import type { Domain } from '../library/library.codes';
import { organisations } from '../organisations/organisations.table';
import { products, productVersions, type ProductRow, type ProductVersionRow } from '../vendors/vendors.table';
import {
  answerDigests,
  answerMessages,
  answers,
  assessmentProfiles,
  assessmentProfileVersions,
  assessmentRequests,
  evidenceFiles,
  verifications,
  type AnswerMessageRow,
  type AnswerRow,
  type AnswerStatus,
  type AssessmentProfileRow,
  type AssessmentProfileVersionRow,
  type EvidenceFileRow,
  type ProfileVisibility,
  type VerificationDecision,
  type VerificationRow,
} from './assessments.table';
import type { QueueReason, ThreadReview } from './verification-state';

export type ProfileInsert = typeof assessmentProfiles.$inferInsert;
export type AnswerInsert = typeof answers.$inferInsert;

/** Who may see which profiles: see the service for the rule. */
export type ProfileScope = { all: true } | { all: false; memberOrganisationIds: string[]; buyerSide: boolean; vendorOrganisationIds: string[] };

/** One answer thread: a product version's answers to one requirement (key and major version). */
export type ThreadKey = { productVersionId: string; libraryKey: string; libraryMajor: number };

/** The newest verification of a thread, with the answer row it reviewed. */
export type LatestVerification = ThreadKey & Pick<VerificationRow, 'id' | 'answerId' | 'decision' | 'decidedAt' | 'expiresAt' | 'assessorOrganisationId'>;

export type ProductListRow = {
  productId: string;
  name: string;
  domains: Domain[];
  deployment: ProductRow['deployment'];
  vendorOrganisationId: string;
  vendorName: string;
  versionId: string | null;
  versionLabel: string | null;
};

export type ThreadRow = {
  answerId: string;
  productVersionId: string;
  libraryKey: string;
  libraryMajor: number;
  status: AnswerStatus;
  revision: number;
  answeredAt: Date;
  versionLabel: string;
  productId: string;
  productName: string;
  vendorOrganisationId: string;
  vendorName: string;
  decision: VerificationDecision | null;
  decidedAt: Date | null;
  expiresAt: Date | null;
  verifiedAnswerId: string | null;
  noteForVendor: string | null;
};

export type ProductFilter = { domain?: Domain | undefined; q?: string | undefined; vendorOrganisationIds?: string[] | undefined; productIds?: string[] | undefined };

const { content: _content, ...evidenceMeta } = getTableColumns(evidenceFiles);

/** A current answer as a comparison cell needs it. */
export type CellAnswer = Pick<AnswerRow, 'id' | 'productVersionId' | 'libraryKey' | 'libraryMajor' | 'status' | 'validUntil'>;
/** One thread of a comparison cell: its current answer and its newest review (`expiresAt` in epoch milliseconds). */
export type MatrixThread = {
  answer: Pick<AnswerRow, 'id' | 'status' | 'validUntil'>;
  review: ThreadReview | null;
};

/** Rows per insert statement in the batch inserts: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH_ROWS = 500;
const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;
export type EvidenceMeta = Omit<EvidenceFileRow, 'content'>;

const sameThread = (key: ThreadKey) => and(eq(answers.productVersionId, key.productVersionId), eq(answers.libraryKey, key.libraryKey), eq(answers.libraryMajor, key.libraryMajor));
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const dateOf = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));

/**
 * The profiles a scope sees, as one union of index lookups (an OR of the conditions would make the
 * database read every profile).
 */
function profileVisibility(scope: ProfileScope): SQL | undefined {
  if (scope.all) return undefined;
  const visibilities: ProfileVisibility[] = scope.buyerSide ? ['public', 'shared'] : ['public'];
  const visible: SQL[] = [sql`select ${assessmentProfiles.id} from ${assessmentProfiles} where ${inArray(assessmentProfiles.visibility, visibilities)}`];
  if (scope.memberOrganisationIds.length > 0) visible.push(sql`select ${assessmentProfiles.id} from ${assessmentProfiles} where ${inArray(assessmentProfiles.ownerOrganisationId, scope.memberOrganisationIds)}`);
  if (scope.vendorOrganisationIds.length > 0) {
    // A vendor sees the profiles it was asked to answer for one of its products.
    visible.push(sql`select ${assessmentRequests.profileId} from ${assessmentRequests} join ${products} on ${products.id} = ${assessmentRequests.productId} where ${inArray(products.vendorOrganisationId, scope.vendorOrganisationIds)}`);
  }
  return inArray(assessmentProfiles.id, sql`(${sql.join(visible, sql` union `)})`);
}

function productConditions(filter: ProductFilter): SQL[] | null {
  const conditions: SQL[] = [];
  if (filter.vendorOrganisationIds) {
    if (filter.vendorOrganisationIds.length === 0) return null;
    conditions.push(inArray(products.vendorOrganisationId, filter.vendorOrganisationIds));
  }
  if (filter.productIds) {
    if (filter.productIds.length === 0) return null;
    conditions.push(inArray(products.id, filter.productIds));
  }
  if (filter.domain && filter.domain !== 'all') conditions.push(sql`(${filter.domain} = any(${products.domains}) or 'all' = any(${products.domains}))`);
  if (filter.q) conditions.push(or(sql`${products.name} ilike ${likePattern(filter.q)}`, sql`${organisations.name} ilike ${likePattern(filter.q)}`) as SQL);
  return conditions;
}

/** The newest version of each product: by release date, then by when it was registered. */
const latestVersions = (db: Database) =>
  db
    .selectDistinctOn([productVersions.productId], { productId: productVersions.productId, id: productVersions.id, label: productVersions.label })
    .from(productVersions)
    .orderBy(productVersions.productId, sql`${productVersions.releaseDate} desc nulls last`, desc(productVersions.createdAt))
    .as('latest_versions');

/**
 * Current answers with the newest verification of their thread, filtered by a condition on
 * `a` (the answer), `lv` (that verification) and `p` (the product). For the review queue
 * and the vendor's feedback list.
 */
async function threads(db: Database, where: SQL, page: { limit: number; offset: number }): Promise<{ rows: (ThreadRow & { reason: string })[]; total: number }> {
  const result = await db.execute(sql`
    select a.id as answer_id, a.product_version_id, a.library_key, a.library_major, a.status, a.revision, a.created_at as answered_at,
           pv.label as version_label, p.id as product_id, p.name as product_name, p.vendor_organisation_id, o.name as vendor_name,
           lv.decision, lv.decided_at, lv.expires_at, lv.answer_id as verified_answer_id, lv.note_for_vendor,
           case when lv.id is null then 'unverified' when lv.answer_id <> a.id then 'changed' when lv.decision = 'accepted' then 'expired' else lv.decision end as reason,
           count(*) over () as total
    from answers a
    join product_versions pv on pv.id = a.product_version_id
    join products p on p.id = pv.product_id
    join organisations o on o.id = p.vendor_organisation_id
    left join lateral (
      select v.id, v.answer_id, v.decision, v.decided_at, v.expires_at, v.note_for_vendor
      from verifications v join answers a2 on a2.id = v.answer_id
      where a2.product_version_id = a.product_version_id and a2.library_key = a.library_key and a2.library_major = a.library_major
      order by v.decided_at desc limit 1
    ) lv on true
    where a.is_current and ${where}
    order by coalesce(lv.expires_at, a.created_at) asc, p.name asc, a.library_key asc
    limit ${page.limit} offset ${page.offset}`);
  const rows = rowsOf(result);
  return {
    total: rows.length > 0 ? Number(rows[0]?.total) : 0,
    rows: rows.map((r) => ({
      answerId: r.answer_id as string,
      productVersionId: r.product_version_id as string,
      libraryKey: r.library_key as string,
      libraryMajor: Number(r.library_major),
      status: r.status as AnswerStatus,
      revision: Number(r.revision),
      answeredAt: dateOf(r.answered_at) as Date,
      versionLabel: r.version_label as string,
      productId: r.product_id as string,
      productName: r.product_name as string,
      vendorOrganisationId: r.vendor_organisation_id as string,
      vendorName: r.vendor_name as string,
      decision: (r.decision as VerificationDecision | null) ?? null,
      decidedAt: dateOf(r.decided_at),
      expiresAt: dateOf(r.expires_at),
      verifiedAnswerId: (r.verified_answer_id as string | null) ?? null,
      noteForVendor: (r.note_for_vendor as string | null) ?? null,
      reason: r.reason as string,
    })),
  };
}

export function createAssessmentsRepository() {
  return {
    async listProfiles(db: Database, scope: ProfileScope, filter: { q?: string | undefined }, page: { limit: number; offset: number }): Promise<{ rows: (AssessmentProfileRow & { ownerName: string | null })[]; total: number }> {
      const conditions = [profileVisibility(scope), filter.q ? (sql`${assessmentProfiles.name} ilike ${likePattern(filter.q)}` as SQL) : undefined].filter((c): c is SQL => c !== undefined);
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const rows = await db
        .select({ profile: assessmentProfiles, ownerName: organisations.name, total: totalBeforeLimit() })
        .from(assessmentProfiles)
        .leftJoin(organisations, eq(organisations.id, assessmentProfiles.ownerOrganisationId))
        .where(where)
        .orderBy(sql`${assessmentProfiles.ownerOrganisationId} is not null`, asc(assessmentProfiles.name))
        .limit(page.limit)
        .offset(page.offset);
      const total = await pageTotal(rows, page, async () => (await db.select({ n: count() }).from(assessmentProfiles).where(where))[0]?.n);
      return { rows: rows.map((r) => ({ ...r.profile, ownerName: r.ownerName })), total };
    },

    async publicProfiles(db: Database): Promise<AssessmentProfileRow[]> {
      return db.select().from(assessmentProfiles).where(eq(assessmentProfiles.visibility, 'public')).orderBy(sql`${assessmentProfiles.ownerOrganisationId} is not null`, asc(assessmentProfiles.name));
    },

    async findProfile(db: Database, id: string): Promise<(AssessmentProfileRow & { ownerName: string | null }) | undefined> {
      const rows = await db
        .select({ profile: assessmentProfiles, ownerName: organisations.name })
        .from(assessmentProfiles)
        .leftJoin(organisations, eq(organisations.id, assessmentProfiles.ownerOrganisationId))
        .where(eq(assessmentProfiles.id, id))
        .limit(1);
      return rows[0] ? { ...rows[0].profile, ownerName: rows[0].ownerName } : undefined;
    },

    async findProfileBySlug(db: Database, slug: string): Promise<AssessmentProfileRow | undefined> {
      const rows = await db.select().from(assessmentProfiles).where(eq(assessmentProfiles.slug, slug)).limit(1);
      return rows[0];
    },

    async lockProfile(db: Database, id: string): Promise<AssessmentProfileRow | undefined> {
      const rows = await db.select().from(assessmentProfiles).where(eq(assessmentProfiles.id, id)).for('update').limit(1);
      return rows[0];
    },

    async insertProfile(db: Database, values: ProfileInsert): Promise<AssessmentProfileRow> {
      const rows = await db.insert(assessmentProfiles).values(values).returning();
      return rows[0] as AssessmentProfileRow;
    },

    async updateProfile(db: Database, id: string, values: Partial<ProfileInsert>): Promise<AssessmentProfileRow> {
      const rows = await db.update(assessmentProfiles).set(values).where(eq(assessmentProfiles.id, id)).returning();
      return rows[0] as AssessmentProfileRow;
    },

    async deleteProfile(db: Database, id: string): Promise<void> {
      await db.delete(assessmentProfiles).where(eq(assessmentProfiles.id, id));
    },

    async profileVersion(db: Database, profileId: string, version: number): Promise<AssessmentProfileVersionRow | undefined> {
      const rows = await db
        .select()
        .from(assessmentProfileVersions)
        .where(and(eq(assessmentProfileVersions.profileId, profileId), eq(assessmentProfileVersions.version, version)))
        .limit(1);
      return rows[0];
    },

    async profileVersions(db: Database, profileId: string): Promise<Omit<AssessmentProfileVersionRow, 'items'>[]> {
      return db
        .select({ id: assessmentProfileVersions.id, profileId: assessmentProfileVersions.profileId, version: assessmentProfileVersions.version, changeNote: assessmentProfileVersions.changeNote, createdBy: assessmentProfileVersions.createdBy, createdAt: assessmentProfileVersions.createdAt })
        .from(assessmentProfileVersions)
        .where(eq(assessmentProfileVersions.profileId, profileId))
        .orderBy(desc(assessmentProfileVersions.version));
    },

    async insertProfileVersion(db: Database, values: typeof assessmentProfileVersions.$inferInsert): Promise<AssessmentProfileVersionRow> {
      const rows = await db.insert(assessmentProfileVersions).values(values).returning();
      return rows[0] as AssessmentProfileVersionRow;
    },

    async insertRequest(db: Database, values: typeof assessmentRequests.$inferInsert): Promise<boolean> {
      const rows = await db.insert(assessmentRequests).values(values).onConflictDoNothing().returning({ profileId: assessmentRequests.profileId });
      return rows.length > 0;
    },

    async requestsOfProfile(db: Database, profileId: string) {
      return db
        .select({ productId: products.id, productName: products.name, vendorOrganisationId: products.vendorOrganisationId, requestedByOrganisationId: assessmentRequests.requestedByOrganisationId, createdAt: assessmentRequests.createdAt })
        .from(assessmentRequests)
        .innerJoin(products, eq(products.id, assessmentRequests.productId))
        .where(eq(assessmentRequests.profileId, profileId))
        .orderBy(asc(products.name));
    },

    /** The profiles each of the vendors' products was asked to answer. */
    async requestsForVendors(db: Database, vendorOrganisationIds: string[]): Promise<{ productId: string; profileId: string; profileName: string }[]> {
      if (vendorOrganisationIds.length === 0) return [];
      return db
        .selectDistinct({ productId: assessmentRequests.productId, profileId: assessmentProfiles.id, profileName: assessmentProfiles.name })
        .from(assessmentRequests)
        .innerJoin(products, eq(products.id, assessmentRequests.productId))
        .innerJoin(assessmentProfiles, eq(assessmentProfiles.id, assessmentRequests.profileId))
        .where(inArray(products.vendorOrganisationId, vendorOrganisationIds))
        .orderBy(asc(assessmentProfiles.name));
    },

    async findProduct(db: Database, id: string): Promise<ProductRow | undefined> {
      const rows = await db.select().from(products).where(eq(products.id, id)).limit(1);
      return rows[0];
    },

    async findProductVersion(db: Database, id: string): Promise<{ version: ProductVersionRow; product: ProductRow; vendorName: string } | undefined> {
      const rows = await db
        .select({ version: productVersions, product: products, vendorName: organisations.name })
        .from(productVersions)
        .innerJoin(products, eq(products.id, productVersions.productId))
        .innerJoin(organisations, eq(organisations.id, products.vendorOrganisationId))
        .where(eq(productVersions.id, id))
        .limit(1);
      return rows[0];
    },

    async versionsOfProducts(db: Database, productIds: string[]): Promise<ProductVersionRow[]> {
      if (productIds.length === 0) return [];
      return db.select().from(productVersions).where(inArray(productVersions.productId, productIds)).orderBy(sql`${productVersions.releaseDate} desc nulls last`, desc(productVersions.createdAt));
    },

    /** Products with their vendor and newest version, filtered and paged by name. */
    async products(db: Database, filter: ProductFilter, page: { limit: number; offset: number }): Promise<{ rows: ProductListRow[]; total: number }> {
      const conditions = productConditions(filter);
      if (!conditions) return { rows: [], total: 0 };
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const latest = latestVersions(db);
      const rows = await db
        .select({
          productId: products.id,
          name: products.name,
          domains: products.domains,
          deployment: products.deployment,
          vendorOrganisationId: products.vendorOrganisationId,
          vendorName: organisations.name,
          versionId: latest.id,
          versionLabel: latest.label,
          total: totalBeforeLimit(),
        })
        .from(products)
        .innerJoin(organisations, eq(organisations.id, products.vendorOrganisationId))
        .leftJoin(latest, eq(latest.productId, products.id))
        .where(where)
        .orderBy(asc(products.name), asc(organisations.name), asc(products.id))
        .limit(page.limit)
        .offset(page.offset);
      const total = await pageTotal(rows, page, async () => (await db.select({ n: count() }).from(products).innerJoin(organisations, eq(organisations.id, products.vendorOrganisationId)).where(where))[0]?.n);
      return { rows: rows.map(({ total: _total, ...row }) => row), total };
    },

    async findCurrentAnswer(db: Database, key: ThreadKey): Promise<AnswerRow | undefined> {
      const rows = await db.select().from(answers).where(and(sameThread(key), eq(answers.isCurrent, true))).limit(1);
      return rows[0];
    },

    async findAnswer(db: Database, id: string): Promise<AnswerRow | undefined> {
      const rows = await db.select().from(answers).where(eq(answers.id, id)).limit(1);
      return rows[0];
    },

    /** Every revision of a thread, newest first. */
    async answerHistory(db: Database, key: ThreadKey): Promise<AnswerRow[]> {
      return db.select().from(answers).where(sameThread(key)).orderBy(desc(answers.revision));
    },

    async insertAnswer(db: Database, values: AnswerInsert): Promise<AnswerRow> {
      const rows = await db.insert(answers).values(values).returning();
      return rows[0] as AnswerRow;
    },

    /** Retires the current row of a thread; false when it was no longer current (someone else was first). */
    /** Retires the current answer if it is still at the expected version; false when it was revised or reviewed since. */
    /** Many rows in few statements, each row complete with its id: for seeding, where one answer per statement costs a round trip each. */
    async insertAnswers(db: Database, values: (AnswerInsert & { id: string })[]): Promise<void> {
      for (let i = 0; i < values.length; i += BATCH_ROWS) await db.insert(answers).values(values.slice(i, i + BATCH_ROWS));
    },
    async retireAnswer(db: Database, id: string, expectedVersion: number): Promise<boolean> {
      const rows = await db
        .update(answers)
        .set({ isCurrent: false })
        .where(and(eq(answers.id, id), eq(answers.isCurrent, true), eq(answers.version, expectedVersion)))
        .returning({ id: answers.id });
      return rows.length === 1;
    },

    /** Raises the version of a current answer that is still at the expected one (a review changes its thread); undefined when stale. */
    async raiseAnswerVersion(db: Database, id: string, expectedVersion: number): Promise<AnswerRow | undefined> {
      const rows = await db
        .update(answers)
        .set({ version: sql`${answers.version} + 1` })
        .where(and(eq(answers.id, id), eq(answers.isCurrent, true), eq(answers.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    /** The current answers of the given product versions, to the given keys when a list is given. */
    async currentAnswers(db: Database, productVersionIds: string[], keys?: string[]): Promise<AnswerRow[]> {
      if (productVersionIds.length === 0 || keys?.length === 0) return [];
      return db
        .select()
        .from(answers)
        .where(and(inArray(answers.productVersionId, productVersionIds), eq(answers.isCurrent, true), keys ? inArray(answers.libraryKey, keys) : undefined))
        .orderBy(asc(answers.libraryKey));
    },

    /**
     * What the comparison cells need: per product version and wanted thread (`key|major`), the
     * current answer and the thread's newest review (which may be of an earlier revision). Read
     * from `answer_digests`, one text row per product version that the database keeps current
     * (format in migration 0006): tens of thousands of answers arrive as a few hundred rows
     * without a join, and are parsed without intermediate arrays.
     */
    async matrixThreads(db: Database, productVersionIds: string[], wanted: Set<string>): Promise<Map<string, Map<string, MatrixThread>>> {
      const byVersion = new Map<string, Map<string, MatrixThread>>();
      if (productVersionIds.length === 0 || wanted.size === 0) return byVersion;
      const rows = await db
        .select({ productVersionId: answerDigests.productVersionId, threads: answerDigests.threads })
        .from(answerDigests)
        .where(sql`${answerDigests.productVersionId} = any(${sql.param(productVersionIds)}::uuid[])`);
      for (const row of rows) {
        const threads = new Map<string, MatrixThread>();
        byVersion.set(row.productVersionId, threads);
        const text = row.threads;
        let start = 0;
        while (start < text.length) {
          let end = text.indexOf(';', start);
          if (end === -1) end = text.length;
          const comma = text.indexOf(',', start);
          const thread = text.slice(start, comma);
          if (wanted.has(thread)) {
            const [id, status, validUntil, decision, expiresAt, ofCurrent] = text.slice(comma + 1, end).split(',') as [string, AnswerStatus, string, VerificationDecision?, string?, string?];
            threads.set(thread, {
              answer: { id, status, validUntil: validUntil === '' ? null : validUntil },
              review: decision ? { decision, expiresAt: Number(expiresAt), ofCurrentAnswer: ofCurrent === '1' } : null,
            });
          }
          start = end + 1;
        }
      }
      return byVersion;
    },

    /** The newest verification of every thread of the given product versions, one text row per product version. */
    async latestVerifications(db: Database, productVersionIds: string[], keys?: string[]): Promise<LatestVerification[]> {
      if (productVersionIds.length === 0 || keys?.length === 0) return [];
      const result = await db.execute(sql`
        select pv, string_agg(concat_ws(',', k, m, id, answer_id, decision, floor(extract(epoch from decided_at) * 1000)::bigint, floor(extract(epoch from expires_at) * 1000)::bigint, assessor_organisation_id), ';') as reviews
        from (
          select distinct on (a.product_version_id, a.library_key, a.library_major)
                 a.product_version_id as pv, a.library_key as k, a.library_major as m, v.id, v.answer_id, v.decision, v.decided_at, v.expires_at, v.assessor_organisation_id
          from verifications v join answers a on a.id = v.answer_id
          where a.product_version_id = any(${sql.param(productVersionIds)}::uuid[]) ${keys ? sql`and a.library_key = any(${sql.param(keys)}::text[])` : sql``}
          order by a.product_version_id, a.library_key, a.library_major, v.decided_at desc
        ) newest
        group by pv`);
      const reviews: LatestVerification[] = [];
      for (const row of rowsOf(result)) {
        const productVersionId = row.pv as string;
        for (const review of (row.reviews as string).split(';')) {
          const [libraryKey, major, id, answerId, decision, decidedAt, expiresAt, assessorOrganisationId] = review.split(',') as [string, string, string, string, VerificationDecision, string, string, string];
          reviews.push({ productVersionId, libraryKey, libraryMajor: Number(major), id, answerId, decision, decidedAt: new Date(Number(decidedAt)), expiresAt: new Date(Number(expiresAt)), assessorOrganisationId });
        }
      }
      return reviews;
    },

    /** Every verification of a thread, newest first, with the revision it reviewed and who wrote it. */
    async verificationsOfThread(db: Database, key: ThreadKey): Promise<(VerificationRow & { answerRevision: number; assessorName: string })[]> {
      const rows = await db
        .select({ verification: verifications, answerRevision: answers.revision, assessorName: organisations.name })
        .from(verifications)
        .innerJoin(answers, eq(answers.id, verifications.answerId))
        .innerJoin(organisations, eq(organisations.id, verifications.assessorOrganisationId))
        .where(sameThread(key))
        .orderBy(desc(verifications.decidedAt));
      return rows.map((r) => ({ ...r.verification, answerRevision: r.answerRevision, assessorName: r.assessorName }));
    },

    async insertVerification(db: Database, values: typeof verifications.$inferInsert): Promise<VerificationRow> {
      const rows = await db.insert(verifications).values(values).returning();
      return rows[0] as VerificationRow;
    },

    async insertVerifications(db: Database, values: (typeof verifications.$inferInsert)[]): Promise<void> {
      for (let i = 0; i < values.length; i += BATCH_ROWS) await db.insert(verifications).values(values.slice(i, i + BATCH_ROWS));
    },
    async insertEvidence(db: Database, values: typeof evidenceFiles.$inferInsert): Promise<EvidenceMeta> {
      const rows = await db.insert(evidenceFiles).values(values).returning(evidenceMeta);
      return rows[0] as EvidenceMeta;
    },

    /** The evidence of every revision of a thread, without the file contents. */
    async evidenceOfThread(db: Database, key: ThreadKey): Promise<(EvidenceMeta & { answerRevision: number })[]> {
      const rows = await db
        .select({ evidence: evidenceMeta, answerRevision: answers.revision })
        .from(evidenceFiles)
        .innerJoin(answers, eq(answers.id, evidenceFiles.answerId))
        .where(sameThread(key))
        .orderBy(desc(evidenceFiles.createdAt));
      return rows.map((r) => ({ ...r.evidence, answerRevision: r.answerRevision }));
    },

    async findEvidence(db: Database, id: string): Promise<EvidenceFileRow | undefined> {
      const rows = await db.select().from(evidenceFiles).where(eq(evidenceFiles.id, id)).limit(1);
      return rows[0];
    },

    async insertMessage(db: Database, values: typeof answerMessages.$inferInsert): Promise<AnswerMessageRow> {
      const rows = await db.insert(answerMessages).values(values).returning();
      return rows[0] as AnswerMessageRow;
    },

    async insertMessages(db: Database, values: (typeof answerMessages.$inferInsert)[]): Promise<void> {
      for (let i = 0; i < values.length; i += BATCH_ROWS) await db.insert(answerMessages).values(values.slice(i, i + BATCH_ROWS));
    },
    async messagesOfThread(db: Database, key: ThreadKey): Promise<(AnswerMessageRow & { authorName: string | null })[]> {
      const rows = await db
        .select({ message: answerMessages, authorName: organisations.name })
        .from(answerMessages)
        .leftJoin(organisations, eq(organisations.id, answerMessages.authorOrganisationId))
        .where(and(eq(answerMessages.productVersionId, key.productVersionId), eq(answerMessages.libraryKey, key.libraryKey), eq(answerMessages.libraryMajor, key.libraryMajor)))
        .orderBy(asc(answerMessages.createdAt));
      return rows.map((r) => ({ ...r.message, authorName: r.authorName }));
    },

    /**
     * The review queue: current answers whose acceptance expired by `moment`, that changed
     * since their thread's newest review, or (when asked) that were never reviewed; only the
     * given threads when a list is given. Oldest first.
     */
    async reviewQueue(db: Database, input: { reasons: readonly QueueReason[]; threads?: { key: string; major: number }[] | undefined; moment: string }, page: { limit: number; offset: number }) {
      const reasons: SQL[] = [];
      if (input.reasons.includes('changed')) reasons.push(sql`(lv.id is not null and lv.answer_id <> a.id)`);
      if (input.reasons.includes('expired')) reasons.push(sql`(lv.answer_id = a.id and lv.decision = 'accepted' and lv.expires_at <= ${input.moment}::timestamptz)`);
      if (input.reasons.includes('unverified')) reasons.push(sql`lv.id is null`);
      const conditions = [sql`(${sql.join(reasons, sql` or `)})`];
      if (input.threads) conditions.push(sql`(${sql.join(input.threads.map((t) => sql`(a.library_key = ${t.key} and a.library_major = ${t.major})`), sql` or `)})`);
      return threads(db, sql.join(conditions, sql` and `), page);
    },

    /** The vendors' current answers whose newest review rejected them or asked for a change, with the note for the vendor. */
    async vendorFeedback(db: Database, vendorOrganisationIds: string[], page: { limit: number; offset: number }) {
      return threads(db, sql`p.vendor_organisation_id in ${vendorOrganisationIds} and lv.answer_id = a.id and lv.decision in ('rejected', 'change_requested')`, page);
    },
  };
}

export type AssessmentsRepository = ReturnType<typeof createAssessmentsRepository>;
