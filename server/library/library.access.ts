import type { Actor } from '../auth/actor';
import type { Database } from '../db/client';
import { draftNotFound, editorRequired, itemNotFound, organisationRequired, versionNotFound } from './library.errors';
import type { LibraryRepository } from './library.repository';
import type { LibraryVersionRow } from './library.table';

const EDIT_ROLES = new Set(['owner', 'editor']);

/** The organisations whose private drafts the actor may see. */
export const draftScope = (actor: Actor): string[] | 'all' => (actor.isAdmin ? 'all' : actor.memberships.map((m) => m.organisationId));

/** Shared drafts are visible to everyone; a private draft to its organisation's members and administrators. */
export function canSeeDraft(actor: Actor, row: LibraryVersionRow): boolean {
  if (row.ownerOrganisationId === null || actor.isAdmin) return true;
  return actor.memberships.some((m) => m.organisationId === row.ownerOrganisationId);
}

/** The actor's organisations in which they may edit the library: editors and owners of buyers and councils. */
export const editorOrganisations = (actor: Actor) => actor.memberships.filter((m) => (m.kind === 'buyer' || m.kind === 'council') && EDIT_ROLES.has(m.role));

/** Whether the actor may change the library at all: an administrator, or an editor somewhere. */
export const mayEditLibrary = (actor: Actor): boolean => actor.isAdmin || editorOrganisations(actor).length > 0;

export function requireLibraryEditor(actor: Actor): void {
  if (!mayEditLibrary(actor)) throw editorRequired();
}

/**
 * The organisation a new draft belongs to: the one named, if the actor edits for it, else the
 * only one they edit for. An administrator may name any organisation they belong to.
 */
export function editingOrganisation(actor: Actor, organisationId: string | undefined): string {
  const eligible = editorOrganisations(actor);
  if (organisationId) {
    if (eligible.some((m) => m.organisationId === organisationId) || (actor.isAdmin && actor.memberships.some((m) => m.organisationId === organisationId))) return organisationId;
    throw editorRequired();
  }
  if (eligible.length === 1) return (eligible[0] as (typeof eligible)[number]).organisationId;
  if (eligible.length === 0) throw editorRequired();
  throw organisationRequired();
}

/**
 * The organisation an editor acts for when a change names none (a deprecation): the active one
 * if they edit for it, else the only one they edit for; none for an administrator acting
 * outside any organisation.
 */
export function actingEditorOrganisation(actor: Actor): string | null {
  const eligible = editorOrganisations(actor);
  const active = eligible.find((m) => m.organisationId === actor.activeOrganisationId);
  if (active) return active.organisationId;
  return eligible.length === 1 ? (eligible[0] as (typeof eligible)[number]).organisationId : null;
}

/** Editors and owners of the draft's organisation change it; members in other roles only read it, others do not see it. */
export function requireDraftEditor(actor: Actor, draft: LibraryVersionRow): void {
  if (actor.isAdmin) return;
  if (draft.ownerOrganisationId === null) throw editorRequired();
  const membership = actor.memberships.find((m) => m.organisationId === draft.ownerOrganisationId);
  if (!membership) throw draftNotFound();
  if (!EDIT_ROLES.has(membership.role)) throw editorRequired();
}

/** Loaders the library's use cases share: a draft the actor may see, a released version. */
export function libraryLoaders(deps: { db: Database; libraryRepository: LibraryRepository }) {
  const { db, libraryRepository: repo } = deps;
  return {
    async visibleDraft(actor: Actor, id: string): Promise<LibraryVersionRow> {
      const draft = await repo.findDraftById(db, id);
      if (!draft || !canSeeDraft(actor, draft)) throw draftNotFound();
      return draft;
    },

    /** The given released version, or the newest one. */
    async releasedVersion(key: string, version?: string): Promise<LibraryVersionRow> {
      if (version) {
        const row = await repo.findVersion(db, key, version);
        if (!row || row.status === 'draft') throw versionNotFound(key, version);
        return row;
      }
      const latest = await repo.latestReleased(db, key);
      if (!latest) throw itemNotFound(key);
      return latest;
    },
  };
}

export type LibraryLoaders = ReturnType<typeof libraryLoaders>;
