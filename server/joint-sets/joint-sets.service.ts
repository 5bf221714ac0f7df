import { createHash } from 'node:crypto';
import type { Actor, ActorMembership, AuditContext } from '../auth/actor';
import type { AuditEntry, AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { DocumentCoordination, DocumentDeviation } from '../documents/document-model';
import { checkParameterValues } from '../library/clause-template';
import type { Category, Domain, ItemKind, RequirementType } from '../library/library.codes';
import type { LibraryRepository } from '../library/library.repository';
import type { LibraryVersionRow } from '../library/library.table';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { Translator } from '../shared/i18n';
import type { ParameterValueMap } from '../library/library.codes';
import { diffRevisions, type DiffItem, type RevisionDiff } from './joint-sets.diff';
import {
  alreadySigned,
  buyerRequired,
  commentNotFound,
  coordinatorRequired,
  deviationInvalid,
  deviationNotFound,
  emptyRevision,
  invalidParameterValues,
  invitationNotPending,
  itemNotFound,
  jointSetNotFound,
  libraryItemUnavailable,
  openRevisionExists,
  organisationRequired,
  ownerRequired,
  participantInvalid,
  participantRequired,
  revisionNotFound,
  sectionNotFound,
  unresolvedComments,
  wrongState,
} from './joint-sets.errors';
import type { JointSetsRepository, ParticipantView } from './joint-sets.repository';
import type {
  CommentPosition,
  CommentResolution,
  DeviationKind,
  JointSetCommentRow,
  JointSetDeviationRow,
  JointSetItemRow,
  JointSetRevisionRow,
  JointSetRow,
  JointSetSectionRow,
  JointSetSignoffRow,
  RevisionStatus,
  SignoffDecision,
} from './joint-sets.table';

const EDIT_ROLES = new Set(['owner', 'editor']);
/** Revisions anybody who may read a public set sees; the others stay with the participants. */
const PUBLISHED: ReadonlySet<RevisionStatus> = new Set(['adopted', 'superseded']);

export type JointSetAccess = {
  /** Member of the coordinator or of a participant that is invited or accepted (or an administrator). */
  isParticipant: boolean;
  /** May edit the set and its open revision: owners and editors of the coordinator, and administrators. */
  isCoordinator: boolean;
  /** Accepted participating organisations where the actor is owner or editor: they comment and deviate. */
  actingOrganisations: ActorMembership[];
  /** Accepted participating organisations where the actor is owner: they sign off. */
  signingOrganisations: ActorMembership[];
  /** Organisations with a pending invitation where the actor is owner or editor. */
  invitedOrganisations: ActorMembership[];
};

export type ItemView = JointSetItemRow & { library: LibraryVersionRow | null };
export type SectionView = JointSetSectionRow & { items: ItemView[] };
export type CommentView = JointSetCommentRow & { organisationName: string };
export type DeviationView = JointSetDeviationRow & { organisationName: string };
export type SignoffView = JointSetSignoffRow & { organisationName: string };

export type Coordination = {
  signed: SignoffView[];
  declined: SignoffView[];
  pending: { organisationId: string; name: string }[];
  imported: { organisation: string; signedAt: string }[];
};

export type SetView = { set: JointSetRow; coordinatorName: string; participants: ParticipantView[]; revisions: JointSetRevisionRow[]; access: JointSetAccess };
export type RevisionView = SetView & {
  revision: JointSetRevisionRow;
  sections: SectionView[];
  /** Comments, deviations and pending invitations are for participants; null for other readers. */
  comments: CommentView[] | null;
  deviations: DeviationView[] | null;
  coordination: Coordination;
};

export type DeviationInput = { kind: DeviationKind; type?: RequirementType | undefined; weight?: number | undefined; parameterValues?: ParameterValueMap | undefined; justification: string; organisationId?: string | undefined };

/** The content a tender starts from: the revision's items with the buyer's deviations applied. */
export type TenderContent = {
  revisionId: string;
  sections: { title: string; items: { key: string; version: string; kind: ItemKind; type: RequirementType; weight: number; parameterValues: ParameterValueMap; deviationId: string | null }[] }[];
};

export type CreateTenderFromSet = (actor: Actor, input: { title: string; reference: string; language: 'nb' | 'en'; contactName?: string | undefined; contactEmail?: string | undefined; deadline?: string | null | undefined; domain?: Domain | null | undefined; organisationId?: string | undefined }, content: TenderContent, context: AuditContext) => Promise<{ id: string }>;
export type CreateProfileFromSet = (actor: Actor, input: { name: string; description?: string | undefined; visibility?: 'private' | 'shared' | 'public' | undefined; organisationId?: string | undefined; items: { key: string; version: string; type: RequirementType; weight: number }[]; jointSetRevisionId: string }, context: AuditContext) => Promise<{ id: string }>;

export type JointSetsServiceDeps = {
  db: Database;
  jointSetsRepository: JointSetsRepository;
  libraryRepository: LibraryRepository;
  organisationsRepository: OrganisationsRepository;
  auditRepository: AuditRepository;
  translator: (lang: 'nb' | 'en') => Translator;
  createTender: CreateTenderFromSet;
  createProfile: CreateProfileFromSet;
  now?: () => Date;
};

const isEvaluated = (kind: ItemKind, type: RequirementType) => kind === 'requirement' && type !== 'A';

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (value === undefined || value === null) return '–';
  return String(value);
}

