import { membershipIn, type Actor, type AuditContext } from '../auth/actor';
import type { RequirementType } from '../library/library.codes';
import { assessingMemberships, canEditProfile, organisationNameOf, pickOrganisation, profileScope, seesAllProducts } from './assessments.access';
import type { ProfileItemView } from './assessments.cells';
import type { AssessmentsContext } from './assessments.context';
import { assertVersion } from '../shared/versioning';
import { duplicateItems, libraryItemUnavailable, productNotFound, profileEditorRequired, profileNotFound, profileOwnerRequired } from './assessments.errors';
import type { ProductListRow } from './assessments.repository';
import type { AssessmentProfileRow, AssessmentProfileVersionRow, ProfileItem, ProfileVisibility } from './assessments.table';

export const BASELINE_SLUG = 'baseline';
/** The shipped baseline: the core export, API, documentation, exit, pricing and ownership requirements. */
export const BASELINE_KEYS = ['EXP-001', 'EXP-002', 'EXP-003', 'API-001', 'API-003', 'DOC-001', 'SEC-001', 'EXIT-001', 'EXIT-002', 'EXIT-006', 'EXIT-007', 'EXIT-009', 'EXIT-010', 'PRI-001', 'PRI-002', 'OWN-001'];

export type ProfileView = {
  profile: AssessmentProfileRow & { ownerName: string | null };
  version: AssessmentProfileVersionRow;
  items: ProfileItemView[];
  versions: { version: number; changeNote: string; createdAt: Date }[];
  canEdit: boolean;
};

export type ItemInput = { key: string; version?: string | undefined; type?: RequirementType | undefined; weight?: number | undefined };

export type ProfileInput = {
  name: string;
  description?: string | undefined;
  visibility?: ProfileVisibility | undefined;
  organisationId?: string | undefined;
  items?: ItemInput[] | undefined;
  tenderId?: string | undefined;
  /** The joint-set revision the items come from; its newer adoptions are shown on the profile. */
  jointSetRevisionId?: string | undefined;
};

export type ProfileUpdate = {
  name?: string | undefined;
  description?: string | undefined;
  visibility?: ProfileVisibility | undefined;
  items?: ItemInput[] | undefined;
  changeNote?: string | undefined;
  /** The profile version the change is based on; every change makes the next one. */
  version: number;
};

