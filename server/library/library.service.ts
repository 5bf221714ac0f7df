import { diffWords } from 'diff';
import JSZip from 'jszip';
import { CORE_SCHEMA, dump } from 'js-yaml';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { FieldError } from '../shared/errors';
import { checkParameterValues, renderTemplate, type ParameterValues } from './clause-template';
import { LANGUAGES, type Language } from './library.codes';
import {
  baseOutdated,
  draftConflict,
  draftExists,
  draftNotFound,
  editorRequired,
  invalidContent,
  invalidParameterValues,
  itemNotFound,
  keyExists,
  notDeprecatable,
  organisationRequired,
  unknownReplacement,
  versionNotFound,
} from './library.errors';
import { checkItemConsistency, type LoadedLibrary } from './library.files';
import type { LibraryRepository, LibrarySearch } from './library.repository';
import type { ItemContent, LocalisedText } from './library.schemas';
import { contentOf, parseSemver, rowToItemFile, syncLibrary, versionColumns, type SyncReport } from './library.sync';
import type { LibraryVersionRow } from './library.table';

export type BumpLevel = 'major' | 'minor' | 'patch';
const EDIT_ROLES = new Set(['owner', 'editor']);
const LOCALISED_FIELDS = ['title', 'text', 'rationale', 'responseGuidance'] as const;

