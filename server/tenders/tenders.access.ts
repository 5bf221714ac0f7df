import type { Actor } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { DocumentCoordination } from '../documents/document-model';
import { checkParameterValues } from '../library/clause-template';
import type { ItemKind, ParameterValueMap, RequirementType } from '../library/library.codes';
import type { LibraryRepository } from '../library/library.repository';
import type { Parameter } from '../library/library.schemas';
import type { LibraryPackRow, LibraryVersionRow } from '../library/library.table';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { Translator } from '../shared/i18n';
import { buyerRequired, itemNotFound, organisationRequired, tenderClosed, tenderEditorRequired, tenderNotFound } from './tenders.errors';
import type { DocumentLibraryText, TendersRepository } from './tenders.repository';
import type { TenderItemRow, TenderRow, TenderSectionRow } from './tenders.table';

/** What every use case of the tenders feature is built from. */
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
  /** The newest released version and status of every library key, as the library's cache holds it: most tenders pin those, and then the checks need not ask the database. */
  newestReleased?: () => Promise<ReadonlyMap<string, { version: string; status: string }>>;
  /** The library's sector packs, as its cache holds them: every tender page offers them. */
  libraryPacks: () => Promise<readonly LibraryPackRow[]>;
};

export const EDIT_ROLES = new Set(['owner', 'editor']);

export type TenderAccess = { canView: boolean; canEdit: boolean; isBuyer: boolean };
export type CoBuyer = { organisationId: string; name: string; canEdit: boolean };

/** A tender with its sections and items, each item with the library version it pins (of type `L`). */
export type TenderViewOf<L> = {
  tender: TenderRow;
  buyerName: string;
  coBuyers: CoBuyer[];
  access: TenderAccess;
  /** The joint-set revision the tender started from, its signatories and the buyer's deviations; null when it did not start from one. */
  coordination?: DocumentCoordination | null;
  sections: (TenderSectionRow & { items: (TenderItemRow & { library: L | null; effectiveValues: ParameterValueMap })[] })[];
};
export type TenderView = TenderViewOf<LibraryVersionRow>;
/** What the tender page and the checks read of a pinned version: the whole version is several times larger. */
export type PinnedSummary = Pick<LibraryVersionRow, 'key' | 'version' | 'status' | 'replacedBy' | 'title' | 'parameters'>;
export type TenderSummaryView = TenderViewOf<PinnedSummary>;
export type TenderViewItem = TenderView['sections'][number]['items'][number];
/** What the documents need: the pinned versions' texts and parameters only. */
export type DocumentView = TenderViewOf<DocumentLibraryText>;

/** A tender as loaded for an actor: the row, what the actor may do with it, and its co-buyers. */
export type LoadedTender = { tender: TenderRow; buyerName: string; access: TenderAccess; coBuyers: CoBuyer[] };

/** Requirements scored in the evaluation: weights count for them only. */
export const isEvaluated = (item: { kind: ItemKind; type: RequirementType }) => item.kind === 'requirement' && item.type !== 'A';

/**
 * What an actor may do with a tender: members of the buyer and of co-buyers see it; editors and
 * owners of the buyer, and of co-buyers allowed to edit, change it until it is closed.
 */
export function accessOf(actor: Actor, tender: TenderRow, coBuyers: { organisationId: string; canEdit: boolean }[]): TenderAccess {
  if (actor.isAdmin) return { canView: true, canEdit: tender.status !== 'closed', isBuyer: true };
  const buyer = actor.memberships.find((m) => m.organisationId === tender.buyerOrganisationId);
  const coBuyerMemberships = coBuyers.flatMap((c) => actor.memberships.filter((m) => m.organisationId === c.organisationId).map((m) => ({ ...m, canEdit: c.canEdit })));
  const canView = Boolean(buyer) || coBuyerMemberships.length > 0;
  const editorHere = (buyer && EDIT_ROLES.has(buyer.role)) || coBuyerMemberships.some((m) => m.canEdit && EDIT_ROLES.has(m.role));
  return { canView, canEdit: Boolean(editorHere) && tender.status !== 'closed', isBuyer: Boolean(buyer && EDIT_ROLES.has(buyer.role)) };
}

/** The buyer organisations where the actor may start a tender: those where they are editor or owner. */
export function tenderCreatorMemberships(actor: Actor): Actor['memberships'] {
  return actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.has(m.role));
}

/** The buyer a new tender or selection belongs to: the one named, or the only one the actor may create in. */
export function buyerOrganisationFor(actor: Actor, organisationId: string | undefined): string {
  const eligible = tenderCreatorMemberships(actor);
  if (organisationId) {
    if (eligible.some((m) => m.organisationId === organisationId)) return organisationId;
    throw buyerRequired();
  }
  if (eligible.length === 1) return (eligible[0] as (typeof eligible)[number]).organisationId;
  if (eligible.length === 0) throw buyerRequired();
  throw organisationRequired();
}