/** Assessment profiles: reading, creating, changing and deleting them, and asking vendors to answer them. */
export function createProfilesService(ctx: AssessmentsContext) {
  const { db, repo, library, audit, access, cells, now } = ctx;

  /** Library items pinned to a released version: the named one, or the newest published. */
  async function resolveItems(input: ItemInput[]): Promise<ProfileItem[]> {
    const seen = new Set<string>();
    const duplicates = input.map((i) => i.key).filter((key) => (seen.has(key) ? true : (seen.add(key), false)));
    if (duplicates.length > 0) throw duplicateItems([...new Set(duplicates)]);
    const pinned = input.filter((i) => i.version);
    const [exact, latest] = await Promise.all([
      library.findVersions(db, pinned.map((i) => ({ key: i.key, version: i.version as string }))),
      library.latestReleasedOfKeys(db, input.filter((i) => !i.version).map((i) => i.key)),
    ]);
    const byPin = new Map(exact.map((r) => [`${r.key}@${r.version}`, r]));
    const byKey = new Map(latest.filter((r) => r.status === 'published').map((r) => [r.key, r]));
    const missing: string[] = [];
    const items: ProfileItem[] = [];
    for (const item of input) {
      const row = item.version ? byPin.get(`${item.key}@${item.version}`) : byKey.get(item.key);
      if (!row || !row.version) {
        missing.push(item.key);
        continue;
      }
      items.push({ key: item.key, libraryVersion: row.version, type: item.type ?? row.type, weight: item.weight ?? row.weight });
    }
    if (missing.length > 0) throw libraryItemUnavailable(missing);
    return items;
  }

  async function viewProfile(actor: Actor, profile: AssessmentProfileRow & { ownerName: string | null }, version?: number): Promise<ProfileView> {
    const [row, versions] = await Promise.all([cells.profileVersionOf(profile, version), repo.profileVersions(db, profile.id)]);
    return { profile, version: row, items: await cells.itemViews(row.items), versions: versions.map((v) => ({ version: v.version, changeNote: v.changeNote, createdAt: v.createdAt })), canEdit: canEditProfile(actor, profile) };
  }

  return {
    listProfiles: (actor: Actor, filter: { q?: string | undefined }, page: { limit: number; offset: number }) => repo.listProfiles(db, profileScope(actor), filter, page),

    /** The profile a page shows when none is chosen: the baseline, else the first the actor may see. */
    async defaultProfileId(actor: Actor): Promise<string | undefined> {
      const { rows } = await repo.listProfiles(db, profileScope(actor), {}, { limit: 1, offset: 0 });
      return rows.find((p) => p.slug === BASELINE_SLUG)?.id ?? rows[0]?.id;
    },

    async getProfile(actor: Actor, id: string, version?: number): Promise<ProfileView> {
      return viewProfile(actor, await access.loadProfile(actor, id), version);
    },

    async createProfile(actor: Actor, input: ProfileInput, context: AuditContext): Promise<ProfileView> {
      const organisationId = pickOrganisation(assessingMemberships(actor), input.organisationId, profileOwnerRequired);
      const items = input.tenderId ? await resolveItems((await ctx.tenderItems(actor, input.tenderId)).map((i) => ({ key: i.key, version: i.libraryVersion, type: i.type, weight: i.weight }))) : await resolveItems(input.items ?? []);
      const created = await db.transaction(async (tx) => {
        const profile = await repo.insertProfile(tx, { ownerOrganisationId: organisationId, name: input.name, description: input.description ?? '', visibility: input.visibility ?? 'private', currentVersion: 1, jointSetRevisionId: input.jointSetRevisionId ?? null, createdBy: actor.userId });
        await repo.insertProfileVersion(tx, { profileId: profile.id, version: 1, items, changeNote: input.tenderId ? `tender:${input.tenderId}` : '', createdBy: actor.userId });
        await audit.record(tx, context, { organisationId, action: 'profile.created', entityType: 'assessment_profile', entityId: profile.id, after: { name: profile.name, visibility: profile.visibility, fromTender: input.tenderId ?? null, ...(input.jointSetRevisionId ? { fromJointSetRevision: input.jointSetRevisionId } : {}), items } });
        return profile;
      });
      return viewProfile(actor, { ...created, ownerName: organisationNameOf(actor, organisationId) });
    },

    /**
     * Every change makes a new version, items copied when they stay the same, so the version a
     * change names guards name, description and visibility as well as items; earlier versions stay
     * readable, so earlier scores stay explainable.
     */
    async updateProfile(actor: Actor, id: string, input: ProfileUpdate, context: AuditContext): Promise<ProfileView> {
      const profile = await access.loadProfileForEdit(actor, id);
      const items = input.items ? await resolveItems(input.items) : undefined;
      await db.transaction(async (tx) => {
        const locked = await repo.lockProfile(tx, id);
        if (!locked) throw profileNotFound();
        await assertVersion({ entity: 'profile', expected: input.version, current: locked.currentVersion, lastChange: () => audit.lastChange(tx, 'assessment_profile', id) });
        const previous = await repo.profileVersion(tx, id, locked.currentVersion);
        const itemsChanged = items !== undefined && JSON.stringify(items) !== JSON.stringify(previous?.items ?? []);
        const details = { name: input.name ?? locked.name, description: input.description ?? locked.description, visibility: input.visibility ?? locked.visibility };
        const nextVersion = locked.currentVersion + 1;
        await repo.insertProfileVersion(tx, { profileId: id, version: nextVersion, items: itemsChanged ? items : (previous?.items ?? []), changeNote: input.changeNote ?? '', createdBy: actor.userId });
        await repo.updateProfile(tx, id, { ...details, currentVersion: nextVersion, updatedAt: now() });
        await audit.record(tx, context, {
          organisationId: locked.ownerOrganisationId,
          action: 'profile.updated',
          entityType: 'assessment_profile',
          entityId: id,
          before: { name: locked.name, description: locked.description, visibility: locked.visibility, version: locked.currentVersion, ...(itemsChanged ? { items: previous?.items ?? [] } : {}) },
          after: { ...details, version: nextVersion, ...(itemsChanged ? { items, changeNote: input.changeNote ?? '' } : {}) },
        });
      });
      const updated = await repo.findProfile(db, profile.id);
      if (!updated) throw profileNotFound();
      return viewProfile(actor, updated);
    },

    async deleteProfile(actor: Actor, id: string, context: AuditContext): Promise<void> {
      const profile = await access.loadProfileForEdit(actor, id);
      await ctx.audited(context, { organisationId: profile.ownerOrganisationId, action: 'profile.deleted', entityType: 'assessment_profile', entityId: id, before: { name: profile.name, visibility: profile.visibility, version: profile.currentVersion } }, (tx) => repo.deleteProfile(tx, id));
    },

    /** Asks the vendor of a product to answer the profile; the vendor then sees the profile. */
    async requestAnswers(actor: Actor, profileId: string, input: { productId: string; organisationId?: string | undefined }, context: AuditContext): Promise<{ created: boolean }> {
      const profile = await access.loadProfile(actor, profileId);
      const organisationId = pickOrganisation(assessingMemberships(actor), input.organisationId, profileEditorRequired);
      const product = await repo.findProduct(db, input.productId);
      if (!product) throw productNotFound();
      return db.transaction(async (tx) => {
        const created = await repo.insertRequest(tx, { profileId, productId: product.id, requestedByOrganisationId: organisationId });
        if (created) await audit.record(tx, context, { organisationId, action: 'profile.answers_requested', entityType: 'assessment_profile', entityId: profileId, after: { profile: profile.name, productId: product.id, product: product.name, vendorOrganisationId: product.vendorOrganisationId } });
        return { created };
      });
    },

    /** Requests of the caller's own organisations; the vendor side sees those for its products. */
    async requests(actor: Actor, profileId: string) {
      await access.loadProfile(actor, profileId);
      const all = await repo.requestsOfProfile(db, profileId);
      if (actor.isAdmin) return all;
      return all.filter((r) => membershipIn(actor, r.requestedByOrganisationId) || membershipIn(actor, r.vendorOrganisationId));
    },

    /** Products to choose from when asking vendors to answer, by name; none for those who cannot ask. */
    async productOptions(actor: Actor): Promise<ProductListRow[]> {
      if (!seesAllProducts(actor)) return [];
      return (await repo.products(db, {}, { limit: 500, offset: 0 })).rows;
    },

    /** Creates the shipped baseline profile once the library has its items; later calls change nothing. */
    async ensureBaselineProfile(context: AuditContext): Promise<AssessmentProfileRow | null> {
      const existing = await repo.findProfileBySlug(db, BASELINE_SLUG);
      if (existing) return existing;
      const rows = (await library.latestReleasedOfKeys(db, BASELINE_KEYS)).filter((r) => r.status === 'published' && r.version);
      if (rows.length === 0) return null;
      const byKey = new Map(rows.map((r) => [r.key, r]));
      const items: ProfileItem[] = BASELINE_KEYS.flatMap((key) => {
        const row = byKey.get(key);
        return row ? [{ key, libraryVersion: row.version as string, type: row.type, weight: row.weight }] : [];
      });
      return db.transaction(async (tx) => {
        const profile = await repo.insertProfile(tx, {
          ownerOrganisationId: null,
          slug: BASELINE_SLUG,
          name: 'Grunnprofil for datatilgang',
          description: 'Kjernekravene til eksport, API, dokumentasjon, avslutning, pris og eierskap til data.',
          visibility: 'public',
          currentVersion: 1,
        });
        await repo.insertProfileVersion(tx, { profileId: profile.id, version: 1, items, changeNote: '' });
        await audit.record(tx, context, { organisationId: null, action: 'profile.created', entityType: 'assessment_profile', entityId: profile.id, after: { slug: BASELINE_SLUG, name: profile.name, visibility: 'public', items } });
        return profile;
      });
    },
  };
}
