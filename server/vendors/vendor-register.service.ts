import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import { changedFields } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { assertUniqueOrganisation } from '../organisations/organisation-identity';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { OrganisationRow } from '../organisations/organisations.table';
import { assertVersion, compareAndSet } from '../shared/versioning';
import { canEditVendor, canRegister, EDIT_ROLES, visibleVendorIds, type VendorsAccess } from './vendors.access';
import { duplicateProduct, duplicateVersion, productNotFound, vendorNotFound, vendorRegisterRoleRequired, vendorRequired, versionNotFound } from './vendors.errors';
import type { ProductFilter, ProductListRow, VendorRow, VendorsRepository } from './vendors.repository';
import type { ProductCreateInput, ProductUpdateInput, VendorCreateInput, VendorUpdateInput, VersionInput } from './vendors.schemas';
import type { ProductRow, ProductVersionRow } from './vendors.table';

export type VendorRegisterDeps = {
  db: Database;
  vendorsRepository: VendorsRepository;
  organisationsRepository: OrganisationsRepository;
  auditRepository: AuditRepository;
  access: VendorsAccess;
};

/**
 * The vendor register: vendors, their products and the products' versions, and the vendor
 * portal that shows vendor users their own. Who sees and changes what is in `vendors.access.ts`.
 */
