import type { Actor, AuditContext } from '../auth/actor';
import type { Database } from '../db/client';
import { checkParameterValues } from '../library/clause-template';
import type { Category, ParameterValueMap, RequirementType } from '../library/library.codes';
import type { LibraryVersionRow } from '../library/library.table';
import { createJointSetLoaders, type JointSetsDeps } from './joint-sets.access';
import { coordinatorEntry, createJointSetChanges } from './joint-sets.changes';
import { createRevisionContent, isEvaluated, type RevisionView } from './joint-sets.content';
import type { RevisionDiff } from './joint-sets.diff';
import { invalidParameterValues, itemNotFound, libraryItemUnavailable, openRevisionExists, revisionNotFound, sectionNotFound, wrongState } from './joint-sets.errors';
import { compareAndSet, staleVersion } from '../shared/versioning';
import type { JointSetItemRow, JointSetRevisionRow, JointSetSectionRow } from './joint-sets.table';

export type ItemUpdate = { type?: RequirementType | undefined; weight?: number | undefined; parameterValues?: ParameterValueMap | undefined; sectionId?: string | undefined; libraryVersion?: string | undefined; version: number };

/**
 * Revisions and their content: reading a revision, comparing two, starting a new draft, and the
 * coordinator's editing of a draft's items and sections.
 */
