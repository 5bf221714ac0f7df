import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/users.table';
import type { Domain, RequirementType } from '../library/library.codes';
import { organisations } from '../organisations/organisations.table';
import type { ParameterValueMap } from '../library/library.codes';

export const REVISION_STATUSES = ['draft', 'consultation', 'adopted', 'superseded'] as const;
export type RevisionStatus = (typeof REVISION_STATUSES)[number];
export const PARTICIPANT_STATUSES = ['invited', 'accepted', 'declined'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];
export const COMMENT_POSITIONS = ['agree', 'change', 'object'] as const;
export type CommentPosition = (typeof COMMENT_POSITIONS)[number];
export const COMMENT_RESOLUTIONS = ['accepted', 'rejected', 'noted'] as const;
export type CommentResolution = (typeof COMMENT_RESOLUTIONS)[number];
export const SIGNOFF_DECISIONS = ['signed', 'declined'] as const;
export type SignoffDecision = (typeof SIGNOFF_DECISIONS)[number];
export const DEVIATION_KINDS = ['exclude', 'change'] as const;
export type DeviationKind = (typeof DEVIATION_KINDS)[number];

export type ImportedSignoff = { organisation: string; signedAt: string };

/**
 * A joint requirement set (felles kravsett) coordinated by one buyer organisation. `isPublic`
 * lets every buyer read its adopted and superseded revisions; drafts and consultations stay with
 * the participants.
 */
export const jointSets = pgTable('joint_sets', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  domain: text('domain').$type<Domain>(),
  coordinatorOrganisationId: uuid('coordinator_organisation_id')
    .notNull()
    .references(() => organisations.id, { onDelete: 'restrict' }),
  isPublic: boolean('is_public').notNull().default(false),
  /** Raised by every change, so an update based on an old read is refused instead of lost. */
  version: integer('version').notNull().default(1),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('joint_sets_updated_idx').on(t.updatedAt)]);

