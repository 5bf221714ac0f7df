import type { Actor, AuditContext } from '../auth/actor';
import { checkParameterValues } from '../library/clause-template';
import type { ParameterValueMap, RequirementType } from '../library/library.codes';
import type { LibraryVersionRow } from '../library/library.table';
import { createJointSetLoaders, pickOrganisation, type JointSetsDeps, type LoadedRevision } from './joint-sets.access';
import { createJointSetChanges } from './joint-sets.changes';
import { createRevisionContent, type DeviationView, type SectionView } from './joint-sets.content';
import { deviationInvalid, deviationNotFound, invalidParameterValues, itemNotFound, participantRequired, revisionNotFound, wrongState } from './joint-sets.errors';
import type { DeviationKind, JointSetDeviationRow, JointSetItemRow } from './joint-sets.table';
import type { Database } from '../db/client';
import { staleVersion } from '../shared/versioning';

/** A deviation as declared; `version` is the one read, 0 when the organisation had none for the item. */
export type DeviationInput = { kind: DeviationKind; type?: RequirementType | undefined; weight?: number | undefined; parameterValues?: ParameterValueMap | undefined; justification: string; organisationId?: string | undefined; version: number };

/** Leaving an item out takes nothing else; a change names what the organisation uses instead, with parameter values the pinned version knows. */
function checkDeviation(input: DeviationInput, item: JointSetItemRow, lib: LibraryVersionRow | undefined): void {
  if (input.kind === 'exclude') {
    if (input.type !== undefined || input.weight !== undefined || input.parameterValues !== undefined) throw deviationInvalid('A deviation that leaves the item out takes no type, weight or parameter values.', 'kind');
    return;
  }
  if (input.type === undefined && input.weight === undefined && (input.parameterValues === undefined || Object.keys(input.parameterValues).length === 0)) {
    throw deviationInvalid('Say what your organisation uses instead: a type, a weight or parameter values.', 'type');
  }
  const values = input.parameterValues;
  if (values) {
    const parameters = lib?.parameters ?? [];
    const unknown = Object.keys(values).filter((name) => !parameters.some((p) => p.name === name));
    if (unknown.length > 0) throw invalidParameterValues(unknown.map((name) => ({ path: `parameterValues.${name}`, message: `${item.libraryKey} has no parameter ${name}` })));
    const problems = checkParameterValues(parameters.filter((p) => p.name in values), values);
    if (problems.length > 0) throw invalidParameterValues(problems.map((p) => ({ path: `parameterValues.${p.parameter}`, message: p.message })));
  }
}

/**
 * Local deviations: an accepted participant documents, with a justification, that it leaves an
 * item of a revision in consultation or adopted out, or uses its own type, weight or values.
 */
export function createJointSetDeviations(deps: JointSetsDeps) {
  const { db, jointSetsRepository: repo, libraryRepository: library, auditRepository: audit } = deps;

  /** The organisation's deviation changed since the version read (0: none): 409 with its version now (0 if withdrawn) and who changed it. */
  async function staleDeviation(tx: Database, revisionId: string, organisationId: string, key: string) {
    const current = (await repo.deviations(tx, revisionId)).find((d) => d.organisationId === organisationId && d.libraryKey === key);
    return staleVersion('deviation', current?.version ?? 0, current ? await audit.lastChange(tx, 'joint_set_deviation', current.id) : null);
  }
  const { loadRevision } = createJointSetLoaders(deps);
  const content = createRevisionContent(deps);
  const change = createJointSetChanges(deps);

  return {
    /** Every participant's deviations, with the revision's items to compare them with; for participants only. */
    async deviations(actor: Actor, id: string, number: number): Promise<LoadedRevision & { deviations: DeviationView[]; sections: SectionView[] }> {
      const view = await loadRevision(actor, id, number);
      if (!view.access.isParticipant) throw revisionNotFound();
      const [deviations, sections] = await Promise.all([repo.deviations(db, view.revision.id), content.sectionsOf(view.revision.id)]);
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
      if ((existing?.version ?? 0) !== input.version) throw await staleDeviation(db, revision.id, organisation.organisationId, key);
      const values = { kind: input.kind, type: input.type ?? null, weight: input.weight ?? null, parameterValues: input.parameterValues ?? null, justification: input.justification };
      return change(
        set,
        context,
        [(d: JointSetDeviationRow) => ({ organisationId: organisation.organisationId, action: existing ? 'joint_set.deviation_changed' : 'joint_set.deviation_declared', entityType: 'joint_set_deviation', entityId: d.id, before: existing ? { kind: existing.kind, type: existing.type, weight: existing.weight, parameterValues: existing.parameterValues, justification: existing.justification } : null, after: { jointSetId: id, revision: number, key, ...values } })],
        async (tx) => {
          const saved = await repo.saveDeviation(tx, { revisionId: revision.id, organisationId: organisation.organisationId, libraryKey: key, createdBy: actor.userId, ...values }, input.version);
          if (!saved) throw await staleDeviation(tx, revision.id, organisation.organisationId, key);
          return saved;
        },
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
  };
}
