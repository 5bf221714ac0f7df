import type { Actor } from '../auth/actor';
import { coordinationRecord } from '../documents/coordination';
import { TENDER_DOCUMENTS } from '../documents/documents';
import type { JointSetsService } from '../joint-sets/joint-sets.service';
import { jointSetOriginView } from '../joint-sets/joint-sets.views';
import { defaultValue, renderItemTexts, renderTitle, templatesIn } from '../library/clause-template';
import { CATEGORIES, DOMAINS, ITEM_KINDS, REQUIREMENT_TYPES } from '../library/library.codes';
import type { Parameter } from '../library/library.schemas';
import type { LibraryVersionRow } from '../library/library.table';
import type { FieldError } from '../shared/errors';
import { isEvaluated, sharedParametersOf, tenderCreatorMemberships, type TenderSummaryView, type TenderView, type TenderViewItem } from './tenders.access';
import type { TendersService } from './tenders.service';
import type { TenderRow } from './tenders.table';

type Language = 'nb' | 'en';

/** A tender in a list, as the API and the tender list show it. */
export function tenderSummary(tender: TenderRow, buyerName: string) {
  return {
    id: tender.id,
    title: tender.title,
    reference: tender.reference,
    buyerOrganisationId: tender.buyerOrganisationId,
    buyerName,
    status: tender.status,
    language: tender.language,
    domain: tender.domain,
    deadline: tender.deadline,
    currentRevision: tender.currentRevision,
    hasUnissuedChanges: tender.hasUnissuedChanges,
    version: tender.version,
    updatedAt: tender.updatedAt.toISOString(),
  };
}

/** An item of a tender as the API answers it. */
export function tenderItemBody(i: TenderSummaryView['sections'][number]['items'][number], lang: Language) {
  return {
    id: i.id,
    key: i.libraryKey ?? i.customKey ?? '',
    fromLibrary: Boolean(i.libraryKey),
    libraryVersion: i.libraryVersion,
    kind: i.kind,
    type: i.type,
    weight: i.weight,
    title: i.library ? renderTitle(i.library, i.effectiveValues, lang) : (i.customTitle ?? ''),
    parameterValues: i.parameterValues,
    effectiveValues: i.effectiveValues,
    jointSetDeviationId: i.jointSetDeviationId,
    position: i.position,
    version: i.version,
  };
}

/** A tender with its sections and items, as the API answers it and the pages read its details. */
export function tenderBody(view: TenderSummaryView) {
  const lang = view.tender.language;
  return {
    ...tenderSummary(view.tender, view.buyerName),
    description: view.tender.description,
    contactName: view.tender.contactName,
    contactEmail: view.tender.contactEmail,
    parameterDefaults: view.tender.parameterDefaults,
    coBuyers: view.coBuyers,
    canEdit: view.access.canEdit,
    jointSet: coordinationRecord(view.coordination),
    sections: view.sections.map((s) => ({
      id: s.id,
      title: s.title,
      position: s.position,
      category: s.category,
      version: s.version,
      items: s.items.map((i) => tenderItemBody(i, lang)),
    })),
  };
}

/** A parameter as a form field: its value (the library default when none is set), whether it is set here, and which input it needs. */
export function parameterField(parameter: Parameter, value: unknown, own: boolean, lang: Language) {
  return {
    ...parameter,
    value: value ?? defaultValue(parameter, lang),
    own,
    isList: parameter.type === 'choices',
    isChoice: parameter.type === 'choice' || parameter.type === 'choices',
    isNumber: parameter.type === 'integer' || parameter.type === 'number',
  };
}

/** How many answers of a vendor's response are yes, partly and no. */
export function answerCounts(answers: { answer: string }[]) {
  return {
    yes: answers.filter((a) => a.answer === 'yes').length,
    partly: answers.filter((a) => a.answer === 'partly').length,
    no: answers.filter((a) => a.answer === 'no').length,
  };
}

/** What the tender page shows besides the tender: each read by its own service call. */
export type TenderPageSources = {
  view: TenderSummaryView;
  checks: Awaited<ReturnType<TendersService['checks']>>;
  revisions: Awaited<ReturnType<TendersService['revisions']>>;
  responses: Awaited<ReturnType<TendersService['responses']>>;
  selections: Awaited<ReturnType<TendersService['selections']>>;
  coBuyerOptions: Awaited<ReturnType<TendersService['pageSources']>>['coBuyerOptions'];
  origin: Awaited<ReturnType<JointSetsService['origin']>>;
};

/** Where the tender stands and what its editors can do next, as the summary on the tender page says it. */
export type TenderStage = 'blocked' | 'ready' | 'issued' | 'changed' | 'closed';

