import type { DocumentCoordination } from './document-model';

/**
 * The joint-set origin of a tender as its JSON states it (the tender in the API and
 * requirements.json): the set and revision with a link to it, the organisations that signed
 * the revision, and the buyer's deviations with a link to the revision's deviations. The same facts the DOCX files
 * state in their coordination chapter.
 */
export function coordinationRecord(coordination: DocumentCoordination | null | undefined) {
  if (!coordination) return null;
  const revisionPath = coordination.setId ? `/api/joint-sets/${coordination.setId}/revisions/${coordination.revision}` : null;
  return {
    setId: coordination.setId ?? null,
    revisionId: coordination.revisionId ?? null,
    title: coordination.setTitle,
    revision: coordination.revision,
    adoptedOn: coordination.adoptedOn,
    href: revisionPath,
    deviationsHref: revisionPath ? `${revisionPath}/deviations` : null,
    signatories: coordination.signatories ?? coordination.organisations.map((name) => ({ organisationId: null, name })),
    deviations: coordination.deviations.map((d) => ({
      id: d.id ?? null,
      key: d.key,
      title: d.title,
      excluded: d.excluded,
      changes: d.changes,
      justification: d.justification,
    })),
  };
}
export type CoordinationRecord = NonNullable<ReturnType<typeof coordinationRecord>>;
