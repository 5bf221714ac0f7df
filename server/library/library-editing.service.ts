import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { actingEditorOrganisation, editingOrganisation, libraryLoaders, requireDraftEditor, requireLibraryEditor } from './library.access';
import { baseOutdated, draftConflict, draftExists, draftNotFound, invalidContent, itemNotFound, keyExists, notDeprecatable, unknownReplacement } from './library.errors';
import { checkItemConsistency } from './library.files';
import type { LibraryRepository } from './library.repository';
import type { ItemContent, LocalisedText } from './library.schemas';
import { parseSemver, rowToItemFile, versionColumns } from './library.sync';
import type { LibraryVersionRow } from './library.table';
import { compareAndSet, staleVersion } from '../shared/versioning';
import { bumpVersion, diffVersions, type BumpLevel } from './library.versions';

/**
 * Changing the library: new items and new versions start as drafts of an organisation, are saved
 * with a revision check, and are published into the shared library, where a version never
 * changes again except to be deprecated.
 */
export function createLibraryEditing(deps: { db: Database; libraryRepository: LibraryRepository; auditRepository: AuditRepository; now: () => Date }) {
  const { db, libraryRepository: repo, auditRepository: audit, now } = deps;
  const load = libraryLoaders(deps);

  async function validateContent(key: string, content: ItemContent): Promise<void> {
    const sourceIds = new Set((await repo.sources(db)).map((s) => s.id));
    const problems = checkItemConsistency({ ...content, key, version: '0.0.0', status: 'draft', replacedBy: null }, sourceIds, key);
    if (problems.length > 0) throw invalidContent(problems.map((p) => ({ path: p.path, message: p.message })));
  }

  /** The draft was saved by someone else since the version read: 409 with its version (revision) now and who saved it. */
  async function staleDraft(tx: Database, id: string, current: number) {
    return staleVersion('library draft', current, await audit.lastChangeWithin(tx, 'library_draft', id, 'draftId'));
  }

  return {
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

    /** Saves a draft if nobody else saved it since `version` (its revision); otherwise 409 with who saved it. */
    async updateDraft(actor: Actor, id: string, input: ItemContent & { version: number }, context: AuditContext): Promise<LibraryVersionRow> {
      const draft = await load.visibleDraft(actor, id);
      requireDraftEditor(actor, draft);
      const { version: revision, ...content } = input;
      if (draft.revision !== revision) throw await staleDraft(db, id, draft.revision);
      await validateContent(draft.key, content);
      const columns = versionColumns(content);
      return db.transaction(async (tx) => {
        const updated = await compareAndSet({
          entity: 'library draft',
          update: () => repo.updateVersion(tx, id, revision, columns),
          currentVersion: async () => (await repo.findDraftById(tx, id))?.revision,
          lastChange: () => audit.lastChangeWithin(tx, 'library_draft', id, 'draftId'),
          notFound: draftNotFound,
        });
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
      const draft = await load.visibleDraft(actor, id);
      requireDraftEditor(actor, draft);
      await db.transaction(async (tx) => {
        if (!(await repo.deleteDraft(tx, id))) throw draftNotFound();
        await audit.record(tx, context, { organisationId: draft.ownerOrganisationId, action: 'library.draft_discarded', entityType: 'library_item', entityId: draft.key, before: { draftId: id, title: draft.title } });
      });
    },

    /** Publishes a draft into the shared library as the next version; from then on it never changes. */
    async publish(actor: Actor, id: string, input: { level: BumpLevel; changeNote: LocalisedText; version: number }, context: AuditContext): Promise<LibraryVersionRow> {
      const draft = await load.visibleDraft(actor, id);
      requireDraftEditor(actor, draft);
      if (draft.revision !== input.version) throw await staleDraft(db, id, draft.revision);
      const content = { ...rowToItemFile(draft), changeNote: input.changeNote };
      await validateContent(draft.key, content);
      return db.transaction(async (tx) => {
        const latest = await repo.latestReleased(tx, draft.key);
        if ((latest?.version ?? null) !== draft.baseVersion) throw baseOutdated(draft.baseVersion, latest?.version ?? '');
        const version = bumpVersion(latest?.version ?? null, input.level);
        const published = await repo.updateVersion(tx, id, input.version, {
          ...versionColumns(content),
          version,
          ...parseSemver(version),
          status: 'published',
          ownerOrganisationId: null,
          publishedAt: now(),
        });
        if (!published) throw await staleDraft(tx, id, (await repo.findDraftById(tx, id))?.revision ?? input.version + 1);
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
      requireLibraryEditor(actor);
      const latest = await repo.latestReleased(db, key);
      if (!latest) throw itemNotFound(key);
      if (latest.status !== 'published') throw notDeprecatable(key);
      if (input.replacedBy && (input.replacedBy === key || !(await repo.latestReleased(db, input.replacedBy)))) throw unknownReplacement(input.replacedBy);
      return db.transaction(async (tx) => {
        const updated = await repo.updateVersion(tx, latest.id, latest.revision, { status: 'deprecated', replacedBy: input.replacedBy ?? null });
        if (!updated) throw draftConflict(latest.revision + 1);
        await audit.record(tx, context, {
          organisationId: actingEditorOrganisation(actor),
          action: 'library.deprecated',
          entityType: 'library_item',
          entityId: key,
          before: { version: latest.version, status: 'published' },
          after: { version: latest.version, status: 'deprecated', replacedBy: input.replacedBy ?? null },
        });
        return updated;
      });
    },
  };
}