/**
 * The summary at the top of the tender page: the state and what can be done now, the sections and
 * items counted by type, parameter values still at the library default and those that do not fit,
 * the checks that fail before issue, the weights and the co-buyers.
 */
export function tenderOverview(view: TenderSummaryView, checks: Pick<TenderPageSources['checks'], 'ok' | 'errors' | 'weightSum'>) {
  const { tender } = view;
  const items = view.sections.flatMap((s) => s.items);
  const requirements = items.filter((i) => i.kind === 'requirement');
  let stage: TenderStage;
  if (tender.status === 'closed') stage = 'closed';
  else if (tender.currentRevision && !tender.hasUnissuedChanges) stage = 'issued';
  else if (!checks.ok) stage = 'blocked';
  else stage = tender.currentRevision ? 'changed' : 'ready';
  const parameters = items.flatMap((i) => (i.library?.parameters ?? []).map((p) => ({ own: p.name in i.parameterValues, effective: p.name in i.effectiveValues })));
  return {
    stage,
    sections: view.sections.length,
    items: items.length,
    byType: REQUIREMENT_TYPES.map((type) => ({ type, count: requirements.filter((i) => i.type === type).length })).filter((t) => t.count > 0),
    clauses: items.length - requirements.length,
    ownItems: items.filter((i) => !i.libraryKey).length,
    parameters: {
      total: parameters.length,
      atDefault: parameters.filter((p) => !p.effective).length,
      tenderWide: parameters.filter((p) => p.effective && !p.own).length,
      invalid: checks.errors.filter((e) => e.code === 'parameter').length,
    },
    failing: checks.errors.length,
    weightSum: checks.weightSum,
    evaluated: requirements.filter(isEvaluated).length,
    coBuyers: view.coBuyers.map((c) => c.name),
  };
}

/**
 * The tender page: sections numbered 1, 2, … and items 1.1, 1.2, … with their check problems and
 * newer library versions, the parameters items share, the responses counted, and the joint set the
 * tender started from (its newer revision only while the tender is a draft).
 */
export function tenderPage(sources: TenderPageSources) {
  const { view, checks } = sources;
  const lang = view.tender.language;
  const upgrades = new Map(checks.notices.map((n) => [n.itemId, n]));
  const problems = new Map<string, string[]>();
  for (const e of checks.errors) if (e.itemId) problems.set(e.itemId, [...(problems.get(e.itemId) ?? []), e.message]);
  const origin = jointSetOriginView(sources.origin);
  return {
    title: view.tender.title,
    tender: tenderBody(view),
    access: view.access,
    overview: tenderOverview(view, checks),
    sections: view.sections.map((s, sIndex) => ({
      ...s,
      number: sIndex + 1,
      first: sIndex === 0,
      last: sIndex === view.sections.length - 1,
      byType: REQUIREMENT_TYPES.map((type) => ({ type, count: s.items.filter((i) => i.kind === 'requirement' && i.type === type).length })).filter((t) => t.count > 0),
      clauses: s.items.filter((i) => i.kind === 'clause').length,
      problemCount: s.items.reduce((n, i) => n + (problems.get(i.id)?.length ?? 0), 0),
      upgradeCount: s.items.filter((i) => upgrades.has(i.id)).length,
      items: s.items.map((i, iIndex) => ({
        ...i,
        number: `${sIndex + 1}.${iIndex + 1}`,
        key: i.libraryKey ?? i.customKey,
        title: i.library ? renderTitle(i.library, i.effectiveValues, lang) : i.customTitle,
        evaluated: isEvaluated(i),
        first: iIndex === 0,
        last: iIndex === s.items.length - 1,
        upgrade: upgrades.get(i.id) ?? null,
        problems: problems.get(i.id) ?? [],
      })),
    })),
    checks: { ...checks, notices: checks.notices.map((n) => ({ ...n, itemVersion: view.sections.flatMap((sec) => sec.items).find((i) => i.id === n.itemId)?.version })) },
    revisions: sources.revisions,
    responses: sources.responses.map((r) => ({ ...r, counts: answerCounts(r.answers) })),
    documents: TENDER_DOCUMENTS,
    selections: sources.selections,
    categories: CATEGORIES,
    domains: DOMAINS,
    kinds: ITEM_KINDS,
    types: REQUIREMENT_TYPES,
    sharedParameters: sharedParametersOf(view).map(({ parameter, keys }) => ({
      ...parameterField(parameter, view.tender.parameterDefaults[parameter.name], parameter.name in view.tender.parameterDefaults, lang),
      keys,
    })),
    jointSetOrigin: origin && view.tender.status !== 'draft' ? { ...origin, newer: null } : origin,
    coBuyerOptions: sources.coBuyerOptions,
  };
}

