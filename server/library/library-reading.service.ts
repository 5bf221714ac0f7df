import type { Actor } from '../auth/actor';
import type { Database } from '../db/client';
import { createStampedCache, type Stamps } from '../db/stamps';
import type { FieldError } from '../shared/errors';
import { checkParameterValues, renderTemplate, type ParameterValues } from './clause-template';
import { canSeeDraft, draftScope, editorOrganisations, libraryLoaders, mayEditLibrary, requireLibraryEditor } from './library.access';
import { LANGUAGES, THEME_COUNT, type Language } from './library.codes';
import { invalidParameterValues, itemNotFound, packNotFound, versionNotFound } from './library.errors';
import type { LibraryRepository, LibrarySearch } from './library.repository';
import type { LibrarySearchQuery, LocalisedText, Parameter } from './library.schemas';
import type { LibraryPackRow, LibraryVersionRow } from './library.table';
import { diffVersions, type FieldDiff } from './library.versions';

/** Searches and items kept by one instance: a few megabytes at most, the searches readers repeat most. */
const LIBRARY_CACHE_ENTRIES = 1000;
/** Rendered library pages kept by one instance: 30 KB or so each. */
const LIBRARY_PAGE_ENTRIES = 200;

/** The repository's search for a search query of the API or the library page; relevance first when there are words to match. */
export function searchFor(query: LibrarySearchQuery, lang: Language): LibrarySearch {
  return {
    q: query.q,
    kind: query.kind,
    category: query.category,
    type: query.type,
    domain: query.domain,
    status: query.status,
    source: query.source,
    theme: query.theme,
    pack: query.pack,
    sort: query.sort ?? (query.q ? 'relevance' : 'key'),
    lang,
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  };
}

function renderTexts(field: LocalisedText, parameters: Parameter[], values: ParameterValues, languages: readonly Language[]) {
  return Object.fromEntries(languages.map((lang) => [lang, renderTemplate(field[lang], parameters, values, lang)]));
}

/** Values that do not fit an item's parameters, each named by its field. */
function valueProblems(parameters: Parameter[], values: Record<string, unknown>): FieldError[] {
  return checkParameterValues(parameters, values).map((p) => ({ path: `values.${p.parameter}`, message: p.message }));
}

