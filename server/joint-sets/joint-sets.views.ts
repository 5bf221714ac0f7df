import type { Actor, ActorMembership } from '../auth/actor';
import { DOMAINS, REQUIREMENT_TYPES } from '../library/library.codes';
import type { OrganisationRow } from '../organisations/organisations.table';
import type { FieldError } from '../shared/errors';
import type { BaseContext } from '../shared/http/route';
import type { JointSetOrigin } from './joint-set-tenders.service';
import { buyerEditorships, type LoadedRevision, type SetView } from './joint-sets.access';
import type { Coordination, DeviationView, RevisionView, SectionView } from './joint-sets.content';
import { diffBody } from './joint-sets.diff';
import { COMMENT_POSITIONS, COMMENT_RESOLUTIONS, type JointSetRevisionRow, type JointSetRow } from './joint-sets.table';
import { renderTitle } from '../library/clause-template';

type Lang = 'nb' | 'en';
type Translate = BaseContext['t'];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A parameter value as one line of text: lists joined with commas, nothing as empty. */
export const listText = (value: unknown) => (Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? '' : String(value));

/** The diff as the pages show it: each changed field on its own row. */
export function diffView(from: number, to: number, diff: Parameters<typeof diffBody>[2]) {
  const body = diffBody(from, to, diff);
  return {
    ...body,
    changed: body.changed.map((c) => ({
      key: c.key,
      fields: (['type', 'weight', 'parameterValues', 'section'] as const)
        .filter((f) => c[f] !== undefined)
        .map((f) => ({ field: f, from: f === 'parameterValues' ? JSON.stringify(c[f]?.from) : String(c[f]?.from), to: f === 'parameterValues' ? JSON.stringify(c[f]?.to) : String(c[f]?.to) })),
    })),
    empty: body.added.length + body.removed.length + body.versionChanged.length + body.changed.length === 0,
  };
}

/** For the tender and profile pages: the joint set they started from, and a newer adopted revision's changes. */
export function jointSetOriginView(origin: JointSetOrigin) {
  if (!origin) return null;
  return { setId: origin.set.id, title: origin.set.title, number: origin.revision.number, newer: origin.newer ? { to: origin.newer.to.number, diff: diffView(origin.revision.number, origin.newer.to.number, origin.newer.diff) } : null };
}

// The API's bodies.

export function revisionSummary(r: JointSetRevisionRow) {
  return { number: r.number, status: r.status, basedOn: r.basedOnNumber, changeNote: r.changeNote, createdAt: r.createdAt.toISOString(), consultationStartedAt: iso(r.consultationStartedAt), adoptedAt: iso(r.adoptedAt), supersededAt: iso(r.supersededAt), imported: r.importedAt !== null };
}

export function setListBody(sets: (JointSetRow & { coordinatorName: string; revisions: JointSetRevisionRow[] })[]) {
  return { items: sets.map((s) => ({ id: s.id, title: s.title, coordinator: s.coordinatorName, isPublic: s.isPublic, revisions: s.revisions.map(revisionSummary) })) };
}

export function setBody(view: SetView) {
  return {
    id: view.set.id,
    title: view.set.title,
    description: view.set.description,
    domain: view.set.domain,
    isPublic: view.set.isPublic,
    coordinator: { organisationId: view.set.coordinatorOrganisationId, name: view.coordinatorName },
    participants: view.participants.map((p) => ({ organisationId: p.organisationId, name: p.name, status: p.status, invitedAt: p.invitedAt.toISOString(), respondedAt: iso(p.respondedAt) })),
    revisions: view.revisions.map(revisionSummary),
    access: { isParticipant: view.access.isParticipant, isCoordinator: view.access.isCoordinator },
    version: view.set.version,
  };
}

export function coordinationBody(revision: JointSetRevisionRow, c: Coordination) {
  const signoff = (s: Coordination['signed'][number]) => ({ organisationId: s.organisationId, name: s.organisationName, decision: s.decision, note: s.note, by: s.userName, at: s.decidedAt.toISOString() });
  return { revision: revision.number, status: revision.status, signed: c.signed.map(signoff), declined: c.declined.map(signoff), pending: c.pending, imported: c.imported };
}

export function deviationBody(d: DeviationView) {
  return { id: d.id, key: d.libraryKey, organisationId: d.organisationId, organisation: d.organisationName, kind: d.kind, type: d.type, weight: d.weight, parameterValues: d.parameterValues, justification: d.justification, updatedAt: d.updatedAt.toISOString(), version: d.version };
}

