import { activeMembership, membershipIn, type Actor, type AuditContext } from '../auth/actor';
import type { AuthRepository } from '../auth/auth.repository';
import { randomToken, sha256 } from '../auth/secrets';
import type { AuditRepository } from '../audit/audit.repository';
import { changedFields } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { requireOrganisationRole } from '../organisations/organisation-access';
import { alreadyMember, duplicateOrganisation, invitationNotFound, organisationNotFound } from '../organisations/organisations.errors';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import type { InvitationRow, MembershipRole, OrganisationRow } from '../organisations/organisations.table';
import {
  buyerRequired,
  contractDatesReversed,
  duplicateProduct,
  duplicateVersion,
  notABuyer,
  organisationRequired,
  productNotFound,
  usageEditorRequired,
  usageNotFound,
  vendorEditorRequired,
  vendorInviteRoleRequired,
  vendorNotFound,
  vendorRegisterRoleRequired,
  vendorRequired,
  versionNotFound,
} from './vendors.errors';
import type { ProductFilter, ProductListRow, UsageListRow, VendorRow, VendorsRepository } from './vendors.repository';
import type { ProductCreateInput, ProductUpdateInput, UsageCreateInput, UsageUpdateInput, VendorCreateInput, VendorUpdateInput, VersionInput } from './vendors.schemas';
import type { ProductRow, ProductUsageRow, ProductVersionRow } from './vendors.table';

/** Invitation links for vendor contacts last as long as other invitations. */
const INVITATION_DAYS = 14;
/** A vendor contact invited by a buyer or council becomes the vendor's owner, so they can invite colleagues. */
const VENDOR_INVITATION_ROLE: MembershipRole = 'owner';

const REGISTER_ROLES: readonly MembershipRole[] = ['owner', 'editor', 'assessor'];
const EDIT_ROLES: readonly MembershipRole[] = ['owner', 'editor'];

/**
 * The products of the given ids that fail absolute (A) data-access requirements, with the
 * failing requirement keys. Supplied by the assessments feature; without it the exposure page
 * says there is no assessment data.
 */
export type AbsoluteFailureSource = (productIds: string[]) => Promise<Map<string, string[]>>;

export type UsageView = UsageListRow & { noticeDeadline: string | null };

export type Exposure = {
  organisation: OrganisationRow;
  today: string;
  horizonMonths: number;
  horizonEnd: string;
  endingContracts: (UsageView & { ended: boolean; noticePassed: boolean })[];
  withoutApprovedExitPlan: UsageView[];
  failingAbsolute: { available: boolean; items: (UsageView & { failingKeys: string[] })[] };
};

export type VendorsServiceDeps = {
  db: Database;
  vendorsRepository: VendorsRepository;
  organisationsRepository: OrganisationsRepository;
  authRepository: AuthRepository;
  auditRepository: AuditRepository;
  failingAbsolute?: AbsoluteFailureSource;
  now?: () => Date;
};

const osloDate = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Norway as YYYY-MM-DD. */
export function localDate(moment: Date): string {
  return osloDate.format(moment);
}

/** A YYYY-MM-DD date moved by whole months; the 31st becomes the last day of a shorter month. */
export function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** The last day notice can be given: the contract end minus the notice period. */
export function noticeDeadline(usage: Pick<ProductUsageRow, 'contractEnd' | 'noticeMonths'>): string | null {
  if (!usage.contractEnd) return null;
  return addMonths(usage.contractEnd, -(usage.noticeMonths ?? 0));
}

const hasRole = (actor: Actor, kinds: readonly string[], roles: readonly MembershipRole[]) => actor.memberships.some((m) => kinds.includes(m.kind) && roles.includes(m.role));