export function createVendorRegisterService(deps: VendorRegisterDeps) {
  const { db, vendorsRepository: repo, organisationsRepository: orgs, auditRepository: audit, access } = deps;
  const { loadVendor, loadVendorForEdit, loadProduct, loadProductForEdit } = access;

  /** The vendor a new product belongs to: the one named, or the only vendor where the actor edits. */
  function vendorForNewProduct(actor: Actor, vendorId: string | undefined): string {
    if (vendorId) return vendorId;
    const own = actor.memberships.filter((m) => m.kind === 'vendor' && EDIT_ROLES.includes(m.role));
    if (own.length === 1) return (own[0] as (typeof own)[number]).organisationId;
    throw vendorRequired();
  }

  /** Refuses someone who may not register vendors; the form for it refuses them before they fill it in. */
  function requireRegistrar(actor: Actor): void {
    if (!canRegister(actor)) throw vendorRegisterRoleRequired();
  }

  return {
    async listVendors(actor: Actor, filter: { q?: string | undefined }, page: { limit: number; offset: number }) {
      return repo.listVendors(db, { ids: visibleVendorIds(actor), q: filter.q }, page);
    },

    getVendor: loadVendor,

    /** The vendor portal: each vendor the actor belongs to, with its products and their versions. */
    async portal(actor: Actor): Promise<{ vendor: VendorRow; canEdit: boolean; products: (ProductListRow & { versions: ProductVersionRow[] })[] }[]> {
      const ids = actor.memberships.filter((m) => m.kind === 'vendor').map((m) => m.organisationId);
      const [vendors, productRows] = await Promise.all([repo.listVendors(db, { ids }, { limit: 100, offset: 0 }), repo.listProducts(db, { vendorIds: ids }, { limit: 10_000, offset: 0 })]);
      const versions = await repo.versionsOf(db, productRows.rows.map((r) => r.product.id));
      return vendors.rows.map((vendor) => ({
        vendor,
        canEdit: canEditVendor(actor, vendor.id),
        products: productRows.rows.filter((r) => r.product.vendorOrganisationId === vendor.id).map((r) => ({ ...r, versions: versions.filter((v) => v.productId === r.product.id) })),
      }));
    },

    requireRegistrar,

    async registerVendor(actor: Actor, input: VendorCreateInput, context: AuditContext): Promise<OrganisationRow> {
      requireRegistrar(actor);
      await assertUniqueOrganisation(db, orgs, input);
      return db.transaction(async (tx) => {
        const created = await repo.insertVendor(tx, { name: input.name, orgNumber: input.orgNumber, website: input.website ?? null });
        await audit.record(tx, context, {
          organisationId: created.id,
          action: 'vendor.registered',
          entityType: 'organisation',
          entityId: created.id,
          after: { kind: created.kind, name: created.name, orgNumber: created.orgNumber, website: created.website },
        });
        return created;
      });
    },

    async updateVendor(actor: Actor, vendorId: string, input: VendorUpdateInput, context: AuditContext): Promise<OrganisationRow> {
      const existing = await loadVendorForEdit(actor, vendorId);
      const lastChange = (executor: Database = db) => audit.lastChange(executor, 'organisation', vendorId);
      await assertVersion({ entity: 'vendor', expected: input.version, current: existing.version, lastChange });
      await assertUniqueOrganisation(db, orgs, input, vendorId);
      const values: Partial<Pick<OrganisationRow, 'name' | 'orgNumber' | 'website'>> = {};
      if (input.name !== undefined) values.name = input.name;
      if (input.orgNumber !== undefined) values.orgNumber = input.orgNumber;
      if (input.website !== undefined) values.website = input.website;
      const diff = changedFields(existing, values);
      return db.transaction(async (tx) => {
        const updated = await compareAndSet({
          entity: 'vendor',
          update: () => repo.updateVendor(tx, vendorId, input.version, values),
          currentVersion: async () => (await repo.findVendor(tx, vendorId))?.version,
          lastChange: () => lastChange(tx),
          notFound: vendorNotFound,
        });
        await audit.record(tx, context, { organisationId: vendorId, action: 'vendor.updated', entityType: 'organisation', entityId: vendorId, before: diff.before, after: { ...diff.after, version: updated.version } });
        return updated;
      });
    },


    async listProducts(actor: Actor, filter: Omit<ProductFilter, 'vendorIds'>, page: { limit: number; offset: number }) {
      return repo.listProducts(db, { ...filter, vendorIds: visibleVendorIds(actor) }, page);
    },

    /** A product with its versions, newest first. */
    async getProduct(actor: Actor, productId: string): Promise<ProductListRow & { versions: ProductVersionRow[] }> {
      const found = await loadProduct(actor, productId);
      return { ...found, versions: await repo.versionsOf(db, [productId]) };
    },

    async createProduct(actor: Actor, input: ProductCreateInput, context: AuditContext): Promise<ProductRow> {
      const vendorId = vendorForNewProduct(actor, input.vendorId);
      await loadVendorForEdit(actor, vendorId);
      if (await repo.findProductByName(db, vendorId, input.name)) throw duplicateProduct();
      return db.transaction(async (tx) => {
        const created = await repo.insertProduct(tx, {
          vendorOrganisationId: vendorId,
          name: input.name,
          description: input.description,
          domains: input.domains,
          deployment: input.deployment,
          createdBy: actor.userId,
        });
        await audit.record(tx, context, {
          organisationId: vendorId,
          action: 'product.created',
          entityType: 'product',
          entityId: created.id,
          after: { name: created.name, description: created.description, domains: created.domains, deployment: created.deployment },
        });
        return created;
      });
    },

    async updateProduct(actor: Actor, productId: string, input: ProductUpdateInput, context: AuditContext): Promise<ProductRow> {
      const { product } = await loadProductForEdit(actor, productId);
      await assertVersion({ entity: 'product', expected: input.version, current: product.version, lastChange: () => audit.lastChange(db, 'product', productId) });
      if (input.name && input.name.toLowerCase() !== product.name.toLowerCase() && (await repo.findProductByName(db, product.vendorOrganisationId, input.name))) throw duplicateProduct();
      const values: Partial<Pick<ProductRow, 'name' | 'description' | 'domains' | 'deployment'>> = {};
      if (input.name !== undefined) values.name = input.name;
      if (input.description !== undefined) values.description = input.description;
      if (input.domains !== undefined) values.domains = input.domains;
      if (input.deployment !== undefined) values.deployment = input.deployment;
      const diff = changedFields(product, values);
      return db.transaction(async (tx) => {
        const updated = await compareAndSet({
          entity: 'product',
          update: () => repo.updateProduct(tx, productId, input.version, values),
          currentVersion: () => repo.productVersionNumber(tx, productId),
          lastChange: () => audit.lastChange(tx, 'product', productId),
          notFound: productNotFound,
        });
        await audit.record(tx, context, { organisationId: product.vendorOrganisationId, action: 'product.updated', entityType: 'product', entityId: productId, before: diff.before, after: { ...diff.after, version: updated.version } });
        return updated;
      });
    },

    async getVersion(actor: Actor, productId: string, versionId: string): Promise<ProductVersionRow> {
      await loadProduct(actor, productId);
      const version = await repo.findVersion(db, productId, versionId);
      if (!version) throw versionNotFound();
      return version;
    },

    async versions(actor: Actor, productId: string): Promise<ProductVersionRow[]> {
      await loadProduct(actor, productId);
      return repo.versionsOf(db, [productId]);
    },

    async createVersion(actor: Actor, productId: string, input: { label: string; releaseDate?: string | null | undefined }, context: AuditContext): Promise<ProductVersionRow> {
      const { product } = await loadProductForEdit(actor, productId);
      if (await repo.findVersionByLabel(db, productId, input.label)) throw duplicateVersion();
      return db.transaction(async (tx) => {
        const created = await repo.insertVersion(tx, { productId, label: input.label, releaseDate: input.releaseDate ?? null });
        await audit.record(tx, context, {
          organisationId: product.vendorOrganisationId,
          action: 'product_version.created',
          entityType: 'product_version',
          entityId: created.id,
          after: { productId, product: product.name, label: created.label, releaseDate: created.releaseDate },
        });
        return created;
      });
    },

    async updateVersion(actor: Actor, productId: string, versionId: string, input: VersionInput, context: AuditContext): Promise<ProductVersionRow> {
      const { product } = await loadProductForEdit(actor, productId);
      const version = await repo.findVersion(db, productId, versionId);
      if (!version) throw versionNotFound();
      const lastChange = (executor: Database = db) => audit.lastChange(executor, 'product_version', versionId);
      await assertVersion({ entity: 'product version', expected: input.version, current: version.version, lastChange });
      if (input.label && input.label.toLowerCase() !== version.label.toLowerCase() && (await repo.findVersionByLabel(db, productId, input.label))) throw duplicateVersion();
      const values: Partial<Pick<ProductVersionRow, 'label' | 'releaseDate'>> = {};
      if (input.label !== undefined) values.label = input.label;
      if (input.releaseDate !== undefined) values.releaseDate = input.releaseDate;
      const diff = changedFields(version, values);
      return db.transaction(async (tx) => {
        const updated = await compareAndSet({
          entity: 'product version',
          update: () => repo.updateVersion(tx, versionId, input.version, values),
          currentVersion: async () => (await repo.findVersion(tx, productId, versionId))?.version,
          lastChange: () => lastChange(tx),
          notFound: versionNotFound,
        });
        await audit.record(tx, context, { organisationId: product.vendorOrganisationId, action: 'product_version.updated', entityType: 'product_version', entityId: versionId, before: diff.before, after: { productId, ...diff.after, version: updated.version } });
        return updated;
      });
    },

  };
}
