import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import { pageTotal, totalBeforeLimit } from '../db/page-total';
import type { Domain } from '../library/library.codes';
import { organisations, type OrganisationRow } from '../organisations/organisations.table';
import { productUsages, products, productVersions, type Deployment, type ProductRow, type ProductUsageRow, type ProductVersionRow } from './vendors.table';

export type VendorRow = OrganisationRow & { productCount: number };
export type ProductListRow = { product: ProductRow; vendorName: string; latestVersion: string | null };
export type UsageListRow = { usage: ProductUsageRow; buyerName: string; productName: string; vendorId: string; vendorName: string };

export type ProductFilter = { vendorIds: string[] | 'all'; vendorId?: string | undefined; domain?: Domain | undefined; deployment?: Deployment | undefined; q?: string | undefined };
export type UsageFilter = { buyerIds: string[] | 'all'; productId?: string | undefined };
type Page = { limit: number; offset: number };

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const vendorOrgs = alias(organisations, 'vendor');
const buyerOrgs = alias(organisations, 'buyer');

// Written with explicit table names: Drizzle leaves columns unqualified in single-table selects,
// where "id" inside the subquery would name the subquery's own table.
const productCount = sql<number>`(select count(*)::int from products p where p.vendor_organisation_id = organisations.id)`;
/** The newest version by release date (undated last), then by when it was recorded. */
const latestVersion = sql<string | null>`(select pv.label from product_versions pv where pv.product_id = products.id order by pv.release_date desc nulls last, pv.created_at desc limit 1)`;

const usageColumns = { usage: productUsages, buyerName: buyerOrgs.name, productName: products.name, vendorId: vendorOrgs.id, vendorName: vendorOrgs.name };

