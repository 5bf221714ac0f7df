import type { Actor } from '../auth/actor';
import type { FieldError } from '../shared/errors';
import type { ConflictField, FormConflict } from '../shared/http/forms';
import type { Translator } from '../shared/i18n';
import { pagination } from '../shared/pagination';
import { RULES } from '../checks/rules.catalogue';
import { defaultValue, renderTitle, renderTitles } from './clause-template';
import { CATEGORIES, DOMAINS, ITEM_KINDS, ITEM_STATUSES, REQUIREMENT_TYPES, THEME_COUNT, VERIFICATION_METHODS, type Language } from './library.codes';
import type { LibraryListEntry } from './library.repository';
import type { LibrarySearchQuery, LocalisedText } from './library.schemas';
import type { LibraryService } from './library.service';
import { rowToItemFile } from './library.sync';
import type { LibraryVersionRow, LibrarySourceRow } from './library.table';
import type { FieldDiff } from './library.versions';

/** A version as the API answers it and the pages show it: the item file's fields, and the draft's own when it is one. */
export function versionBody(row: LibraryVersionRow) {
  return {
    ...rowToItemFile(row),
    version: row.version,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    draft: row.status === 'draft' ? { id: row.id, revision: row.revision, baseVersion: row.baseVersion, organisationId: row.ownerOrganisationId } : null,
  };
}

/** A search hit as the API lists it and the library page shows it; a draft of a new item links to its draft. */
export function librarySummary(row: LibraryListEntry) {
  return {
    key: row.key,
    version: row.version,
    status: row.status,
    kind: row.kind,
    type: row.type,
    category: row.category,
    weight: row.weight,
    title: renderTitles(row),
    domains: row.domains,
    themes: row.themes,
    sources: row.sourceIds,
    draftId: row.status === 'draft' ? row.id : null,
  };
}

/** The sort a search gets when none is chosen: by relevance when there are words to match, else by key. */
export const searchSort = (query: Pick<LibrarySearchQuery, 'q' | 'sort'>) => query.sort ?? (query.q ? 'relevance' : 'key');

/** The choices of the library page's filters. */
export const FILTER_OPTIONS = {
  kinds: ITEM_KINDS,
  categories: CATEGORIES,
  types: REQUIREMENT_TYPES,
  domains: DOMAINS,
  statuses: ITEM_STATUSES,
  themes: Array.from({ length: THEME_COUNT }, (_, i) => i + 1),
};

/** The choices of the draft editor's fields. */
export const EDITOR_OPTIONS = { kinds: ITEM_KINDS, categories: CATEGORIES, types: REQUIREMENT_TYPES, domains: DOMAINS, methods: VERIFICATION_METHODS };

/** The query string that downloads what the library page shows: its filters, without paging and sort. */
export function exportQueryString(query: LibrarySearchQuery): string {
  const filters = Object.entries(query).filter(([k, v]) => v !== undefined && !['page', 'pageSize', 'sort'].includes(k));
  return new URLSearchParams(filters.map(([k, v]) => [k, String(v)] as [string, string])).toString();
}

/** The packs and themes of the library with their item counts, as the library page browses them. */
export type LibraryBrowse = { packs: { key: string; title: LocalisedText; description: LocalisedText; count: number }[]; themes: { theme: number; count: number }[] };

/** The library page: the hits of a search, its filters, paging and the export of the same selection. */
export function listPage(input: { query: LibrarySearchQuery; rows: LibraryListEntry[]; total: number; sources: LibrarySourceRow[]; canEdit: boolean; t: Translator; browse: LibraryBrowse; lang: Language }) {
  const { query, browse, lang } = input;
  const activePack = query.pack ? browse.packs.find((p) => p.key === query.pack) : undefined;
  return {
    packs: browse.packs.map((p) => ({ key: p.key, title: p.title[lang], description: p.description[lang], count: p.count, href: `/library?pack=${encodeURIComponent(p.key)}`, isCurrent: p.key === query.pack })),
    activePack: activePack ? { title: activePack.title[lang], description: activePack.description[lang], count: activePack.count } : null,
    themeOptions: browse.themes.map((th) => ({ value: th.theme, label: `${th.theme}. ${input.t(`library.themeNames.${th.theme}`)} (${th.count})`, selected: th.theme === query.theme })),
    title: input.t('library.title'),
    nav: 'library',
    items: input.rows.map(librarySummary),
    filter: query,
    sort: searchSort(query),
    codes: FILTER_OPTIONS,
    sources: input.sources,
    canEdit: input.canEdit,
    exportQuery: exportQueryString(query),
    pager: pagination({ page: query.page, pageSize: query.pageSize, total: input.total, basePath: '/library', query }),
  };
}