/** Parameters that several items of the tender declare under the same name: set once for the whole tender. */
export function sharedParametersOf(view: TenderSummaryView): { parameter: Parameter; keys: string[] }[] {
  const byName = new Map<string, { parameter: Parameter; keys: string[] }>();
  for (const item of view.sections.flatMap((s) => s.items)) {
    for (const parameter of item.library?.parameters ?? []) {
      const entry = byName.get(parameter.name) ?? { parameter, keys: [] };
      entry.keys.push(item.libraryKey as string);
      byName.set(parameter.name, entry);
    }
  }
  return [...byName.values()].sort((a, b) => a.parameter.name.localeCompare(b.parameter.name));
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

/** Loading a tender for an actor, refusing those who may not see (404) or change it (403, 409 when closed). */
export function createTenderLoaders(deps: Pick<TendersServiceDeps, 'db' | 'tendersRepository' | 'coordination'>) {
  const { db, tendersRepository: repo } = deps;

  async function load(actor: Actor, id: string): Promise<LoadedTender> {
    const found = await repo.findWithParties(db, id);
    if (!found) throw tenderNotFound();
    const { tender, buyerName, coBuyers } = found;
    const access = accessOf(actor, tender, coBuyers);
    if (!access.canView) throw tenderNotFound();
    return { tender, buyerName, access, coBuyers };
  }

  async function loadForEdit(actor: Actor, id: string): Promise<LoadedTender> {
    const loaded = await load(actor, id);
    if (loaded.tender.status === 'closed') throw tenderClosed();
    if (!loaded.access.canEdit) throw tenderEditorRequired();
    return loaded;
  }

  /** The loaded tender with its sections, each with its items in order and the library version each pins. */
  async function assembleView<L extends { parameters: Parameter[] }>(loaded: LoadedTender, contents: Promise<{ sections: TenderSectionRow[]; items: (TenderItemRow & { library: L | null })[] }>): Promise<TenderViewOf<L>> {
    const { tender, buyerName, access, coBuyers } = loaded;
    const [{ sections, items: pinnedItems }, coordination] = await Promise.all([
      contents,
      tender.jointSetRevisionId && deps.coordination ? deps.coordination(tender.jointSetRevisionId, tender.buyerOrganisationId, tender.language) : null,
    ]);
    const bySection = new Map(sections.map((section) => [section.id, [] as TenderViewOf<L>['sections'][number]['items']]));
    for (const item of pinnedItems) {
      bySection.get(item.sectionId)?.push({ ...item, effectiveValues: item.library ? effectiveValues(item.library.parameters, tender.parameterDefaults, item.parameterValues) : {} });
    }
    return { tender, buyerName, coBuyers, access, coordination, sections: sections.map((section) => ({ ...section, items: bySection.get(section.id) ?? [] })) };
  }

  /** The tender with every item and the whole library version it pins (both languages, sources, verification). */
  async function view(actor: Actor, id: string): Promise<TenderView> {
    return assembleView(await load(actor, id), repo.contents(db, id, 'whole'));
  }

  /** The tender as its page shows it: every item with what the page and the checks read of the version it pins. */
  async function summaryView(actor: Actor, id: string): Promise<TenderSummaryView> {
    return assembleView(await load(actor, id), repo.contents(db, id, 'summary'));
  }

  return {
    load,
    loadForEdit,
    view,
    summaryView,

    /** The working copy as the documents read it: only the pinned versions' texts, in the tender's language. */
    documentView: (loaded: LoadedTender): Promise<DocumentView> =>
      assembleView(loaded, Promise.all([repo.sections(db, loaded.tender.id), repo.documentItems(db, loaded.tender.id, loaded.tender.language)]).then(([sections, items]) => ({ sections, items }))),

    /** One item of the tender with the whole tender around it. */
    async item(actor: Actor, id: string, itemId: string): Promise<{ view: TenderView; item: TenderViewItem }> {
      const tenderView = await view(actor, id);
      const item = tenderView.sections.flatMap((s) => s.items).find((i) => i.id === itemId);
      if (!item) throw itemNotFound();
      return { view: tenderView, item };
    },

    /** An item as stored, for changing it. */
    async requireItem(tenderId: string, itemId: string): Promise<TenderItemRow> {
      const item = await repo.findItem(db, tenderId, itemId);
      if (!item) throw itemNotFound();
      return item;
    },
  };
}

export type TenderLoaders = ReturnType<typeof createTenderLoaders>;
