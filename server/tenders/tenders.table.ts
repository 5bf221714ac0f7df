import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/users.table';
import type { TenderDocumentModel } from '../documents/document-model';
import type { Category, Domain, ItemKind, ParameterValueMap, RequirementType } from '../library/library.codes';
import { jointSetDeviations, jointSetRevisions } from '../joint-sets/joint-sets.table';
import { organisations } from '../organisations/organisations.table';

export const TENDER_STATUSES = ['draft', 'issued', 'closed'] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];


/**
 * A tender (anskaffelse) of a buyer organisation. `version` guards against lost updates;
 * `currentRevision` is the newest issued revision (0 before the first issue).
 */
export const tenders = pgTable(
  'tenders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    buyerOrganisationId: uuid('buyer_organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    reference: text('reference').notNull(),
    domain: text('domain').$type<Domain>(),
    description: text('description').notNull().default(''),
    language: text('language').$type<'nb' | 'en'>().notNull(),
    contactName: text('contact_name').notNull().default(''),
    contactEmail: text('contact_email').notNull().default(''),
    deadline: date('deadline'),
    status: text('status').$type<TenderStatus>().notNull().default('draft'),
    currentRevision: integer('current_revision').notNull().default(0),
    hasUnissuedChanges: boolean('has_unissued_changes').notNull().default(true),
    parameterDefaults: jsonb('parameter_defaults').$type<ParameterValueMap>().notNull().default({}),
    /** The adopted joint-set revision the tender started from, if any. */
    jointSetRevisionId: uuid('joint_set_revision_id').references(() => jointSetRevisions.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('tenders_buyer_idx').on(t.buyerOrganisationId, t.updatedAt),
    index('tenders_updated_idx').on(t.updatedAt),
    uniqueIndex('tenders_reference_unique').on(t.buyerOrganisationId, sql`lower(${t.reference})`),
    check('tenders_status_check', sql`${t.status} in ('draft', 'issued', 'closed')`),
    check('tenders_language_check', sql`${t.language} in ('nb', 'en')`),
  ],
);

export const tenderCoBuyers = pgTable(
  'tender_co_buyers',
  {
    tenderId: uuid('tender_id')
      .notNull()
      .references(() => tenders.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    canEdit: boolean('can_edit').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.tenderId, t.organisationId] }), index('tender_co_buyers_org_idx').on(t.organisationId)],
);

export const tenderSections = pgTable(
  'tender_sections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenderId: uuid('tender_id')
      .notNull()
      .references(() => tenders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    category: text('category').$type<Category>(),
    /** Raised by every change of the section (title, position), so no change is lost to another. */
    version: integer('version').notNull().default(1),
  },
  (t) => [index('tender_sections_tender_idx').on(t.tenderId, t.position)],
);

/**
 * An item of a tender: a library item pinned to a version, or an item written in the tender
 * (custom*, in the tender's language). Parameter values here override the tender's defaults.
 */
export const tenderItems = pgTable(
  'tender_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenderId: uuid('tender_id')
      .notNull()
      .references(() => tenders.id, { onDelete: 'cascade' }),
    sectionId: uuid('section_id')
      .notNull()
      .references(() => tenderSections.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    libraryKey: text('library_key'),
    libraryVersion: text('library_version'),
    customKey: text('custom_key'),
    kind: text('kind').$type<ItemKind>().notNull(),
    type: text('type').$type<RequirementType>().notNull(),
    weight: integer('weight').notNull().default(0),
    parameterValues: jsonb('parameter_values').$type<ParameterValueMap>().notNull().default({}),
    customTitle: text('custom_title'),
    customText: text('custom_text'),
    customGuidance: text('custom_guidance'),
    /** The buyer's local deviation from the joint set that this item carries, if any. */
    jointSetDeviationId: uuid('joint_set_deviation_id').references(() => jointSetDeviations.id, { onDelete: 'set null' }),
    /** Raised by every change of the item (type, weight, values, texts, section, position, pinned version). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('tender_items_tender_idx').on(t.tenderId, t.sectionId, t.position),
    uniqueIndex('tender_items_library_unique').on(t.tenderId, t.libraryKey).where(sql`${t.libraryKey} is not null`),
    uniqueIndex('tender_items_custom_unique').on(t.tenderId, t.customKey).where(sql`${t.customKey} is not null`),
    check('tender_items_source_check', sql`(${t.libraryKey} is not null and ${t.libraryVersion} is not null) or (${t.customKey} is not null and ${t.customTitle} is not null and ${t.customText} is not null)`),
  ],
);

/** What was issued: the frozen document model and the set as exported, per revision. */
export const tenderRevisions = pgTable(
  'tender_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenderId: uuid('tender_id')
      .notNull()
      .references(() => tenders.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    model: jsonb('model').$type<TenderDocumentModel>().notNull(),
    requirementSet: jsonb('requirement_set').$type<Record<string, unknown>>().notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('tender_revisions_unique').on(t.tenderId, t.revision)],
);

export type ResponseAnswerRow = { key: string; answer: 'yes' | 'partly' | 'no'; explanation: string; documentation: string };

/** A vendor's answers to one tender revision, imported from a filled response sheet. */
export const tenderResponses = pgTable(
  'tender_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenderId: uuid('tender_id')
      .notNull()
      .references(() => tenders.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    vendorName: text('vendor_name').notNull(),
    answers: jsonb('answers').$type<ResponseAnswerRow[]>().notNull(),
    fileSha256: text('file_sha256').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    importedBy: uuid('imported_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('tender_responses_vendor_unique').on(t.tenderId, t.revision, sql`lower(${t.vendorName})`)],
);

/** A named list of library keys an organisation reuses when assembling tenders. */
export const librarySelections = pgTable(
  'library_selections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keys: text('keys').array().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('library_selections_name_unique').on(t.organisationId, sql`lower(${t.name})`)],
);

export type TenderRow = typeof tenders.$inferSelect;
export type TenderSectionRow = typeof tenderSections.$inferSelect;
export type TenderItemRow = typeof tenderItems.$inferSelect;
export type TenderRevisionRow = typeof tenderRevisions.$inferSelect;
export type TenderResponseRow = typeof tenderResponses.$inferSelect;
export type LibrarySelectionRow = typeof librarySelections.$inferSelect;