/** A parameter's field in the item page's preview form: its value, and which kind of input it takes. */
export function parameterField(parameter: LibraryVersionRow['parameters'][number], value: unknown, lang: Language) {
  return {
    ...parameter,
    value: value ?? defaultValue(parameter, lang),
    isList: parameter.type === 'choices',
    isChoice: parameter.type === 'choice' || parameter.type === 'choices',
    isNumber: parameter.type === 'integer' || parameter.type === 'number',
  };
}

/** The released versions in the item page's history, newest first, the one shown marked. */
export function historyRows(versions: LibraryVersionRow[], current: LibraryVersionRow) {
  return versions.map((v) => ({ version: v.version, status: v.status, publishedAt: v.publishedAt, changeNote: v.changeNote, isCurrent: v.id === current.id }));
}

/** The version released just before the shown one, to compare with; null for the first or a draft. */
export function previousVersion(versions: LibraryVersionRow[], current: LibraryVersionRow): string | null {
  return versions.find((_, i) => versions[i - 1]?.id === current.id)?.version ?? null;
}

/** The drafts of the item that belong to the reader's own organisations: the page offers to go on editing them. */
export function ownDrafts(drafts: LibraryVersionRow[], actor: Pick<Actor, 'memberships'>): LibraryVersionRow[] {
  return drafts.filter((d) => d.ownerOrganisationId && actor.memberships.some((m) => m.organisationId === d.ownerOrganisationId));
}

/** The item page: both languages, the text rendered with the reader's values, references with their sources, and the history. */
export function itemPage(input: {
  item: { current: LibraryVersionRow; versions: LibraryVersionRow[]; drafts: LibraryVersionRow[] };
  preview: { rendered: { text: Record<string, string>; responseGuidance: Record<string, string> }; problems: FieldError[] };
  values: Record<string, unknown>;
  sources: LibrarySourceRow[];
  actor: Actor;
  canEdit: boolean;
  lang: Language;
}) {
  const { current, versions, drafts } = input.item;
  const sources = new Map(input.sources.map((s) => [s.id, s]));
  return {
    title: `${current.key} ${renderTitle(current, input.values, input.lang)}`,
    nav: 'library',
    item: versionBody(current),
    rendered: input.preview.rendered,
    previewErrors: input.preview.problems,
    parameters: current.parameters.map((p) => parameterField(p, input.values[p.name], input.lang)),
    machineChecks: current.checks.map((c) => ({ rule: c.rule, title: RULES[c.rule].title[input.lang], params: Object.keys(c.params).length > 0 ? JSON.stringify(c.params) : null })),
    references: current.references.map((r) => ({ ...r, sourceTitle: sources.get(r.source)?.title ?? r.source, url: sources.get(r.source)?.url ?? null })),
    versions: historyRows(versions, current),
    previousVersion: previousVersion(versions, current),
    ownDrafts: ownDrafts(drafts, input.actor),
    canEdit: input.canEdit,
    isLatest: versions[0]?.id === current.id,
  };
}

/** The page comparing two released versions of an item. */
export function diffPage(input: { key: string; from: string; to: string; changes: FieldDiff[]; versions: LibraryVersionRow[]; t: Translator }) {
  return { title: input.t('library.diff.title', { key: input.key }), nav: 'library', key: input.key, from: input.from, to: input.to, changes: input.changes, versions: input.versions.map((v) => v.version) };
}

/** What the editor shows beside the form, as the library service gives it. */
export type EditorContext = Awaited<ReturnType<LibraryService['editorContext']>>;

/** What the editor's form shows: a draft (or none, for a new item), the field values, the problems, a conflict with another save. */
export type EditorView = { draft: LibraryVersionRow | null; form: unknown; errors?: FieldError[]; isNew?: boolean; conflict?: FormConflict & { fields: ConflictField[] }; key?: string };

/** The draft editor, or the form for a new item. */
export function editorPage(view: EditorView, context: EditorContext, t: Translator) {
  return {
    title: view.isNew ? t('library.edit.newTitle') : t('library.edit.title', { key: view.draft?.key ?? view.key ?? '' }),
    nav: 'library',
    draft: view.draft,
    form: view.form,
    errors: view.errors ?? [],
    isNew: Boolean(view.isNew),
    conflict: view.conflict ?? null,
    key: view.key ?? view.draft?.key,
    organisations: context.organisations,
    codes: EDITOR_OPTIONS,
    sources: context.sources,
    preview: context.preview,
    changes: context.changes,
    base: context.base,
  };
}
