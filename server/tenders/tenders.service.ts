import { createHash } from 'node:crypto';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { DocumentCoordination, DocumentItem, DocumentSection, TenderDocumentModel } from '../documents/document-model';
import { checkParameterValues, renderTemplate, type ParameterValues } from '../library/clause-template';
import type { Category, Domain, ItemKind, ParameterValueMap, RequirementType } from '../library/library.codes';
import type { LibraryRepository } from '../library/library.repository';
import { diffVersions, type FieldDiff } from '../library/library.versions';
import type { LibraryVersionRow } from '../library/library.table';
import type { Parameter } from '../library/library.schemas';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { Translator } from '../shared/i18n';
import type { FieldError } from '../shared/errors';
import {
  buyerRequired,
  checksFailed,
  coBuyerInvalid,
  duplicateReference,
  invalidParameterValues,
  itemNotFound,
  libraryItemUnavailable,
  nothingToIssue,
  organisationRequired,
  revisionNotFound,
  sectionNotEmpty,
  sectionNotFound,
  selectionNotFound,
  tenderClosed,
  tenderConflict,
  tenderEditorRequired,
  tenderNotFound,
} from './tenders.errors';
import type { DocumentLibraryText, TendersRepository } from './tenders.repository';
import type { TenderItemRow, TenderRow, TenderSectionRow } from './tenders.table';

const EDIT_ROLES = new Set(['owner', 'editor']);

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

export type TenderAccess = { canView: boolean; canEdit: boolean; isBuyer: boolean };

export type CheckResult = {
  ok: boolean;
  errors: (FieldError & { code: string; itemId?: string; key?: string })[];
  notices: { code: 'newer_version'; itemId: string; key: string; from: string; to: string; changes: FieldDiff[] }[];
  weightSum: number;
};

/** A tender with its sections and items, each item with the library version it pins (of type `L`). */
export type TenderViewOf<L> = {
  tender: TenderRow;
  buyerName: string;
  coBuyers: { organisationId: string; name: string; canEdit: boolean }[];
  access: TenderAccess;
  sections: (TenderSectionRow & { items: (TenderItemRow & { library: L | null; effectiveValues: ParameterValueMap })[] })[];
};
export type TenderView = TenderViewOf<LibraryVersionRow>;
/** What the documents need: the pinned versions' texts and parameters only. */
type DocumentView = TenderViewOf<DocumentLibraryText>;

export type TendersServiceDeps = {
  db: Database;
  tendersRepository: TendersRepository;
  libraryRepository: LibraryRepository;
  organisationsRepository: OrganisationsRepository;
  auditRepository: AuditRepository;
  translator: (lang: 'nb' | 'en') => Translator;
  /** The joint-set coordination statement and the buyer's deviations, for tenders started from a joint set. */
  coordination?: (jointSetRevisionId: string, buyerOrganisationId: string, lang: 'nb' | 'en') => Promise<DocumentCoordination | null>;
  now?: () => Date;
};

/** What a tender started from a joint set holds: sections of pinned library items, deviations applied. */
export type JointSetTenderContent = {
  revisionId: string;
  sections: { title: string; items: { key: string; version: string; kind: ItemKind; type: RequirementType; weight: number; parameterValues: ParameterValueMap; deviationId: string | null }[] }[];
};

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

const isEvaluated = (item: { kind: ItemKind; type: RequirementType }) => item.kind === 'requirement' && item.type !== 'A';

