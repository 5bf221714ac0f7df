import { sql } from 'drizzle-orm';
import { check, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/users.table';
import { organisations } from '../organisations/organisations.table';
import type { Category, Domain, ItemKind, ItemStatus, RequirementType, SourceKind } from './library.codes';
import type { CheckDeclaration } from '../checks/rules.catalogue';
import type { LocalisedText, Parameter, Reference, SsaAlignment, Verification } from './library.schemas';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Registered sources, synced from requirements/sources.yaml. */
export const librarySources = pgTable('library_sources', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  publisher: text('publisher').notNull(),
  url: text('url').notNull(),
  kind: text('kind').$type<SourceKind>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

const searchText = (lang: 'nb' | 'en', config: 'norwegian' | 'english') => sql.raw(`
  setweight(to_tsvector('${config}'::regconfig, key || ' ' || coalesce(title->>'${lang}', '')), 'A') ||
  setweight(to_tsvector('${config}'::regconfig, coalesce(text->>'${lang}', '') || ' ' || keywords), 'B') ||
  setweight(to_tsvector('${config}'::regconfig, coalesce(rationale->>'${lang}', '') || ' ' || coalesce(response_guidance->>'${lang}', '') || ' ' || coalesce(verification->'text'->>'${lang}', '')), 'C')`);

/**
 * Every version of every library item. Published and deprecated versions are immutable in
 * content (only status and replacedBy move on deprecation); drafts carry no version number
 * until they are published. A draft with an owner organisation is private to it; versions
 * without an owner belong to the shared library.
 */
export const libraryVersions = pgTable(
  'library_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    version: text('version'),
    major: integer('major'),
    minor: integer('minor'),
    patch: integer('patch'),
    status: text('status').$type<ItemStatus>().notNull(),
    ownerOrganisationId: uuid('owner_organisation_id').references(() => organisations.id, { onDelete: 'cascade' }),
    origin: text('origin').$type<'file' | 'app'>().notNull(),
    baseVersion: text('base_version'),
    kind: text('kind').$type<ItemKind>().notNull(),
    category: text('category').$type<Category>().notNull(),
    type: text('type').$type<RequirementType>().notNull(),
    weight: integer('weight').notNull(),
    themes: integer('themes').array().notNull(),
    title: jsonb('title').$type<LocalisedText>().notNull(),
    text: jsonb('text').$type<LocalisedText>().notNull(),
    rationale: jsonb('rationale').$type<LocalisedText>().notNull(),
    responseGuidance: jsonb('response_guidance').$type<LocalisedText>().notNull(),
    parameters: jsonb('parameters').$type<Parameter[]>().notNull(),
    references: jsonb('references').$type<Reference[]>().notNull(),
    verification: jsonb('verification').$type<Verification>().notNull(),
    evidence: jsonb('evidence').$type<LocalisedText[]>().notNull(),
    /** The machine checks the item declares (`checks:` in its file); empty for most items. */
    checks: jsonb('checks').$type<CheckDeclaration[]>().notNull().default([]),
    /** Where a clause goes in the SSA agreements; null for requirements and for clauses published before the field. */
    ssa: jsonb('ssa').$type<SsaAlignment | null>(),
    domains: text('domains').array().$type<Domain[]>().notNull(),
    tags: text('tags').array().notNull(),
    sourceIds: text('source_ids').array().notNull(),
    /** Tags and source ids as plain words, so the generated search columns can index them. */
    keywords: text('keywords').notNull(),
    supersedes: text('supersedes'),
    replacedBy: text('replaced_by'),
    changeNote: jsonb('change_note').$type<LocalisedText | null>(),
    contentHash: text('content_hash').notNull(),
    revision: integer('revision').notNull().default(1),
    searchNb: tsvector('search_nb').generatedAlwaysAs(searchText('nb', 'norwegian')),
    searchEn: tsvector('search_en').generatedAlwaysAs(searchText('en', 'english')),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('library_versions_key_version_unique').on(t.key, t.version),
    uniqueIndex('library_versions_one_draft_per_owner').on(t.key, sql`coalesce(${t.ownerOrganisationId}, '00000000-0000-0000-0000-000000000000'::uuid)`).where(sql`${t.status} = 'draft'`),
    index('library_versions_key_idx').on(t.key, t.major, t.minor, t.patch),
    index('library_versions_search_nb_idx').using('gin', t.searchNb),
    index('library_versions_search_en_idx').using('gin', t.searchEn),
    index('library_versions_category_idx').on(t.category),
    check('library_versions_status_check', sql`${t.status} in ('draft', 'published', 'deprecated')`),
    check('library_versions_version_check', sql`(${t.status} = 'draft') or (${t.version} is not null)`),
  ],
);

/**
 * The sector packs, synced from requirements/packs: a named list of item keys for one domain that
 * a buyer adds to a tender in one go and browses in the library. The files are the truth; a sync
 * writes a pack only when its file changed.
 */
export const libraryPacks = pgTable('library_packs', {
  key: text('key').primaryKey(),
  title: jsonb('title').$type<LocalisedText>().notNull(),
  description: jsonb('description').$type<LocalisedText>().notNull(),
  domain: text('domain').$type<Domain>().notNull(),
  items: text('items').array().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * What the last sync from the library folder read: the SHA-256 of its files. A start whose folder
 * hashes the same skips the sync, so it reads one row instead of every version.
 */
export const librarySyncState = pgTable('library_sync_state', {
  /** One row, 'files': the library folder the application syncs from. */
  id: text('id').primaryKey(),
  filesHash: text('files_hash').notNull(),
  syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A version as the application reads it; the generated search vectors stay in the database. */
export type LibraryVersionRow = Omit<typeof libraryVersions.$inferSelect, 'searchNb' | 'searchEn'>;
export type LibraryVersionInsert = typeof libraryVersions.$inferInsert;
export type LibrarySourceRow = typeof librarySources.$inferSelect;
export type LibraryPackRow = typeof libraryPacks.$inferSelect;