export function revisionBody(view: RevisionView, lang: Lang) {
  const keys = new Map(view.sections.flatMap((s) => s.items).map((i) => [i.id, i.libraryKey]));
  return {
    setId: view.set.id,
    number: view.revision.number,
    status: view.revision.status,
    basedOn: view.revision.basedOnNumber,
    changeNote: view.revision.changeNote,
    adoptedAt: iso(view.revision.adoptedAt),
    version: view.revision.version,
    sections: view.sections.map((s) => ({
      id: s.id,
      title: s.title,
      position: s.position,
      version: s.version,
      items: s.items.map((i) => ({ id: i.id, key: i.libraryKey, libraryVersion: i.libraryVersion, title: i.library ? renderTitle(i.library, i.parameterValues, lang) : i.libraryKey, kind: i.library?.kind ?? null, type: i.type, weight: i.weight, parameterValues: i.parameterValues, version: i.version })),
    })),
    comments:
      view.comments?.map((c) => ({ id: c.id, itemId: c.itemId, key: keys.get(c.itemId) ?? '', organisationId: c.organisationId, organisation: c.organisationName, author: c.authorName, position: c.position, text: c.text, createdAt: c.createdAt.toISOString(), resolution: c.resolution, response: c.response, resolvedAt: iso(c.resolvedAt), version: c.version })) ?? null,
    deviations: view.deviations?.map(deviationBody) ?? null,
    coordination: coordinationBody(view.revision, view.coordination),
  };
}

// The pages' data.

/** The list page: each set with its newest and its adopted revision; whether the reader may start one. */
export function setListPage(sets: (JointSetRow & { coordinatorName: string; revisions: JointSetRevisionRow[] })[], actor: Actor) {
  return {
    sets: sets.map((s) => ({ ...s, newest: s.revisions[0] ?? null, adopted: s.revisions.find((r) => r.status === 'adopted') ?? null })),
    canCreate: buyerEditorships(actor).length > 0,
  };
}

/** The set page: details, participants (the coordinator marked), revisions, and the forms the reader may use. */
export function setPage(view: SetView, inviteOptions: OrganisationRow[]) {
  return {
    title: view.set.title,
    nav: 'joint-sets',
    set: view.set,
    coordinatorName: view.coordinatorName,
    participants: view.participants.map((p) => ({ ...p, isCoordinator: p.organisationId === view.set.coordinatorOrganisationId })),
    revisions: view.revisions,
    access: view.access,
    canStartRevision: view.access.isCoordinator && !view.revisions.some((r) => r.status === 'draft' || r.status === 'consultation'),
    inviteOptions,
    domains: DOMAINS,
    diffDefaults: { from: view.revisions[1]?.number ?? view.revisions[0]?.number ?? 1, to: view.revisions[0]?.number ?? 1 },
    adopted: view.revisions.find((r) => r.status === 'adopted'),
    values: view.set,
  };
}

/**
 * The revision page: sections and items numbered 1, 1.1, 1.2…, each item with its parameters,
 * comments and deviations (the reader's own marked), and flags for what the reader can do.
 */
export function revisionPage(view: RevisionView, actor: Actor, lang: Lang, t: Translate) {
  const comments = view.comments ?? [];
  const deviations = view.deviations ?? [];
  const actingIds = new Set(view.access.actingOrganisations.map((m) => m.organisationId));
  const status = view.revision.status;
  const acting = view.access.actingOrganisations.length > 0;
  return {
    title: `${view.set.title} – ${t('jointSets.revision.title', { number: view.revision.number })}`,
    nav: 'joint-sets',
    set: view.set,
    coordinatorName: view.coordinatorName,
    revision: view.revision,
    access: view.access,
    editable: view.access.isCoordinator && status === 'draft',
    inConsultation: status === 'consultation',
    isAdopted: status === 'adopted',
    isPublished: status === 'adopted' || status === 'superseded',
    canDeviate: acting && (status === 'consultation' || status === 'adopted'),
    canComment: acting && status === 'consultation',
    actingOrganisations: view.access.actingOrganisations,
    buyerOrganisations: buyerEditorships(actor),
    types: REQUIREMENT_TYPES,
    positions: COMMENT_POSITIONS,
    resolutions: COMMENT_RESOLUTIONS,
    openComments: comments.filter((c) => !c.resolution).length,
    sections: view.sections.map((section, sIndex) => ({
      ...section,
      number: sIndex + 1,
      items: section.items.map((item, iIndex) => ({
        ...item,
        number: `${sIndex + 1}.${iIndex + 1}`,
        title: item.library ? renderTitle(item.library, item.parameterValues, lang) : item.libraryKey,
        kind: item.library?.kind ?? null,
        parameters: (item.library?.parameters ?? []).map((p) => ({ name: p.name, label: p.label[lang], value: listText(item.parameterValues[p.name] ?? p.default), own: p.name in item.parameterValues })),
        comments: comments.filter((c) => c.itemId === item.id),
        deviations: deviations.filter((d) => d.libraryKey === item.libraryKey).map((d) => ({ ...d, mine: actingIds.has(d.organisationId) })),
        /** The version of the reader's own deviation from the item, 0 when it has none: what the deviation form is based on. */
        myDeviationVersion: deviations.find((d) => d.libraryKey === item.libraryKey && actingIds.has(d.organisationId))?.version ?? 0,
      })),
    })),
  };
}

