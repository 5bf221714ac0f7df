import type { Actor, ActorMembership, AuditContext } from '../auth/actor';
import type { Database } from '../db/client';
import type { Domain } from '../library/library.codes';
import type { OrganisationRow } from '../organisations/organisations.table';
import { buyerEditorships, createJointSetLoaders, isBuyerSide, pickOrganisation, type JointSetsDeps, type SetView } from './joint-sets.access';
import { coordinatorEntry, createJointSetChanges } from './joint-sets.changes';
import { buyerRequired, invitationNotPending, participantInvalid, participantRequired } from './joint-sets.errors';
import type { JointSetRevisionRow, JointSetRow } from './joint-sets.table';
import { jointSetNotFound } from './joint-sets.errors';
import { compareAndSet, staleVersion } from '../shared/versioning';

/** Buyer organisations a coordinator can choose from when inviting. */
const INVITE_CHOICES = 500;

/** Sets and their participants: starting a set, its details, invitations and the answers to them. */
export function createJointSetParticipants(deps: JointSetsDeps) {
  const { db, jointSetsRepository: repo, organisationsRepository: orgs, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  const { load, loadForCoordinator } = createJointSetLoaders(deps);
  const change = createJointSetChanges(deps);

  /** Changes the set (or only raises its version) if it still has `version`; else 409 with who changed it last. */
  const setCompareAndSet = (tx: Database, id: string, version: number, values: Partial<JointSetRow>) =>
    compareAndSet({
      entity: 'joint set',
      update: () => repo.update(tx, id, version, values),
      currentVersion: async () => (await repo.findById(tx, id))?.version,
      lastChange: () => audit.lastChange(tx, 'joint_set', id),
      notFound: jointSetNotFound,
    });

  return {
    async list(actor: Actor): Promise<(JointSetRow & { coordinatorName: string; revisions: JointSetRevisionRow[] })[]> {
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

    /** The buyer organisations the actor may start a set or import a package for; 403 when there is none. */
    startingOrganisations(actor: Actor): ActorMembership[] {
      const organisations = buyerEditorships(actor);
      if (organisations.length === 0) throw buyerRequired();
      return organisations;
    },

    /** For the coordinator: the buyer organisations that can still be invited (not taking part, or having declined). */
    async inviteOptions(view: SetView): Promise<OrganisationRow[]> {
      if (!view.access.isCoordinator) return [];
      const buyers = (await orgs.list(db, { kind: 'buyer' }, { limit: INVITE_CHOICES, offset: 0 })).rows;
      return buyers.filter((o) => !view.participants.some((p) => p.organisationId === o.id && p.status !== 'declined'));
    },

    async create(actor: Actor, input: { title: string; description?: string | undefined; domain?: Domain | null | undefined; isPublic?: boolean | undefined; organisationId?: string | undefined }, context: AuditContext): Promise<JointSetRow> {
      const coordinator = pickOrganisation(buyerEditorships(actor), input.organisationId, buyerRequired);
      return db.transaction(async (tx) => {
        const set = await repo.insert(tx, { title: input.title, description: input.description ?? '', domain: input.domain ?? null, isPublic: input.isPublic ?? false, coordinatorOrganisationId: coordinator.organisationId, createdBy: actor.userId });
        await repo.insertParticipant(tx, { jointSetId: set.id, organisationId: coordinator.organisationId, status: 'accepted', respondedAt: now(), respondedBy: actor.userId });
        const revision = await repo.insertRevision(tx, { jointSetId: set.id, number: 1, status: 'draft', createdBy: actor.userId });
        await audit.record(tx, context, coordinatorEntry(set, 'joint_set.created', { after: { title: set.title, isPublic: set.isPublic, domain: set.domain, revision: revision.number } }));
        return set;
      });
    },

    async update(actor: Actor, id: string, input: { title?: string | undefined; description?: string | undefined; domain?: Domain | null | undefined; isPublic?: boolean | undefined; version: number }, context: AuditContext): Promise<JointSetRow> {
      const { set } = await loadForCoordinator(actor, id);
      if (set.version !== input.version) throw staleVersion('joint set', set.version, await audit.lastChange(db, 'joint_set', id));
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const field of ['title', 'description', 'domain', 'isPublic'] as const) {
        if (input[field] !== undefined && input[field] !== set[field]) {
          before[field] = set[field];
          after[field] = input[field];
        }
      }
      if (Object.keys(after).length === 0) return set;
      return change(set, context, [coordinatorEntry(set, 'joint_set.updated', { before, after })], (tx) => setCompareAndSet(tx, id, input.version, after));
    },

    /** Invites an organisation; the participants are part of the set, so the set's version guards the change. */
    async invite(actor: Actor, id: string, organisationId: string, version: number, context: AuditContext): Promise<void> {
      const { set, participants } = await loadForCoordinator(actor, id);
      if (set.version !== version) throw staleVersion('joint set', set.version, await audit.lastChange(db, 'joint_set', id));
      const org = await orgs.findById(db, organisationId);
      if (!org || org.kind !== 'buyer' || org.id === set.coordinatorOrganisationId) throw participantInvalid();
      const existing = participants.find((p) => p.organisationId === organisationId);
      if (existing && existing.status !== 'declined') return;
      await change(set, context, [coordinatorEntry(set, 'joint_set.participant_invited', { after: { organisationId, name: org.name } })], async (tx) => {
        await setCompareAndSet(tx, id, version, {});
        if (existing) await repo.updateParticipant(tx, id, organisationId, { status: 'invited', invitedAt: now(), respondedAt: null, respondedBy: null });
        else await repo.insertParticipant(tx, { jointSetId: id, organisationId, status: 'invited', invitedAt: now() });
      });
    },

    async removeParticipant(actor: Actor, id: string, organisationId: string, context: AuditContext): Promise<void> {
      const { set, participants } = await loadForCoordinator(actor, id);
      const participant = participants.find((p) => p.organisationId === organisationId);
      if (!participant || organisationId === set.coordinatorOrganisationId) throw participantInvalid();
      await change(set, context, [coordinatorEntry(set, 'joint_set.participant_removed', { before: { organisationId, name: participant.name, status: participant.status } })], async (tx) => {
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
  };
}
