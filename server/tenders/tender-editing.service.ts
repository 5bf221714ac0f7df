import type { Actor, AuditContext } from '../auth/actor';
import type { Database } from '../db/client';
import { checkParameterValues } from '../library/clause-template';
import type { Category, Domain, ItemKind, ParameterValueMap, RequirementType } from '../library/library.codes';
import { packNotFound } from '../library/library.errors';
import type { LibraryVersionRow } from '../library/library.table';
import {
  buyerOrganisationFor,
  EDIT_ROLES,
  isEvaluated,
  sharedParametersOf,
  tenderCreatorMemberships,
  type TenderLoaders,
  type TendersServiceDeps,
  type TenderSummaryView,
} from './tenders.access';
import {
  buyerRequired,
  coBuyerInvalid,
  duplicateReference,
  invalidParameterValues,
  itemNotFound,
  libraryItemUnavailable,
  nothingToAdd,
  sectionNotEmpty,
  sectionNotFound,
  selectionNotFound,
  tenderEditorRequired,
  tenderNotFound,
} from './tenders.errors';
import type { TenderItemRow, TenderRow, TenderSectionRow } from './tenders.table';
import { compareAndSet, staleVersion } from '../shared/versioning';

export type TenderInput = {
  title: string;
  reference: string;
  domain?: Domain | null | undefined;
  description?: string | undefined;
  language: 'nb' | 'en';
  contactName?: string | undefined;
  contactEmail?: string | undefined;
  deadline?: string | null | undefined;
};

/** What a tender started from a joint set holds: sections of pinned library items, deviations applied. */
export type JointSetTenderContent = {
  revisionId: string;
  sections: { title: string; items: { key: string; version: string; kind: ItemKind; type: RequirementType; weight: number; parameterValues: ParameterValueMap; deviationId: string | null }[] }[];
};

export type CustomItemInput = { kind: ItemKind; type: RequirementType; weight: number; title: string; text: string; responseGuidance: string; sectionId?: string | undefined };

/** A section brought in from another format: library versions to pin, and items written for the tender. */
export type ImportedSection = { title: string; items: ({ library: { key: string; version: string }; type: RequirementType; weight: number } | { custom: Omit<CustomItemInput, 'sectionId'> })[] };

/** Items to add, one way of the five: library keys, the tender's domain, a category's clauses, a saved selection, or an item written here. */
export type ItemsToAdd = { keys?: string[] | undefined; pick?: 'domain' | undefined; clausesOf?: Category | undefined; selectionId?: string | undefined; pack?: string | undefined; custom?: CustomItemInput | undefined };

type QuickPick = { domain: true } | { clausesOf: Category } | { selectionId: string } | { pack: string };

/** Weights that sum to 100 in proportion to the given ones, rounded by largest remainder. */
export function normaliseWeights(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  const raw = total > 0 ? weights.map((w) => (w * 100) / total) : weights.map(() => 100 / weights.length);
  const floors = raw.map(Math.floor);
  let remainder = 100 - floors.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (remainder <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    remainder--;
  }
  return floors;
}