/**
 * The page of one item: its parameters with the values shown (those typed into a refused form,
 * else the item's), and its texts rendered with them; values that do not fit render the defaults.
 */
export function itemPage(view: TenderView, item: TenderViewItem, typedValues?: Record<string, unknown>, typedForm?: Record<string, unknown>) {
  const lang = view.tender.language;
  const lib = item.library;
  const values = typedValues ?? item.effectiveValues;
  const texts = lib ? renderItemTexts(templatesIn(lib, lang), lib.parameters, values, lang) : null;
  return {
    title: `${item.libraryKey ?? item.customKey} – ${view.tender.title}`,
    tender: tenderBody(view),
    access: view.access,
    item: { ...item, key: item.libraryKey ?? item.customKey, title: texts ? texts.title : item.customTitle, ...itemPlace(view, item.id) },
    parameters: (lib?.parameters ?? []).map((p) => parameterField(p, values[p.name], p.name in item.parameterValues || (typedValues !== undefined && typedValues[p.name] !== undefined), lang)),
    preview: texts ? texts.text : (item.customText ?? ''),
    texts,
    sections: view.sections.map((s) => ({ id: s.id, title: s.title })),
    types: REQUIREMENT_TYPES,
    /** The form's fields: what was typed when it is shown again, else what is saved. */
    form: { type: item.type, weight: item.weight, sectionId: item.sectionId, title: item.customTitle, text: item.customText, responseGuidance: item.customGuidance, ...typedForm, version: typedForm?.version ?? item.version },
  };
}

/** Where an item stands in the tender: its number (1.2), its section, and whether it can move up or down. */
function itemPlace(view: TenderView, itemId: string) {
  for (const [sIndex, section] of view.sections.entries()) {
    const iIndex = section.items.findIndex((i) => i.id === itemId);
    if (iIndex >= 0) return { number: `${sIndex + 1}.${iIndex + 1}`, sectionTitle: section.title, first: iIndex === 0, last: iIndex === section.items.length - 1 };
  }
  return { number: '', sectionTitle: '', first: true, last: true };
}

/** The page that asks before an item is removed: what goes, from which section, and the version the removal is based on. */
export function removeItemPage(view: TenderView, item: TenderViewItem) {
  const key = item.libraryKey ?? item.customKey;
  const title = item.library ? renderTitle(item.library, item.effectiveValues, view.tender.language) : item.customTitle;
  return {
    title: `${key} – ${view.tender.title}`,
    tender: tenderBody(view),
    item: { id: item.id, key, title, kind: item.kind, type: item.type, version: item.version, ...itemPlace(view, item.id) },
  };
}

/** The page that asks before a section is removed: the section and every item that goes with it. */
export function removeSectionPage(view: TenderView, sectionId: string) {
  const lang = view.tender.language;
  const index = view.sections.findIndex((s) => s.id === sectionId);
  const section = view.sections[index];
  if (!section) return null;
  return {
    title: `${section.title} – ${view.tender.title}`,
    tender: tenderBody(view),
    section: {
      id: section.id,
      number: index + 1,
      title: section.title,
      version: section.version,
      itemIds: section.items.map((i) => i.id).join(','),
      items: section.items.map((i, iIndex) => ({ number: `${index + 1}.${iIndex + 1}`, key: i.libraryKey ?? i.customKey, title: i.library ? renderTitle(i.library, i.effectiveValues, lang) : i.customTitle })),
    },
  };
}

/** Library items found in the picker, each marked when the tender already has it. */
export function pickerItems<R extends Pick<LibraryVersionRow, 'key' | 'title' | 'parameters'>>(view: TenderView, rows: R[]) {
  const lang = view.tender.language;
  const inTender = new Set(view.sections.flatMap((s) => s.items.map((i) => i.libraryKey)));
  return rows.map((r) => ({ ...r, titleText: renderTitle(r, view.tender.parameterDefaults, lang), inTender: inTender.has(r.key) }));
}

/** The tender list: each tender's summary, and whether the actor may start a new one. */
export function tenderList(actor: Actor, rows: { tender: TenderRow; buyerName: string }[]) {
  return { tenders: rows.map((r) => tenderSummary(r.tender, r.buyerName)), canCreate: tenderCreatorMemberships(actor).length > 0 };
}

/** The form for a new tender: the buyer organisations to create it in, what was typed and its problems. */
export function newTenderForm(actor: Actor, values: Record<string, unknown>, errors: FieldError[]) {
  return { values, errors, organisations: tenderCreatorMemberships(actor), domains: DOMAINS };
}