export function createVendorsRepository() {
  function usageQuery<E extends Record<string, SQL> = Record<never, never>>(db: Database, extra?: E) {
    return db
      .select({ ...usageColumns, ...(extra as E) })
      .from(productUsages)
      .innerJoin(products, eq(products.id, productUsages.productId))
      .innerJoin(vendorOrgs, eq(vendorOrgs.id, products.vendorOrganisationId))
      .innerJoin(buyerOrgs, eq(buyerOrgs.id, productUsages.buyerOrganisationId));
  }

  function usageWhere(filter: UsageFilter): SQL | undefined {
    const conditions: SQL[] = [];
    if (filter.buyerIds !== 'all') conditions.push(inArray(productUsages.buyerOrganisationId, filter.buyerIds));
    if (filter.productId) conditions.push(eq(productUsages.productId, filter.productId));
    return conditions.length > 0 ? and(...conditions) : undefined;
  }

  return {
    /** Vendor organisations, optionally only the given ones, with how many products each has. */
    async listVendors(db: Database, filter: { ids: string[] | 'all'; q?: string | undefined }, page: Page): Promise<{ rows: VendorRow[]; total: number }> {
      if (filter.ids !== 'all' && filter.ids.length === 0) return { rows: [], total: 0 };
      const conditions: SQL[] = [eq(organisations.kind, 'vendor')];
      if (filter.ids !== 'all') conditions.push(inArray(organisations.id, filter.ids));
      if (filter.q) conditions.push(or(ilike(organisations.name, likePattern(filter.q)), ilike(organisations.orgNumber, likePattern(filter.q))) as SQL);
      const where = and(...conditions);
      const [rows, totals] = await Promise.all([
        db.select({ organisation: organisations, productCount }).from(organisations).where(where).orderBy(asc(organisations.name)).limit(page.limit).offset(page.offset),
        db.select({ n: count() }).from(organisations).where(where),
      ]);
      return { rows: rows.map((r) => ({ ...r.organisation, productCount: Number(r.productCount) })), total: Number(totals[0]?.n ?? 0) };
    },

    async findVendor(db: Database, id: string): Promise<VendorRow | undefined> {
      const rows = await db
        .select({ organisation: organisations, productCount })
        .from(organisations)
        .where(and(eq(organisations.id, id), eq(organisations.kind, 'vendor')))
        .limit(1);
      const row = rows[0];
      return row ? { ...row.organisation, productCount: Number(row.productCount) } : undefined;
    },

    async insertVendor(db: Database, values: { name: string; orgNumber: string; website: string | null }): Promise<OrganisationRow> {
      const rows = await db.insert(organisations).values({ kind: 'vendor', ...values }).returning();
      return rows[0] as OrganisationRow;
    },

    /** Changes the vendor and raises its version, if it still has the expected one; undefined when stale. */
    async updateVendor(db: Database, id: string, expectedVersion: number, values: Partial<Pick<OrganisationRow, 'name' | 'orgNumber' | 'website'>>): Promise<OrganisationRow | undefined> {
      const rows = await db
        .update(organisations)
        .set({ ...values, version: sql`${organisations.version} + 1`, updatedAt: new Date() })
        .where(and(eq(organisations.id, id), eq(organisations.kind, 'vendor'), eq(organisations.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async listProducts(db: Database, filter: ProductFilter, page: Page): Promise<{ rows: ProductListRow[]; total: number }> {
      if (filter.vendorIds !== 'all' && filter.vendorIds.length === 0) return { rows: [], total: 0 };
      const conditions: SQL[] = [];
      if (filter.vendorIds !== 'all') conditions.push(inArray(products.vendorOrganisationId, filter.vendorIds));
      if (filter.vendorId) conditions.push(eq(products.vendorOrganisationId, filter.vendorId));
      if (filter.domain) conditions.push(sql`(${filter.domain} = any(${products.domains}) or 'all' = any(${products.domains}))`);
      if (filter.deployment) conditions.push(eq(products.deployment, filter.deployment));
      if (filter.q) conditions.push(or(ilike(products.name, likePattern(filter.q)), ilike(products.description, likePattern(filter.q)), ilike(organisations.name, likePattern(filter.q))) as SQL);
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const [rows, totals] = await Promise.all([
        db
          .select({ product: products, vendorName: organisations.name, latestVersion })
          .from(products)
          .innerJoin(organisations, eq(organisations.id, products.vendorOrganisationId))
          .where(where)
          .orderBy(asc(products.name), asc(organisations.name))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(products).innerJoin(organisations, eq(organisations.id, products.vendorOrganisationId)).where(where),
      ]);
      return { rows, total: Number(totals[0]?.n ?? 0) };
    },

    async findProduct(db: Database, id: string): Promise<ProductListRow | undefined> {
      const rows = await db
        .select({ product: products, vendorName: organisations.name, latestVersion })
        .from(products)
        .innerJoin(organisations, eq(organisations.id, products.vendorOrganisationId))
        .where(eq(products.id, id))
        .limit(1);
      return rows[0];
    },

    async findProductByName(db: Database, vendorId: string, name: string): Promise<ProductRow | undefined> {
      const rows = await db
        .select()
        .from(products)
        .where(and(eq(products.vendorOrganisationId, vendorId), sql`lower(${products.name}) = lower(${name})`))
        .limit(1);
      return rows[0];
    },

    async insertProduct(db: Database, values: typeof products.$inferInsert): Promise<ProductRow> {
      const rows = await db.insert(products).values(values).returning();
      return rows[0] as ProductRow;
    },

    /** Changes the product and raises its version, if it still has the expected one; undefined when stale. */
    async updateProduct(db: Database, id: string, expectedVersion: number, values: Partial<Pick<ProductRow, 'name' | 'description' | 'domains' | 'deployment'>>): Promise<ProductRow | undefined> {
      const rows = await db
        .update(products)
        .set({ ...values, version: sql`${products.version} + 1`, updatedAt: new Date() })
        .where(and(eq(products.id, id), eq(products.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async productVersionNumber(db: Database, id: string): Promise<number | undefined> {
      const rows = await db.select({ version: products.version }).from(products).where(eq(products.id, id)).limit(1);
      return rows[0]?.version;
    },

    /** Versions of the products, newest release first (undated last). */
    async versionsOf(db: Database, productIds: string[]): Promise<ProductVersionRow[]> {
      if (productIds.length === 0) return [];
      return db
        .select()
        .from(productVersions)
        .where(inArray(productVersions.productId, productIds))
        .orderBy(sql`${productVersions.releaseDate} desc nulls last`, desc(productVersions.createdAt));
    },

    async findVersion(db: Database, productId: string, versionId: string): Promise<ProductVersionRow | undefined> {
      const rows = await db
        .select()
        .from(productVersions)
        .where(and(eq(productVersions.id, versionId), eq(productVersions.productId, productId)))
        .limit(1);
      return rows[0];
    },

    async findVersionByLabel(db: Database, productId: string, label: string): Promise<ProductVersionRow | undefined> {
      const rows = await db
        .select()
        .from(productVersions)
        .where(and(eq(productVersions.productId, productId), sql`lower(${productVersions.label}) = lower(${label})`))
        .limit(1);
      return rows[0];
    },

    async insertVersion(db: Database, values: typeof productVersions.$inferInsert): Promise<ProductVersionRow> {
      const rows = await db.insert(productVersions).values(values).returning();
      return rows[0] as ProductVersionRow;
    },

    /** Changes a product version and raises its `version`, if it still has the expected one; undefined when stale. */
    async updateVersion(db: Database, id: string, expectedVersion: number, values: Partial<Pick<ProductVersionRow, 'label' | 'releaseDate'>>): Promise<ProductVersionRow | undefined> {
      const rows = await db
        .update(productVersions)
        .set({ ...values, version: sql`${productVersions.version} + 1` })
        .where(and(eq(productVersions.id, id), eq(productVersions.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async listUsages(db: Database, filter: UsageFilter, page: Page): Promise<{ rows: UsageListRow[]; total: number }> {
      if (filter.buyerIds !== 'all' && filter.buyerIds.length === 0) return { rows: [], total: 0 };
      const where = usageWhere(filter);
      const rows = await usageQuery(db, { total: totalBeforeLimit() }).where(where).orderBy(sql`${productUsages.contractEnd} asc nulls last`, asc(products.name)).limit(page.limit).offset(page.offset);
      const total = await pageTotal(rows, page, async () => (await db.select({ n: count() }).from(productUsages).where(where))[0]?.n);
      return { rows: rows.map(({ total: _total, ...row }) => row), total };
    },

    /** Every usage of one buyer, for the exposure page. */
    async usagesOfBuyer(db: Database, buyerId: string): Promise<UsageListRow[]> {
      return usageQuery(db).where(eq(productUsages.buyerOrganisationId, buyerId)).orderBy(sql`${productUsages.contractEnd} asc nulls last`, asc(products.name));
    },

    async findUsage(db: Database, id: string): Promise<UsageListRow | undefined> {
      const rows = await usageQuery(db).where(eq(productUsages.id, id)).limit(1);
      return rows[0];
    },

    async insertUsage(db: Database, values: typeof productUsages.$inferInsert): Promise<ProductUsageRow> {
      const rows = await db.insert(productUsages).values(values).returning();
      return rows[0] as ProductUsageRow;
    },

    /** Changes a usage and raises its version, if it still has the expected one; undefined when stale. */
    async updateUsage(db: Database, id: string, expectedVersion: number, values: Partial<Pick<ProductUsageRow, 'contractStart' | 'contractEnd' | 'noticeMonths' | 'exitPlanStatus' | 'note'>>): Promise<ProductUsageRow | undefined> {
      const rows = await db
        .update(productUsages)
        .set({ ...values, version: sql`${productUsages.version} + 1`, updatedAt: new Date() })
        .where(and(eq(productUsages.id, id), eq(productUsages.version, expectedVersion)))
        .returning();
      return rows[0];
    },

    async deleteUsage(db: Database, id: string): Promise<void> {
      await db.delete(productUsages).where(eq(productUsages.id, id));
    },
  };
}

export type VendorsRepository = ReturnType<typeof createVendorsRepository>;