/** The consultation report page: the revision page's items with their comments, and the accepted participants. */
export function consultationPage(view: RevisionView, actor: Actor, lang: Lang, t: Translate) {
  return {
    ...revisionPage(view, actor, lang, t),
    title: `${t('jointSets.consultation.title')} – ${view.set.title}`,
    participants: view.participants.filter((p) => p.status === 'accepted'),
    commentCount: (view.comments ?? []).length,
  };
}

/** The sign-off page; the reader's organisations that may still sign, while the revision is the adopted one. */
export function coordinationPage(view: RevisionView, t: Translate) {
  return {
    title: `${t('jointSets.coordination.title')} – ${view.set.title}`,
    nav: 'joint-sets',
    set: view.set,
    revision: view.revision,
    coordination: view.coordination,
    signingOrganisations: view.revision.status === 'adopted' ? view.access.signingOrganisations.filter((m) => !view.coordination.signed.some((s) => s.organisationId === m.organisationId)) : [],
  };
}

/** The deviations page: each organisation's deviations, each beside the set's own type, weight and values. */
export function deviationsPage(view: LoadedRevision & { deviations: DeviationView[]; sections: SectionView[] }, lang: Lang, t: Translate) {
  const items = new Map(view.sections.flatMap((s) => s.items).map((i) => [i.libraryKey, i]));
  const byOrganisation = new Map<string, { name: string; deviations: unknown[] }>();
  for (const d of view.deviations) {
    const entry = byOrganisation.get(d.organisationId) ?? { name: d.organisationName, deviations: [] };
    const item = items.get(d.libraryKey);
    entry.deviations.push({
      ...d,
      title: item?.library ? renderTitle(item.library, item.parameterValues, lang) : d.libraryKey,
      setType: item?.type,
      setWeight: item?.weight,
      setValues: item?.parameterValues,
      values: d.parameterValues ? Object.entries(d.parameterValues).map(([name, value]) => ({ name, value: listText(value), setValue: listText(item?.parameterValues[name]) || '–' })) : [],
    });
    byOrganisation.set(d.organisationId, entry);
  }
  return { title: `${t('jointSets.deviations.title')} – ${view.set.title}`, nav: 'joint-sets', set: view.set, revision: view.revision, organisations: [...byOrganisation.values()] };
}

/** The page comparing two revisions. */
export function diffPage(view: SetView, from: JointSetRevisionRow, to: JointSetRevisionRow, diff: Parameters<typeof diffBody>[2], t: Translate) {
  return { title: t('jointSets.diff.title', { from: from.number, to: to.number }), nav: 'joint-sets', set: view.set, revisions: view.revisions, diff: diffView(from.number, to.number, diff) };
}

/** The form for a new set, for the buyer organisations the reader may start one for. */
export function newSetPage(organisations: ActorMembership[], values: Record<string, unknown>, errors: FieldError[], t: Translate) {
  return { title: t('jointSets.new.title'), nav: 'joint-sets', values, errors, organisations, domains: DOMAINS };
}

/** The form for importing a package, for the buyer organisations the reader may import for. */
export function importPage(organisations: ActorMembership[], errors: FieldError[], t: Translate) {
  return { title: t('jointSets.import.title'), nav: 'joint-sets', errors, organisations };
}