export function bumpVersion(current: string | null, level: BumpLevel): string {
  if (!current) return level === 'major' ? '1.0.0' : level === 'minor' ? '0.1.0' : '0.0.1';
  const { major, minor, patch } = parseSemver(current);
  if (level === 'major') return `${major + 1}.0.0`;
  if (level === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

export type FieldDiff = {
  field: string;
  from: unknown;
  to: unknown;
  /** Word-level changes for texts, per language. */
  words?: Partial<Record<Language, { value: string; added: boolean; removed: boolean }[]>>;
};

export function diffVersions(from: ItemContent & { status?: string }, to: ItemContent & { status?: string }): FieldDiff[] {
  const a = { ...contentOf(from), status: from.status } as Record<string, unknown>;
  const b = { ...contentOf(to), status: to.status } as Record<string, unknown>;
  const diffs: FieldDiff[] = [];
  for (const field of Object.keys(b)) {
    if (JSON.stringify(a[field]) === JSON.stringify(b[field])) continue;
    const entry: FieldDiff = { field, from: a[field] ?? null, to: b[field] ?? null };
    if ((LOCALISED_FIELDS as readonly string[]).includes(field)) {
      entry.words = {};
      for (const lang of LANGUAGES) {
        const before = (a[field] as LocalisedText | undefined)?.[lang] ?? '';
        const after = (b[field] as LocalisedText | undefined)?.[lang] ?? '';
        if (before !== after) entry.words[lang] = diffWords(before, after).map((part) => ({ value: part.value, added: Boolean(part.added), removed: Boolean(part.removed) }));
      }
    }
    diffs.push(entry);
  }
  return diffs;
}

export function toYaml(value: unknown): string {
  return dump(value, { schema: CORE_SCHEMA, lineWidth: 100, noRefs: true });
}

/** One YAML document per version, oldest first: the library's own file format. */
export function itemFileText(rows: LibraryVersionRow[]): string {
  return rows.map((row) => toYaml(rowToItemFile(row))).join('---\n');
}

export type LibraryServiceDeps = { db: Database; libraryRepository: LibraryRepository; auditRepository: AuditRepository; now?: () => Date };

export function createLibraryService(deps: LibraryServiceDeps) {
  const { db, libraryRepository: repo, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());

  /** The organisations whose private drafts the actor may see. */
  const draftScope = (actor: Actor): string[] | 'all' => (actor.isAdmin ? 'all' : actor.memberships.map((m) => m.organisationId));

  function canSeeDraft(actor: Actor, row: LibraryVersionRow): boolean {
    if (row.ownerOrganisationId === null || actor.isAdmin) return true;
    return actor.memberships.some((m) => m.organisationId === row.ownerOrganisationId);
  }

  function editingOrganisation(actor: Actor, organisationId: string | undefined): string {
    const eligible = actor.memberships.filter((m) => (m.kind === 'buyer' || m.kind === 'council') && EDIT_ROLES.has(m.role));
    if (organisationId) {
      if (eligible.some((m) => m.organisationId === organisationId) || (actor.isAdmin && actor.memberships.some((m) => m.organisationId === organisationId))) return organisationId;
      throw editorRequired();
    }
    if (eligible.length === 1) return (eligible[0] as (typeof eligible)[number]).organisationId;
    if (eligible.length === 0) throw editorRequired();
    throw organisationRequired();
  }

  function assertCanEditDraft(actor: Actor, draft: LibraryVersionRow): void {
    if (actor.isAdmin) return;
    if (draft.ownerOrganisationId === null) throw editorRequired();
    const membership = actor.memberships.find((m) => m.organisationId === draft.ownerOrganisationId);
    if (!membership) throw draftNotFound();
    if (!EDIT_ROLES.has(membership.role)) throw editorRequired();
  }

  function assertMayEditLibrary(actor: Actor): void {
    if (actor.isAdmin) return;
    if (!actor.memberships.some((m) => (m.kind === 'buyer' || m.kind === 'council') && EDIT_ROLES.has(m.role))) throw editorRequired();
  }

  async function validateContent(key: string, content: ItemContent): Promise<void> {
    const sourceIds = new Set((await repo.sources(db)).map((s) => s.id));
    const problems = checkItemConsistency({ ...content, key, version: '0.0.0', status: 'draft', replacedBy: null }, sourceIds, key);
    if (problems.length > 0) throw invalidContent(problems.map((p) => ({ path: p.path, message: p.message })));
  }

  async function visibleDraft(actor: Actor, id: string): Promise<LibraryVersionRow> {
    const draft = await repo.findDraftById(db, id);
    if (!draft || !canSeeDraft(actor, draft)) throw draftNotFound();
    return draft;
  }

  async function releasedVersion(key: string, version?: string): Promise<LibraryVersionRow> {
    if (version) {
      const row = await repo.findVersion(db, key, version);
      if (!row || row.status === 'draft') throw versionNotFound(key, version);
      return row;
    }
    const latest = await repo.latestReleased(db, key);
    if (!latest) throw itemNotFound(key);
    return latest;
  }

  return {
    sync: (library: LoadedLibrary, context: AuditContext): Promise<SyncReport> => syncLibrary({ db, libraryRepository: repo, auditRepository: audit }, library, context),

    sources: () => repo.sources(db),

    search: (actor: Actor, search: LibrarySearch) => repo.search(db, search, draftScope(actor)),

    /**
     * An item as a reader sees it: the requested or newest released version, or for an item
     * that has never been published, the reader's visible draft.
     */
    async getItem(actor: Actor, key: string, version?: string): Promise<{ current: LibraryVersionRow; versions: LibraryVersionRow[]; drafts: LibraryVersionRow[] }> {
      const versions = await repo.releasedVersions(db, key);
      const drafts = (await repo.drafts(db, { key, organisationIds: draftScope(actor) })).filter((d) => canSeeDraft(actor, d));
      if (versions.length === 0 && drafts.length === 0) throw itemNotFound(key);
      let current: LibraryVersionRow | undefined;
      if (version) {
        current = versions.find((v) => v.version === version);
        if (!current) throw versionNotFound(key, version);
      } else {
        current = versions[0] ?? drafts[0];
      }
      return { current: current as LibraryVersionRow, versions, drafts };
    },

    async versions(actor: Actor, key: string): Promise<LibraryVersionRow[]> {
      const rows = await repo.releasedVersions(db, key);
      if (rows.length === 0 && (await repo.drafts(db, { key, organisationIds: draftScope(actor) })).length === 0) throw itemNotFound(key);
      return rows;
    },

    async diff(key: string, from: string, to: string): Promise<{ from: LibraryVersionRow; to: LibraryVersionRow; changes: FieldDiff[] }> {
      const a = await releasedVersion(key, from);
      const b = await releasedVersion(key, to);
      return { from: a, to: b, changes: diffVersions(a, b) };
    },

    async diffDraft(actor: Actor, draftId: string): Promise<{ base: LibraryVersionRow | null; draft: LibraryVersionRow; changes: FieldDiff[] }> {
      const draft = await visibleDraft(actor, draftId);
      const base = draft.baseVersion ? ((await repo.findVersion(db, draft.key, draft.baseVersion)) ?? null) : null;
      return { base, draft, changes: base ? diffVersions(base, draft) : [] };
    },

    /** Renders an item's texts with buyer-chosen values; defaults fill the rest. */
    async render(input: { key: string; version?: string | undefined; values: Record<string, unknown>; languages?: Language[] | undefined }) {
      const row = await releasedVersion(input.key, input.version);
      const problems = checkParameterValues(row.parameters, input.values);
      if (problems.length > 0) throw invalidParameterValues(problems.map((p) => ({ path: `values.${p.parameter}`, message: p.message })));
      const languages = input.languages ?? [...LANGUAGES];
      const values = input.values as ParameterValues;
      const render = (field: LocalisedText) => Object.fromEntries(languages.map((lang) => [lang, renderTemplate(field[lang], row.parameters, values, lang)]));
      return { key: row.key, version: row.version as string, kind: row.kind, title: row.title, text: render(row.text), responseGuidance: render(row.responseGuidance) };
    },

    previewDraft(draft: LibraryVersionRow, values: Record<string, unknown>): { text: Record<Language, string>; problems: FieldError[] } {
      const problems = checkParameterValues(draft.parameters, values).map((p) => ({ path: `values.${p.parameter}`, message: p.message }));
      const safeValues = problems.length > 0 ? {} : (values as ParameterValues);
      return { text: { nb: renderTemplate(draft.text.nb, draft.parameters, safeValues, 'nb'), en: renderTemplate(draft.text.en, draft.parameters, safeValues, 'en') }, problems };
    },

    drafts: (actor: Actor) => repo.drafts(db, { organisationIds: draftScope(actor) }).then((rows) => rows.filter((r) => canSeeDraft(actor, r))),

    getDraft: (actor: Actor, id: string) => visibleDraft(actor, id),

    async createItem(actor: Actor, input: ItemContent & { key: string; organisationId?: string | undefined }, context: AuditContext): Promise<LibraryVersionRow> {
      const organisationId = editingOrganisation(actor, input.organisationId);
      const { key, organisationId: _ignored, ...content } = input;
      if (await repo.keyExists(db, key)) throw keyExists(key);
      await validateContent(key, content);
      return db.transaction(async (tx) => {
        const row = await repo.insertVersion(tx, { ...versionColumns(content), key, version: null, status: 'draft', origin: 'app', ownerOrganisationId: organisationId, baseVersion: null, createdBy: actor.userId });
        await audit.record(tx, context, { organisationId, action: 'library.draft_created', entityType: 'library_item', entityId: key, after: { draftId: row.id, title: row.title } });
        return row;
      });
    },

    /** Starts a draft of the next version from the newest released one. */
    async createDraftVersion(actor: Actor, key: string, input: { organisationId?: string | undefined }, context: AuditContext): Promise<LibraryVersionRow> {
      const organisationId = editingOrganisation(actor, input.organisationId);
      const latest = await repo.latestReleased(db, key);
      if (!latest) throw itemNotFound(key);
      const existing = await repo.findDraft(db, key, organisationId);
      if (existing) throw draftExists(key, existing.id);
      return db.transaction(async (tx) => {
        const row = await repo.insertVersion(tx, {
          ...versionColumns({ ...rowToItemFile(latest), changeNote: null }),
          key,
          version: null,
          status: 'draft',
          origin: 'app',
          ownerOrganisationId: organisationId,
          baseVersion: latest.version,
          createdBy: actor.userId,
        });
        await audit.record(tx, context, { organisationId, action: 'library.draft_created', entityType: 'library_item', entityId: key, after: { draftId: row.id, baseVersion: latest.version } });
        return row;
      });
    },

    /** Saves a draft if nobody else saved it since `revision`; otherwise a 409 conflict. */
    async updateDraft(actor: Actor, id: string, input: ItemContent & { revision: number }, context: AuditContext): Promise<LibraryVersionRow> {
      const draft = await visibleDraft(actor, id);
      assertCanEditDraft(actor, draft);
      const { revision, ...content } = input;
      if (draft.revision !== revision) throw draftConflict(draft.revision);
      await validateContent(draft.key, content);
      const columns = versionColumns(content);
      return db.transaction(async (tx) => {
        const updated = await repo.updateVersion(tx, id, revision, columns);
        if (!updated) throw draftConflict((await repo.findDraftById(tx, id))?.revision ?? revision + 1);
        const changes = diffVersions(draft, updated);
        await audit.record(tx, context, {
          organisationId: draft.ownerOrganisationId,
          action: 'library.draft_updated',
          entityType: 'library_item',
          entityId: draft.key,
          before: Object.fromEntries(changes.map((c) => [c.field, c.from])),
          after: { ...Object.fromEntries(changes.map((c) => [c.field, c.to])), draftId: id, revision: updated.revision },
        });
        return updated;
      });
    },

    async discardDraft(actor: Actor, id: string, context: AuditContext): Promise<void> {
      const draft = await visibleDraft(actor, id);
      assertCanEditDraft(actor, draft);
      await db.transaction(async (tx) => {
        if (!(await repo.deleteDraft(tx, id))) throw draftNotFound();
        await audit.record(tx, context, { organisationId: draft.ownerOrganisationId, action: 'library.draft_discarded', entityType: 'library_item', entityId: draft.key, before: { draftId: id, title: draft.title } });
      });
    },

    /** Publishes a draft into the shared library as the next version; from then on it never changes. */
    async publish(actor: Actor, id: string, input: { level: BumpLevel; changeNote: LocalisedText; revision: number }, context: AuditContext): Promise<LibraryVersionRow> {
      const draft = await visibleDraft(actor, id);
      assertCanEditDraft(actor, draft);
      if (draft.revision !== input.revision) throw draftConflict(draft.revision);
      const content = { ...rowToItemFile(draft), changeNote: input.changeNote };
      await validateContent(draft.key, content);
      return db.transaction(async (tx) => {
        const latest = await repo.latestReleased(tx, draft.key);
        if ((latest?.version ?? null) !== draft.baseVersion) throw baseOutdated(draft.baseVersion, latest?.version ?? '');
        const version = bumpVersion(latest?.version ?? null, input.level);
        const published = await repo.updateVersion(tx, id, input.revision, {
          ...versionColumns(content),
          version,
          ...parseSemver(version),
          status: 'published',
          ownerOrganisationId: null,
          publishedAt: now(),
        });
        if (!published) throw draftConflict(input.revision + 1);
        await audit.record(tx, context, {
          organisationId: draft.ownerOrganisationId,
          action: 'library.published',
          entityType: 'library_item',
          entityId: draft.key,
          before: { version: latest?.version ?? null },
          after: { version, level: input.level, changeNote: input.changeNote },
        });
        return published;
      });
    },

    async deprecate(actor: Actor, key: string, input: { replacedBy?: string | undefined | null }, context: AuditContext): Promise<LibraryVersionRow> {
      assertMayEditLibrary(actor);
      const latest = await repo.latestReleased(db, key);
      if (!latest) throw itemNotFound(key);
      if (latest.status !== 'published') throw notDeprecatable(key);
      if (input.replacedBy && (input.replacedBy === key || !(await repo.latestReleased(db, input.replacedBy)))) throw unknownReplacement(input.replacedBy);
      return db.transaction(async (tx) => {
        const updated = await repo.updateVersion(tx, latest.id, latest.revision, { status: 'deprecated', replacedBy: input.replacedBy ?? null });
        if (!updated) throw draftConflict(latest.revision + 1);
        await audit.record(tx, context, {
          organisationId: null,
          action: 'library.deprecated',
          entityType: 'library_item',
          entityId: key,
          before: { version: latest.version, status: 'published' },
          after: { version: latest.version, status: 'deprecated', replacedBy: input.replacedBy ?? null },
        });
        return updated;
      });
    },

    /** The shared versions of the selected items (all items when keys is undefined), oldest first. */
    async exportRows(keys?: string[]): Promise<LibraryVersionRow[]> {
      const rows = await repo.allSharedVersions(db);
      return keys ? rows.filter((r) => keys.includes(r.key)) : rows;
    },

    async exportItemYaml(key: string): Promise<string> {
      const rows = (await repo.allSharedVersions(db)).filter((r) => r.key === key);
      if (rows.length === 0) throw itemNotFound(key);
      return itemFileText(rows);
    },

    /** The library as a zip of the same folder layout sync reads: sources.yaml and <category>/<KEY>.yaml. */
    async exportZip(keys?: string[]): Promise<Buffer> {
      const rows = await this.exportRows(keys);
      const sources = await repo.sources(db);
      const zip = new JSZip();
      zip.file(
        'sources.yaml',
        `# Registry of the sources that library items cite.\n${toYaml(sources.map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, url: s.url, kind: s.kind })))}`,
      );
      const byKey = new Map<string, LibraryVersionRow[]>();
      for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
      for (const [key, versions] of byKey) {
        const newest = versions[versions.length - 1] as LibraryVersionRow;
        zip.file(`${newest.category}/${key}.yaml`, itemFileText(versions));
      }
      return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX', date: new Date('2020-01-01T00:00:00Z') } as JSZip.JSZipGeneratorOptions<'nodebuffer'>);
    },

    async exportJson(keys?: string[]) {
      const rows = await this.exportRows(keys);
      const sources = await repo.sources(db);
      const byKey = new Map<string, ReturnType<typeof rowToItemFile>[]>();
      for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), rowToItemFile(row)]);
      return {
        sources: sources.map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, url: s.url, kind: s.kind })),
        items: [...byKey.entries()].map(([key, versions]) => ({ key, versions })),
      };
    },
  };
}

export type LibraryService = ReturnType<typeof createLibraryService>;
