import { sql } from 'drizzle-orm';
import { boolean, check, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/users.table';
import type { RequirementType } from '../library/library.codes';
import { jointSetRevisions } from '../joint-sets/joint-sets.table';
import { organisations } from '../organisations/organisations.table';
import { products, productVersions } from '../vendors/vendors.table';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const PROFILE_VISIBILITIES = ['private', 'shared', 'public'] as const;
export type ProfileVisibility = (typeof PROFILE_VISIBILITIES)[number];
export const ANSWER_STATUSES = ['meets', 'partly', 'does_not_meet', 'not_applicable'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];
export const VERIFICATION_DECISIONS = ['accepted', 'rejected', 'change_requested'] as const;
export type VerificationDecision = (typeof VERIFICATION_DECISIONS)[number];

export type ProfileItem = { key: string; libraryVersion: string; type: RequirementType; weight: number };

/**
 * A named set of library requirements that products are assessed against. Owned by a buyer or
 * council (null: shipped with the installation, e.g. the baseline); `shared` profiles are
 * visible to every buyer and council, `public` ones also in the public register.
 */
export const assessmentProfiles = pgTable('assessment_profiles', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerOrganisationId: uuid('owner_organisation_id').references(() => organisations.id, { onDelete: 'cascade' }),
  slug: text('slug'),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  visibility: text('visibility').$type<ProfileVisibility>().notNull().default('private'),
  currentVersion: integer('current_version').notNull().default(1),
  /** The joint-set revision the profile was made from, if any. */
  jointSetRevisionId: uuid('joint_set_revision_id').references(() => jointSetRevisions.id, { onDelete: 'set null' }),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('assessment_profiles_slug_unique').on(t.slug), index('assessment_profiles_owner_idx').on(t.ownerOrganisationId), index('assessment_profiles_visibility_idx').on(t.visibility)]);

/** Each change to a profile's items makes a new version; scores name the version they used. */
export const assessmentProfileVersions = pgTable(
  'assessment_profile_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    profileId: uuid('profile_id')
      .notNull()
      .references(() => assessmentProfiles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    items: jsonb('items').$type<ProfileItem[]>().notNull(),
    changeNote: text('change_note').notNull().default(''),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('assessment_profile_versions_unique').on(t.profileId, t.version)],
);

/** A buyer or council asks a vendor to answer a profile for a product. */
export const assessmentRequests = pgTable(
  'assessment_requests',
  {
    profileId: uuid('profile_id')
      .notNull()
      .references(() => assessmentProfiles.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    requestedByOrganisationId: uuid('requested_by_organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.productId, t.requestedByOrganisationId] })],
);

/**
 * A vendor's claim for one requirement (key and major version) for one product version. Every
 * change is a new row; `isCurrent` marks the latest, so the full history is kept.
 */
export const answers = pgTable(
  'answers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productVersionId: uuid('product_version_id')
      .notNull()
      .references(() => productVersions.id, { onDelete: 'cascade' }),
    libraryKey: text('library_key').notNull(),
    libraryMajor: integer('library_major').notNull(),
    status: text('status').$type<AnswerStatus>().notNull(),
    explanation: text('explanation').notNull().default(''),
    links: jsonb('links').$type<{ url: string; title: string }[]>().notNull().default([]),
    validUntil: date('valid_until'),
    isCurrent: boolean('is_current').notNull().default(true),
    revision: integer('revision').notNull().default(1),
    /**
     * The thread's version: raised by one on every revision and every review, so a vendor's
     * revision and an assessor's decision both name the state they were based on.
     */
    version: integer('version').notNull().default(1),
    answeredBy: uuid('answered_by').references(() => users.id, { onDelete: 'set null' }),
    answeredByOrganisationId: uuid('answered_by_organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('answers_current_unique').on(t.productVersionId, t.libraryKey, t.libraryMajor).where(sql`${t.isCurrent}`),
    index('answers_lookup_idx').on(t.libraryKey, t.libraryMajor, t.productVersionId),
    check('answers_status_check', sql`${t.status} in ('meets', 'partly', 'does_not_meet', 'not_applicable')`),
  ],
);

/**
 * What the comparison matrix reads of a product version, in one text: for every thread with a
 * current answer, that answer and the thread's newest review. The database keeps it up to date
 * in the statement that changes answers or verifications, whatever the path (triggers in
 * migration 0006), so it is never stale and needs no code to maintain it.
 */
export const answerDigests = pgTable('answer_digests', {
  productVersionId: uuid('product_version_id')
    .primaryKey()
    .references(() => productVersions.id, { onDelete: 'cascade' }),
  threads: text('threads').notNull(),
});

/** An uploaded evidence file of an answer; served only to those who may see the answer. */
export const evidenceFiles = pgTable(
  'evidence_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    answerId: uuid('answer_id')
      .notNull()
      .references(() => answers.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('evidence_files_answer_idx').on(t.answerId)],
);

/** An assessor's review of one answer row. Internal notes are never shown to vendors. */
export const verifications = pgTable(
  'verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    answerId: uuid('answer_id')
      .notNull()
      .references(() => answers.id, { onDelete: 'cascade' }),
    assessorOrganisationId: uuid('assessor_organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    decision: text('decision').$type<VerificationDecision>().notNull(),
    noteForVendor: text('note_for_vendor').notNull().default(''),
    internalNote: text('internal_note').notNull().default(''),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('verifications_answer_idx').on(t.answerId, t.decidedAt), check('verifications_decision_check', sql`${t.decision} in ('accepted', 'rejected', 'change_requested')`)],
);

/** The thread on an answer: vendor replies and assessor feedback meant for the vendor. */
export const answerMessages = pgTable(
  'answer_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productVersionId: uuid('product_version_id')
      .notNull()
      .references(() => productVersions.id, { onDelete: 'cascade' }),
    libraryKey: text('library_key').notNull(),
    libraryMajor: integer('library_major').notNull(),
    authorOrganisationId: uuid('author_organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('answer_messages_thread_idx').on(t.productVersionId, t.libraryKey, t.libraryMajor, t.createdAt)],
);

export type AssessmentProfileRow = typeof assessmentProfiles.$inferSelect;
export type AssessmentProfileVersionRow = typeof assessmentProfileVersions.$inferSelect;
export type AnswerRow = typeof answers.$inferSelect;
export type EvidenceFileRow = typeof evidenceFiles.$inferSelect;
export type VerificationRow = typeof verifications.$inferSelect;
export type AnswerMessageRow = typeof answerMessages.$inferSelect;
