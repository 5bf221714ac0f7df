import { and, asc, count, desc, eq, getTableColumns, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { nonDraft } from '../library/library.repository';
import { libraryVersions, type LibraryVersionRow } from '../library/library.table';
import type { Parameter } from '../library/library.schemas';
import { organisations } from '../organisations/organisations.table';
import {
  librarySelections,
  tenderCoBuyers,
  tenderItems,
  tenderResponses,
  tenderRevisions,
  tenders,
  tenderSections,
  type LibrarySelectionRow,
  type TenderItemRow,
  type TenderResponseRow,
  type TenderRevisionRow,
  type TenderRow,
  type TenderSectionRow,
  type TenderStatus,
} from './tenders.table';

export type TenderInsert = typeof tenders.$inferInsert;
/** A pinned library version as a tender document prints it: its texts in the tender's language. */
export type DocumentLibraryText = { key: string; version: string | null; title: string; text: string; responseGuidance: string; parameters: Parameter[] };
export type TenderItemInsert = typeof tenderItems.$inferInsert;
/** A tender row with its buyer's name and its co-buyers, by name. */
export type TenderWithParties = { tender: TenderRow; buyerName: string; coBuyers: { organisationId: string; canEdit: boolean; name: string }[] };

/**
 * `json_build_object` of a table's columns under the names Drizzle gives them, read from `alias`.
 * Rows read as one JSON text: on the embedded database that is several times cheaper than
 * decoding every field of every row (see documentItems).
 */
function jsonObjectOf(columns: Record<string, { name: string }>, alias: string): SQL {
  return sql.raw(`json_build_object(${Object.entries(columns).map(([property, column]) => `'${property}', ${alias}."${column.name}"`).join(', ')})`);
}

const { searchNb: _searchNb, searchEn: _searchEn, ...libraryVersionColumns } = getTableColumns(libraryVersions);
const libraryVersionJson = (alias: string) => jsonObjectOf(libraryVersionColumns, alias);
const { key, version, status, replacedBy, title, parameters } = libraryVersionColumns;
const pinnedSummaryJson = (alias: string) => jsonObjectOf({ key, version, status, replacedBy, title, parameters }, alias);
/** What a tender page reads of a pinned version (see PinnedSummary). */
export type PinnedSummaryRow = Pick<LibraryVersionRow, 'key' | 'version' | 'status' | 'replacedBy' | 'title' | 'parameters'>;
type LibraryVersionJson = Omit<LibraryVersionRow, 'createdAt' | 'updatedAt' | 'publishedAt'> & { createdAt: string; updatedAt: string; publishedAt: string | null };

/** A library version read as JSON, with its times as dates, as Drizzle reads them. */
function libraryVersionRow(json: LibraryVersionJson): LibraryVersionRow {
  return { ...json, createdAt: new Date(json.createdAt), updatedAt: new Date(json.updatedAt), publishedAt: json.publishedAt === null ? null : new Date(json.publishedAt) };
}

export function createTendersRepository() {
  return {
    /** Tenders of the given organisations, as buyer or co-buyer. */
    async list(db: Database, filter: { organisationIds: string[] | 'all'; status?: TenderStatus | undefined; q?: string | undefined }, page: { limit: number; offset: number }) {
      const conditions: SQL[] = [];
      if (filter.organisationIds !== 'all') {
        if (filter.organisationIds.length === 0) return { rows: [], total: 0 };
        // One set of ids from both indexes (as buyer, as co-buyer): an OR of the two would make
        // the database read every tender.
        const ids = filter.organisationIds;
        conditions.push(
          inArray(
            tenders.id,
            sql`(select ${tenders.id} from ${tenders} where ${inArray(tenders.buyerOrganisationId, ids)} union select ${tenderCoBuyers.tenderId} from ${tenderCoBuyers} where ${inArray(tenderCoBuyers.organisationId, ids)})`,
          ),
        );
      }
      if (filter.status) conditions.push(eq(tenders.status, filter.status));
      if (filter.q) {
        const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(or(sql`${tenders.title} ilike ${pattern}`, sql`${tenders.reference} ilike ${pattern}`) as SQL);
      }
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const [rows, totals] = await Promise.all([
        db
          .select({ tender: tenders, buyerName: organisations.name })
          .from(tenders)
          .innerJoin(organisations, eq(organisations.id, tenders.buyerOrganisationId))
          .where(where)
          .orderBy(desc(tenders.updatedAt))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(tenders).where(where),
      ]);
      return { rows, total: Number(totals[0]?.n ?? 0) };
    },

    async findById(db: Database, id: string): Promise<TenderRow | undefined> {
      const rows = await db.select().from(tenders).where(eq(tenders.id, id)).limit(1);
      return rows[0];
    },

    /** The tender with its buyer's name and its co-buyers in one statement: what every read or change of a tender starts with. */
    async findWithParties(db: Database, id: string): Promise<TenderWithParties | undefined> {
      const rows = await db
        .select({
          tender: tenders,
          buyerName: organisations.name,
          coBuyers: sql<string>`(select coalesce(json_agg(json_build_object('organisationId', cb.organisation_id, 'canEdit', cb.can_edit, 'name', co.name) order by co.name), '[]')::text
            from ${tenderCoBuyers} cb join ${organisations} co on co.id = cb.organisation_id where cb.tender_id = ${tenders.id})`,
        })
        .from(tenders)
        .leftJoin(organisations, eq(organisations.id, tenders.buyerOrganisationId))
        .where(eq(tenders.id, id))
        .limit(1);
      const row = rows[0];
      return row ? { tender: row.tender, buyerName: row.buyerName ?? '', coBuyers: JSON.parse(row.coBuyers) as TenderWithParties['coBuyers'] } : undefined;
    },

    async lock(db: Database, id: string): Promise<TenderRow | undefined> {
      const rows = await db.select().from(tenders).where(eq(tenders.id, id)).for('update').limit(1);
      return rows[0];
    },

    async findByReference(db: Database, buyerOrganisationId: string, reference: string): Promise<TenderRow | undefined> {
      const rows = await db
        .select()
        .from(tenders)
        .where(and(eq(tenders.buyerOrganisationId, buyerOrganisationId), sql`lower(${tenders.reference}) = lower(${reference})`))
        .limit(1);
      return rows[0];
    },

    async insert(db: Database, values: TenderInsert): Promise<TenderRow> {
      const rows = await db.insert(tenders).values(values).returning();
      return rows[0] as TenderRow;
    },

    /** Updates the tender and bumps its version; undefined when the expected version is stale. */
    async update(db: Database, id: string, expectedVersion: number, values: Partial<TenderInsert>): Promise<TenderRow | undefined> {
      const rows = await db
        .update(tenders)
        .set({ ...values, version: expectedVersion + 1, updatedAt: new Date() })
        .where(and(eq(tenders.id, id), eq(tenders.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    /**
     * Marks a content change (new version, and the working copy differs from the issued revision)
     * and so locks the tender for the rest of the transaction; the version it had before, or
     * undefined when there is no such tender.
     */
    async lockAndTouch(db: Database, id: string): Promise<number | undefined> {
      const rows = await db
        .update(tenders)
        .set({ version: sql`${tenders.version} + 1`, hasUnissuedChanges: true, updatedAt: new Date() })
        .where(eq(tenders.id, id))
        .returning({ version: tenders.version });
      return rows[0] ? rows[0].version - 1 : undefined;
    },

    async coBuyers(db: Database, tenderId: string) {
      return db
        .select({ organisationId: tenderCoBuyers.organisationId, canEdit: tenderCoBuyers.canEdit, name: organisations.name })
        .from(tenderCoBuyers)
        .innerJoin(organisations, eq(organisations.id, tenderCoBuyers.organisationId))
        .where(eq(tenderCoBuyers.tenderId, tenderId))
        .orderBy(asc(organisations.name));
    },

    async upsertCoBuyer(db: Database, tenderId: string, organisationId: string, canEdit: boolean): Promise<void> {
      await db.insert(tenderCoBuyers).values({ tenderId, organisationId, canEdit }).onConflictDoUpdate({ target: [tenderCoBuyers.tenderId, tenderCoBuyers.organisationId], set: { canEdit } });
    },

    async deleteCoBuyer(db: Database, tenderId: string, organisationId: string): Promise<boolean> {
      const rows = await db
        .delete(tenderCoBuyers)
        .where(and(eq(tenderCoBuyers.tenderId, tenderId), eq(tenderCoBuyers.organisationId, organisationId)))
        .returning({ id: tenderCoBuyers.tenderId });
      return rows.length > 0;
    },

    async sections(db: Database, tenderId: string): Promise<TenderSectionRow[]> {
      return db.select().from(tenderSections).where(eq(tenderSections.tenderId, tenderId)).orderBy(asc(tenderSections.position));
    },

    async insertSection(db: Database, values: typeof tenderSections.$inferInsert): Promise<TenderSectionRow> {
      const rows = await db.insert(tenderSections).values(values).returning();
      return rows[0] as TenderSectionRow;
    },

    /** Changes a section and raises its version; with `expectedVersion`, only if it still has that version (undefined if not). */
    async updateSection(db: Database, id: string, values: Partial<Pick<TenderSectionRow, 'title' | 'position'>>, expectedVersion?: number): Promise<TenderSectionRow | undefined> {
      const where = expectedVersion === undefined ? eq(tenderSections.id, id) : and(eq(tenderSections.id, id), eq(tenderSections.version, expectedVersion));
      const rows = await db.update(tenderSections).set({ ...values, version: sql`${tenderSections.version} + 1` }).where(where).returning();
      return rows[0];
    },

    async findSection(db: Database, tenderId: string, id: string): Promise<TenderSectionRow | undefined> {
      const rows = await db.select().from(tenderSections).where(and(eq(tenderSections.tenderId, tenderId), eq(tenderSections.id, id))).limit(1);
      return rows[0];
    },

    async deleteSection(db: Database, id: string): Promise<void> {
      await db.delete(tenderSections).where(eq(tenderSections.id, id));
    },

    async items(db: Database, tenderId: string): Promise<TenderItemRow[]> {
      return db.select().from(tenderItems).where(eq(tenderItems.tenderId, tenderId)).orderBy(asc(tenderItems.position));
    },

    /**
     * The items in order, each with the texts of the library version it pins in one language, as
     * the documents print them. One query whose rows arrive as a single JSON text: on the
     * embedded database that is several times cheaper than decoding hundreds of rows field by field.
     */
    async documentItems(db: Database, tenderId: string, language: 'nb' | 'en'): Promise<(TenderItemRow & { library: DocumentLibraryText | null })[]> {
      const result = await db.execute(sql`
        select coalesce(json_agg(json_build_object(
                 'id', i.id, 'tenderId', i.tender_id, 'sectionId', i.section_id, 'position', i.position,
                 'libraryKey', i.library_key, 'libraryVersion', i.library_version, 'customKey', i.custom_key,
                 'kind', i.kind, 'type', i.type, 'weight', i.weight, 'parameterValues', i.parameter_values,
                 'customTitle', i.custom_title, 'customText', i.custom_text, 'customGuidance', i.custom_guidance,
                 'jointSetDeviationId', i.joint_set_deviation_id, 'version', i.version,
                 'library', case when ${libraryVersions.key} is null then null else json_build_object(
                   'key', ${libraryVersions.key}, 'version', ${libraryVersions.version},
                   'title', ${libraryVersions.title} ->> ${language}, 'text', ${libraryVersions.text} ->> ${language},
                   'responseGuidance', ${libraryVersions.responseGuidance} ->> ${language}, 'parameters', ${libraryVersions.parameters}) end
               ) order by i.position), '[]')::text as items
        from ${tenderItems} i
        left join ${libraryVersions} on ${libraryVersions.key} = i.library_key and ${libraryVersions.version} = i.library_version and ${nonDraft}
        where i.tender_id = ${tenderId}`);
      const [row] = (result as unknown as { rows: { items: string }[] }).rows;
      return JSON.parse(row?.items ?? '[]') as (TenderItemRow & { library: DocumentLibraryText | null })[];
    },

    /**
     * The sections in order, and the items in order, each with the library version it pins (null
     * for own items and versions not found): the whole version, or only what the tender page
     * reads of it. One statement.
     */
    contents: (async (db: Database, tenderId: string, library: 'whole' | 'summary') => {
      const result = await db.execute(sql`
        select
          (select coalesce(json_agg(${jsonObjectOf(getTableColumns(tenderSections), 's')} order by s.position), '[]')::text from ${tenderSections} s where s.tender_id = ${tenderId}) as sections,
          (select coalesce(json_agg(json_build_object('item', ${jsonObjectOf(getTableColumns(tenderItems), 'i')}, 'library', case when lv.id is null then null else ${library === 'whole' ? libraryVersionJson('lv') : pinnedSummaryJson('lv')} end) order by i.position), '[]')::text
           from ${tenderItems} i
           left join ${libraryVersions} lv on lv.key = i.library_key and lv.version = i.library_version and lv.status <> 'draft'
           where i.tender_id = ${tenderId}) as items`);
      const [row] = (result as unknown as { rows: { sections: string; items: string }[] }).rows;
      const items = JSON.parse(row?.items ?? '[]') as { item: TenderItemRow; library: LibraryVersionJson | PinnedSummaryRow | null }[];
      return {
        sections: JSON.parse(row?.sections ?? '[]') as TenderSectionRow[],
        items: items.map((i) => ({ ...i.item, library: i.library && library === 'whole' ? libraryVersionRow(i.library as LibraryVersionJson) : i.library })),
      };
    }) as {
      (db: Database, tenderId: string, library: 'whole'): Promise<{ sections: TenderSectionRow[]; items: (TenderItemRow & { library: LibraryVersionRow | null })[] }>;
      (db: Database, tenderId: string, library: 'summary'): Promise<{ sections: TenderSectionRow[]; items: (TenderItemRow & { library: PinnedSummaryRow | null })[] }>;
    },

    /**
     * What the tender page shows beside the tender, in one statement: its issued revisions (newest
     * first) and imported responses, the selections saved by the given organisations, and (when
     * `buyers`) the buyer organisations by name, at most `buyerLimit`.
     */
    async pageSources(db: Database, input: { tenderId: string; organisationIds: string[]; buyers: boolean; buyerLimit: number }): Promise<{ revisions: Omit<TenderRevisionRow, 'model' | 'requirementSet'>[]; responses: TenderResponseRow[]; selections: LibrarySelectionRow[]; buyers: { id: string; name: string }[] }> {
      const { model: _model, requirementSet: _requirementSet, ...revisionColumns } = getTableColumns(tenderRevisions);
      const organisationIds = sql.param(input.organisationIds);
      const result = await db.execute(sql`
        select
          (select coalesce(json_agg(${jsonObjectOf(revisionColumns, 'r')} order by r.revision desc), '[]')::text from ${tenderRevisions} r where r.tender_id = ${input.tenderId}) as revisions,
          (select coalesce(json_agg(${jsonObjectOf(getTableColumns(tenderResponses), 'x')} order by x.revision desc, x.vendor_name asc), '[]')::text from ${tenderResponses} x where x.tender_id = ${input.tenderId}) as responses,
          (select coalesce(json_agg(${jsonObjectOf(getTableColumns(librarySelections), 'l')} order by l.name asc), '[]')::text from ${librarySelections} l where l.organisation_id = any(${organisationIds}::uuid[])) as selections,
          (select coalesce(json_agg(json_build_object('id', b.id, 'name', b.name) order by b.name asc), '[]')::text
           from (select o.id, o.name from ${organisations} o where ${input.buyers} and o.kind = 'buyer' order by o.name asc limit ${input.buyerLimit}) b) as buyers`);
      const [row] = (result as unknown as { rows: Record<'revisions' | 'responses' | 'selections' | 'buyers', string>[] }).rows;
      const parse = <T>(text: string | undefined): T[] => JSON.parse(text ?? '[]') as T[];
      return {
        revisions: parse<Omit<TenderRevisionRow, 'model' | 'requirementSet' | 'issuedAt'> & { issuedAt: string }>(row?.revisions).map((r) => ({ ...r, issuedAt: new Date(r.issuedAt) })),
        responses: parse<Omit<TenderResponseRow, 'importedAt'> & { importedAt: string }>(row?.responses).map((r) => ({ ...r, importedAt: new Date(r.importedAt) })),
        selections: parse<Omit<LibrarySelectionRow, 'createdAt'> & { createdAt: string }>(row?.selections).map((l) => ({ ...l, createdAt: new Date(l.createdAt) })),
        buyers: parse<{ id: string; name: string }>(row?.buyers),
      };
    },

    /**
     * For pinned (key, version) pairs: the newest released version of each key when it is
     * published and newer than a version pinned, with the whole pinned versions of those keys, for
     * the notice of what changed. Most tenders pin the newest versions, so this is usually empty
     * and costs one small statement.
     */
    async newerPublishedVersions(db: Database, pinned: { key: string; version: string }[]): Promise<{ latest: LibraryVersionRow[]; pinned: LibraryVersionRow[] }> {
      if (pinned.length === 0) return { latest: [], pinned: [] };
      const keys = sql.param(pinned.map((p) => p.key));
      const versions = sql.param(pinned.map((p) => p.version));
      const result = await db.execute(sql`
        with newer as (
          select latest.id, latest.key
          from (select distinct on (v.key) v.id, v.key, v.version, v.status from ${libraryVersions} v
                where v.key = any(${keys}::text[]) and v.status <> 'draft'
                order by v.key, v.major desc, v.minor desc, v.patch desc) latest
          where latest.status = 'published'
            and exists (select 1 from unnest(${keys}::text[], ${versions}::text[]) as p(key, version) where p.key = latest.key and p.version is distinct from latest.version))
        select
          (select coalesce(json_agg(${libraryVersionJson('lv')}), '[]')::text from ${libraryVersions} lv where lv.id in (select id from newer)) as latest,
          (select coalesce(json_agg(${libraryVersionJson('lv')}), '[]')::text from ${libraryVersions} lv
           where (lv.key, lv.version) in (select * from unnest(${keys}::text[], ${versions}::text[])) and lv.key in (select key from newer) and lv.status <> 'draft') as pinned`);
      const [row] = (result as unknown as { rows: { latest: string; pinned: string }[] }).rows;
      const parse = (text: string | undefined) => (JSON.parse(text ?? '[]') as LibraryVersionJson[]).map(libraryVersionRow);
      return { latest: parse(row?.latest), pinned: parse(row?.pinned) };
    },

    async insertItems(db: Database, values: TenderItemInsert[]): Promise<TenderItemRow[]> {
      if (values.length === 0) return [];
      return db.insert(tenderItems).values(values).returning();
    },

    /** Changes an item and raises its version; with `expectedVersion`, only if it still has that version (undefined if not). */
    async updateItem(db: Database, id: string, values: Partial<TenderItemInsert>, expectedVersion?: number): Promise<TenderItemRow | undefined> {
      const where = expectedVersion === undefined ? eq(tenderItems.id, id) : and(eq(tenderItems.id, id), eq(tenderItems.version, expectedVersion));
      const rows = await db.update(tenderItems).set({ ...values, version: sql`${tenderItems.version} + 1` }).where(where).returning();
      return rows[0];
    },

    async findItem(db: Database, tenderId: string, id: string): Promise<TenderItemRow | undefined> {
      const rows = await db.select().from(tenderItems).where(and(eq(tenderItems.tenderId, tenderId), eq(tenderItems.id, id))).limit(1);
      return rows[0];
    },

    async deleteItem(db: Database, id: string): Promise<void> {
      await db.delete(tenderItems).where(eq(tenderItems.id, id));
    },

    async maxCustomNumber(db: Database, tenderId: string): Promise<number> {
      const rows = await db.select({ key: tenderItems.customKey }).from(tenderItems).where(and(eq(tenderItems.tenderId, tenderId), isNotNull(tenderItems.customKey)));
      return rows.reduce((max, r) => Math.max(max, Number(/(\d+)$/.exec(r.key ?? '')?.[1] ?? 0)), 0);
    },

    async revisions(db: Database, tenderId: string): Promise<Omit<TenderRevisionRow, 'model' | 'requirementSet'>[]> {
      return db
        .select({ id: tenderRevisions.id, tenderId: tenderRevisions.tenderId, revision: tenderRevisions.revision, issuedAt: tenderRevisions.issuedAt, issuedBy: tenderRevisions.issuedBy })
        .from(tenderRevisions)
        .where(eq(tenderRevisions.tenderId, tenderId))
        .orderBy(desc(tenderRevisions.revision));
    },

    async findRevision(db: Database, tenderId: string, revision: number): Promise<TenderRevisionRow | undefined> {
      const rows = await db.select().from(tenderRevisions).where(and(eq(tenderRevisions.tenderId, tenderId), eq(tenderRevisions.revision, revision))).limit(1);
      return rows[0];
    },

    async insertRevision(db: Database, values: typeof tenderRevisions.$inferInsert): Promise<TenderRevisionRow> {
      const rows = await db.insert(tenderRevisions).values(values).returning();
      return rows[0] as TenderRevisionRow;
    },

    async responses(db: Database, tenderId: string): Promise<TenderResponseRow[]> {
      return db.select().from(tenderResponses).where(eq(tenderResponses.tenderId, tenderId)).orderBy(desc(tenderResponses.revision), asc(tenderResponses.vendorName));
    },

    async findResponse(db: Database, tenderId: string, revision: number, vendorName: string): Promise<TenderResponseRow | undefined> {
      const rows = await db
        .select()
        .from(tenderResponses)
        .where(and(eq(tenderResponses.tenderId, tenderId), eq(tenderResponses.revision, revision), sql`lower(${tenderResponses.vendorName}) = lower(${vendorName})`))
        .limit(1);
      return rows[0];
    },

    async saveResponse(db: Database, values: typeof tenderResponses.$inferInsert, existingId: string | null): Promise<TenderResponseRow> {
      if (existingId) {
        const rows = await db.update(tenderResponses).set(values).where(eq(tenderResponses.id, existingId)).returning();
        return rows[0] as TenderResponseRow;
      }
      const rows = await db.insert(tenderResponses).values(values).returning();
      return rows[0] as TenderResponseRow;
    },

    async selections(db: Database, organisationIds: string[]): Promise<LibrarySelectionRow[]> {
      if (organisationIds.length === 0) return [];
      return db.select().from(librarySelections).where(inArray(librarySelections.organisationId, organisationIds)).orderBy(asc(librarySelections.name));
    },

    async findSelection(db: Database, id: string): Promise<LibrarySelectionRow | undefined> {
      const rows = await db.select().from(librarySelections).where(eq(librarySelections.id, id)).limit(1);
      return rows[0];
    },

    async insertSelection(db: Database, values: typeof librarySelections.$inferInsert): Promise<LibrarySelectionRow> {
      const rows = await db.insert(librarySelections).values(values).returning();
      return rows[0] as LibrarySelectionRow;
    },

    async deleteSelection(db: Database, id: string): Promise<void> {
      await db.delete(librarySelections).where(eq(librarySelections.id, id));
    },

  };
}

export type TendersRepository = ReturnType<typeof createTendersRepository>;
