import type { Actor, AuditContext } from '../auth/actor';
import type { DocumentCoordination, DocumentDeviation } from '../documents/document-model';
import type { Domain, ItemKind, ParameterValueMap, RequirementType } from '../library/library.codes';
import type { LibraryVersionRow } from '../library/library.table';
import { buyerEditorships, createJointSetLoaders, pickOrganisation, PUBLISHED, type JointSetsDeps } from './joint-sets.access';
import { createRevisionContent, isEvaluated } from './joint-sets.content';
import type { RevisionDiff } from './joint-sets.diff';
import { buyerRequired, wrongState } from './joint-sets.errors';
import type { JointSetDeviationRow, JointSetItemRow, JointSetRevisionRow, JointSetRow } from './joint-sets.table';
import { renderTitle } from '../library/clause-template';

/** The content a tender starts from: the revision's items with the buyer's deviations applied. */
export type TenderContent = {
  revisionId: string;
  sections: { title: string; items: { key: string; version: string; kind: ItemKind; type: RequirementType; weight: number; parameterValues: ParameterValueMap; deviationId: string | null }[] }[];
};

export type TenderFromSetInput = { title: string; reference: string; language: 'nb' | 'en'; contactName?: string | undefined; contactEmail?: string | undefined; deadline?: string | null | undefined; domain?: Domain | null | undefined; organisationId?: string | undefined };
export type ProfileFromSetInput = { name: string; description?: string | undefined; visibility?: 'private' | 'shared' | 'public' | undefined; organisationId?: string | undefined };

export type CreateTenderFromSet = (actor: Actor, input: TenderFromSetInput, content: TenderContent, context: AuditContext) => Promise<{ id: string }>;
export type CreateProfileFromSet = (actor: Actor, input: ProfileFromSetInput & { items: { key: string; version: string; type: RequirementType; weight: number }[]; jointSetRevisionId: string }, context: AuditContext) => Promise<{ id: string }>;

/** Where a tender or profile came from, as its reader may see it, with a newer adopted revision's diff if there is one. */
export type JointSetOrigin = { set: JointSetRow; revision: JointSetRevisionRow; newer: { to: JointSetRevisionRow; diff: RevisionDiff } | null } | null;

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (value === undefined || value === null) return '–';
  return String(value);
}

/** A deviation as the documents list it: left out, or each changed field with the set's value and the buyer's. */
function describeDeviation(deviation: JointSetDeviationRow, item: JointSetItemRow | undefined, title: string): DocumentDeviation {
  const changes: DocumentDeviation['changes'] = [];
  if (deviation.kind === 'change' && item) {
    if (deviation.type && deviation.type !== item.type) changes.push({ field: 'type', from: item.type, to: deviation.type });
    if (deviation.weight !== null && deviation.weight !== item.weight) changes.push({ field: 'weight', from: String(item.weight), to: String(deviation.weight) });
    for (const [name, value] of Object.entries(deviation.parameterValues ?? {})) changes.push({ field: name, from: formatValue(item.parameterValues[name]), to: formatValue(value) });
  }
  return { id: deviation.id, key: deviation.libraryKey, title, excluded: deviation.kind === 'exclude', changes, justification: deviation.justification };
}

/**
 * The coordination statement and the buyer's deviations for a tender that started from a joint
 * set revision; the tenders service calls it when it builds a document model.
 */
export function createCoordinationLookup(deps: Pick<JointSetsDeps, 'db' | 'jointSetsRepository' | 'libraryRepository'>) {
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
    const titleOf = (key: string) => {
      const version = versions.get(key);
      return version ? renderTitle(version, byKey.get(key)?.parameterValues ?? {}, lang) : key;
    };
    const signatories = [
      ...signoffs.filter((s) => s.decision === 'signed').map((s) => ({ organisationId: s.organisationId, name: s.organisationName })),
      ...revision.importedSignoffs.map((s) => ({ organisationId: null, name: s.organisation })),
    ];
    return {
      setId: set.id,
      revisionId: revision.id,
      setTitle: set.title,
      revision: revision.number,
      adoptedOn: revision.adoptedAt ? revision.adoptedAt.toISOString().slice(0, 10) : null,
      organisations: signatories.map((s) => s.name),
      signatories,
      deviations: own.map((d) => describeDeviation(d, byKey.get(d.libraryKey), titleOf(d.libraryKey))),
    };
  };
}

