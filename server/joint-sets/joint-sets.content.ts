import type { ItemKind, RequirementType } from '../library/library.codes';
import type { LibraryVersionRow } from '../library/library.table';
import type { JointSetsDeps, LoadedRevision, SetView } from './joint-sets.access';
import { diffRevisions, type DiffItem, type RevisionDiff } from './joint-sets.diff';
import { itemNotFound } from './joint-sets.errors';
import type { JointSetCommentRow, JointSetDeviationRow, JointSetItemRow, JointSetRevisionRow, JointSetSectionRow, JointSetSignoffRow } from './joint-sets.table';

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

export type RevisionView = LoadedRevision & {
  sections: SectionView[];
  /** Comments, deviations and pending invitations are for participants; null for other readers. */
  comments: CommentView[] | null;
  deviations: DeviationView[] | null;
  coordination: Coordination;
};

/** Only evaluated requirements (not absolute ones, not clauses) carry a weight. */
export const isEvaluated = (kind: ItemKind, type: RequirementType) => kind === 'requirement' && type !== 'A';

/**
 * A revision's content as the use cases read it: sections with the pinned library versions,
 * comments and deviations, the sign-off status, and what changed between two revisions.
 */
export function createRevisionContent(deps: Pick<JointSetsDeps, 'db' | 'jointSetsRepository' | 'libraryRepository'>) {
  const { db, jointSetsRepository: repo, libraryRepository: library } = deps;

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

  /** Everything a reader of the revision may see of it; comments and deviations only for participants. */
  async function revisionView(view: LoadedRevision): Promise<RevisionView> {
    const [sections, comments, deviations, coordination] = await Promise.all([
      sectionsOf(view.revision.id),
      view.access.isParticipant ? repo.comments(db, view.revision.id) : Promise.resolve(null),
      view.access.isParticipant ? repo.deviations(db, view.revision.id) : Promise.resolve(null),
      coordinationOf(view, view.revision),
    ]);
    return { ...view, sections, comments, deviations, coordination };
  }

  async function requireItem(revisionId: string, itemId: string): Promise<JointSetItemRow> {
    const item = (await repo.items(db, revisionId)).find((i) => i.id === itemId);
    if (!item) throw itemNotFound();
    return item;
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

  return { sectionsOf, coordinationOf, revisionView, requireItem, diffOf };
}

export type RevisionContent = ReturnType<typeof createRevisionContent>;
