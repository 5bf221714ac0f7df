import { activeMembership, membershipIn, type Actor } from '../auth/actor';
import type { Database } from '../db/client';
import type { MembershipRole } from '../organisations/organisations.table';
import { productNotFound, vendorEditorRequired, vendorNotFound } from './vendors.errors';
import type { ProductListRow, VendorRow, VendorsRepository } from './vendors.repository';

/** Roles in a buyer or council that register vendors and keep the register up to date. */
const REGISTER_ROLES: readonly MembershipRole[] = ['owner', 'editor', 'assessor'];
/** Roles that change a vendor's own data (in the vendor) or a buyer's usages (in the buyer). */
export const EDIT_ROLES: readonly MembershipRole[] = ['owner', 'editor'];

const hasRole = (actor: Actor, kinds: readonly string[], roles: readonly MembershipRole[]) => actor.memberships.some((m) => kinds.includes(m.kind) && roles.includes(m.role));

/** Buyers, councils and administrators see the whole register; everybody else only their own vendors. */
export function seesAllVendors(actor: Actor): boolean {
  return actor.isAdmin || actor.memberships.some((m) => m.kind === 'buyer' || m.kind === 'council');
}

export function visibleVendorIds(actor: Actor): string[] | 'all' {
  return seesAllVendors(actor) ? 'all' : actor.memberships.filter((m) => m.kind === 'vendor').map((m) => m.organisationId);
}

export function canRegister(actor: Actor): boolean {
  return actor.isAdmin || hasRole(actor, ['buyer', 'council'], REGISTER_ROLES);
}

export function canEditVendor(actor: Actor, vendorId: string): boolean {
  const own = membershipIn(actor, vendorId);
  return canRegister(actor) || Boolean(own && EDIT_ROLES.includes(own.role));
}

export function canInvite(actor: Actor, vendorId: string): boolean {
  return canRegister(actor) || membershipIn(actor, vendorId)?.role === 'owner';
}

/** Members of a buyer see and change its usages; administrators pass, like everywhere. */
export function canEditUsagesOf(actor: Actor, buyerId: string): boolean {
  const membership = membershipIn(actor, buyerId);
  return actor.isAdmin || Boolean(membership && EDIT_ROLES.includes(membership.role));
}

export function buyerIdsOf(actor: Actor): string[] {
  return actor.memberships.filter((m) => m.kind === 'buyer').map((m) => m.organisationId);
}

/** The buyer organisation a page works in when none is named: the active one, else the first. */
export function defaultBuyerId(actor: Actor): string | null {
  const active = activeMembership(actor);
  if (active?.kind === 'buyer') return active.organisationId;
  return buyerIdsOf(actor)[0] ?? null;
}

/**
 * Vendors and products as the actor may see them: one outside the actor's sight is not found
 * (404, never 403), so guessed ids reveal nothing; one they see but may not change is refused.
 */
export function createVendorsAccess(deps: { db: Database; vendorsRepository: VendorsRepository }) {
  const { db, vendorsRepository: repo } = deps;

  async function loadVendor(actor: Actor, vendorId: string): Promise<VendorRow> {
    const vendor = await repo.findVendor(db, vendorId);
    const visible = visibleVendorIds(actor);
    if (!vendor || (visible !== 'all' && !visible.includes(vendor.id))) throw vendorNotFound();
    return vendor;
  }

  async function loadProduct(actor: Actor, productId: string): Promise<ProductListRow> {
    const found = await repo.findProduct(db, productId);
    const visible = visibleVendorIds(actor);
    if (!found || (visible !== 'all' && !visible.includes(found.product.vendorOrganisationId))) throw productNotFound();
    return found;
  }

  return {
    loadVendor,
    loadProduct,

    async loadVendorForEdit(actor: Actor, vendorId: string): Promise<VendorRow> {
      const vendor = await loadVendor(actor, vendorId);
      if (!canEditVendor(actor, vendorId)) throw vendorEditorRequired();
      return vendor;
    },

    async loadProductForEdit(actor: Actor, productId: string): Promise<ProductListRow> {
      const found = await loadProduct(actor, productId);
      if (!canEditVendor(actor, found.product.vendorOrganisationId)) throw vendorEditorRequired();
      return found;
    },
  };
}

export type VendorsAccess = ReturnType<typeof createVendorsAccess>;