/**
 * Tenders and assessment profiles started from an adopted revision, and what their pages say
 * about the set they came from (a newer adopted revision, with its changes).
 */
export function createJointSetTenders(deps: JointSetsDeps & { createTender: CreateTenderFromSet; createProfile: CreateProfileFromSet }) {
  const { db, jointSetsRepository: repo } = deps;
  const { load, loadRevision } = createJointSetLoaders(deps);
  const content = createRevisionContent(deps);

  return {
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
      return { set: view.set, from: revision, to: adopted, diff: await content.diffOf(revision, adopted) };
    },

    async origin(actor: Actor, revisionId: string | null): Promise<JointSetOrigin> {
      if (!revisionId) return null;
      const revision = await repo.findRevision(db, revisionId);
      const view = revision ? await load(actor, revision.jointSetId).catch(() => null) : null;
      if (!revision || !view || !view.revisions.some((r) => r.id === revision.id)) return null;
      const adopted = view.revisions.find((r) => r.status === 'adopted');
      const newer = adopted && adopted.number > revision.number ? { to: adopted, diff: await content.diffOf(revision, adopted) } : null;
      return { set: view.set, revision, newer };
    },

    revisionIdOfTender: (tenderId: string) => repo.revisionIdOfTender(db, tenderId),
    revisionIdOfProfile: (profileId: string) => repo.revisionIdOfProfile(db, profileId),

    /** Starts a tender from the adopted revision with the buyer's own deviations applied and linked. */
    async createTender(actor: Actor, id: string, number: number, input: TenderFromSetInput, context: AuditContext): Promise<{ id: string }> {
      const view = await loadRevision(actor, id, number);
      if (view.revision.status !== 'adopted') throw wrongState(view.revision.status, 'start a tender; only the adopted revision can');
      const buyer = pickOrganisation(buyerEditorships(actor), input.organisationId, buyerRequired);
      const [sections, deviations] = await Promise.all([content.sectionsOf(view.revision.id), repo.deviations(db, view.revision.id)]);
      const own = new Map(deviations.filter((d) => d.organisationId === buyer.organisationId).map((d) => [d.libraryKey, d]));
      const tenderContent: TenderContent = {
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
      return deps.createTender(actor, { ...input, domain: input.domain ?? view.set.domain, organisationId: buyer.organisationId }, tenderContent, context);
    },

    /** An assessment profile with the revision's requirements (the caller's deviations in type and weight applied). */
    async createProfile(actor: Actor, id: string, number: number, input: ProfileFromSetInput, context: AuditContext): Promise<{ id: string }> {
      const view = await loadRevision(actor, id, number);
      if (!PUBLISHED.has(view.revision.status)) throw wrongState(view.revision.status, 'make a profile; only an adopted revision can');
      const [sections, deviations] = await Promise.all([content.sectionsOf(view.revision.id), repo.deviations(db, view.revision.id)]);
      const own = new Map(deviations.filter((d) => actor.memberships.some((m) => m.organisationId === d.organisationId && (!input.organisationId || m.organisationId === input.organisationId))).map((d) => [d.libraryKey, d]));
      const items = sections
        .flatMap((s) => s.items)
        .filter((i) => i.library?.kind === 'requirement' && own.get(i.libraryKey)?.kind !== 'exclude')
        .map((i) => ({ key: i.libraryKey, version: i.libraryVersion, type: own.get(i.libraryKey)?.type ?? i.type, weight: own.get(i.libraryKey)?.weight ?? i.weight }));
      return deps.createProfile(actor, { ...input, items, jointSetRevisionId: view.revision.id }, context);
    },
  };
}
