import { and, asc, desc, eq, getTableColumns, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { Category, Domain, ItemKind, ItemStatus, RequirementType } from './library.codes';
import { libraryPacks, librarySources, librarySyncState, libraryVersions, type LibraryPackRow, type LibrarySourceRow, type LibraryVersionInsert, type LibraryVersionRow } from './library.table';

import type { PackFile, Source } from './library.schemas';

export type LibrarySort = 'relevance' | 'key' | 'title' | 'category' | 'updated';

export type LibrarySearch = {
  q?: string | undefined;
  kind?: ItemKind | undefined;
  category?: Category | undefined;
  type?: RequirementType | undefined;
  domain?: Domain | undefined;
  status?: ItemStatus | undefined;
  source?: string | undefined;
  theme?: number | undefined;
  pack?: string | undefined;
  keys?: string[] | undefined;
  sort: LibrarySort;
  lang: 'nb' | 'en';
  limit: number;
  offset: number;
};

export type LibraryListEntry = Pick<
  LibraryVersionRow,
  'id' | 'key' | 'version' | 'status' | 'kind' | 'category' | 'type' | 'weight' | 'title' | 'parameters' | 'domains' | 'themes' | 'sourceIds' | 'ownerOrganisationId' | 'updatedAt' | 'publishedAt'
>;

/** Words of a search turned into a prefix query both text-search configurations understand. */
export function toPrefixQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12);
  return words.length > 0 ? words.map((w) => `${w}:*`).join(' & ') : null;
}

const { searchNb: _searchNb, searchEn: _searchEn, ...versionFields } = getTableColumns(libraryVersions);
/** A released version: published or deprecated, never a draft. */
export const nonDraft = ne(libraryVersions.status, 'draft');
const newestFirst = [desc(libraryVersions.major), desc(libraryVersions.minor), desc(libraryVersions.patch)];

function visibleDraft(organisationIds: string[] | 'all'): SQL {
  if (organisationIds === 'all') return eq(libraryVersions.status, 'draft');
  return and(
    eq(libraryVersions.status, 'draft'),
    organisationIds.length > 0 ? or(isNull(libraryVersions.ownerOrganisationId), inArray(libraryVersions.ownerOrganisationId, organisationIds)) : isNull(libraryVersions.ownerOrganisationId),
  ) as SQL;
}