export function createVendorsService(deps: VendorsServiceDeps) {
  const { db, vendorsRepository: repo, organisationsRepository: orgs, authRepository: users, auditRepository: audit } = deps;
  const now = deps.now ?? (() => new Date());
  let absoluteFailures: AbsoluteFailureSource | undefined = deps.failingAbsolute;

  /** Buyers, councils and administrators see the whole register; everybody else only their own vendors. */
  function seesAllVendors(actor: Actor): boolean {
    return actor.isAdmin || actor.memberships.some((m) => m.kind === 'buyer' || m.kind === 'council');
  }

  function visibleVendorIds(actor: Actor): string[] | 'all' {
    return seesAllVendors(actor) ? 'all' : actor.memberships.filter((m) => m.kind === 'vendor').map((m) => m.organisationId);
  }

  function canRegister(actor: Actor): boolean {
    return actor.isAdmin || hasRole(actor, ['buyer', 'council'], REGISTER_ROLES);
  }

  function canEditVendor(actor: Actor, vendorId: string): boolean {
    const own = membershipIn(actor, vendorId);
    return canRegister(actor) || Boolean(own && EDIT_ROLES.includes(own.role));
  }

  function canInvite(actor: Actor, vendorId: string): boolean {
    return canRegister(actor) || membershipIn(actor, vendorId)?.role === 'owner';
  }

  /** Members of a buyer see and change its usages; administrators pass, like everywhere. */
  function canEditUsagesOf(actor: Actor, buyerId: string): boolean {
    const membership = membershipIn(actor, buyerId);
    return actor.isAdmin || Boolean(membership && EDIT_ROLES.includes(membership.role));
  }

  function buyerIdsOf(actor: Actor): string[] {
    return actor.memberships.filter((m) => m.kind === 'buyer').map((m) => m.organisationId);
  }

  /** The buyer organisation a page works in when none is named: the active one, else the first. */
  function defaultBuyerId(actor: Actor): string | null {
    const active = activeMembership(actor);
    if (active?.kind === 'buyer') return active.organisationId;
    return buyerIdsOf(actor)[0] ?? null;
  }

  async function loadVendor(actor: Actor, vendorId: string): Promise<VendorRow> {
    const vendor = await repo.findVendor(db, vendorId);
    const visible = visibleVendorIds(actor);
    if (!vendor || (visible !== 'all' && !visible.includes(vendor.id))) throw vendorNotFound();
    return vendor;
  }

  async function loadVendorForEdit(actor: Actor, vendorId: string): Promise<VendorRow> {
    const vendor = await loadVendor(actor, vendorId);
    if (!canEditVendor(actor, vendorId)) throw vendorEditorRequired();
    return vendor;
  }

  async function loadProduct(actor: Actor, productId: string): Promise<ProductListRow> {
    const found = await repo.findProduct(db, productId);
    const visible = visibleVendorIds(actor);
    if (!found || (visible !== 'all' && !visible.includes(found.product.vendorOrganisationId))) throw productNotFound();
    return found;
  }

  async function loadProductForEdit(actor: Actor, productId: string): Promise<ProductListRow> {
    const found = await loadProduct(actor, productId);
    if (!canEditVendor(actor, found.product.vendorOrganisationId)) throw vendorEditorRequired();
    return found;
  }

  /** A usage exists for its buyer's members only; for everybody else it does not exist. */
  async function loadUsage(actor: Actor, usageId: string): Promise<UsageListRow> {
    const found = await repo.findUsage(db, usageId);
    if (!found || !(actor.isAdmin || membershipIn(actor, found.usage.buyerOrganisationId))) throw usageNotFound();
    return found;
  }

  async function requireBuyer(organisationId: string): Promise<OrganisationRow> {
    const organisation = await orgs.findById(db, organisationId);
    if (!organisation) throw organisationNotFound();
    if (organisation.kind !== 'buyer') throw notABuyer();
    return organisation;
  }

  /** The buyer a new usage belongs to: the one named, or the only one where the actor edits. */
  async function buyerForNewUsage(actor: Actor, organisationId: string | undefined): Promise<string> {
    if (organisationId) {
      requireOrganisationRole(actor, organisationId, EDIT_ROLES);
      await requireBuyer(organisationId);
      return organisationId;
    }
    const eligible = actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.includes(m.role));
    if (eligible.length === 1) return (eligible[0] as (typeof eligible)[number]).organisationId;
    if (eligible.length === 0 && !actor.isAdmin) throw buyerRequired();
    throw organisationRequired();
  }

  /** The buyer a reading page or API call is about: the one named (checked), else the default one. */
  async function buyerToRead(actor: Actor, organisationId: string | undefined): Promise<OrganisationRow> {
    const id = organisationId ?? defaultBuyerId(actor);
    if (!id) throw actor.isAdmin ? organisationRequired() : buyerRequired();
    requireOrganisationRole(actor, id);
    return requireBuyer(id);
  }

  /** The vendor a new product belongs to: the one named, or the only vendor where the actor edits. */
  function vendorForNewProduct(actor: Actor, vendorId: string | undefined): string {
    if (vendorId) return vendorId;
    const own = actor.memberships.filter((m) => m.kind === 'vendor' && EDIT_ROLES.includes(m.role));
    if (own.length === 1) return (own[0] as (typeof own)[number]).organisationId;
    throw vendorRequired();
  }

  async function assertUniqueVendor(name: string | undefined, orgNumber: string | undefined, exceptId?: string): Promise<void> {
    if (name) {
      const existing = await orgs.findByName(db, name);
      if (existing && existing.id !== exceptId) throw duplicateOrganisation('name');
    }
    if (orgNumber) {
      const existing = await orgs.findByOrgNumber(db, orgNumber);
      if (existing && existing.id !== exceptId) throw duplicateOrganisation('orgNumber');
    }
  }

  function checkContractDates(start: string | null | undefined, end: string | null | undefined): void {
    if (start && end && end < start) throw contractDatesReversed();
  }

  const withDeadline = (row: UsageListRow): UsageView => ({ ...row, noticeDeadline: noticeDeadline(row.usage) });

  const usageAudit = (usage: ProductUsageRow) => ({
    productId: usage.productId,
    contractStart: usage.contractStart,
    contractEnd: usage.contractEnd,
    noticeMonths: usage.noticeMonths,
    exitPlanStatus: usage.exitPlanStatus,
    note: usage.note,
  });

  return {
    seesAllVendors,
    canRegister,
    canEditVendor,
    canInvite,
    canEditUsagesOf,
    defaultBuyerId,

    /** Plugs in where the exposure page reads products failing absolute requirements. */
    setAbsoluteFailureSource(source: AbsoluteFailureSource): void {
      absoluteFailures = source;
    },

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

    async registerVendor(actor: Actor, input: VendorCreateInput, context: AuditContext): Promise<OrganisationRow> {
      if (!canRegister(actor)) throw vendorRegisterRoleRequired();
      await assertUniqueVendor(input.name, input.orgNumber);
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
      await assertUniqueVendor(input.name, input.orgNumber, vendorId);
      const values: Partial<Pick<OrganisationRow, 'name' | 'orgNumber' | 'website'>> = {};
      if (input.name !== undefined) values.name = input.name;
      if (input.orgNumber !== undefined) values.orgNumber = input.orgNumber;
      if (input.website !== undefined) values.website = input.website;
      const diff = changedFields(existing, values);
      if (Object.keys(diff.after).length === 0) return existing;
      return db.transaction(async (tx) => {
        const updated = await repo.updateVendor(tx, vendorId, values);
        await audit.record(tx, context, { organisationId: vendorId, action: 'vendor.updated', entityType: 'organisation', entityId: vendorId, ...diff });
        return updated;
      });
    },

    /**
     * Creates a single-use link with which a vendor contact joins the vendor as its owner. The
     * installation may have no mail server, so the link goes back to the inviter to send; only
     * its hash is stored. Accepting it is the ordinary invitation flow.
     */
    async invite(actor: Actor, vendorId: string, input: { email: string }, context: AuditContext): Promise<{ invitation: InvitationRow; token: string }> {
      await loadVendor(actor, vendorId);
      if (!canInvite(actor, vendorId)) throw vendorInviteRoleRequired();
      const existingUser = await users.findUserByEmail(db, input.email);
      if (existingUser && (await orgs.findMembership(db, vendorId, existingUser.id))) throw alreadyMember();
      const token = randomToken();
      const invitation = await db.transaction(async (tx) => {
        const created = await orgs.insertInvitation(tx, {
          organisationId: vendorId,
          email: input.email.toLowerCase(),
          role: VENDOR_INVITATION_ROLE,
          tokenHash: sha256(token),
          invitedBy: actor.userId,
          expiresAt: new Date(now().getTime() + INVITATION_DAYS * 86_400_000),
        });
        await audit.record(tx, context, {
          organisationId: vendorId,
          action: 'invitation.created',
          entityType: 'invitation',
          entityId: created.id,
          after: { email: created.email, role: created.role, expiresAt: created.expiresAt.toISOString(), vendorContact: true },
        });
        return created;
      });
      return { invitation, token };
    },

    async pendingInvitations(actor: Actor, vendorId: string): Promise<InvitationRow[]> {
      await loadVendor(actor, vendorId);
      if (!canInvite(actor, vendorId)) throw vendorInviteRoleRequired();
      return orgs.pendingInvitations(db, vendorId, now());
    },

    async revokeInvitation(actor: Actor, vendorId: string, invitationId: string, context: AuditContext): Promise<void> {
      await loadVendor(actor, vendorId);
      if (!canInvite(actor, vendorId)) throw vendorInviteRoleRequired();
      await db.transaction(async (tx) => {
        const revoked = await orgs.revokeInvitation(tx, vendorId, invitationId, now());
        if (!revoked) throw invitationNotFound();
        await audit.record(tx, context, { organisationId: vendorId, action: 'invitation.revoked', entityType: 'invitation', entityId: invitationId, before: { email: revoked.email, role: revoked.role } });
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
      if (input.name && input.name.toLowerCase() !== product.name.toLowerCase() && (await repo.findProductByName(db, product.vendorOrganisationId, input.name))) throw duplicateProduct();
      const values: Partial<Pick<ProductRow, 'name' | 'description' | 'domains' | 'deployment'>> = {};
      if (input.name !== undefined) values.name = input.name;
      if (input.description !== undefined) values.description = input.description;
      if (input.domains !== undefined) values.domains = input.domains;
      if (input.deployment !== undefined) values.deployment = input.deployment;
      const diff = changedFields(product, values);
      if (Object.keys(diff.after).length === 0) return product;
      return db.transaction(async (tx) => {
        const updated = await repo.updateProduct(tx, productId, values);
        await audit.record(tx, context, { organisationId: product.vendorOrganisationId, action: 'product.updated', entityType: 'product', entityId: productId, ...diff });
        return updated;
      });
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
      if (input.label && input.label.toLowerCase() !== version.label.toLowerCase() && (await repo.findVersionByLabel(db, productId, input.label))) throw duplicateVersion();
      const values: Partial<Pick<ProductVersionRow, 'label' | 'releaseDate'>> = {};
      if (input.label !== undefined) values.label = input.label;
      if (input.releaseDate !== undefined) values.releaseDate = input.releaseDate;
      const diff = changedFields(version, values);
      if (Object.keys(diff.after).length === 0) return version;
      return db.transaction(async (tx) => {
        const updated = await repo.updateVersion(tx, versionId, values);
        await audit.record(tx, context, { organisationId: product.vendorOrganisationId, action: 'product_version.updated', entityType: 'product_version', entityId: versionId, before: diff.before, after: { productId, ...diff.after } });
        return updated;
      });
    },

    /** Usages of the buyers the actor belongs to (administrators: all), optionally of one buyer or product. */
    async listUsages(actor: Actor, filter: { organisationId?: string | undefined; productId?: string | undefined }, page: { limit: number; offset: number }) {
      if (filter.organisationId) {
        requireOrganisationRole(actor, filter.organisationId);
        await requireBuyer(filter.organisationId);
      }
      const buyerIds = filter.organisationId ? [filter.organisationId] : actor.isAdmin ? 'all' : buyerIdsOf(actor);
      const { rows, total } = await repo.listUsages(db, { buyerIds, productId: filter.productId }, page);
      return { rows: rows.map(withDeadline), total };
    },

    async getUsage(actor: Actor, usageId: string): Promise<UsageView> {
      return withDeadline(await loadUsage(actor, usageId));
    },

    async createUsage(actor: Actor, input: UsageCreateInput, context: AuditContext): Promise<ProductUsageRow> {
      const buyerId = await buyerForNewUsage(actor, input.organisationId);
      const { product } = await loadProduct(actor, input.productId);
      checkContractDates(input.contractStart, input.contractEnd);
      return db.transaction(async (tx) => {
        const created = await repo.insertUsage(tx, {
          buyerOrganisationId: buyerId,
          productId: product.id,
          contractStart: input.contractStart ?? null,
          contractEnd: input.contractEnd ?? null,
          noticeMonths: input.noticeMonths ?? null,
          exitPlanStatus: input.exitPlanStatus,
          note: input.note,
        });
        await audit.record(tx, context, { organisationId: buyerId, action: 'product_usage.created', entityType: 'product_usage', entityId: created.id, after: { product: product.name, ...usageAudit(created) } });
        return created;
      });
    },

    async updateUsage(actor: Actor, usageId: string, input: UsageUpdateInput, context: AuditContext): Promise<ProductUsageRow> {
      const { usage } = await loadUsage(actor, usageId);
      if (!canEditUsagesOf(actor, usage.buyerOrganisationId)) throw usageEditorRequired();
      const values: Partial<Pick<ProductUsageRow, 'contractStart' | 'contractEnd' | 'noticeMonths' | 'exitPlanStatus' | 'note'>> = {};
      if (input.contractStart !== undefined) values.contractStart = input.contractStart;
      if (input.contractEnd !== undefined) values.contractEnd = input.contractEnd;
      if (input.noticeMonths !== undefined) values.noticeMonths = input.noticeMonths;
      if (input.exitPlanStatus !== undefined) values.exitPlanStatus = input.exitPlanStatus;
      if (input.note !== undefined) values.note = input.note;
      checkContractDates(values.contractStart === undefined ? usage.contractStart : values.contractStart, values.contractEnd === undefined ? usage.contractEnd : values.contractEnd);
      const diff = changedFields(usage, values);
      if (Object.keys(diff.after).length === 0) return usage;
      return db.transaction(async (tx) => {
        const updated = await repo.updateUsage(tx, usageId, values);
        await audit.record(tx, context, { organisationId: usage.buyerOrganisationId, action: 'product_usage.updated', entityType: 'product_usage', entityId: usageId, ...diff });
        return updated;
      });
    },

    async removeUsage(actor: Actor, usageId: string, context: AuditContext): Promise<void> {
      const { usage, productName } = await loadUsage(actor, usageId);
      if (!canEditUsagesOf(actor, usage.buyerOrganisationId)) throw usageEditorRequired();
      await db.transaction(async (tx) => {
        await repo.deleteUsage(tx, usageId);
        await audit.record(tx, context, { organisationId: usage.buyerOrganisationId, action: 'product_usage.removed', entityType: 'product_usage', entityId: usageId, before: { product: productName, ...usageAudit(usage) } });
      });
    },

    buyerToRead,

    /** The buyers the actor may pick on the usage pages: their own (editing: where they edit); administrators every buyer. */
    async buyerChoices(actor: Actor, forEditing: boolean): Promise<{ id: string; name: string }[]> {
      if (actor.isAdmin) return (await orgs.list(db, { kind: 'buyer' }, { limit: 1000, offset: 0 })).rows.map((o) => ({ id: o.id, name: o.name }));
      return actor.memberships
        .filter((m) => m.kind === 'buyer' && (!forEditing || EDIT_ROLES.includes(m.role)))
        .map((m) => ({ id: m.organisationId, name: m.organisationName }));
    },

    /**
     * A buyer's lock-in exposure: contracts ending within the horizon (and those already ended),
     * usages without an approved exit plan, and products failing absolute requirements once
     * assessment data is plugged in.
     */
    async exposure(actor: Actor, organisationId: string | undefined, horizonMonths: number): Promise<Exposure> {
      const organisation = await buyerToRead(actor, organisationId);
      const today = localDate(now());
      const horizonEnd = addMonths(today, horizonMonths);
      const usages = (await repo.usagesOfBuyer(db, organisation.id)).map(withDeadline);
      const endingContracts = usages
        .filter((u) => u.usage.contractEnd !== null && u.usage.contractEnd <= horizonEnd)
        .map((u) => ({ ...u, ended: (u.usage.contractEnd as string) < today, noticePassed: u.noticeDeadline !== null && u.noticeDeadline < today }));
      const withoutApprovedExitPlan = usages.filter((u) => u.usage.exitPlanStatus !== 'approved');
      let failingAbsolute: Exposure['failingAbsolute'] = { available: false, items: [] };
      if (absoluteFailures) {
        const failures = await absoluteFailures([...new Set(usages.map((u) => u.usage.productId))]);
        failingAbsolute = {
          available: true,
          items: usages.flatMap((u) => {
            const keys = failures.get(u.usage.productId) ?? [];
            return keys.length > 0 ? [{ ...u, failingKeys: keys }] : [];
          }),
        };
      }
      return { organisation, today, horizonMonths, horizonEnd, endingContracts, withoutApprovedExitPlan, failingAbsolute };
    },
  };
}

export type VendorsService = ReturnType<typeof createVendorsService>;
