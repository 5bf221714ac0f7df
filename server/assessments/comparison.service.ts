import type { Actor, AuditContext } from '../auth/actor';
import { recordDownload, type GeneratedFile } from '../audit/audited-download';
import type { Domain } from '../library/library.codes';
import { requireBuyerSide } from './assessments.access';
import { ALL_PRODUCTS } from './assessments.cells';
import type { AssessmentsContext } from './assessments.context';
import { profileNotFound } from './assessments.errors';
import { BASELINE_SLUG } from './profiles.service';
import { compareForRanking } from './scoring';

export type ComparisonFilter = { profileId: string; domain?: Domain | undefined; q?: string | undefined };

/** Scores and comparisons: one product's score, the matrix, the ranking, the public register and the lock-in exposure. */
export function createComparisonService(ctx: AssessmentsContext) {
  const { db, repo, access, cells } = ctx;

  return {
    /**
     * A comparison export or chart handed out, audited with its SHA-256 under the organisation the
     * actor works in, so its owners see who took which ranking.
     */
    recordDownload(actor: Actor, context: AuditContext, input: { profileId: string; basis: string; kind: 'comparison_export' | 'chart'; format: string }, file: GeneratedFile) {
      return recordDownload(db, ctx.audit, context, { organisationId: actor.activeOrganisationId, action: `assessments.${input.kind}_downloaded`, entityType: 'assessment_profile', entityId: input.profileId, after: { basis: input.basis, format: input.format } }, file);
    },

    /** Scores of one product version against one profile, with the cells behind them. */
    async score(actor: Actor, productVersionId: string, profileId: string) {
      const context = await access.loadProductVersion(actor, productVersionId);
      const profile = await access.loadProfile(actor, profileId);
      const version = await cells.profileVersionOf(profile);
      const own = (await cells.cellsFor(version.items, [productVersionId])).get(productVersionId) ?? [];
      return { context, profile, version, cells: own, score: cells.scoreOf(version.items, own) };
    },

    /** One page of the products × requirements matrix for buyers and councils. */
    async comparison(actor: Actor, input: ComparisonFilter & { page: number; pageSize: number }) {
      requireBuyerSide(actor);
      const profile = await access.loadProfile(actor, input.profileId);
      const version = await cells.profileVersionOf(profile);
      const [items, page] = await Promise.all([cells.itemViews(version.items), repo.products(db, { domain: input.domain, q: input.q }, { limit: input.pageSize, offset: (input.page - 1) * input.pageSize })]);
      return { profile, version, items, rows: await cells.rowsWithScores(version.items, page.rows), total: page.total };
    },

    /** Every matching product, scored and ranked; the caller pages or exports. */
    async ranking(actor: Actor, input: ComparisonFilter & { basis: 'claimed' | 'verified' }) {
      requireBuyerSide(actor);
      const profile = await access.loadProfile(actor, input.profileId);
      const version = await cells.profileVersionOf(profile);
      const [items, all] = await Promise.all([cells.itemViews(version.items), repo.products(db, { domain: input.domain, q: input.q }, ALL_PRODUCTS)]);
      const rows = (await cells.rowsWithScores(version.items, all.rows)).sort(compareForRanking(input.basis));
      return { profile, version, items, rows };
    },

    /**
     * The public register of one public profile: products with at least one verified answer,
     * and only verified statuses. Claims without a valid verification never appear.
     */
    async register(input: { profileId?: string | undefined; page: number; pageSize: number }) {
      const profiles = await repo.publicProfiles(db);
      const profile = input.profileId ? profiles.find((p) => p.id === input.profileId) : (profiles.find((p) => p.slug === BASELINE_SLUG) ?? profiles[0]);
      if (input.profileId && !profile) throw profileNotFound();
      if (!profile) return { profiles, profile: null, items: [], rows: [], total: 0 };
      const version = await cells.profileVersionOf(profile);
      const [items, all] = await Promise.all([cells.itemViews(version.items), repo.products(db, {}, ALL_PRODUCTS)]);
      const verified = (await cells.rowsWithScores(version.items, all.rows))
        .map((row) => ({ ...row, cells: row.cells.map((c) => ({ key: c.key, major: c.major, status: c.verified })) }))
        .filter((row) => row.cells.some((c) => c.status !== null));
      const start = (input.page - 1) * input.pageSize;
      return { profiles, profile, version, items, rows: verified.slice(start, start + input.pageSize), total: verified.length };
    },

    /**
     * For the vendor register's lock-in exposure: products whose newest version fails absolute
     * requirements of the shipped baseline profile by the vendor's own current answers.
     */
    async failingAbsolute(productIds: string[]): Promise<Map<string, string[]>> {
      const result = new Map<string, string[]>();
      const baseline = await repo.findProfileBySlug(db, BASELINE_SLUG);
      if (!baseline || productIds.length === 0) return result;
      const version = await cells.profileVersionOf(baseline);
      const { rows } = await repo.products(db, { productIds }, ALL_PRODUCTS);
      for (const row of await cells.rowsWithScores(version.items, rows)) {
        if (row.score.claimed.failingAbsolute.length > 0) result.set(row.productId, row.score.claimed.failingAbsolute);
      }
      return result;
    },
  };
}

export type ComparisonService = ReturnType<typeof createComparisonService>;