export function createLibraryRepository() {
  return {
    /**
     * What the pages of an assessment profile show of the library versions its items name: title,
     * parameters (for the title's placeholders), kind and category. Only these, since those pages
     * read them on every request and the whole versions are many times larger.
     */
    async versionTexts(db: Database, pairs: { key: string; version: string }[]): Promise<Pick<LibraryVersionRow, 'key' | 'version' | 'title' | 'parameters' | 'kind' | 'category'>[]> {
      if (pairs.length === 0) return [];
      const keys = sql.param(pairs.map((p) => p.key));
      const versions = sql.param(pairs.map((p) => p.version));
      return db
        .select({ key: libraryVersions.key, version: libraryVersions.version, title: libraryVersions.title, parameters: libraryVersions.parameters, kind: libraryVersions.kind, category: libraryVersions.category })
        .from(libraryVersions)
        .where(and(sql`(${libraryVersions.key}, ${libraryVersions.version}) in (select * from unnest(${keys}::text[], ${versions}::text[]))`, sql`${libraryVersions.status} <> 'draft'`));
    },

    async upsertSources(db: Database, sources: Source[]): Promise<number> {
      const existing = new Map((await db.select().from(librarySources)).map((s) => [s.id, s]));
      let written = 0;
      for (const source of sources) {
        const current = existing.get(source.id);
        if (current && current.title === source.title && current.publisher === source.publisher && current.url === source.url && current.kind === source.kind) continue;
        await db
          .insert(librarySources)
          .values({ ...source, updatedAt: new Date() })
          .onConflictDoUpdate({ target: librarySources.id, set: { title: source.title, publisher: source.publisher, url: source.url, kind: source.kind, updatedAt: new Date() } });
        written++;
      }
      return written;
    },

    /**
     * Writes the packs whose file changed; returns how many. A pack missing from a synced folder is
     * kept, since a folder may be an export of part of the library.
     */
    async upsertPacks(db: Database, packs: PackFile[]): Promise<number> {
      const existing = new Map((await db.select().from(libraryPacks)).map((p) => [p.key, p]));
      let written = 0;
      for (const pack of packs) {
        const current = existing.get(pack.key);
        // jsonb keeps its own key order, so the texts are compared field by field.
        const same = (a: { nb: string; en: string }, b: { nb: string; en: string }) => a.nb === b.nb && a.en === b.en;
        if (current && same(current.title, pack.title) && same(current.description, pack.description) && current.domain === pack.domain && current.items.join() === pack.items.join()) continue;
        const values = { title: pack.title, description: pack.description, domain: pack.domain, items: pack.items, updatedAt: new Date() };
        await db.insert(libraryPacks).values({ key: pack.key, ...values }).onConflictDoUpdate({ target: libraryPacks.key, set: values });
        written++;
      }
      return written;
    },

    async packs(db: Database): Promise<LibraryPackRow[]> {
      return db.select().from(libraryPacks).orderBy(asc(libraryPacks.key));
    },

    async findPack(db: Database, key: string): Promise<LibraryPackRow | undefined> {
      const [row] = await db.select().from(libraryPacks).where(eq(libraryPacks.key, key));
      return row;
    },

    /**
     * How many published items of the library each theme and each pack holds (newest released
     * version of each key, deprecated ones left out), for browsing by theme and pack.
     */
    async facetCounts(db: Database): Promise<{ themes: Map<number, number>; packs: Map<string, number> }> {
      const result = await db.execute(sql`
        with newest as (
          select distinct on (key) key, status, themes from library_versions where status <> 'draft'
          order by key, major desc, minor desc, patch desc
        ),
        published as (select key, themes from newest where status = 'published')
        select 'theme' as facet, t::text as value, count(*)::int as n from published, unnest(themes) as t group by t
        union all
        select 'pack', p.key, count(pub.key)::int from library_packs p left join published pub on pub.key = any(p.items) group by p.key`);
      const themes = new Map<number, number>();
      const packs = new Map<string, number>();
      for (const row of (result as unknown as { rows: { facet: string; value: string; n: number }[] }).rows) {
        if (row.facet === 'theme') themes.set(Number(row.value), Number(row.n));
        else packs.set(row.value, Number(row.n));
      }
      return { themes, packs };
    },

    async sources(db: Database): Promise<LibrarySourceRow[]> {
      return db.select().from(librarySources).orderBy(asc(librarySources.id));
    },

    async syncedFilesHash(db: Database): Promise<string | undefined> {
      const [row] = await db.select({ filesHash: librarySyncState.filesHash }).from(librarySyncState).where(eq(librarySyncState.id, 'files'));
      return row?.filesHash;
    },

    async recordSyncedFiles(db: Database, filesHash: string): Promise<void> {
      const values = { filesHash, syncedAt: new Date() };
      await db.insert(librarySyncState).values({ id: 'files', ...values }).onConflictDoUpdate({ target: librarySyncState.id, set: values });
    },

    async allSharedVersions(db: Database): Promise<LibraryVersionRow[]> {
      return db
        .select(versionFields)
        .from(libraryVersions)
        .where(or(nonDraft, and(eq(libraryVersions.status, 'draft'), isNull(libraryVersions.ownerOrganisationId))))
        .orderBy(asc(libraryVersions.key), asc(libraryVersions.major), asc(libraryVersions.minor), asc(libraryVersions.patch));
    },

    async findVersion(db: Database, key: string, version: string): Promise<LibraryVersionRow | undefined> {
      const rows = await db.select(versionFields).from(libraryVersions).where(and(eq(libraryVersions.key, key), eq(libraryVersions.version, version))).limit(1);
      return rows[0];
    },

    /** Several exact versions in one query, for tenders pinned to versions. */
    async findVersions(db: Database, pairs: { key: string; version: string }[]): Promise<LibraryVersionRow[]> {
      if (pairs.length === 0) return [];
      // The exact pairs as two array parameters: a tender pins hundreds of versions.
      const keys = sql.param(pairs.map((p) => p.key));
      const versions = sql.param(pairs.map((p) => p.version));
      return db
        .select(versionFields)
        .from(libraryVersions)
        .where(and(sql`(${libraryVersions.key}, ${libraryVersions.version}) in (select * from unnest(${keys}::text[], ${versions}::text[]))`, nonDraft));
    },

    /** The fields a tender document reads of pinned versions, for exact (key, version) pairs. */
    /** The newest published or deprecated version of an item. */
    async latestReleased(db: Database, key: string): Promise<LibraryVersionRow | undefined> {
      const rows = await db.select(versionFields).from(libraryVersions).where(and(eq(libraryVersions.key, key), nonDraft)).orderBy(...newestFirst).limit(1);
      return rows[0];
    },

    async latestReleasedOfKeys(db: Database, keys: string[]): Promise<LibraryVersionRow[]> {
      if (keys.length === 0) return [];
      return db
        .selectDistinctOn([libraryVersions.key], versionFields)
        .from(libraryVersions)
        .where(and(inArray(libraryVersions.key, keys), nonDraft))
        .orderBy(libraryVersions.key, ...newestFirst);
    },

    /** The newest released version of every key, as key → version and status. */
    async newestReleased(db: Database): Promise<Map<string, { version: string; status: ItemStatus }>> {
      const rows = await db
        .selectDistinctOn([libraryVersions.key], { key: libraryVersions.key, version: libraryVersions.version, status: libraryVersions.status })
        .from(libraryVersions)
        .where(nonDraft)
        .orderBy(libraryVersions.key, ...newestFirst);
      return new Map(rows.map((r) => [r.key, { version: r.version as string, status: r.status }]));
    },

    async releasedVersions(db: Database, key: string): Promise<LibraryVersionRow[]> {
      return db.select(versionFields).from(libraryVersions).where(and(eq(libraryVersions.key, key), nonDraft)).orderBy(...newestFirst);
    },

    /** The numbers already used by keys with this prefix (KRB → 1, 2, 7 for KRB-001, KRB-002, KRB-007). */
    async keyNumbersWithPrefix(db: Database, prefix: string): Promise<Set<number>> {
      const rows = await db.selectDistinct({ key: libraryVersions.key }).from(libraryVersions).where(sql`${libraryVersions.key} like ${`${prefix}-%`}`);
      return new Set(rows.map((r) => Number(r.key.slice(prefix.length + 1))).filter((n) => Number.isInteger(n)));
    },

    async keyExists(db: Database, key: string): Promise<boolean> {
      const rows = await db.select({ id: libraryVersions.id }).from(libraryVersions).where(eq(libraryVersions.key, key)).limit(1);
      return rows.length > 0;
    },

    async drafts(db: Database, filter: { key?: string; organisationIds: string[] | 'all' }): Promise<LibraryVersionRow[]> {
      return db
        .select(versionFields)
        .from(libraryVersions)
        .where(and(visibleDraft(filter.organisationIds), filter.key ? eq(libraryVersions.key, filter.key) : undefined))
        .orderBy(desc(libraryVersions.updatedAt));
    },

    async findDraftById(db: Database, id: string): Promise<LibraryVersionRow | undefined> {
      const rows = await db.select(versionFields).from(libraryVersions).where(and(eq(libraryVersions.id, id), eq(libraryVersions.status, 'draft'))).limit(1);
      return rows[0];
    },

    async findDraft(db: Database, key: string, ownerOrganisationId: string | null): Promise<LibraryVersionRow | undefined> {
      const rows = await db
        .select(versionFields)
        .from(libraryVersions)
        .where(and(eq(libraryVersions.key, key), eq(libraryVersions.status, 'draft'), ownerOrganisationId ? eq(libraryVersions.ownerOrganisationId, ownerOrganisationId) : isNull(libraryVersions.ownerOrganisationId)))
        .limit(1);
      return rows[0];
    },

    async insertVersion(db: Database, values: LibraryVersionInsert): Promise<LibraryVersionRow> {
      const rows = await db.insert(libraryVersions).values(values).returning(versionFields);
      return rows[0] as LibraryVersionRow;
    },

    async insertVersions(db: Database, values: LibraryVersionInsert[]): Promise<void> {
      for (let i = 0; i < values.length; i += 250) await db.insert(libraryVersions).values(values.slice(i, i + 250));
    },

    /** Updates a row only if it still has the expected revision; undefined means someone else changed it first. */
    async updateVersion(db: Database, id: string, expectedRevision: number, values: Partial<LibraryVersionInsert>): Promise<LibraryVersionRow | undefined> {
      const rows = await db
        .update(libraryVersions)
        .set({ ...values, revision: expectedRevision + 1, updatedAt: new Date() })
        .where(and(eq(libraryVersions.id, id), eq(libraryVersions.revision, expectedRevision)))
        .returning(versionFields);
      return rows[0];
    },

    async deleteDraft(db: Database, id: string): Promise<boolean> {
      const rows = await db.delete(libraryVersions).where(and(eq(libraryVersions.id, id), eq(libraryVersions.status, 'draft'))).returning({ id: libraryVersions.id });
      return rows.length === 1;
    },

    /**
     * Searches the library as a reader sees it: the newest released version of every item, and
     * drafts of new items visible to the reader's organisations. Returns the page and the total.
     */
    async search(db: Database, search: LibrarySearch, organisationIds: string[] | 'all'): Promise<{ rows: (LibraryListEntry & { rank: number })[]; total: number }> {
      const prefix = search.q ? toPrefixQuery(search.q) : null;
      const keyPattern = search.q ? `%${search.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const orgList = organisationIds === 'all' ? null : organisationIds;
      const draftVisible = orgList === null ? sql`true` : orgList.length > 0 ? sql`(v.owner_organisation_id is null or v.owner_organisation_id in ${orgList})` : sql`v.owner_organisation_id is null`;

      const conditions: SQL[] = [];
      if (prefix) conditions.push(sql`(e.search_nb @@ to_tsquery('norwegian', ${prefix}) or e.search_en @@ to_tsquery('english', ${prefix}) or e.key ilike ${keyPattern})`);
      else if (search.q) conditions.push(sql`e.key ilike ${keyPattern}`);
      if (search.kind) conditions.push(sql`e.kind = ${search.kind}`);
      if (search.category) conditions.push(sql`e.category = ${search.category}`);
      if (search.type) conditions.push(sql`e.type = ${search.type}`);
      if (search.domain) conditions.push(sql`(${search.domain} = any(e.domains) or 'all' = any(e.domains))`);
      if (search.source) conditions.push(sql`${search.source} = any(e.source_ids)`);
      if (search.theme) conditions.push(sql`${search.theme} = any(e.themes)`);
      if (search.pack) conditions.push(sql`e.key = any(coalesce((select items from library_packs where key = ${search.pack}), '{}'::text[]))`);
      if (search.status) conditions.push(sql`e.status = ${search.status}`);
      if (search.keys) conditions.push(search.keys.length > 0 ? sql`e.key in ${search.keys}` : sql`false`);
      const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;

      const rank = prefix ? sql`(ts_rank(e.search_nb, to_tsquery('norwegian', ${prefix})) + ts_rank(e.search_en, to_tsquery('english', ${prefix})) + case when e.key ilike ${keyPattern} then 1 else 0 end)` : sql`0`;
      const titleSort = search.lang === 'en' ? sql`e.title->>'en'` : sql`e.title->>'nb'`;
      const order =
        search.sort === 'relevance' && prefix
          ? sql`rank desc, e.key asc`
          : search.sort === 'title'
            ? sql`${titleSort} asc, e.key asc`
            : search.sort === 'category'
              ? sql`e.category asc, e.key asc`
              : search.sort === 'updated'
                ? sql`e.updated_at desc, e.key asc`
                : sql`e.key asc`;
      const draftsOnly = search.status === 'draft';

      const result = await db.execute(sql`
        with released as (
          select distinct on (key) * from library_versions where status <> 'draft'
          order by key, major desc, minor desc, patch desc
        ),
        entries as (
          ${draftsOnly ? sql`select * from library_versions v where v.status = 'draft' and ${draftVisible}` : sql`
          select * from released
          union all
          select * from library_versions v where v.status = 'draft' and ${draftVisible}
            and not exists (select 1 from library_versions p where p.key = v.key and p.status <> 'draft')`}
        )
        select e.id, e.key, e.version, e.status, e.kind, e.category, e.type, e.weight, e.title, e.parameters, e.domains, e.themes, e.source_ids,
               e.owner_organisation_id, e.updated_at, e.published_at, ${rank} as rank, count(*) over () as total
        from entries e
        ${where}
        order by ${order}
        limit ${search.limit} offset ${search.offset}`);
      const rows = (result as unknown as { rows: Record<string, unknown>[] }).rows;
      return {
        total: rows.length > 0 ? Number(rows[0]?.total) : search.offset > 0 ? await this.countOnly(db, search, organisationIds) : 0,
        rows: rows.map((r) => ({
          id: r.id as string,
          key: r.key as string,
          version: (r.version as string | null) ?? null,
          status: r.status as ItemStatus,
          kind: r.kind as ItemKind,
          category: r.category as Category,
          type: r.type as RequirementType,
          weight: Number(r.weight),
          title: r.title as LibraryVersionRow['title'],
          parameters: r.parameters as LibraryVersionRow['parameters'],
          domains: r.domains as Domain[],
          themes: (r.themes as number[]).map(Number),
          sourceIds: r.source_ids as string[],
          ownerOrganisationId: (r.owner_organisation_id as string | null) ?? null,
          updatedAt: new Date(r.updated_at as string),
          publishedAt: r.published_at ? new Date(r.published_at as string) : null,
          rank: Number(r.rank),
        })),
      };
    },

    /** Total for a page past the end, so the pager still knows how many there are. */
    async countOnly(db: Database, search: LibrarySearch, organisationIds: string[] | 'all'): Promise<number> {
      const first = await this.search(db, { ...search, limit: 1, offset: 0 }, organisationIds);
      return first.total;
    },
  };
}

export type LibraryRepository = ReturnType<typeof createLibraryRepository>;
