import type { Actor, ActorMembership } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { LibraryRepository } from '../library/library.repository';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { Translator } from '../shared/i18n';
import { coordinatorRequired, jointSetNotFound, organisationRequired, revisionNotFound, wrongState } from './joint-sets.errors';
import type { JointSetsRepository, ParticipantView } from './joint-sets.repository';
import type { JointSetRevisionRow, JointSetRow, RevisionStatus } from './joint-sets.table';

/** What the joint-set use cases are built from. */
export type JointSetsDeps = {
  db: Database;
  jointSetsRepository: JointSetsRepository;
  libraryRepository: LibraryRepository;
  organisationsRepository: OrganisationsRepository;
  auditRepository: AuditRepository;
  translator: (lang: 'nb' | 'en') => Translator;
  now?: () => Date;
};

const EDIT_ROLES = new Set(['owner', 'editor']);
/** Revisions anybody who may read a public set sees; the others stay with the participants. */
export const PUBLISHED: ReadonlySet<RevisionStatus> = new Set(['adopted', 'superseded']);

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

export type SetView = { set: JointSetRow; coordinatorName: string; participants: ParticipantView[]; revisions: JointSetRevisionRow[]; access: JointSetAccess };
export type LoadedRevision = SetView & { revision: JointSetRevisionRow };

/** Buyer organisations where the actor is owner or editor: they start sets and tenders, and import packages. */
export const buyerEditorships = (actor: Actor): ActorMembership[] => actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.has(m.role));

/** Owners and editors of the coordinating organisation, and administrators, change the set. */
export const coordinates = (actor: Actor, set: JointSetRow): boolean => actor.isAdmin || EDIT_ROLES.has(actor.memberships.find((m) => m.organisationId === set.coordinatorOrganisationId)?.role ?? '');

/** Readers of a public set who do not take part: buyers and councils (vendors are not). */
export const isBuyerSide = (actor: Actor): boolean => actor.memberships.some((m) => m.kind === 'buyer' || m.kind === 'council');

export function accessOf(actor: Actor, set: JointSetRow, participants: ParticipantView[]): JointSetAccess {
  const mine = (statuses: string[], roles: Set<string>) => actor.memberships.filter((m) => roles.has(m.role) && participants.some((p) => p.organisationId === m.organisationId && statuses.includes(p.status)));
  const isMember = actor.memberships.some((m) => participants.some((p) => p.organisationId === m.organisationId && p.status !== 'declined'));
  return {
    isParticipant: actor.isAdmin || isMember,
    isCoordinator: coordinates(actor, set),
    actingOrganisations: mine(['accepted'], EDIT_ROLES),
    signingOrganisations: mine(['accepted'], new Set(['owner'])),
    invitedOrganisations: mine(['invited'], EDIT_ROLES),
  };
}

/**
 * The organisation the actor acts for: the one named, if it is a candidate; else the only
 * candidate. None is `refuse`'s error; several without a name is 400 organisation_required.
 */
export function pickOrganisation(candidates: ActorMembership[], organisationId: string | undefined, refuse: () => Error): ActorMembership {
  if (organisationId) {
    const chosen = candidates.find((m) => m.organisationId === organisationId);
    if (!chosen) throw refuse();
    return chosen;
  }
  if (candidates.length === 1) return candidates[0] as ActorMembership;
  if (candidates.length === 0) throw refuse();
  throw organisationRequired();
}

/**
 * Loads a set or one of its revisions as the actor may see it. Anybody who may not see a set
 * gets 404, as if it did not exist; readers of a public set see its published revisions only.
 */
export function createJointSetLoaders(deps: Pick<JointSetsDeps, 'db' | 'jointSetsRepository' | 'organisationsRepository'>) {
  const { db, jointSetsRepository: repo, organisationsRepository: orgs } = deps;

  async function load(actor: Actor, id: string): Promise<SetView> {
    const set = await repo.findById(db, id);
    if (!set) throw jointSetNotFound();
    const [participants, allRevisions, coordinator] = await Promise.all([repo.participants(db, id), repo.revisions(db, id), orgs.findById(db, set.coordinatorOrganisationId)]);
    const access = accessOf(actor, set, participants);
    const published = allRevisions.filter((r) => PUBLISHED.has(r.status));
    if (!access.isParticipant && !(set.isPublic && published.length > 0 && isBuyerSide(actor))) throw jointSetNotFound();
    return { set, coordinatorName: coordinator?.name ?? '', participants: access.isParticipant ? participants : participants.filter((p) => p.status === 'accepted'), revisions: access.isParticipant ? allRevisions : published, access };
  }

  async function loadRevision(actor: Actor, id: string, number: number): Promise<LoadedRevision> {
    const view = await load(actor, id);
    const revision = view.revisions.find((r) => r.number === number);
    if (!revision) throw revisionNotFound();
    return { ...view, revision };
  }

  async function loadForCoordinator(actor: Actor, id: string): Promise<SetView> {
    const view = await load(actor, id);
    if (!view.access.isCoordinator) throw coordinatorRequired();
    return view;
  }

  /** A draft revision, for the coordinator to edit. */
  async function loadDraft(actor: Actor, id: string, number: number): Promise<LoadedRevision> {
    const view = await loadRevision(actor, id, number);
    if (!view.access.isCoordinator) throw coordinatorRequired();
    if (view.revision.status !== 'draft') throw wrongState(view.revision.status, 'be edited; only a draft can');
    return view;
  }

  return { load, loadRevision, loadForCoordinator, loadDraft };
}

export type JointSetLoaders = ReturnType<typeof createJointSetLoaders>;