/** Writing a tender: its details, sections, items, co-buyers, and the saved selections and quick picks that fill it. */
export function createTenderEditing(deps: TendersServiceDeps, loaders: TenderLoaders) {
  const { db, tendersRepository: repo, libraryRepository: library, organisationsRepository: orgs, auditRepository: audit } = deps;
  const { loadForEdit, view, requireItem } = loaders;

  /** The buyer a new tender belongs to; its reference must be new there. */
  async function newTenderBuyer(actor: Actor, input: TenderInput & { organisationId?: string | undefined }): Promise<string> {
    const buyerOrganisationId = buyerOrganisationFor(actor, input.organisationId);
    if (await repo.findByReference(db, buyerOrganisationId, input.reference)) throw duplicateReference();
    return buyerOrganisationId;
  }

  function insertTender(tx: Database, actor: Actor, buyerOrganisationId: string, input: TenderInput, jointSetRevisionId: string | null): Promise<TenderRow> {
    return repo.insert(tx, {
      buyerOrganisationId,
      title: input.title,
      reference: input.reference,
      domain: input.domain ?? null,
      description: input.description ?? '',
      language: input.language,
      contactName: input.contactName ?? actor.name,
      contactEmail: input.contactEmail ?? actor.email,
      deadline: input.deadline ?? null,
      jointSetRevisionId,
      createdBy: actor.userId,
    });
  }

  type Moved = { from: number; to: number };
  type CoBuyer = Awaited<ReturnType<typeof repo.coBuyers>>[number];
  type ChangeEntry = { action: string; entityType?: string; entityId?: string | null; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null };

  /** The tender changed since `version`: 409 naming who changed it (or a part of it) last. */
  async function staleTender(tx: Database, id: string, current: number) {
    return staleVersion('tender', current, await audit.lastChangeWithin(tx, 'tender', id, 'tenderId'));
  }

  /** A part of the tender (item or section) changed since the version the caller read. */
  async function stalePart(tx: Database, entityType: 'tender_item' | 'tender_section', id: string, current: number) {
    return staleVersion(entityType === 'tender_item' ? 'tender item' : 'tender section', current, await audit.lastChange(tx, entityType, id));
  }

  /**
   * One change of the working copy, in a transaction with the tender locked, and its audit entry;
   * the tender then has changes not yet issued. With `tenderVersion`, refused (409) when the
   * tender has another version by the time it is locked. The entry may be built from the work's
   * result when only the work knows the values (a move's positions, read under the lock).
   * Locking and marking the change are one statement, undone with the rest when the change fails.
   */
  async function change<T>(tender: TenderRow, context: AuditContext, entry: ChangeEntry | ((result: T) => ChangeEntry), work: (tx: Database) => Promise<T>, tenderVersion?: number): Promise<T> {
    return db.transaction(async (tx) => {
      const versionBefore = await repo.lockAndTouch(tx, tender.id);
      if (versionBefore === undefined) throw tenderNotFound();
      if (tenderVersion !== undefined && versionBefore !== tenderVersion) throw await staleTender(tx, tender.id, versionBefore);
      const result = await work(tx);
      const e = typeof entry === 'function' ? entry(result) : entry;
      await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: e.action, entityType: e.entityType ?? 'tender', entityId: e.entityId ?? tender.id, before: e.before ?? null, after: { tenderId: tender.id, ...(e.after ?? {}) } });
      return result;
    });
  }

  /** The section of a category's items, created (named in the tender's language) the first time one is added. */
  async function sectionFor(tx: Database, tender: TenderRow, category: Category, cache: Map<string, TenderSectionRow>): Promise<TenderSectionRow> {
    const cached = cache.get(category);
    if (cached) return cached;
    const sections = await repo.sections(tx, tender.id);
    const existing = sections.find((s) => s.category === category);
    if (existing) {
      cache.set(category, existing);
      return existing;
    }
    const created = await repo.insertSection(tx, { tenderId: tender.id, position: sections.length, title: deps.translator(tender.language)(`library.categories.${category}`), category });
    cache.set(category, created);
    return created;
  }

  async function addLibraryRows(tx: Database, tender: TenderRow, rows: LibraryVersionRow[]): Promise<{ added: string[]; skipped: string[] }> {
    const existing = new Set((await repo.items(tx, tender.id)).map((i) => i.libraryKey).filter(Boolean));
    const sections = new Map<string, TenderSectionRow>();
    const added: string[] = [];
    const skipped: string[] = [];
    const positions = new Map<string, number>();
    const currentItems = await repo.items(tx, tender.id);
    for (const row of rows) {
      if (existing.has(row.key) || row.status !== 'published') {
        skipped.push(row.key);
        continue;
      }
      const section = await sectionFor(tx, tender, row.category, sections);
      const position = positions.get(section.id) ?? currentItems.filter((i) => i.sectionId === section.id).length;
      positions.set(section.id, position + 1);
      await repo.insertItems(tx, [{ tenderId: tender.id, sectionId: section.id, position, libraryKey: row.key, libraryVersion: row.version, kind: row.kind, type: row.type, weight: row.kind === 'requirement' && row.type !== 'A' ? row.weight : 0 }]);
      existing.add(row.key);
      added.push(row.key);
    }
    return { added, skipped };
  }

  async function update(actor: Actor, id: string, input: Partial<TenderInput> & { version: number; parameterDefaults?: ParameterValueMap | undefined }, context: AuditContext): Promise<TenderRow> {
    const { tender } = await loadForEdit(actor, id);
    if (input.version !== tender.version) throw await staleTender(db, id, tender.version);
    if (input.reference && input.reference.toLowerCase() !== tender.reference.toLowerCase() && (await repo.findByReference(db, tender.buyerOrganisationId, input.reference))) throw duplicateReference();
    const values: Partial<TenderRow> = {};
    for (const field of ['title', 'reference', 'domain', 'description', 'language', 'contactName', 'contactEmail', 'deadline', 'parameterDefaults'] as const) {
      if (input[field] !== undefined) (values as Record<string, unknown>)[field] = input[field];
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      const old = (tender as Record<string, unknown>)[k];
      if (JSON.stringify(old) !== JSON.stringify(v)) {
        before[k] = old ?? null;
        after[k] = v ?? null;
      }
    }
    if (Object.keys(after).length === 0) return tender;
    return db.transaction(async (tx) => {
      const updated = await compareAndSet({
        entity: 'tender',
        update: () => repo.update(tx, id, input.version, { ...values, hasUnissuedChanges: true }),
        currentVersion: async () => (await repo.findById(tx, id))?.version,
        lastChange: () => audit.lastChangeWithin(tx, 'tender', id, 'tenderId'),
        notFound: tenderNotFound,
      });
      await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: 'tender.updated', entityType: 'tender', entityId: id, before, after });
      return updated;
    });
  }

  async function addLibraryItems(actor: Actor, id: string, keys: string[], context: AuditContext): Promise<{ added: string[]; skipped: string[] }> {
    const { tender } = await loadForEdit(actor, id);
    const rows = await library.latestReleasedOfKeys(db, [...new Set(keys)]);
    const missing = keys.filter((k) => !rows.some((r) => r.key === k && r.status === 'published'));
    if (missing.length > 0) throw libraryItemUnavailable(missing.join(', '));
    const ordered = keys.map((k) => rows.find((r) => r.key === k) as LibraryVersionRow);
    return change(tender, context, { action: 'tender.items_added', after: { keys } }, (tx) => addLibraryRows(tx, tender, ordered));
  }

  /** Quick picks: every published item for the tender's domain, every clause of a category, a saved selection, or a sector pack. */
  async function quickPick(actor: Actor, id: string, pick: QuickPick, context: AuditContext): Promise<{ added: string[]; skipped: string[] }> {
    const { tender } = await loadForEdit(actor, id);
    let keys: string[];
    if ('domain' in pick) {
      keys = (await library.search(db, { domain: tender.domain ?? undefined, status: 'published', sort: 'category', lang: tender.language, limit: 10_000, offset: 0 }, [])).rows.map((r) => r.key);
    } else if ('clausesOf' in pick) {
      keys = (await library.search(db, { kind: 'clause', category: pick.clausesOf, status: 'published', sort: 'key', lang: tender.language, limit: 10_000, offset: 0 }, [])).rows.map((r) => r.key);
    } else if ('pack' in pick) {
      const pack = await library.findPack(db, pick.pack);
      if (!pack) throw packNotFound(pick.pack);
      keys = pack.items;
    } else {
      const selection = await repo.findSelection(db, pick.selectionId);
      if (!selection || !actor.memberships.some((m) => m.organisationId === selection.organisationId)) throw selectionNotFound();
      keys = selection.keys;
    }
    const rows = await library.latestReleasedOfKeys(db, keys);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const ordered = keys.map((k) => byKey.get(k)).filter((r): r is LibraryVersionRow => Boolean(r));
    return change(tender, context, { action: 'tender.items_added', after: { pick, keys: ordered.map((r) => r.key) } }, (tx) => addLibraryRows(tx, tender, ordered));
  }

  /**
   * New sections at the end of the tender, filled in one transaction: items pinned to released
   * library versions (a version that is not released, or a key the tender already has, is
   * skipped) and items written for this tender. Used by interchange formats such as Kravbank's.
   */
  async function importSections(actor: Actor, id: string, sections: ImportedSection[], context: AuditContext, origin: Record<string, unknown>): Promise<{ added: string[]; skipped: string[] }> {
    const { tender } = await loadForEdit(actor, id);
    const pinned = await library.findVersions(db, sections.flatMap((s) => s.items.flatMap((i) => ('library' in i ? [i.library] : []))));
    const released = new Map(pinned.filter((r) => r.status !== 'draft').map((r) => [`${r.key}@${r.version}`, r]));
    return change(tender, context, { action: 'tender.sections_imported', after: { ...origin, sections: sections.map((s) => s.title) } }, async (tx) => {
      const existing = await repo.items(tx, id);
      const has = new Set(existing.map((i) => i.libraryKey).filter(Boolean));
      let position = (await repo.sections(tx, id)).length;
      let number = await repo.maxCustomNumber(tx, id);
      const added: string[] = [];
      const skipped: string[] = [];
      for (const section of sections) {
        const row = await repo.insertSection(tx, { tenderId: id, position: position++, title: section.title, category: null });
        let itemPosition = 0;
        for (const item of section.items) {
          if ('library' in item) {
            const version = released.get(`${item.library.key}@${item.library.version}`);
            if (!version || has.has(version.key)) {
              skipped.push(item.library.key);
              continue;
            }
            await repo.insertItems(tx, [{ tenderId: id, sectionId: row.id, position: itemPosition++, libraryKey: version.key, libraryVersion: version.version, kind: version.kind, type: item.type, weight: version.kind === 'requirement' && item.type !== 'A' ? item.weight : 0 }]);
            has.add(version.key);
            added.push(version.key);
          } else {
            const customKey = `T-${String(++number).padStart(3, '0')}`;
            const { custom } = item;
            await repo.insertItems(tx, [{ tenderId: id, sectionId: row.id, position: itemPosition++, customKey, kind: custom.kind, type: custom.type, weight: custom.kind === 'requirement' && custom.type !== 'A' ? custom.weight : 0, customTitle: custom.title, customText: custom.text, customGuidance: custom.responseGuidance }]);
            added.push(customKey);
          }
        }
      }
      return { added, skipped };
    });
  }

  async function addCustomItem(actor: Actor, id: string, input: CustomItemInput, context: AuditContext): Promise<TenderItemRow> {
    const { tender } = await loadForEdit(actor, id);
    return change(tender, context, { action: 'tender.item_written', after: { title: input.title } }, async (tx) => {
      const sections = await repo.sections(tx, id);
      let section = input.sectionId ? sections.find((s) => s.id === input.sectionId) : sections[sections.length - 1];
      if (input.sectionId && !section) throw sectionNotFound();
      section ??= await repo.insertSection(tx, { tenderId: id, position: 0, title: deps.translator(tender.language)('tenders.ownSection'), category: null });
      const number = (await repo.maxCustomNumber(tx, id)) + 1;
      const position = (await repo.items(tx, id)).filter((i) => i.sectionId === section.id).length;
      const [row] = await repo.insertItems(tx, [
        {
          tenderId: id,
          sectionId: section.id,
          position,
          customKey: `T-${String(number).padStart(3, '0')}`,
          kind: input.kind,
          type: input.type,
          weight: input.kind === 'requirement' && input.type !== 'A' ? input.weight : 0,
          customTitle: input.title,
          customText: input.text,
          customGuidance: input.responseGuidance,
        },
      ]);
      return row as TenderItemRow;
    });
  }

  return {
    async list(actor: Actor, filter: { status?: TenderRow['status'] | undefined; q?: string | undefined }, page: { limit: number; offset: number }) {
      return repo.list(db, { ...filter, organisationIds: actor.isAdmin ? 'all' : actor.memberships.filter((m) => m.kind === 'buyer').map((m) => m.organisationId) }, page);
    },

    /** Refuses (403) someone who is editor or owner in no buyer organisation: they cannot start a tender. */
    ensureMayCreate(actor: Actor): void {
      if (tenderCreatorMemberships(actor).length === 0) throw buyerRequired();
    },

    async create(actor: Actor, input: TenderInput & { organisationId?: string | undefined }, context: AuditContext): Promise<TenderRow> {
      const buyerOrganisationId = await newTenderBuyer(actor, input);
      return db.transaction(async (tx) => {
        const created = await insertTender(tx, actor, buyerOrganisationId, input, null);
        await audit.record(tx, context, { organisationId: buyerOrganisationId, action: 'tender.created', entityType: 'tender', entityId: created.id, after: { title: created.title, reference: created.reference, language: created.language } });
        return created;
      });
    },

    /** A tender that starts from an adopted joint-set revision: its sections and items, the buyer's deviations already applied. */
    async createFromJointSet(actor: Actor, input: TenderInput & { organisationId?: string | undefined }, content: JointSetTenderContent, context: AuditContext): Promise<TenderRow> {
      const buyerOrganisationId = await newTenderBuyer(actor, input);
      return db.transaction(async (tx) => {
        const created = await insertTender(tx, actor, buyerOrganisationId, input, content.revisionId);
        let position = 0;
        for (const section of content.sections.filter((s) => s.items.length > 0)) {
          const row = await repo.insertSection(tx, { tenderId: created.id, position: position++, title: section.title, category: null });
          await repo.insertItems(
            tx,
            section.items.map((item, index) => ({ tenderId: created.id, sectionId: row.id, position: index, libraryKey: item.key, libraryVersion: item.version, kind: item.kind, type: item.type, weight: item.weight, parameterValues: item.parameterValues, jointSetDeviationId: item.deviationId })),
          );
        }
        const deviations = content.sections.flatMap((s) => s.items).filter((i) => i.deviationId).map((i) => i.key);
        await audit.record(tx, context, { organisationId: buyerOrganisationId, action: 'tender.created', entityType: 'tender', entityId: created.id, after: { title: created.title, reference: created.reference, language: created.language, jointSetRevisionId: content.revisionId, items: content.sections.reduce((n, s) => n + s.items.length, 0), deviationsApplied: deviations } });
        return created;
      });
    },

    update,

    /**
     * Tender-wide values of the parameters its items share, each checked against the parameter it
     * sets; any problem refuses them all (`values.<name>`).
     */
    async setParameterDefaults(actor: Actor, id: string, input: { values: ParameterValueMap; version: number }, context: AuditContext): Promise<TenderRow> {
      const shared = sharedParametersOf(await view(actor, id)).map((s) => s.parameter);
      const problems = checkParameterValues(shared, input.values);
      if (problems.length > 0) throw invalidParameterValues(problems.map((p) => ({ path: `values.${p.parameter}`, message: p.message })));
      return update(actor, id, { parameterDefaults: input.values, version: input.version }, context);
    },

    addLibraryItems,
    quickPick,
    addCustomItem,
    importSections,

    /** Adds items the one way asked for; what was added and what the tender already had. */
    async addItems(actor: Actor, id: string, input: ItemsToAdd, context: AuditContext): Promise<{ added: string[]; skipped: string[] }> {
      if (input.keys) return addLibraryItems(actor, id, input.keys, context);
      if (input.pick === 'domain') return quickPick(actor, id, { domain: true }, context);
      if (input.clausesOf) return quickPick(actor, id, { clausesOf: input.clausesOf }, context);
      if (input.selectionId) return quickPick(actor, id, { selectionId: input.selectionId }, context);
      if (input.pack) return quickPick(actor, id, { pack: input.pack }, context);
      if (input.custom) return { added: [(await addCustomItem(actor, id, input.custom, context)).customKey as string], skipped: [] };
      throw nothingToAdd();
    },

    async updateItem(
      actor: Actor,
      id: string,
      itemId: string,
      input: { type?: RequirementType | undefined; weight?: number | undefined; parameterValues?: ParameterValueMap | undefined; sectionId?: string | undefined; title?: string | undefined; text?: string | undefined; responseGuidance?: string | undefined; version: number },
      context: AuditContext,
    ): Promise<TenderItemRow> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
      if (item.version !== input.version) throw await stalePart(db, 'tender_item', itemId, item.version);
      if (input.parameterValues && item.libraryKey && item.libraryVersion) {
        const lib = await library.findVersion(db, item.libraryKey, item.libraryVersion);
        const problems = checkParameterValues(lib?.parameters ?? [], input.parameterValues);
        if (problems.length > 0) throw invalidParameterValues(problems.map((p) => ({ path: `parameterValues.${p.parameter}`, message: p.message })));
      }
      const values: Partial<TenderItemRow> = {};
      if (input.type) values.type = input.type;
      if (input.weight !== undefined) values.weight = input.weight;
      if (input.parameterValues) values.parameterValues = input.parameterValues;
      if (!item.libraryKey) {
        if (input.title !== undefined) values.customTitle = input.title;
        if (input.text !== undefined) values.customText = input.text;
        if (input.responseGuidance !== undefined) values.customGuidance = input.responseGuidance;
      }
      return change(tender, context, { action: 'tender.item_updated', entityType: 'tender_item', entityId: itemId, before: { type: item.type, weight: item.weight, parameterValues: item.parameterValues, sectionId: item.sectionId }, after: { key: item.libraryKey ?? item.customKey, ...values, sectionId: input.sectionId ?? item.sectionId } }, async (tx) => {
        if (input.sectionId && input.sectionId !== item.sectionId) {
          const sections = await repo.sections(tx, id);
          if (!sections.some((s) => s.id === input.sectionId)) throw sectionNotFound();
          values.sectionId = input.sectionId;
          values.position = (await repo.items(tx, id)).filter((i) => i.sectionId === input.sectionId).length;
        }
        return compareAndSet({
          entity: 'tender item',
          update: () => repo.updateItem(tx, itemId, values, input.version),
          currentVersion: async () => (await repo.findItem(tx, id, itemId))?.version,
          lastChange: () => audit.lastChange(tx, 'tender_item', itemId),
          notFound: itemNotFound,
        });
      });
    },

    /**
     * Removes an item. With `version` (the item as a confirmation showed it), refused (409) when
     * the item has changed since, so nobody removes what they did not see.
     */
    async removeItem(actor: Actor, id: string, itemId: string, context: AuditContext, version?: number): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
      await change(tender, context, { action: 'tender.item_removed', entityType: 'tender_item', entityId: itemId, before: { key: item.libraryKey ?? item.customKey, version: item.libraryVersion } }, async (tx) => {
        if (version !== undefined) {
          const current = await repo.findItem(tx, id, itemId);
          if (!current) throw itemNotFound();
          if (current.version !== version) throw await stalePart(tx, 'tender_item', itemId, current.version);
        }
        await repo.deleteItem(tx, itemId);
        const rest = (await repo.items(tx, id)).filter((i) => i.sectionId === item.sectionId);
        for (const [position, other] of rest.entries()) if (other.position !== position) await repo.updateItem(tx, other.id, { position });
      });
    },

    /** Moves an item within its section; the moved item's version guards the move, and every item whose position changes gets a new version. */
    async moveItem(actor: Actor, id: string, itemId: string, direction: 'up' | 'down', version: number, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
      await change<Moved>(
        tender,
        context,
        (moved) => ({ action: 'tender.item_moved', entityType: 'tender_item', entityId: itemId, before: { sectionId: item.sectionId, position: moved.from }, after: { direction, sectionId: item.sectionId, position: moved.to } }),
        async (tx) => {
          const siblings = (await repo.items(tx, id)).filter((i) => i.sectionId === item.sectionId);
          const index = siblings.findIndex((i) => i.id === itemId);
          const moved = siblings[index];
          if (!moved) throw itemNotFound();
          if (moved.version !== version) throw await stalePart(tx, 'tender_item', itemId, moved.version);
          const target = direction === 'up' ? index - 1 : index + 1;
          const reordered = [...siblings];
          if (target >= 0 && target < siblings.length) [reordered[index], reordered[target]] = [reordered[target] as TenderItemRow, moved];
          await compareAndSet({
            entity: 'tender item',
            update: () => repo.updateItem(tx, itemId, { position: reordered.indexOf(moved) }, version),
            currentVersion: async () => (await repo.findItem(tx, id, itemId))?.version,
            lastChange: () => audit.lastChange(tx, 'tender_item', itemId),
            notFound: itemNotFound,
          });
          for (const [position, other] of reordered.entries()) if (other.id !== itemId && other.position !== position) await repo.updateItem(tx, other.id, { position });
          return { from: index, to: reordered.indexOf(moved) };
        },
      );
    },

    async upgradeItem(actor: Actor, id: string, itemId: string, version: number, context: AuditContext): Promise<TenderItemRow> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
      if (!item.libraryKey) throw itemNotFound();
      if (item.version !== version) throw await stalePart(db, 'tender_item', itemId, item.version);
      const latest = await library.latestReleased(db, item.libraryKey);
      if (!latest || latest.status !== 'published') throw libraryItemUnavailable(item.libraryKey);
      const kept = Object.fromEntries(Object.entries(item.parameterValues).filter(([name, value]) => checkParameterValues(latest.parameters.filter((p) => p.name === name), { [name]: value }).length === 0 && latest.parameters.some((p) => p.name === name)));
      return change(tender, context, { action: 'tender.item_upgraded', entityType: 'tender_item', entityId: itemId, before: { key: item.libraryKey, version: item.libraryVersion }, after: { key: item.libraryKey, version: latest.version } }, (tx) =>
        compareAndSet({
          entity: 'tender item',
          update: () => repo.updateItem(tx, itemId, { libraryVersion: latest.version, parameterValues: kept }, version),
          currentVersion: async () => (await repo.findItem(tx, id, itemId))?.version,
          lastChange: () => audit.lastChange(tx, 'tender_item', itemId),
          notFound: itemNotFound,
        }),
      );
    },

    async normaliseWeights(actor: Actor, id: string, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const evaluated = (await repo.items(db, id)).filter(isEvaluated);
      const weights = normaliseWeights(evaluated.map((i) => i.weight));
      await change(tender, context, { action: 'tender.weights_normalised', before: Object.fromEntries(evaluated.map((i) => [i.libraryKey ?? i.customKey, i.weight])), after: Object.fromEntries(evaluated.map((i, n) => [i.libraryKey ?? i.customKey, weights[n]])) }, async (tx) => {
        for (const [n, item] of evaluated.entries()) if (item.weight !== weights[n]) await repo.updateItem(tx, item.id, { weight: weights[n] as number });
      });
    },

    async addSection(actor: Actor, id: string, title: string, context: AuditContext): Promise<TenderSectionRow> {
      const { tender } = await loadForEdit(actor, id);
      return change(tender, context, { action: 'tender.section_added', after: { title } }, async (tx) => repo.insertSection(tx, { tenderId: id, position: (await repo.sections(tx, id)).length, title, category: null }));
    },

    async renameSection(actor: Actor, id: string, sectionId: string, title: string, version: number, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const section = (await repo.sections(db, id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      if (section.version !== version) throw await stalePart(db, 'tender_section', sectionId, section.version);
      await change(tender, context, { action: 'tender.section_renamed', entityType: 'tender_section', entityId: sectionId, before: { title: section.title }, after: { title } }, (tx) =>
        compareAndSet({
          entity: 'tender section',
          update: () => repo.updateSection(tx, sectionId, { title }, version),
          currentVersion: async () => (await repo.findSection(tx, id, sectionId))?.version,
          lastChange: () => audit.lastChange(tx, 'tender_section', sectionId),
          notFound: sectionNotFound,
        }),
      );
    },

    /** Moves a section; its version guards the move, and every section whose position changes gets a new version. */
    async moveSection(actor: Actor, id: string, sectionId: string, direction: 'up' | 'down', version: number, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      await change<Moved>(
        tender,
        context,
        (moved) => ({ action: 'tender.section_moved', entityType: 'tender_section', entityId: sectionId, before: { position: moved.from }, after: { direction, position: moved.to } }),
        async (tx) => {
          const sections = await repo.sections(tx, id);
          const index = sections.findIndex((s) => s.id === sectionId);
          const moved = sections[index];
          if (!moved) throw sectionNotFound();
          if (moved.version !== version) throw await stalePart(tx, 'tender_section', sectionId, moved.version);
          const target = direction === 'up' ? index - 1 : index + 1;
          const reordered = [...sections];
          if (target >= 0 && target < sections.length) [reordered[index], reordered[target]] = [reordered[target] as TenderSectionRow, moved];
          await compareAndSet({
            entity: 'tender section',
            update: () => repo.updateSection(tx, sectionId, { position: reordered.indexOf(moved) }, version),
            currentVersion: async () => (await repo.findSection(tx, id, sectionId))?.version,
            lastChange: () => audit.lastChange(tx, 'tender_section', sectionId),
            notFound: sectionNotFound,
          });
          for (const [position, s] of reordered.entries()) if (s.id !== sectionId && s.position !== position) await repo.updateSection(tx, s.id, { position });
          return { from: index, to: reordered.indexOf(moved) };
        },
      );
    },

    /**
     * Removes a section. Only an empty one, unless `withItems` names the items a confirmation
     * listed: they go with it (the audit entry names them). With `version` (the section as the
     * confirmation showed it), refused (409) when the section has changed since or holds other
     * items than those listed.
     */
    async removeSection(actor: Actor, id: string, sectionId: string, context: AuditContext, options: { version?: number; withItems?: string[] } = {}): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const section = (await repo.sections(db, id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      const items = (await repo.items(db, id)).filter((i) => i.sectionId === sectionId);
      if (items.length > 0 && !options.withItems) throw sectionNotEmpty();
      const listed = new Set(options.withItems ?? []);
      const before = { title: section.title, ...(items.length > 0 ? { items: items.map((i) => ({ key: i.libraryKey ?? i.customKey, version: i.libraryVersion })) } : {}) };
      await change(tender, context, { action: 'tender.section_removed', entityType: 'tender_section', entityId: sectionId, before }, async (tx) => {
        if (options.version !== undefined) {
          const current = await repo.findSection(tx, id, sectionId);
          if (!current) throw sectionNotFound();
          if (current.version !== options.version) throw await stalePart(tx, 'tender_section', sectionId, current.version);
        }
        const going = (await repo.items(tx, id)).filter((i) => i.sectionId === sectionId);
        if (options.withItems && (going.length !== listed.size || going.some((i) => !listed.has(i.id)))) throw await stalePart(tx, 'tender_section', sectionId, options.version ?? 0);
        for (const item of going) await repo.deleteItem(tx, item.id);
        await repo.deleteSection(tx, sectionId);
      });
    },

    /**
     * What the tender page shows beside a tender already read for the actor (its view says they
     * may see it): issued revisions, imported responses, the actor's organisations' saved
     * selections, and the buyer organisations the tender's buyer may share it with (every other
     * buyer not yet a co-buyer; none for anyone else), all in one statement.
     */
    async pageSources(actor: Actor, tenderView: TenderSummaryView) {
      const sources = await repo.pageSources(db, { tenderId: tenderView.tender.id, organisationIds: actor.memberships.map((m) => m.organisationId), buyers: tenderView.access.isBuyer, buyerLimit: 500 });
      const coBuyerOptions = sources.buyers.filter((o) => o.id !== tenderView.tender.buyerOrganisationId && !tenderView.coBuyers.some((c) => c.organisationId === o.id));
      return { revisions: sources.revisions, responses: sources.responses, selections: sources.selections, coBuyerOptions };
    },

    /** Shares the tender with a co-buyer or changes its rights. The co-buyers are part of the tender: the tender's version guards the change. */
    async setCoBuyer(actor: Actor, id: string, organisationId: string, canEdit: boolean, version: number, context: AuditContext): Promise<void> {
      const { tender, access } = await loadForEdit(actor, id);
      if (!access.isBuyer) throw tenderEditorRequired();
      const org = await orgs.findById(db, organisationId);
      if (!org || org.kind !== 'buyer' || org.id === tender.buyerOrganisationId) throw coBuyerInvalid();
      await change<CoBuyer | null>(
        tender,
        context,
        (previous) => ({ action: 'tender.co_buyer_set', before: previous ? { organisationId, name: org.name, canEdit: previous.canEdit } : null, after: { organisationId, name: org.name, canEdit } }),
        async (tx) => {
          const previous = (await repo.coBuyers(tx, id)).find((c) => c.organisationId === organisationId) ?? null;
          await repo.upsertCoBuyer(tx, id, organisationId, canEdit);
          return previous;
        },
        version,
      );
    },

    async removeCoBuyer(actor: Actor, id: string, organisationId: string, context: AuditContext): Promise<void> {
      const { tender, access } = await loadForEdit(actor, id);
      if (!access.isBuyer) throw tenderEditorRequired();
      await change<CoBuyer | null>(
        tender,
        context,
        (previous) => ({ action: 'tender.co_buyer_removed', before: { organisationId, name: previous?.name ?? null, canEdit: previous?.canEdit ?? null } }),
        async (tx) => {
          const previous = (await repo.coBuyers(tx, id)).find((c) => c.organisationId === organisationId) ?? null;
          if (!(await repo.deleteCoBuyer(tx, id, organisationId))) throw coBuyerInvalid();
          return previous;
        },
      );
    },

    /** The library's sector packs, offered as quick picks. */
    packs: deps.libraryPacks,

    selections: (actor: Actor) => repo.selections(db, actor.memberships.map((m) => m.organisationId)),

    async createSelection(actor: Actor, input: { name: string; keys: string[]; organisationId?: string | undefined }, context: AuditContext) {
      const organisationId = buyerOrganisationFor(actor, input.organisationId);
      return db.transaction(async (tx) => {
        const row = await repo.insertSelection(tx, { organisationId, name: input.name, keys: [...new Set(input.keys)], createdBy: actor.userId });
        await audit.record(tx, context, { organisationId, action: 'library_selection.created', entityType: 'library_selection', entityId: row.id, after: { name: row.name, keys: row.keys } });
        return row;
      });
    },

    async deleteSelection(actor: Actor, selectionId: string, context: AuditContext): Promise<void> {
      const selection = await repo.findSelection(db, selectionId);
      const membership = selection ? actor.memberships.find((m) => m.organisationId === selection.organisationId) : undefined;
      if (!selection || !membership) throw selectionNotFound();
      if (!EDIT_ROLES.has(membership.role)) throw tenderEditorRequired();
      await db.transaction(async (tx) => {
        await repo.deleteSelection(tx, selectionId);
        await audit.record(tx, context, { organisationId: selection.organisationId, action: 'library_selection.deleted', entityType: 'library_selection', entityId: selectionId, before: { name: selection.name, keys: selection.keys } });
      });
    },
  };
}