export function createJointSetEditing(deps: JointSetsDeps) {
  const { db, jointSetsRepository: repo, libraryRepository: library, auditRepository: audit } = deps;
  const { load, loadRevision, loadForCoordinator, loadDraft } = createJointSetLoaders(deps);
  const content = createRevisionContent(deps);
  const change = createJointSetChanges(deps);

  /** The section named after the library category, in the coordinator's language; made on first use. */
  async function sectionFor(tx: Database, revisionId: string, category: Category, lang: 'nb' | 'en', cache: Map<string, JointSetSectionRow>): Promise<JointSetSectionRow> {
    const title = deps.translator(lang)(`library.categories.${category}`);
    const cached = cache.get(title);
    if (cached) return cached;
    const sections = await repo.sections(tx, revisionId);
    const section = sections.find((s) => s.title === title) ?? (await repo.insertSection(tx, { revisionId, position: sections.length, title }));
    cache.set(title, section);
    return section;
  }

  return {
    async revision(actor: Actor, id: string, number: number): Promise<RevisionView> {
      return content.revisionView(await loadRevision(actor, id, number));
    },

    async diff(actor: Actor, id: string, fromNumber: number, toNumber: number): Promise<{ from: JointSetRevisionRow; to: JointSetRevisionRow; diff: RevisionDiff }> {
      const view = await load(actor, id);
      const from = view.revisions.find((r) => r.number === fromNumber);
      const to = view.revisions.find((r) => r.number === toNumber);
      if (!from || !to) throw revisionNotFound();
      return { from, to, diff: await content.diffOf(from, to) };
    },

    /** A new draft as a copy of the adopted revision (or of the newest one), with its sections, items and deviations. */
    async newRevision(actor: Actor, id: string, input: { changeNote?: string | undefined }, context: AuditContext): Promise<JointSetRevisionRow> {
      const { set, revisions } = await loadForCoordinator(actor, id);
      if (revisions.some((r) => r.status === 'draft' || r.status === 'consultation')) throw openRevisionExists();
      const base = revisions.find((r) => r.status === 'adopted') ?? revisions[0];
      const number = (revisions[0]?.number ?? 0) + 1;
      return change(set, context, [(r: JointSetRevisionRow) => coordinatorEntry(set, 'joint_set.revision_created', { entityType: 'joint_set_revision', entityId: r.id, after: { number, basedOn: base?.number ?? null, changeNote: input.changeNote ?? '' } })], async (tx) => {
        const revision = await repo.insertRevision(tx, { jointSetId: id, number, status: 'draft', basedOnNumber: base?.number ?? null, changeNote: input.changeNote ?? '', createdBy: actor.userId });
        if (base) {
          const sectionIds = new Map<string, string>();
          for (const section of await repo.sections(tx, base.id)) sectionIds.set(section.id, (await repo.insertSection(tx, { revisionId: revision.id, position: section.position, title: section.title })).id);
          const items = await repo.items(tx, base.id);
          // The copies are new entities: they start at version 1.
          await repo.insertItems(tx, items.map(({ id: _id, revisionId: _r, sectionId, version: _v, ...rest }) => ({ ...rest, revisionId: revision.id, sectionId: sectionIds.get(sectionId) as string })));
          const deviations = await repo.deviations(tx, base.id);
          await repo.insertDeviations(tx, deviations.map(({ id: _id, revisionId: _r, organisationName: _n, updatedAt: _u, version: _v, ...rest }) => ({ ...rest, revisionId: revision.id })));
        }
        return revision;
      });
    },

    async addItems(actor: Actor, id: string, number: number, keys: string[], context: AuditContext): Promise<{ added: string[]; skipped: string[] }> {
      const { set, revision } = await loadDraft(actor, id, number);
      const unique = [...new Set(keys)];
      const rows = await library.latestReleasedOfKeys(db, unique);
      const missing = unique.filter((k) => !rows.some((r) => r.key === k && r.status === 'published'));
      if (missing.length > 0) throw libraryItemUnavailable(missing);
      return change(set, context, [(r: { added: string[] }) => coordinatorEntry(set, 'joint_set.items_added', { entityType: 'joint_set_revision', entityId: revision.id, after: { revision: number, keys: r.added } })], async (tx) => {
        const existing = new Set((await repo.items(tx, revision.id)).map((i) => i.libraryKey));
        const cache = new Map<string, JointSetSectionRow>();
        const added: string[] = [];
        const skipped: string[] = [];
        for (const key of unique) {
          const row = rows.find((r) => r.key === key) as LibraryVersionRow;
          if (existing.has(key)) {
            skipped.push(key);
            continue;
          }
          const section = await sectionFor(tx, revision.id, row.category, actor.locale, cache);
          const position = (await repo.items(tx, revision.id)).filter((i) => i.sectionId === section.id).length;
          await repo.insertItems(tx, [{ revisionId: revision.id, sectionId: section.id, position, libraryKey: key, libraryVersion: row.version as string, type: row.type, weight: isEvaluated(row.kind, row.type) ? row.weight : 0 }]);
          existing.add(key);
          added.push(key);
        }
        if (added.length > 0) await repo.touchRevision(tx, revision.id);
        return { added, skipped };
      });
    },

    async updateItem(actor: Actor, id: string, number: number, itemId: string, input: ItemUpdate, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const item = await content.requireItem(revision.id, itemId);
      if (item.version !== input.version) throw staleVersion('joint-set item', item.version, await audit.lastChange(db, 'joint_set_item', itemId));
      const version = input.libraryVersion ?? item.libraryVersion;
      const lib = await library.findVersion(db, item.libraryKey, version);
      if (!lib || lib.status === 'draft') throw libraryItemUnavailable([`${item.libraryKey} ${version}`]);
      const values: Partial<JointSetItemRow> = {};
      if (input.type) values.type = input.type;
      if (input.weight !== undefined) values.weight = input.weight;
      if (input.libraryVersion) values.libraryVersion = input.libraryVersion;
      const parameterValues = input.parameterValues ?? (input.libraryVersion ? Object.fromEntries(Object.entries(item.parameterValues).filter(([name]) => lib.parameters.some((p) => p.name === name))) : undefined);
      if (parameterValues) {
        const unknown = Object.keys(parameterValues).filter((name) => !lib.parameters.some((p) => p.name === name));
        const problems = [...unknown.map((name) => ({ path: `parameterValues.${name}`, message: `${item.libraryKey} ${version} has no parameter ${name}` })), ...checkParameterValues(lib.parameters.filter((p) => p.name in parameterValues), parameterValues).map((p) => ({ path: `parameterValues.${p.parameter}`, message: p.message }))];
        if (problems.length > 0) throw invalidParameterValues(problems);
        values.parameterValues = parameterValues;
      }
      if (input.sectionId && input.sectionId !== item.sectionId) {
        const sections = await repo.sections(db, revision.id);
        if (!sections.some((s) => s.id === input.sectionId)) throw sectionNotFound();
        values.sectionId = input.sectionId;
        values.position = (await repo.items(db, revision.id)).filter((i) => i.sectionId === input.sectionId).length;
      }
      await change(
        set,
        context,
        [coordinatorEntry(set, 'joint_set.item_updated', { entityType: 'joint_set_item', entityId: itemId, before: { key: item.libraryKey, version: item.libraryVersion, type: item.type, weight: item.weight, parameterValues: item.parameterValues, sectionId: item.sectionId }, after: { revision: number, revisionId: revision.id, key: item.libraryKey, ...values } })],
        async (tx) => {
          await compareAndSet({
            entity: 'joint-set item',
            update: () => repo.updateItem(tx, itemId, values, input.version),
            currentVersion: async () => (await repo.findItem(tx, itemId))?.version,
            lastChange: () => audit.lastChange(tx, 'joint_set_item', itemId),
            notFound: itemNotFound,
          });
          await repo.touchRevision(tx, revision.id);
        },
      );
    },

    async removeItem(actor: Actor, id: string, number: number, itemId: string, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const item = await content.requireItem(revision.id, itemId);
      await change(set, context, [coordinatorEntry(set, 'joint_set.item_removed', { entityType: 'joint_set_item', entityId: itemId, before: { key: item.libraryKey, version: item.libraryVersion }, after: { revision: number } })], async (tx) => {
        await repo.deleteItem(tx, itemId);
        const rest = (await repo.items(tx, revision.id)).filter((i) => i.sectionId === item.sectionId);
        for (const [position, other] of rest.entries()) if (other.position !== position) await repo.updateItem(tx, other.id, { position });
        await repo.touchRevision(tx, revision.id);
      });
    },

    async addSection(actor: Actor, id: string, number: number, title: string, context: AuditContext): Promise<JointSetSectionRow> {
      const { set, revision } = await loadDraft(actor, id, number);
      return change(set, context, [(s: JointSetSectionRow) => coordinatorEntry(set, 'joint_set.section_added', { entityType: 'joint_set_section', entityId: s.id, after: { revision: number, revisionId: revision.id, title } })], async (tx) => {
        const section = await repo.insertSection(tx, { revisionId: revision.id, position: (await repo.sections(tx, revision.id)).length, title });
        await repo.touchRevision(tx, revision.id);
        return section;
      });
    },

    async renameSection(actor: Actor, id: string, number: number, sectionId: string, title: string, version: number, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const section = (await repo.sections(db, revision.id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      if (section.version !== version) throw staleVersion('joint-set section', section.version, await audit.lastChange(db, 'joint_set_section', sectionId));
      await change(set, context, [coordinatorEntry(set, 'joint_set.section_renamed', { entityType: 'joint_set_section', entityId: sectionId, before: { title: section.title }, after: { revision: number, revisionId: revision.id, title } })], async (tx) => {
        await compareAndSet({
          entity: 'joint-set section',
          update: () => repo.updateSection(tx, sectionId, { title }, version),
          currentVersion: async () => (await repo.findSection(tx, sectionId))?.version,
          lastChange: () => audit.lastChange(tx, 'joint_set_section', sectionId),
          notFound: sectionNotFound,
        });
        await repo.touchRevision(tx, revision.id);
      });
    },

    async removeSection(actor: Actor, id: string, number: number, sectionId: string, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const section = (await repo.sections(db, revision.id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      if ((await repo.items(db, revision.id)).some((i) => i.sectionId === sectionId)) throw wrongState('draft', 'remove a section that still has items');
      await change(set, context, [coordinatorEntry(set, 'joint_set.section_removed', { entityType: 'joint_set_section', entityId: sectionId, before: { title: section.title }, after: { revision: number, revisionId: revision.id } })], async (tx) => {
        await repo.deleteSection(tx, sectionId);
        await repo.touchRevision(tx, revision.id);
      });
    },
  };
}