/** A deviation as the documents list it: left out, or each changed field with the set's value and the buyer's. */
export function describeDeviation(deviation: JointSetDeviationRow, item: JointSetItemRow | undefined, title: string): DocumentDeviation {
  const changes: DocumentDeviation['changes'] = [];
  if (deviation.kind === 'change' && item) {
    if (deviation.type && deviation.type !== item.type) changes.push({ field: 'type', from: item.type, to: deviation.type });
    if (deviation.weight !== null && deviation.weight !== item.weight) changes.push({ field: 'weight', from: String(item.weight), to: String(deviation.weight) });
    for (const [name, value] of Object.entries(deviation.parameterValues ?? {})) changes.push({ field: name, from: formatValue(item.parameterValues[name]), to: formatValue(value) });
  }
  return { key: deviation.libraryKey, title, excluded: deviation.kind === 'exclude', changes, justification: deviation.justification };
}

/**
 * The coordination statement and the buyer's deviations for a tender that started from a joint
 * set revision; the tenders service calls it when it builds a document model.
 */
export function createCoordinationLookup(deps: { db: Database; jointSetsRepository: JointSetsRepository; libraryRepository: LibraryRepository }) {
  const { db, jointSetsRepository: repo, libraryRepository: library } = deps;
  return async (revisionId: string, buyerOrganisationId: string, lang: 'nb' | 'en'): Promise<DocumentCoordination | null> => {
    const revision = await repo.findRevision(db, revisionId);
    if (!revision) return null;
    const set = await repo.findById(db, revision.jointSetId);
    if (!set) return null;
    const [signoffs, deviations, items] = await Promise.all([repo.signoffs(db, revisionId), repo.deviations(db, revisionId), repo.items(db, revisionId)]);
    const own = deviations.filter((d) => d.organisationId === buyerOrganisationId);
    const byKey = new Map(items.map((i) => [i.libraryKey, i]));
    const versions = new Map((await library.findVersions(db, items.map((i) => ({ key: i.libraryKey, version: i.libraryVersion })))).map((r) => [r.key, r]));
    return {
      setTitle: set.title,
      revision: revision.number,
      adoptedOn: revision.adoptedAt ? revision.adoptedAt.toISOString().slice(0, 10) : null,
      organisations: [...signoffs.filter((s) => s.decision === 'signed').map((s) => s.organisationName), ...revision.importedSignoffs.map((s) => s.organisation)],
      deviations: own.map((d) => describeDeviation(d, byKey.get(d.libraryKey), versions.get(d.libraryKey)?.title[lang] ?? d.libraryKey)),
    };
  };
}