export function createTendersService(deps: TendersServiceDeps) {
  const { db, tendersRepository: repo, libraryRepository: library, organisationsRepository: orgs, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());

  function accessOf(actor: Actor, tender: TenderRow, coBuyers: { organisationId: string; canEdit: boolean }[]): TenderAccess {
    if (actor.isAdmin) return { canView: true, canEdit: tender.status !== 'closed', isBuyer: true };
    const buyer = actor.memberships.find((m) => m.organisationId === tender.buyerOrganisationId);
    const coBuyerMemberships = coBuyers.flatMap((c) => actor.memberships.filter((m) => m.organisationId === c.organisationId).map((m) => ({ ...m, canEdit: c.canEdit })));
    const canView = Boolean(buyer) || coBuyerMemberships.length > 0;
    const editorHere = (buyer && EDIT_ROLES.has(buyer.role)) || coBuyerMemberships.some((m) => m.canEdit && EDIT_ROLES.has(m.role));
    return { canView, canEdit: Boolean(editorHere) && tender.status !== 'closed', isBuyer: Boolean(buyer && EDIT_ROLES.has(buyer.role)) };
  }

  async function load(actor: Actor, id: string): Promise<{ tender: TenderRow; access: TenderAccess; coBuyers: { organisationId: string; name: string; canEdit: boolean }[] }> {
    const tender = await repo.findById(db, id);
    if (!tender) throw tenderNotFound();
    const coBuyers = await repo.coBuyers(db, id);
    const access = accessOf(actor, tender, coBuyers);
    if (!access.canView) throw tenderNotFound();
    return { tender, access, coBuyers };
  }

  async function loadForEdit(actor: Actor, id: string) {
    const loaded = await load(actor, id);
    if (loaded.tender.status === 'closed') throw tenderClosed();
    if (!loaded.access.canEdit) throw tenderEditorRequired();
    return loaded;
  }

  function buyerOrganisationFor(actor: Actor, organisationId: string | undefined): string {
    const eligible = actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.has(m.role));
    if (organisationId) {
      if (eligible.some((m) => m.organisationId === organisationId)) return organisationId;
      throw buyerRequired();
    }
    if (eligible.length === 1) return (eligible[0] as (typeof eligible)[number]).organisationId;
    if (eligible.length === 0) throw buyerRequired();
    throw organisationRequired();
  }

  function sectionTitle(lang: 'nb' | 'en', category: Category): string {
    return deps.translator(lang)(`library.categories.${category}`);
  }

  /** The values an item is rendered with: its own, then the tender's defaults, then the library's. */
  function effectiveValues(parameters: Parameter[], tenderDefaults: ParameterValueMap, own: ParameterValueMap): ParameterValueMap {
    const values: ParameterValueMap = {};
    for (const p of parameters) {
      if (p.name in own) values[p.name] = own[p.name];
      else if (p.name in tenderDefaults && checkParameterValues([p], { [p.name]: tenderDefaults[p.name] }).length === 0) values[p.name] = tenderDefaults[p.name];
    }
    return values;
  }

  type Loaded = Awaited<ReturnType<typeof load>>;

  /** The loaded tender with its sections, each with its items in order and the library version each pins. */
  async function assembleView<L extends { parameters: Parameter[] }>(loaded: Loaded, items: Promise<(TenderItemRow & { library: L | null })[]>): Promise<TenderViewOf<L>> {
    const { tender, access, coBuyers } = loaded;
    const [sections, pinnedItems, buyer] = await Promise.all([repo.sections(db, tender.id), items, orgs.findById(db, tender.buyerOrganisationId)]);
    const bySection = new Map(sections.map((section) => [section.id, [] as TenderViewOf<L>['sections'][number]['items']]));
    for (const item of pinnedItems) {
      bySection.get(item.sectionId)?.push({ ...item, effectiveValues: item.library ? effectiveValues(item.library.parameters, tender.parameterDefaults, item.parameterValues) : {} });
    }
    return { tender, buyerName: buyer?.name ?? '', coBuyers, access, sections: sections.map((section) => ({ ...section, items: bySection.get(section.id) ?? [] })) };
  }

  /** Every item with the whole library version it pins (both languages, sources, verification). */
  async function itemsWithVersions(tenderId: string): Promise<(TenderItemRow & { library: LibraryVersionRow | null })[]> {
    const items = await repo.items(db, tenderId);
    const pinned = items.filter((i) => i.libraryKey && i.libraryVersion).map((i) => ({ key: i.libraryKey as string, version: i.libraryVersion as string }));
    const versions = new Map((await library.findVersions(db, pinned)).map((r) => [`${r.key}@${r.version}`, r]));
    return items.map((item) => ({ ...item, library: versions.get(`${item.libraryKey}@${item.libraryVersion}`) ?? null }));
  }

  const view = async (actor: Actor, id: string): Promise<TenderView> => {
    const loaded = await load(actor, id);
    return assembleView(loaded, itemsWithVersions(id));
  };
  /** The working copy as the documents read it: only the pinned versions' texts, in the tender's language. */
  const documentView = (loaded: Loaded): Promise<DocumentView> => assembleView(loaded, repo.documentItems(db, loaded.tender.id, loaded.tender.language));

  /** A whole view in the form the documents read, for freezing a revision from the checked view. */
  function inLanguage(tenderView: TenderView): DocumentView {
    const lang = tenderView.tender.language;
    return {
      ...tenderView,
      sections: tenderView.sections.map((section) => ({
        ...section,
        items: section.items.map((item) => ({
          ...item,
          library: item.library
            ? { key: item.library.key, version: item.library.version, title: item.library.title[lang], text: item.library.text[lang], responseGuidance: item.library.responseGuidance[lang], parameters: item.library.parameters }
            : null,
        })),
      })),
    };
  }

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

  async function checks(tenderView: TenderView): Promise<CheckResult> {
    const errors: CheckResult['errors'] = [];
    const notices: CheckResult['notices'] = [];
    const lang = tenderView.tender.language;
    const t = deps.translator(lang);
    const all = tenderView.sections.flatMap((s) => s.items);
    if (all.length === 0) errors.push({ code: 'empty', path: 'items', message: t('tenders.checks.empty') });
    const latestByKey = new Map((await library.latestReleasedOfKeys(db, all.map((i) => i.libraryKey).filter((k): k is string => Boolean(k)))).map((r) => [r.key, r]));
    for (const item of all) {
      const key = item.libraryKey ?? item.customKey ?? '';
      if (item.library) {
        for (const problem of checkParameterValues(item.library.parameters, item.effectiveValues)) {
          errors.push({ code: 'parameter', itemId: item.id, key, path: `${key}.${problem.parameter}`, message: t('tenders.checks.parameter', { key, parameter: problem.parameter, problem: problem.message }) });
        }
        if (item.library.status === 'deprecated') {
          errors.push({ code: 'deprecated', itemId: item.id, key, path: key, message: t('tenders.checks.deprecated', { key, version: item.libraryVersion, replacement: item.library.replacedBy ?? '–' }) });
        }
        const latest = latestByKey.get(item.library.key);
        if (latest && latest.version !== item.libraryVersion && latest.status === 'published') {
          notices.push({ code: 'newer_version', itemId: item.id, key, from: item.libraryVersion as string, to: latest.version as string, changes: diffVersions(item.library, latest) });
        }
      } else if (item.libraryKey) {
        errors.push({ code: 'missing_version', itemId: item.id, key, path: key, message: t('tenders.checks.missingVersion', { key, version: item.libraryVersion }) });
      }
    }
    const evaluated = all.filter(isEvaluated);
    const weightSum = evaluated.reduce((sum, i) => sum + i.weight, 0);
    if (evaluated.length > 0 && weightSum !== 100) errors.push({ code: 'weights', path: 'weights', message: t('tenders.checks.weights', { sum: weightSum }) });
    if (!tenderView.tender.contactEmail) errors.push({ code: 'contact', path: 'contactEmail', message: t('tenders.checks.contact') });
    return { ok: errors.length === 0, errors, notices, weightSum };
  }

  /** The resolved document model of the working copy. */
  function modelOf(tenderView: DocumentView, revision: number, isDraft: boolean): TenderDocumentModel {
    const { tender } = tenderView;
    const lang = tender.language;
    const sections: DocumentSection[] = tenderView.sections
      .filter((s) => s.items.length > 0)
      .map((section, sIndex) => ({
        number: String(sIndex + 1),
        title: section.title,
        items: section.items.map((item, iIndex): DocumentItem => {
          const lib = item.library;
          const values = item.effectiveValues as ParameterValues;
          const safeValues = lib && checkParameterValues(lib.parameters, values).length === 0 ? values : {};
          return {
            number: `${sIndex + 1}.${iIndex + 1}`,
            key: item.libraryKey ?? item.customKey ?? '',
            version: item.libraryVersion,
            fromLibrary: Boolean(item.libraryKey),
            kind: item.kind,
            type: item.type,
            weight: isEvaluated(item) ? item.weight : null,
            title: lib ? lib.title : (item.customTitle ?? ''),
            text: lib ? renderTemplate(lib.text, lib.parameters, safeValues, lang) : (item.customText ?? ''),
            responseGuidance: lib ? renderTemplate(lib.responseGuidance, lib.parameters, safeValues, lang) : (item.customGuidance ?? ''),
          };
        }),
      }));
    return {
      tenderId: tender.id,
      language: lang,
      title: tender.title,
      reference: tender.reference,
      revision,
      isDraft,
      date: now().toISOString().slice(0, 10),
      buyers: [tenderView.buyerName, ...tenderView.coBuyers.map((c) => c.name)],
      contact: tender.contactName || tender.contactEmail ? { name: tender.contactName, email: tender.contactEmail } : null,
      deadline: tender.deadline,
      description: tender.description,
      domain: tender.domain ? deps.translator(lang)(`library.domains.${tender.domain}`) : null,
      sections,
    };
  }

  async function withCoordination(model: TenderDocumentModel, tender: TenderRow): Promise<TenderDocumentModel> {
    if (!tender.jointSetRevisionId || !deps.coordination) return model;
    return { ...model, coordination: await deps.coordination(tender.jointSetRevisionId, tender.buyerOrganisationId, tender.language) };
  }

  function requirementSetOf(model: TenderDocumentModel, tenderView: TenderViewOf<unknown>) {
    const values = new Map(tenderView.sections.flatMap((s) => s.items).map((i) => [i.libraryKey ?? i.customKey, i.effectiveValues]));
    return {
      tender: { id: model.tenderId, title: model.title, reference: model.reference, revision: model.revision, language: model.language, buyers: model.buyers, deadline: model.deadline, domain: tenderView.tender.domain },
      sections: model.sections.map((s) => ({ number: s.number, title: s.title, items: s.items.map((i) => ({ ...i, parameterValues: values.get(i.key) ?? {} })) })),
    };
  }

  async function guardVersion(tender: TenderRow, expected: number | undefined) {
    if (expected !== undefined && expected !== tender.version) throw tenderConflict(tender.version);
  }

  async function change<T>(tender: TenderRow, context: AuditContext, entry: { action: string; entityType?: string; entityId?: string | null; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null }, work: (tx: Database) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      const locked = await repo.lock(tx, tender.id);
      if (!locked) throw tenderNotFound();
      const result = await work(tx);
      await repo.touch(tx, tender.id);
      await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: entry.action, entityType: entry.entityType ?? 'tender', entityId: entry.entityId ?? tender.id, before: entry.before ?? null, after: { tenderId: tender.id, ...(entry.after ?? {}) } });
      return result;
    });
  }

  async function sectionFor(tx: Database, tender: TenderRow, category: Category, cache: Map<string, TenderSectionRow>): Promise<TenderSectionRow> {
    const cached = cache.get(category);
    if (cached) return cached;
    const sections = await repo.sections(tx, tender.id);
    const existing = sections.find((s) => s.category === category);
    if (existing) {
      cache.set(category, existing);
      return existing;
    }
    const created = await repo.insertSection(tx, { tenderId: tender.id, position: sections.length, title: sectionTitle(tender.language, category), category });
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

  async function requireItem(tenderId: string, itemId: string): Promise<TenderItemRow> {
    const item = (await repo.items(db, tenderId)).find((i) => i.id === itemId);
    if (!item) throw itemNotFound();
    return item;
  }

  return {
    accessOf,
    view,
    checks,

    async list(actor: Actor, filter: { status?: TenderRow['status'] | undefined; q?: string | undefined }, page: { limit: number; offset: number }) {
      return repo.list(db, { ...filter, organisationIds: actor.isAdmin ? 'all' : actor.memberships.filter((m) => m.kind === 'buyer').map((m) => m.organisationId) }, page);
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

    async update(actor: Actor, id: string, input: Partial<TenderInput> & { version?: number | undefined; parameterDefaults?: ParameterValueMap | undefined }, context: AuditContext): Promise<TenderRow> {
      const { tender } = await loadForEdit(actor, id);
      await guardVersion(tender, input.version);
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
        const updated = await repo.update(tx, id, tender.version, { ...values, hasUnissuedChanges: true });
        if (!updated) throw tenderConflict((await repo.findById(tx, id))?.version ?? tender.version + 1);
        await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: 'tender.updated', entityType: 'tender', entityId: id, before, after });
        return updated;
      });
    },

    async addLibraryItems(actor: Actor, id: string, keys: string[], context: AuditContext): Promise<{ added: string[]; skipped: string[] }> {
      const { tender } = await loadForEdit(actor, id);
      const rows = await library.latestReleasedOfKeys(db, [...new Set(keys)]);
      const missing = keys.filter((k) => !rows.some((r) => r.key === k && r.status === 'published'));
      if (missing.length > 0) throw libraryItemUnavailable(missing.join(', '));
      const ordered = keys.map((k) => rows.find((r) => r.key === k) as LibraryVersionRow);
      return change(tender, context, { action: 'tender.items_added', after: { keys } }, (tx) => addLibraryRows(tx, tender, ordered));
    },

    /** Quick picks: every published item for the tender's domain, every clause of a category, or a saved selection. */
    async quickPick(actor: Actor, id: string, pick: { domain: true } | { clausesOf: Category } | { selectionId: string }, context: AuditContext) {
      const { tender } = await loadForEdit(actor, id);
      let keys: string[];
      if ('domain' in pick) {
        keys = (await library.search(db, { domain: tender.domain ?? undefined, status: 'published', sort: 'category', lang: tender.language, limit: 10_000, offset: 0 }, [])).rows.map((r) => r.key);
      } else if ('clausesOf' in pick) {
        keys = (await library.search(db, { kind: 'clause', category: pick.clausesOf, status: 'published', sort: 'key', lang: tender.language, limit: 10_000, offset: 0 }, [])).rows.map((r) => r.key);
      } else {
        const selection = await repo.findSelection(db, pick.selectionId);
        if (!selection || !actor.memberships.some((m) => m.organisationId === selection.organisationId)) throw selectionNotFound();
        keys = selection.keys;
      }
      const rows = await library.latestReleasedOfKeys(db, keys);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      const ordered = keys.map((k) => byKey.get(k)).filter((r): r is LibraryVersionRow => Boolean(r));
      return change(tender, context, { action: 'tender.items_added', after: { pick, keys: ordered.map((r) => r.key) } }, (tx) => addLibraryRows(tx, tender, ordered));
    },

    async addCustomItem(actor: Actor, id: string, input: { kind: ItemKind; type: RequirementType; weight: number; title: string; text: string; responseGuidance: string; sectionId?: string | undefined }, context: AuditContext): Promise<TenderItemRow> {
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
    },

    async updateItem(
      actor: Actor,
      id: string,
      itemId: string,
      input: { type?: RequirementType | undefined; weight?: number | undefined; parameterValues?: ParameterValueMap | undefined; sectionId?: string | undefined; title?: string | undefined; text?: string | undefined; responseGuidance?: string | undefined },
      context: AuditContext,
    ): Promise<TenderItemRow> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
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
        return repo.updateItem(tx, itemId, values);
      });
    },

    async removeItem(actor: Actor, id: string, itemId: string, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
      await change(tender, context, { action: 'tender.item_removed', entityType: 'tender_item', entityId: itemId, before: { key: item.libraryKey ?? item.customKey, version: item.libraryVersion } }, async (tx) => {
        await repo.deleteItem(tx, itemId);
        const rest = (await repo.items(tx, id)).filter((i) => i.sectionId === item.sectionId);
        for (const [position, other] of rest.entries()) if (other.position !== position) await repo.updateItem(tx, other.id, { position });
      });
    },

    async moveItem(actor: Actor, id: string, itemId: string, direction: 'up' | 'down', context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
      await change(tender, context, { action: 'tender.item_moved', entityType: 'tender_item', entityId: itemId, after: { direction } }, async (tx) => {
        const siblings = (await repo.items(tx, id)).filter((i) => i.sectionId === item.sectionId);
        const index = siblings.findIndex((i) => i.id === itemId);
        const target = direction === 'up' ? index - 1 : index + 1;
        if (target < 0 || target >= siblings.length) return;
        const reordered = [...siblings];
        [reordered[index], reordered[target]] = [reordered[target] as TenderItemRow, reordered[index] as TenderItemRow];
        for (const [position, other] of reordered.entries()) await repo.updateItem(tx, other.id, { position });
      });
    },

    async upgradeItem(actor: Actor, id: string, itemId: string, context: AuditContext): Promise<TenderItemRow> {
      const { tender } = await loadForEdit(actor, id);
      const item = await requireItem(id, itemId);
      if (!item.libraryKey) throw itemNotFound();
      const latest = await library.latestReleased(db, item.libraryKey);
      if (!latest || latest.status !== 'published') throw libraryItemUnavailable(item.libraryKey);
      const kept = Object.fromEntries(Object.entries(item.parameterValues).filter(([name, value]) => checkParameterValues(latest.parameters.filter((p) => p.name === name), { [name]: value }).length === 0 && latest.parameters.some((p) => p.name === name)));
      return change(tender, context, { action: 'tender.item_upgraded', entityType: 'tender_item', entityId: itemId, before: { key: item.libraryKey, version: item.libraryVersion }, after: { key: item.libraryKey, version: latest.version } }, (tx) =>
        repo.updateItem(tx, itemId, { libraryVersion: latest.version, parameterValues: kept }),
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

    async renameSection(actor: Actor, id: string, sectionId: string, title: string, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const section = (await repo.sections(db, id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      await change(tender, context, { action: 'tender.section_renamed', entityType: 'tender_section', entityId: sectionId, before: { title: section.title }, after: { title } }, (tx) => repo.updateSection(tx, sectionId, { title }));
    },

    async moveSection(actor: Actor, id: string, sectionId: string, direction: 'up' | 'down', context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      await change(tender, context, { action: 'tender.section_moved', entityType: 'tender_section', entityId: sectionId, after: { direction } }, async (tx) => {
        const sections = await repo.sections(tx, id);
        const index = sections.findIndex((s) => s.id === sectionId);
        if (index < 0) throw sectionNotFound();
        const target = direction === 'up' ? index - 1 : index + 1;
        if (target < 0 || target >= sections.length) return;
        const reordered = [...sections];
        [reordered[index], reordered[target]] = [reordered[target] as TenderSectionRow, reordered[index] as TenderSectionRow];
        for (const [position, s] of reordered.entries()) await repo.updateSection(tx, s.id, { position });
      });
    },

    async removeSection(actor: Actor, id: string, sectionId: string, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      const section = (await repo.sections(db, id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      if ((await repo.items(db, id)).some((i) => i.sectionId === sectionId)) throw sectionNotEmpty();
      await change(tender, context, { action: 'tender.section_removed', entityType: 'tender_section', entityId: sectionId, before: { title: section.title } }, (tx) => repo.deleteSection(tx, sectionId));
    },

    async setCoBuyer(actor: Actor, id: string, organisationId: string, canEdit: boolean, context: AuditContext): Promise<void> {
      const { tender, access } = await loadForEdit(actor, id);
      if (!access.isBuyer) throw tenderEditorRequired();
      const org = await orgs.findById(db, organisationId);
      if (!org || org.kind !== 'buyer' || org.id === tender.buyerOrganisationId) throw coBuyerInvalid();
      await change(tender, context, { action: 'tender.co_buyer_set', after: { organisationId, name: org.name, canEdit } }, (tx) => repo.upsertCoBuyer(tx, id, organisationId, canEdit));
    },

    async removeCoBuyer(actor: Actor, id: string, organisationId: string, context: AuditContext): Promise<void> {
      const { tender, access } = await loadForEdit(actor, id);
      if (!access.isBuyer) throw tenderEditorRequired();
      await change(tender, context, { action: 'tender.co_buyer_removed', before: { organisationId } }, async (tx) => {
        if (!(await repo.deleteCoBuyer(tx, id, organisationId))) throw coBuyerInvalid();
      });
    },

    /** Freezes the working copy as the next revision, after every check passes. */
    async issue(actor: Actor, id: string, context: AuditContext): Promise<{ revision: number }> {
      const { tender } = await loadForEdit(actor, id);
      if (tender.currentRevision > 0 && !tender.hasUnissuedChanges) throw nothingToIssue();
      const current = await view(actor, id);
      const result = await checks(current);
      if (!result.ok) throw checksFailed(result.errors.map((e) => ({ path: e.path, message: e.message })));
      const revision = tender.currentRevision + 1;
      const model = await withCoordination(modelOf(inLanguage(current), revision, false), tender);
      return db.transaction(async (tx) => {
        const locked = await repo.lock(tx, id);
        if (!locked || locked.version !== tender.version) throw tenderConflict(locked?.version ?? tender.version);
        await repo.insertRevision(tx, { tenderId: id, revision, model, requirementSet: requirementSetOf(model, current), issuedBy: actor.userId });
        await repo.update(tx, id, tender.version, { status: 'issued', currentRevision: revision, hasUnissuedChanges: false });
        await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: 'tender.issued', entityType: 'tender', entityId: id, before: { status: tender.status, revision: tender.currentRevision }, after: { status: 'issued', revision } });
        return { revision };
      });
    },

    async close(actor: Actor, id: string, context: AuditContext): Promise<void> {
      const { tender } = await loadForEdit(actor, id);
      await db.transaction(async (tx) => {
        const updated = await repo.update(tx, id, tender.version, { status: 'closed' });
        if (!updated) throw tenderConflict(tender.version + 1);
        await audit.record(tx, context, { organisationId: tender.buyerOrganisationId, action: 'tender.closed', entityType: 'tender', entityId: id, before: { status: tender.status }, after: { status: 'closed' } });
      });
    },

    revisions: async (actor: Actor, id: string) => {
      await load(actor, id);
      return repo.revisions(db, id);
    },

    /**
     * The document model of a revision: an issued one from its frozen snapshot, or without a
     * revision the newest issued one when nothing changed since, else the working copy as a draft.
     */
    async documentModel(actor: Actor, id: string, revision?: number): Promise<{ model: TenderDocumentModel; requirementSet: Record<string, unknown> }> {
      const loaded = await load(actor, id);
      const { tender } = loaded;
      const wanted = revision ?? (tender.currentRevision > 0 && !tender.hasUnissuedChanges ? tender.currentRevision : undefined);
      if (wanted !== undefined) {
        const row = await repo.findRevision(db, id, wanted);
        if (!row) throw revisionNotFound(wanted);
        return { model: row.model, requirementSet: row.requirementSet };
      }
      const current = await documentView(loaded);
      const model = await withCoordination(modelOf(current, tender.currentRevision + 1, true), tender);
      return { model, requirementSet: requirementSetOf(model, current) };
    },

    async recordGeneration(actor: Actor, id: string, document: { name: string; revision: number; isDraft: boolean; bytes: Buffer }, context: AuditContext): Promise<string> {
      const { tender } = await load(actor, id);
      const sha256 = createHash('sha256').update(document.bytes).digest('hex');
      await audit.record(db, context, { organisationId: tender.buyerOrganisationId, action: 'tender.document_generated', entityType: 'tender', entityId: id, after: { document: document.name, revision: document.revision, draft: document.isDraft, sha256, bytes: document.bytes.length } });
      return sha256;
    },

    async saveResponse(actor: Actor, id: string, input: { revision: number; vendorName: string; answers: { key: string; answer: 'yes' | 'partly' | 'no'; explanation: string; documentation: string }[]; fileSha256: string }, context: AuditContext) {
      const { tender, access } = await load(actor, id);
      if (!access.canEdit && !actor.isAdmin) throw tenderEditorRequired();
      return db.transaction(async (tx) => {
        const existing = await repo.findResponse(tx, id, input.revision, input.vendorName);
        const saved = await repo.saveResponse(tx, { tenderId: id, revision: input.revision, vendorName: input.vendorName, answers: input.answers, fileSha256: input.fileSha256, importedAt: now(), importedBy: actor.userId }, existing?.id ?? null);
        await audit.record(tx, context, {
          organisationId: tender.buyerOrganisationId,
          action: existing ? 'tender.response_replaced' : 'tender.response_imported',
          entityType: 'tender_response',
          entityId: saved.id,
          before: existing ? { fileSha256: existing.fileSha256, answers: existing.answers.length } : null,
          after: { vendorName: input.vendorName, revision: input.revision, fileSha256: input.fileSha256, answers: input.answers.length },
        });
        return saved;
      });
    },

    responses: async (actor: Actor, id: string) => {
      await load(actor, id);
      return repo.responses(db, id);
    },

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

export type TendersService = ReturnType<typeof createTendersService>;