/** Reading the library: search, items and their versions, differences, rendered texts, and what the editor shows beside a draft. */
export function createLibraryReading(deps: { db: Database; libraryRepository: LibraryRepository; stamps: Stamps; freezeCached: boolean }) {
  const { db, libraryRepository: repo } = deps;
  const load = libraryLoaders(deps);
  /**
   * What every reader of the library reads again and again (searches, the sources, the packs, an
   * item's versions), kept under the library's stamp: any write to the library, through any
   * instance, raises the stamp, and the next reader reads the database again.
   */
  const cache = createStampedCache(deps.stamps, 'library', { max: LIBRARY_CACHE_ENTRIES, freeze: deps.freezeCached });
  /** Pages' content as rendered for a kind of reader; fewer entries, since each is a whole page. */
  const pages = createStampedCache(deps.stamps, 'library', { max: LIBRARY_PAGE_ENTRIES, freeze: false });
  const scopeKey = (actor: Actor) => JSON.stringify(draftScope(actor));
  const cachedSearch = (actor: Actor, search: LibrarySearch) => cache.get(`search ${JSON.stringify(search)} ${scopeKey(actor)}`, () => repo.search(db, search, draftScope(actor)));
  const releasedVersions = (key: string) => cache.get(`released ${key}`, () => repo.releasedVersions(db, key));
  const draftsOfKey = (actor: Actor, key: string) => cache.get(`drafts ${key} ${scopeKey(actor)}`, () => repo.drafts(db, { key, organisationIds: draftScope(actor) }));

  /**
   * An item as a reader sees it: the requested or newest released version, or for an item
   * that has never been published, the reader's visible draft.
   */
  async function getItem(actor: Actor, key: string, version?: string): Promise<{ current: LibraryVersionRow; versions: LibraryVersionRow[]; drafts: LibraryVersionRow[] }> {
    const versions = await releasedVersions(key);
    const drafts = (await draftsOfKey(actor, key)).filter((d) => canSeeDraft(actor, d));
    if (versions.length === 0 && drafts.length === 0) throw itemNotFound(key);
    let current: LibraryVersionRow | undefined;
    if (version) {
      current = versions.find((v) => v.version === version);
      if (!current) throw versionNotFound(key, version);
    } else {
      current = versions[0] ?? drafts[0];
    }
    return { current: current as LibraryVersionRow, versions, drafts };
  }

  async function diffDraft(actor: Actor, draftId: string): Promise<{ base: LibraryVersionRow | null; draft: LibraryVersionRow; changes: FieldDiff[] }> {
    const draft = await load.visibleDraft(actor, draftId);
    const base = draft.baseVersion ? ((await repo.findVersion(db, draft.key, draft.baseVersion)) ?? null) : null;
    return { base, draft, changes: base ? diffVersions(base, draft) : [] };
  }

  /** What the editor shows beside a draft (or the form for a new item): sources to cite, the text with defaults, the changes since its base. */
  async function editorContext(actor: Actor, draft: LibraryVersionRow | null) {
    const sources = await repo.sources(db);
    const preview = draft ? { text: renderTexts(draft.text, draft.parameters, {}, LANGUAGES) } : null;
    const diff = draft ? await diffDraft(actor, draft.id) : null;
    return { sources, preview, changes: diff?.changes ?? [], base: diff?.base ?? null, organisations: editorOrganisations(actor) };
  }

  return {
    sources: () => cache.get('sources', () => repo.sources(db)),

    /** The sector packs with the number of published items in each, and the published items per theme. */
    browse(): Promise<{ packs: (LibraryPackRow & { count: number })[]; themes: { theme: number; count: number }[] }> {
      return cache.get('browse', async () => {
        const [packs, counts] = await Promise.all([repo.packs(db), repo.facetCounts(db)]);
        return {
          packs: packs.map((p) => ({ ...p, count: counts.packs.get(p.key) ?? 0 })),
          themes: Array.from({ length: THEME_COUNT }, (_, i) => ({ theme: i + 1, count: counts.themes.get(i + 1) ?? 0 })),
        };
      });
    },

    /**
     * Title, parameters, kind and category of released versions, as the library's cache holds
     * them: a comparison page names the same versions on every request.
     */
    versionTexts: (pairs: { key: string; version: string }[]) => cache.get(`version texts ${pairs.map((p) => `${p.key}@${p.version}`).join(' ')}`, () => repo.versionTexts(db, pairs)),

    /** The sector packs, as the library's cache holds them. */
    packs: (): Promise<readonly LibraryPackRow[]> => cache.get('packs', () => repo.packs(db)),

    /** One sector pack, or 404. */
    async pack(key: string): Promise<LibraryPackRow> {
      const pack = await repo.findPack(db, key);
      if (!pack) throw packNotFound(key);
      return pack;
    },

    search: cachedSearch,

    /** The newest released version and its status for every key in the library. */
    newestReleased: (): Promise<ReadonlyMap<string, { version: string; status: string }>> => cache.get('newest released', () => repo.newestReleased(db)),

    /** A page of the library for a search query of the API or the library page. */
    find: (actor: Actor, query: LibrarySearchQuery, lang: Language) => cachedSearch(actor, searchFor(query, lang)),

    /**
     * A page's content kept under the library's stamp for readers who see the library alike: the
     * same administrator flag and the same organisations in the same kinds and roles see the same
     * drafts and may do the same. `key` names everything else the content depends on.
     */
    cachedContent: (actor: Actor, key: string, render: () => Promise<{ title: string; html: string }>): Promise<{ title: string; html: string }> =>
      pages.get(`${key} ${JSON.stringify([actor.isAdmin, actor.memberships.map((m) => [m.organisationId, m.kind, m.role])])}`, render),

    /** Whether the actor may change the library, for pages to offer editing. */
    mayEdit: (actor: Actor) => mayEditLibrary(actor),

    getItem,

    async versions(actor: Actor, key: string): Promise<LibraryVersionRow[]> {
      const rows = await repo.releasedVersions(db, key);
      if (rows.length === 0 && (await repo.drafts(db, { key, organisationIds: draftScope(actor) })).length === 0) throw itemNotFound(key);
      return rows;
    },

    async diff(key: string, from: string, to: string): Promise<{ from: LibraryVersionRow; to: LibraryVersionRow; changes: FieldDiff[] }> {
      const a = await load.releasedVersion(key, from);
      const b = await load.releasedVersion(key, to);
      return { from: a, to: b, changes: diffVersions(a, b) };
    },

    /** Renders an item's texts with buyer-chosen values; defaults fill the rest. */
    async render(input: { key: string; version?: string | undefined; values: Record<string, unknown>; languages?: Language[] | undefined }) {
      const row = await load.releasedVersion(input.key, input.version);
      const problems = valueProblems(row.parameters, input.values);
      if (problems.length > 0) throw invalidParameterValues(problems);
      const languages = input.languages ?? [...LANGUAGES];
      const values = input.values as ParameterValues;
      return { key: row.key, version: row.version as string, kind: row.kind, title: row.title, text: renderTexts(row.text, row.parameters, values, languages), responseGuidance: renderTexts(row.responseGuidance, row.parameters, values, languages) };
    },

    /**
     * The texts an item page shows. A released version is rendered with the reader's values, or
     * with the defaults and the problems named when the values do not fit; a draft shows its text
     * with the defaults and its response guidance as written.
     */
    previewItem(row: LibraryVersionRow, values: Record<string, unknown>): { rendered: { text: Record<string, string>; responseGuidance: Record<string, string> }; problems: FieldError[] } {
      if (row.status === 'draft') return { rendered: { text: renderTexts(row.text, row.parameters, {}, LANGUAGES), responseGuidance: row.responseGuidance }, problems: [] };
      const problems = valueProblems(row.parameters, values);
      const usable = problems.length > 0 ? {} : (values as ParameterValues);
      return { rendered: { text: renderTexts(row.text, row.parameters, usable, LANGUAGES), responseGuidance: renderTexts(row.responseGuidance, row.parameters, usable, LANGUAGES) }, problems };
    },

    drafts: (actor: Actor) => repo.drafts(db, { organisationIds: draftScope(actor) }).then((rows) => rows.filter((r) => canSeeDraft(actor, r))),

    getDraft: (actor: Actor, id: string) => load.visibleDraft(actor, id),

    editorContext,

    /** The form for a new item, for those who may edit the library. */
    async newItemEditor(actor: Actor) {
      requireLibraryEditor(actor);
      return editorContext(actor, null);
    },

    /** The version a deprecation would apply to, for those who may edit the library. */
    async itemToDeprecate(actor: Actor, key: string): Promise<LibraryVersionRow> {
      requireLibraryEditor(actor);
      return (await getItem(actor, key)).current;
    },
  };
}