export function createJointSetsService(deps: JointSetsServiceDeps) {
  const { db, jointSetsRepository: repo, libraryRepository: library, organisationsRepository: orgs, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());

  function accessOf(actor: Actor, set: JointSetRow, participants: ParticipantView[]): JointSetAccess {
    const mine = (statuses: string[], roles: Set<string>) =>
      actor.memberships.filter((m) => roles.has(m.role) && participants.some((p) => p.organisationId === m.organisationId && statuses.includes(p.status)));
    const coordinatorRole = actor.memberships.find((m) => m.organisationId === set.coordinatorOrganisationId)?.role;
    const isMember = actor.memberships.some((m) => participants.some((p) => p.organisationId === m.organisationId && p.status !== 'declined'));
    return {
      isParticipant: actor.isAdmin || isMember,
      isCoordinator: actor.isAdmin || EDIT_ROLES.has(coordinatorRole ?? ''),
      actingOrganisations: mine(['accepted'], EDIT_ROLES),
      signingOrganisations: mine(['accepted'], new Set(['owner'])),
      invitedOrganisations: mine(['invited'], EDIT_ROLES),
    };
  }

  /** Readers of a public set who do not take part: buyers and councils (vendors are not). */
  const isBuyerSide = (actor: Actor) => actor.memberships.some((m) => m.kind === 'buyer' || m.kind === 'council');

  async function load(actor: Actor, id: string): Promise<SetView> {
    const set = await repo.findById(db, id);
    if (!set) throw jointSetNotFound();
    const [participants, allRevisions, coordinator] = await Promise.all([repo.participants(db, id), repo.revisions(db, id), orgs.findById(db, set.coordinatorOrganisationId)]);
    const access = accessOf(actor, set, participants);
    const published = allRevisions.filter((r) => PUBLISHED.has(r.status));
    if (!access.isParticipant && !(set.isPublic && published.length > 0 && isBuyerSide(actor))) throw jointSetNotFound();
    return { set, coordinatorName: coordinator?.name ?? '', participants: access.isParticipant ? participants : participants.filter((p) => p.status === 'accepted'), revisions: access.isParticipant ? allRevisions : published, access };
  }

  async function loadRevision(actor: Actor, id: string, number: number): Promise<SetView & { revision: JointSetRevisionRow }> {
    const view = await load(actor, id);
    const revision = view.revisions.find((r) => r.number === number);
    if (!revision) throw revisionNotFound();
    return { ...view, revision };
  }

  async function loadForCoordinator(actor: Actor, id: string) {
    const view = await load(actor, id);
    if (!view.access.isCoordinator) throw coordinatorRequired();
    return view;
  }

  async function loadDraft(actor: Actor, id: string, number: number) {
    const view = await loadRevision(actor, id, number);
    if (!view.access.isCoordinator) throw coordinatorRequired();
    if (view.revision.status !== 'draft') throw wrongState(view.revision.status, 'be edited; only a draft can');
    return view;
  }

  function pickOrganisation(candidates: ActorMembership[], organisationId: string | undefined, refuse: () => Error): ActorMembership {
    if (organisationId) {
      const chosen = candidates.find((m) => m.organisationId === organisationId);
      if (!chosen) throw refuse();
      return chosen;
    }
    if (candidates.length === 1) return candidates[0] as ActorMembership;
    if (candidates.length === 0) throw refuse();
    throw organisationRequired();
  }

  /** Runs a change in one transaction with its audit entries, and marks the set as changed. */
  async function change<T>(set: JointSetRow, context: AuditContext, entries: (AuditEntry | ((result: T) => AuditEntry))[], work: (tx: Database) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      if (!(await repo.lock(tx, set.id))) throw jointSetNotFound();
      const result = await work(tx);
      await repo.touch(tx, set.id);
      await audit.recordMany(
        tx,
        context,
        entries.map((e) => (typeof e === 'function' ? e(result) : e)),
      );
      return result;
    });
  }

  const entry = (set: JointSetRow, action: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
    organisationId: set.coordinatorOrganisationId,
    action,
    entityType: 'joint_set',
    entityId: set.id,
    ...extra,
    after: { jointSetId: set.id, ...(extra.after ?? {}) },
  });

  async function pinned(items: { libraryKey: string; libraryVersion: string }[]): Promise<Map<string, LibraryVersionRow>> {
    const rows = await library.findVersions(db, items.map((i) => ({ key: i.libraryKey, version: i.libraryVersion })));
    return new Map(rows.map((r) => [`${r.key}@${r.version}`, r]));
  }

  async function sectionsOf(revisionId: string): Promise<SectionView[]> {
    const [sections, items] = await Promise.all([repo.sections(db, revisionId), repo.items(db, revisionId)]);
    const versions = await pinned(items);
    return sections.map((s) => ({ ...s, items: items.filter((i) => i.sectionId === s.id).map((i) => ({ ...i, library: versions.get(`${i.libraryKey}@${i.libraryVersion}`) ?? null })) }));
  }

  async function coordinationOf(view: SetView, revision: JointSetRevisionRow): Promise<Coordination> {
    const signoffs = await repo.signoffs(db, revision.id);
    const decided = new Set(signoffs.map((s) => s.organisationId));
    return {
      signed: signoffs.filter((s) => s.decision === 'signed'),
      declined: signoffs.filter((s) => s.decision === 'declined'),
      pending: revision.status === 'adopted' ? view.participants.filter((p) => p.status === 'accepted' && !decided.has(p.organisationId)).map((p) => ({ organisationId: p.organisationId, name: p.name })) : [],
      imported: revision.importedSignoffs,
    };
  }

  async function requireItem(revisionId: string, itemId: string): Promise<JointSetItemRow> {
    const item = (await repo.items(db, revisionId)).find((i) => i.id === itemId);
    if (!item) throw itemNotFound();
    return item;
  }

  async function sectionFor(tx: Database, revisionId: string, category: Category, lang: 'nb' | 'en', cache: Map<string, JointSetSectionRow>): Promise<JointSetSectionRow> {
    const title = deps.translator(lang)(`library.categories.${category}`);
    const cached = cache.get(title);
    if (cached) return cached;
    const sections = await repo.sections(tx, revisionId);
    const section = sections.find((s) => s.title === title) ?? (await repo.insertSection(tx, { revisionId, position: sections.length, title }));
    cache.set(title, section);
    return section;
  }

  async function diffItems(revisionId: string): Promise<DiffItem[]> {
    const [sections, items] = await Promise.all([repo.sections(db, revisionId), repo.items(db, revisionId)]);
    const titles = new Map(sections.map((s) => [s.id, s.title]));
    return items.map((i) => ({ key: i.libraryKey, version: i.libraryVersion, section: titles.get(i.sectionId) ?? '', type: i.type, weight: i.weight, parameterValues: i.parameterValues }));
  }

  async function diffOf(from: JointSetRevisionRow, to: JointSetRevisionRow): Promise<RevisionDiff> {
    const [a, b] = await Promise.all([diffItems(from.id), diffItems(to.id)]);
    const versions = await pinned([...a, ...b].map((i) => ({ libraryKey: i.key, libraryVersion: i.version })));
    return diffRevisions(a, b, versions);
  }

  function checkDeviation(input: DeviationInput, item: JointSetItemRow, lib: LibraryVersionRow | undefined): void {
    if (input.kind === 'exclude') {
      if (input.type !== undefined || input.weight !== undefined || input.parameterValues !== undefined) throw deviationInvalid('A deviation that leaves the item out takes no type, weight or parameter values.', 'kind');
      return;
    }
    if (input.type === undefined && input.weight === undefined && (input.parameterValues === undefined || Object.keys(input.parameterValues).length === 0)) {
      throw deviationInvalid('Say what your organisation uses instead: a type, a weight or parameter values.', 'type');
    }
    if (input.parameterValues) {
      const parameters = lib?.parameters ?? [];
      const unknown = Object.keys(input.parameterValues).filter((name) => !parameters.some((p) => p.name === name));
      if (unknown.length > 0) throw invalidParameterValues(unknown.map((name) => ({ path: `parameterValues.${name}`, message: `${item.libraryKey} has no parameter ${name}` })));
      const problems = checkParameterValues(parameters.filter((p) => p.name in (input.parameterValues as ParameterValueMap)), input.parameterValues as never);
      if (problems.length > 0) throw invalidParameterValues(problems.map((p) => ({ path: `parameterValues.${p.parameter}`, message: p.message })));
    }
  }

  return {
    accessOf,

    async list(actor: Actor) {
      const organisationIds = actor.isAdmin ? ('all' as const) : actor.memberships.map((m) => m.organisationId);
      const rows = await repo.list(db, { organisationIds, includePublic: isBuyerSide(actor) });
      const visible: (JointSetRow & { coordinatorName: string; revisions: JointSetRevisionRow[] })[] = [];
      for (const row of rows) {
        const view = await load(actor, row.id).catch(() => null);
        if (view) visible.push({ ...row, revisions: view.revisions });
      }
      return visible;
    },

    view: load,

    async create(actor: Actor, input: { title: string; description?: string | undefined; domain?: Domain | null | undefined; isPublic?: boolean | undefined; organisationId?: string | undefined }, context: AuditContext): Promise<JointSetRow> {
      const coordinator = pickOrganisation(
        actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.has(m.role)),
        input.organisationId,
        buyerRequired,
      );
      return db.transaction(async (tx) => {
        const set = await repo.insert(tx, { title: input.title, description: input.description ?? '', domain: input.domain ?? null, isPublic: input.isPublic ?? false, coordinatorOrganisationId: coordinator.organisationId, createdBy: actor.userId });
        await repo.insertParticipant(tx, { jointSetId: set.id, organisationId: coordinator.organisationId, status: 'accepted', respondedAt: now(), respondedBy: actor.userId });
        const revision = await repo.insertRevision(tx, { jointSetId: set.id, number: 1, status: 'draft', createdBy: actor.userId });
        await audit.record(tx, context, entry(set, 'joint_set.created', { after: { title: set.title, isPublic: set.isPublic, domain: set.domain, revision: revision.number } }));
        return set;
      });
    },

    async update(actor: Actor, id: string, input: { title?: string | undefined; description?: string | undefined; domain?: Domain | null | undefined; isPublic?: boolean | undefined }, context: AuditContext): Promise<JointSetRow> {
      const { set } = await loadForCoordinator(actor, id);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const field of ['title', 'description', 'domain', 'isPublic'] as const) {
        if (input[field] !== undefined && input[field] !== set[field]) {
          before[field] = set[field];
          after[field] = input[field];
        }
      }
      if (Object.keys(after).length === 0) return set;
      return change(set, context, [entry(set, 'joint_set.updated', { before, after })], (tx) => repo.update(tx, id, after));
    },

    async invite(actor: Actor, id: string, organisationId: string, context: AuditContext): Promise<void> {
      const { set, participants } = await loadForCoordinator(actor, id);
      const org = await orgs.findById(db, organisationId);
      if (!org || org.kind !== 'buyer' || org.id === set.coordinatorOrganisationId) throw participantInvalid();
      const existing = participants.find((p) => p.organisationId === organisationId);
      if (existing && existing.status !== 'declined') return;
      await change(set, context, [entry(set, 'joint_set.participant_invited', { after: { organisationId, name: org.name } })], async (tx) => {
        if (existing) await repo.updateParticipant(tx, id, organisationId, { status: 'invited', invitedAt: now(), respondedAt: null, respondedBy: null });
        else await repo.insertParticipant(tx, { jointSetId: id, organisationId, status: 'invited', invitedAt: now() });
      });
    },

    async removeParticipant(actor: Actor, id: string, organisationId: string, context: AuditContext): Promise<void> {
      const { set, participants } = await loadForCoordinator(actor, id);
      const participant = participants.find((p) => p.organisationId === organisationId);
      if (!participant || organisationId === set.coordinatorOrganisationId) throw participantInvalid();
      await change(set, context, [entry(set, 'joint_set.participant_removed', { before: { organisationId, name: participant.name, status: participant.status } })], async (tx) => {
        await repo.deleteParticipant(tx, id, organisationId);
      });
    },

    async respond(actor: Actor, id: string, input: { response: 'accept' | 'decline'; organisationId?: string | undefined }, context: AuditContext): Promise<void> {
      const { set, access, participants } = await load(actor, id);
      const invitedMember = actor.memberships.some((m) => participants.some((p) => p.organisationId === m.organisationId && p.status === 'invited'));
      const organisation = pickOrganisation(access.invitedOrganisations, input.organisationId, invitedMember && access.invitedOrganisations.length === 0 ? participantRequired : invitationNotPending);
      const status = input.response === 'accept' ? 'accepted' : 'declined';
      await change(set, context, [{ organisationId: organisation.organisationId, action: `joint_set.invitation_${status}`, entityType: 'joint_set', entityId: id, before: { status: 'invited' }, after: { jointSetId: id, status, title: set.title } }], (tx) =>
        repo.updateParticipant(tx, id, organisation.organisationId, { status, respondedAt: now(), respondedBy: actor.userId }),
      );
    },

    async revision(actor: Actor, id: string, number: number): Promise<RevisionView> {
      const view = await loadRevision(actor, id, number);
      const [sections, comments, deviations, coordination] = await Promise.all([
        sectionsOf(view.revision.id),
        view.access.isParticipant ? repo.comments(db, view.revision.id) : Promise.resolve(null),
        view.access.isParticipant ? repo.deviations(db, view.revision.id) : Promise.resolve(null),
        coordinationOf(view, view.revision),
      ]);
      return { ...view, sections, comments, deviations, coordination };
    },

    /** A new draft as a copy of the adopted revision (or of the newest one), with its sections, items and deviations. */
    async newRevision(actor: Actor, id: string, input: { changeNote?: string | undefined }, context: AuditContext): Promise<JointSetRevisionRow> {
      const { set, revisions } = await loadForCoordinator(actor, id);
      if (revisions.some((r) => r.status === 'draft' || r.status === 'consultation')) throw openRevisionExists();
      const base = revisions.find((r) => r.status === 'adopted') ?? revisions[0];
      const number = (revisions[0]?.number ?? 0) + 1;
      return change(set, context, [(r: JointSetRevisionRow) => entry(set, 'joint_set.revision_created', { entityType: 'joint_set_revision', entityId: r.id, after: { number, basedOn: base?.number ?? null, changeNote: input.changeNote ?? '' } })], async (tx) => {
        const revision = await repo.insertRevision(tx, { jointSetId: id, number, status: 'draft', basedOnNumber: base?.number ?? null, changeNote: input.changeNote ?? '', createdBy: actor.userId });
        if (base) {
          const sectionIds = new Map<string, string>();
          for (const section of await repo.sections(tx, base.id)) sectionIds.set(section.id, (await repo.insertSection(tx, { revisionId: revision.id, position: section.position, title: section.title })).id);
          const items = await repo.items(tx, base.id);
          await repo.insertItems(tx, items.map(({ id: _id, revisionId: _r, sectionId, ...rest }) => ({ ...rest, revisionId: revision.id, sectionId: sectionIds.get(sectionId) as string })));
          const deviations = await repo.deviations(tx, base.id);
          await repo.insertDeviations(tx, deviations.map(({ id: _id, revisionId: _r, organisationName: _n, updatedAt: _u, ...rest }) => ({ ...rest, revisionId: revision.id })));
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
      return change(set, context, [(r: { added: string[] }) => entry(set, 'joint_set.items_added', { entityType: 'joint_set_revision', entityId: revision.id, after: { revision: number, keys: r.added } })], async (tx) => {
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
        return { added, skipped };
      });
    },

    async updateItem(actor: Actor, id: string, number: number, itemId: string, input: { type?: RequirementType | undefined; weight?: number | undefined; parameterValues?: ParameterValueMap | undefined; sectionId?: string | undefined; libraryVersion?: string | undefined }, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const item = await requireItem(revision.id, itemId);
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
        const problems = [...unknown.map((name) => ({ path: `parameterValues.${name}`, message: `${item.libraryKey} ${version} has no parameter ${name}` })), ...checkParameterValues(lib.parameters.filter((p) => p.name in parameterValues), parameterValues as never).map((p) => ({ path: `parameterValues.${p.parameter}`, message: p.message }))];
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
        [entry(set, 'joint_set.item_updated', { entityType: 'joint_set_item', entityId: itemId, before: { key: item.libraryKey, version: item.libraryVersion, type: item.type, weight: item.weight, parameterValues: item.parameterValues, sectionId: item.sectionId }, after: { revision: number, key: item.libraryKey, ...values } })],
        (tx) => repo.updateItem(tx, itemId, values),
      );
    },

    async removeItem(actor: Actor, id: string, number: number, itemId: string, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const item = await requireItem(revision.id, itemId);
      await change(set, context, [entry(set, 'joint_set.item_removed', { entityType: 'joint_set_item', entityId: itemId, before: { key: item.libraryKey, version: item.libraryVersion }, after: { revision: number } })], async (tx) => {
        await repo.deleteItem(tx, itemId);
        const rest = (await repo.items(tx, revision.id)).filter((i) => i.sectionId === item.sectionId);
        for (const [position, other] of rest.entries()) if (other.position !== position) await repo.updateItem(tx, other.id, { position });
      });
    },

    async addSection(actor: Actor, id: string, number: number, title: string, context: AuditContext): Promise<JointSetSectionRow> {
      const { set, revision } = await loadDraft(actor, id, number);
      return change(set, context, [(s: JointSetSectionRow) => entry(set, 'joint_set.section_added', { entityType: 'joint_set_section', entityId: s.id, after: { revision: number, title } })], async (tx) =>
        repo.insertSection(tx, { revisionId: revision.id, position: (await repo.sections(tx, revision.id)).length, title }),
      );
    },

    async renameSection(actor: Actor, id: string, number: number, sectionId: string, title: string, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const section = (await repo.sections(db, revision.id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      await change(set, context, [entry(set, 'joint_set.section_renamed', { entityType: 'joint_set_section', entityId: sectionId, before: { title: section.title }, after: { revision: number, title } })], (tx) => repo.updateSection(tx, sectionId, { title }));
    },

    async removeSection(actor: Actor, id: string, number: number, sectionId: string, context: AuditContext): Promise<void> {
      const { set, revision } = await loadDraft(actor, id, number);
      const section = (await repo.sections(db, revision.id)).find((s) => s.id === sectionId);
      if (!section) throw sectionNotFound();
      if ((await repo.items(db, revision.id)).some((i) => i.sectionId === sectionId)) throw wrongState('draft', 'remove a section that still has items');
      await change(set, context, [entry(set, 'joint_set.section_removed', { entityType: 'joint_set_section', entityId: sectionId, before: { title: section.title }, after: { revision: number } })], (tx) => repo.deleteSection(tx, sectionId));
    },

    /** draft → consultation (with items), consultation → draft (to apply what the consultation gave), consultation → adopted (every comment resolved). */
    async transition(actor: Actor, id: string, number: number, to: 'consultation' | 'draft' | 'adopted', context: AuditContext): Promise<JointSetRevisionRow> {
      const { set, revision, access, revisions } = await loadRevision(actor, id, number);
      if (!access.isCoordinator) throw coordinatorRequired();
      const from = revision.status;
      const allowed = (from === 'draft' && to === 'consultation') || (from === 'consultation' && (to === 'draft' || to === 'adopted'));
      if (!allowed) throw wrongState(from, `move to ${to}`);
      if (to !== 'draft' && (await repo.items(db, revision.id)).length === 0) throw emptyRevision();
      if (to === 'adopted') {
        const open = (await repo.comments(db, revision.id)).filter((c) => !c.resolution).length;
        if (open > 0) throw unresolvedComments(open);
      }
      const previous = to === 'adopted' ? revisions.find((r) => r.status === 'adopted') : undefined;
      const entries: AuditEntry[] = [entry(set, `joint_set.revision_${to === 'draft' ? 'reopened' : to}`, { entityType: 'joint_set_revision', entityId: revision.id, before: { status: from }, after: { revision: number, status: to } })];
      if (previous) entries.push(entry(set, 'joint_set.revision_superseded', { entityType: 'joint_set_revision', entityId: previous.id, before: { status: 'adopted' }, after: { revision: previous.number, status: 'superseded', by: number } }));
      return change(set, context, entries, async (tx) => {
        if (previous) await repo.moveRevision(tx, previous.id, 'adopted', { status: 'superseded', supersededAt: now() });
        const values = to === 'consultation' ? { status: to, consultationStartedAt: now() } : to === 'adopted' ? { status: to, adoptedAt: now(), adoptedBy: actor.userId } : { status: to };
        const moved = await repo.moveRevision(tx, revision.id, from, values);
        if (!moved) throw wrongState(from, `move to ${to}`);
        return moved;
      });
    },

    async comment(actor: Actor, id: string, number: number, input: { itemId: string; position: CommentPosition; text: string; organisationId?: string | undefined }, context: AuditContext): Promise<JointSetCommentRow> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      const organisation = pickOrganisation(access.actingOrganisations, input.organisationId, participantRequired);
      if (revision.status !== 'consultation') throw wrongState(revision.status, 'take comments; only a revision in consultation can');
      const item = await requireItem(revision.id, input.itemId);
      return change(
        set,
        context,
        [(c: JointSetCommentRow) => ({ organisationId: organisation.organisationId, action: 'joint_set.comment_added', entityType: 'joint_set_comment', entityId: c.id, after: { jointSetId: id, revision: number, key: item.libraryKey, position: input.position, text: input.text } })],
        (tx) => repo.insertComment(tx, { revisionId: revision.id, itemId: item.id, organisationId: organisation.organisationId, authorId: actor.userId, authorName: actor.name, position: input.position, text: input.text }),
      );
    },

    async resolveComment(actor: Actor, id: string, number: number, commentId: string, input: { resolution: CommentResolution; response: string }, context: AuditContext): Promise<void> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      if (!access.isCoordinator) throw coordinatorRequired();
      const comment = (await repo.comments(db, revision.id)).find((c) => c.id === commentId);
      if (!comment) throw commentNotFound();
      if (revision.status !== 'consultation') throw wrongState(revision.status, 'have its comments answered; only a revision in consultation can');
      await change(
        set,
        context,
        [entry(set, 'joint_set.comment_resolved', { entityType: 'joint_set_comment', entityId: commentId, before: { resolution: comment.resolution, response: comment.response }, after: { revision: number, resolution: input.resolution, response: input.response } })],
        (tx) => repo.updateComment(tx, commentId, { resolution: input.resolution, response: input.response, resolvedBy: actor.userId, resolvedAt: now() }),
      );
    },

    async coordination(actor: Actor, id: string, number: number): Promise<Coordination & { revision: JointSetRevisionRow }> {
      const view = await loadRevision(actor, id, number);
      return { ...(await coordinationOf(view, view.revision)), revision: view.revision };
    },

    /** An owner of a participating organisation signs off (final) or declines an adopted revision. */
    async signoff(actor: Actor, id: string, number: number, input: { decision: SignoffDecision; note?: string | undefined; organisationId?: string | undefined }, context: AuditContext): Promise<void> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      const organisation = pickOrganisation(access.signingOrganisations, input.organisationId, ownerRequired);
      if (revision.status !== 'adopted') throw wrongState(revision.status, 'be signed off; only the adopted revision can');
      const existing = (await repo.signoffs(db, revision.id)).find((s) => s.organisationId === organisation.organisationId);
      if (existing?.decision === 'signed') throw alreadySigned();
      await change(
        set,
        context,
        [{ organisationId: organisation.organisationId, action: input.decision === 'signed' ? 'joint_set.revision_signed' : 'joint_set.revision_declined', entityType: 'joint_set_revision', entityId: revision.id, before: existing ? { decision: existing.decision } : null, after: { jointSetId: id, revision: number, decision: input.decision, note: input.note ?? '', by: actor.email } }],
        (tx) => repo.saveSignoff(tx, { revisionId: revision.id, organisationId: organisation.organisationId, decision: input.decision, note: input.note ?? '', userId: actor.userId, userName: actor.name, decidedAt: now() }),
      );
    },

    async deviations(actor: Actor, id: string, number: number) {
      const view = await loadRevision(actor, id, number);
      if (!view.access.isParticipant) throw revisionNotFound();
      const [deviations, sections] = await Promise.all([repo.deviations(db, view.revision.id), sectionsOf(view.revision.id)]);
      return { ...view, deviations, sections };
    },

    async declareDeviation(actor: Actor, id: string, number: number, key: string, input: DeviationInput, context: AuditContext): Promise<JointSetDeviationRow> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      const organisation = pickOrganisation(access.actingOrganisations, input.organisationId, participantRequired);
      if (revision.status !== 'consultation' && revision.status !== 'adopted') throw wrongState(revision.status, 'take deviations; only a revision in consultation or the adopted one can');
      const item = (await repo.items(db, revision.id)).find((i) => i.libraryKey === key);
      if (!item) throw itemNotFound();
      checkDeviation(input, item, await library.findVersion(db, item.libraryKey, item.libraryVersion));
      const existing = (await repo.deviations(db, revision.id)).find((d) => d.organisationId === organisation.organisationId && d.libraryKey === key);
      const values = { kind: input.kind, type: input.type ?? null, weight: input.weight ?? null, parameterValues: input.parameterValues ?? null, justification: input.justification };
      return change(
        set,
        context,
        [(d: JointSetDeviationRow) => ({ organisationId: organisation.organisationId, action: existing ? 'joint_set.deviation_changed' : 'joint_set.deviation_declared', entityType: 'joint_set_deviation', entityId: d.id, before: existing ? { kind: existing.kind, type: existing.type, weight: existing.weight, parameterValues: existing.parameterValues, justification: existing.justification } : null, after: { jointSetId: id, revision: number, key, ...values } })],
        (tx) => repo.saveDeviation(tx, { revisionId: revision.id, organisationId: organisation.organisationId, libraryKey: key, createdBy: actor.userId, ...values }),
      );
    },

    async withdrawDeviation(actor: Actor, id: string, number: number, key: string, organisationId: string | undefined, context: AuditContext): Promise<void> {
      const { set, revision, access } = await loadRevision(actor, id, number);
      const organisation = pickOrganisation(access.actingOrganisations, organisationId, participantRequired);
      if (revision.status !== 'consultation' && revision.status !== 'adopted') throw wrongState(revision.status, 'change deviations');
      const existing = (await repo.deviations(db, revision.id)).find((d) => d.organisationId === organisation.organisationId && d.libraryKey === key);
      if (!existing) throw deviationNotFound();
      await change(set, context, [{ organisationId: organisation.organisationId, action: 'joint_set.deviation_withdrawn', entityType: 'joint_set_deviation', entityId: existing.id, before: { key, kind: existing.kind, justification: existing.justification }, after: { jointSetId: id, revision: number } }], async (tx) => {
        await repo.deleteDeviation(tx, revision.id, organisation.organisationId, key);
      });
    },

    /** Records a generated consultation report in the coordinator's audit log, with the file's SHA-256. */
    async recordReport(actor: Actor, id: string, number: number, bytes: Buffer, context: AuditContext): Promise<string> {
      const { set, revision } = await loadRevision(actor, id, number);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await audit.record(db, context, {
        organisationId: set.coordinatorOrganisationId,
        action: 'joint_set.report_generated',
        entityType: 'joint_set_revision',
        entityId: revision.id,
        after: { jointSetId: id, revision: number, document: 'consultation-report.docx', sha256, bytes: bytes.length },
      });
      return sha256;
    },

    async diff(actor: Actor, id: string, fromNumber: number, toNumber: number): Promise<{ from: JointSetRevisionRow; to: JointSetRevisionRow; diff: RevisionDiff }> {
      const view = await load(actor, id);
      const from = view.revisions.find((r) => r.number === fromNumber);
      const to = view.revisions.find((r) => r.number === toNumber);
      if (!from || !to) throw revisionNotFound();
      return { from, to, diff: await diffOf(from, to) };
    },

    /**
     * A newer adopted revision than the one a draft tender or a profile started from, with the
     * diff; null when there is none or the reader may not see the set.
     */
    async newerAdopted(actor: Actor, revisionId: string | null): Promise<{ set: JointSetRow; from: JointSetRevisionRow; to: JointSetRevisionRow; diff: RevisionDiff } | null> {
      if (!revisionId) return null;
      const revision = await repo.findRevision(db, revisionId);
      if (!revision || revision.status !== 'superseded') return null;
      const view = await load(actor, revision.jointSetId).catch(() => null);
      const adopted = view?.revisions.find((r) => r.status === 'adopted');
      if (!view || !adopted || adopted.number <= revision.number) return null;
      return { set: view.set, from: revision, to: adopted, diff: await diffOf(revision, adopted) };
    },

    /** Where a tender or profile came from, as its reader may see it, with a newer adopted revision's diff if there is one. */
    async origin(actor: Actor, revisionId: string | null): Promise<{ set: JointSetRow; revision: JointSetRevisionRow; newer: { to: JointSetRevisionRow; diff: RevisionDiff } | null } | null> {
      if (!revisionId) return null;
      const revision = await repo.findRevision(db, revisionId);
      const view = revision ? await load(actor, revision.jointSetId).catch(() => null) : null;
      if (!revision || !view || !view.revisions.some((r) => r.id === revision.id)) return null;
      const adopted = view.revisions.find((r) => r.status === 'adopted');
      const newer = adopted && adopted.number > revision.number ? { to: adopted, diff: await diffOf(revision, adopted) } : null;
      return { set: view.set, revision, newer };
    },

    revisionIdOfTender: (tenderId: string) => repo.revisionIdOfTender(db, tenderId),
    revisionIdOfProfile: (profileId: string) => repo.revisionIdOfProfile(db, profileId),

    /** Starts a tender from the adopted revision with the buyer's own deviations applied and linked. */
    async createTender(actor: Actor, id: string, number: number, input: Parameters<CreateTenderFromSet>[1], context: AuditContext): Promise<{ id: string }> {
      const view = await loadRevision(actor, id, number);
      if (view.revision.status !== 'adopted') throw wrongState(view.revision.status, 'start a tender; only the adopted revision can');
      const buyer = pickOrganisation(
        actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.has(m.role)),
        input.organisationId,
        buyerRequired,
      );
      const [sections, deviations] = await Promise.all([sectionsOf(view.revision.id), repo.deviations(db, view.revision.id)]);
      const own = new Map(deviations.filter((d) => d.organisationId === buyer.organisationId).map((d) => [d.libraryKey, d]));
      const content: TenderContent = {
        revisionId: view.revision.id,
        sections: sections.map((section) => ({
          title: section.title,
          items: section.items
            .filter((item) => item.library && own.get(item.libraryKey)?.kind !== 'exclude')
            .map((item) => {
              const deviation = own.get(item.libraryKey);
              const lib = item.library as LibraryVersionRow;
              const type = deviation?.type ?? item.type;
              return {
                key: item.libraryKey,
                version: item.libraryVersion,
                kind: lib.kind,
                type,
                weight: isEvaluated(lib.kind, type) ? (deviation?.weight ?? item.weight) : 0,
                parameterValues: { ...item.parameterValues, ...(deviation?.parameterValues ?? {}) },
                deviationId: deviation?.id ?? null,
              };
            }),
        })),
      };
      return deps.createTender(actor, { ...input, domain: input.domain ?? view.set.domain, organisationId: buyer.organisationId }, content, context);
    },

    /** An assessment profile with the revision's requirements (the caller's deviations in type and weight applied). */
    async createProfile(actor: Actor, id: string, number: number, input: { name: string; description?: string | undefined; visibility?: 'private' | 'shared' | 'public' | undefined; organisationId?: string | undefined }, context: AuditContext): Promise<{ id: string }> {
      const view = await loadRevision(actor, id, number);
      if (!PUBLISHED.has(view.revision.status)) throw wrongState(view.revision.status, 'make a profile; only an adopted revision can');
      const [sections, deviations] = await Promise.all([sectionsOf(view.revision.id), repo.deviations(db, view.revision.id)]);
      const own = new Map(deviations.filter((d) => actor.memberships.some((m) => m.organisationId === d.organisationId && (!input.organisationId || m.organisationId === input.organisationId))).map((d) => [d.libraryKey, d]));
      const items = sections
        .flatMap((s) => s.items)
        .filter((i) => i.library?.kind === 'requirement' && own.get(i.libraryKey)?.kind !== 'exclude')
        .map((i) => ({ key: i.libraryKey, version: i.libraryVersion, type: own.get(i.libraryKey)?.type ?? i.type, weight: own.get(i.libraryKey)?.weight ?? i.weight }));
      return deps.createProfile(actor, { ...input, items, jointSetRevisionId: view.revision.id }, context);
    },
  };
}

export type JointSetsService = ReturnType<typeof createJointSetsService>;