/** Organisations invited by the coordinator; the coordinator itself is a participant that accepted. */
export const jointSetParticipants = pgTable(
  'joint_set_participants',
  {
    jointSetId: uuid('joint_set_id')
      .notNull()
      .references(() => jointSets.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    status: text('status').$type<ParticipantStatus>().notNull().default('invited'),
    invitedAt: timestamp('invited_at', { withTimezone: true }).notNull().defaultNow(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    respondedBy: uuid('responded_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    primaryKey({ columns: [t.jointSetId, t.organisationId] }),
    index('joint_set_participants_org_idx').on(t.organisationId),
    check('joint_set_participants_status_check', sql`${t.status} in ('invited', 'accepted', 'declined')`),
  ],
);

/**
 * A numbered revision of a set. Only one revision is open (draft or consultation) at a time and
 * only one is adopted; adopting a newer one supersedes the older. Adopted and superseded
 * revisions never change in content.
 */
export const jointSetRevisions = pgTable(
  'joint_set_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jointSetId: uuid('joint_set_id')
      .notNull()
      .references(() => jointSets.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    status: text('status').$type<RevisionStatus>().notNull().default('draft'),
    basedOnNumber: integer('based_on_number'),
    changeNote: text('change_note').notNull().default(''),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    consultationStartedAt: timestamp('consultation_started_at', { withTimezone: true }),
    adoptedAt: timestamp('adopted_at', { withTimezone: true }),
    adoptedBy: uuid('adopted_by').references(() => users.id, { onDelete: 'set null' }),
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
    /** Set when the revision came from a package of another installation, with the sign-offs recorded there. */
    importedAt: timestamp('imported_at', { withTimezone: true }),
    importedSignoffs: jsonb('imported_signoffs').$type<ImportedSignoff[]>().notNull().default([]),
    /** Raised by every change, so an update based on an old read is refused instead of lost. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('joint_set_revisions_number_unique').on(t.jointSetId, t.number),
    uniqueIndex('joint_set_revisions_one_open').on(t.jointSetId).where(sql`${t.status} in ('draft', 'consultation')`),
    uniqueIndex('joint_set_revisions_one_adopted').on(t.jointSetId).where(sql`${t.status} = 'adopted'`),
    index('joint_set_revisions_status_idx').on(t.status, t.jointSetId),
    check('joint_set_revisions_status_check', sql`${t.status} in ('draft', 'consultation', 'adopted', 'superseded')`),
  ],
);

export const jointSetSections = pgTable(
  'joint_set_sections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => jointSetRevisions.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    /** Raised by every change, so an update based on an old read is refused instead of lost. */
    version: integer('version').notNull().default(1),
  },
  (t) => [index('joint_set_sections_revision_idx').on(t.revisionId, t.position)],
);

/** A library item pinned to a released version, with the set's default type, weight and parameter values. */
export const jointSetItems = pgTable(
  'joint_set_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => jointSetRevisions.id, { onDelete: 'cascade' }),
    sectionId: uuid('section_id')
      .notNull()
      .references(() => jointSetSections.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    libraryKey: text('library_key').notNull(),
    libraryVersion: text('library_version').notNull(),
    type: text('type').$type<RequirementType>().notNull(),
    weight: integer('weight').notNull().default(0),
    parameterValues: jsonb('parameter_values').$type<ParameterValueMap>().notNull().default({}),
    /** Raised by every change, so an update based on an old read is refused instead of lost. */
    version: integer('version').notNull().default(1),
  },
  (t) => [index('joint_set_items_revision_idx').on(t.revisionId, t.sectionId, t.position), uniqueIndex('joint_set_items_key_unique').on(t.revisionId, t.libraryKey)],
);

/** A participant's comment on an item during consultation, and the coordinator's answer. */
export const jointSetComments = pgTable(
  'joint_set_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => jointSetRevisions.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => jointSetItems.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    authorName: text('author_name').notNull(),
    position: text('position').$type<CommentPosition>().notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolution: text('resolution').$type<CommentResolution>(),
    response: text('response'),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** Raised by every change, so an update based on an old read is refused instead of lost. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('joint_set_comments_revision_idx').on(t.revisionId, t.createdAt),
    check('joint_set_comments_position_check', sql`${t.position} in ('agree', 'change', 'object')`),
    check('joint_set_comments_resolution_check', sql`${t.resolution} is null or ${t.resolution} in ('accepted', 'rejected', 'noted')`),
  ],
);

/** An organisation's decision on an adopted revision: signed (the revision is adopted by it) or declined. */
export const jointSetSignoffs = pgTable(
  'joint_set_signoffs',
  {
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => jointSetRevisions.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    decision: text('decision').$type<SignoffDecision>().notNull(),
    note: text('note').notNull().default(''),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    userName: text('user_name').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.revisionId, t.organisationId] }), check('joint_set_signoffs_decision_check', sql`${t.decision} in ('signed', 'declined')`)],
);

/**
 * A participant's documented local deviation from one item of a revision: it leaves the item
 * out, or uses its own type, weight or parameter values. The justification is required.
 */
export const jointSetDeviations = pgTable(
  'joint_set_deviations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => jointSetRevisions.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    libraryKey: text('library_key').notNull(),
    kind: text('kind').$type<DeviationKind>().notNull(),
    type: text('type').$type<RequirementType>(),
    weight: integer('weight'),
    parameterValues: jsonb('parameter_values').$type<ParameterValueMap>(),
    justification: text('justification').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Raised by every change, so an update based on an old read is refused instead of lost. */
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('joint_set_deviations_unique').on(t.revisionId, t.organisationId, t.libraryKey), check('joint_set_deviations_kind_check', sql`${t.kind} in ('exclude', 'change')`)],
);

export type JointSetRow = typeof jointSets.$inferSelect;
export type JointSetParticipantRow = typeof jointSetParticipants.$inferSelect;
export type JointSetRevisionRow = typeof jointSetRevisions.$inferSelect;
export type JointSetSectionRow = typeof jointSetSections.$inferSelect;
export type JointSetItemRow = typeof jointSetItems.$inferSelect;
export type JointSetCommentRow = typeof jointSetComments.$inferSelect;
export type JointSetSignoffRow = typeof jointSetSignoffs.$inferSelect;
export type JointSetDeviationRow = typeof jointSetDeviations.$inferSelect;
