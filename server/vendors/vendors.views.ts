import type { FieldError } from '../shared/errors';
import { DOMAINS } from '../library/library.codes';
import { invitationBody } from '../organisations/organisations.views';
import type { InvitationRow, OrganisationRow } from '../organisations/organisations.table';
import type { Exposure, UsageView } from './usages.service';
import type { ProductListRow, VendorRow } from './vendors.repository';
import { DEPLOYMENTS, EXIT_PLAN_STATUSES, type ProductVersionRow } from './vendors.table';

/** The codes the forms and filters offer: library domains, deployments and exit plan statuses. */
export const VENDOR_CODES = { domains: DOMAINS, deployments: DEPLOYMENTS, exitPlans: EXIT_PLAN_STATUSES };

type ProductWithVersions = ProductListRow & { versions: ProductVersionRow[] };
type FormValues = Record<string, unknown>;

export function vendorBody(row: VendorRow) {
  return { id: row.id, name: row.name, orgNumber: row.orgNumber, website: row.website, productCount: row.productCount, version: row.version, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function versionBody(row: ProductVersionRow) {
  return { id: row.id, productId: row.productId, label: row.label, releaseDate: row.releaseDate, version: row.version, createdAt: row.createdAt.toISOString() };
}

export function productSummaryBody(row: ProductListRow) {
  const p = row.product;
  return {
    id: p.id,
    vendorId: p.vendorOrganisationId,
    vendorName: row.vendorName,
    name: p.name,
    description: p.description,
    domains: p.domains,
    deployment: p.deployment,
    latestVersion: row.latestVersion,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function productBody(row: ProductWithVersions) {
  return { ...productSummaryBody(row), versions: row.versions.map(versionBody) };
}

export function usageBody(row: UsageView) {
  const u = row.usage;
  return {
    id: u.id,
    organisationId: u.buyerOrganisationId,
    organisationName: row.buyerName,
    productId: u.productId,
    productName: row.productName,
    vendorId: row.vendorId,
    vendorName: row.vendorName,
    contractStart: u.contractStart,
    contractEnd: u.contractEnd,
    noticeMonths: u.noticeMonths,
    noticeDeadline: row.noticeDeadline,
    exitPlanStatus: u.exitPlanStatus,
    note: u.note,
    version: u.version,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** A buyer's lock-in exposure: every usage in it as the usage API shows it, with what put it there. */
export function exposureBody(exposure: Exposure) {
  return {
    organisationId: exposure.organisation.id,
    organisationName: exposure.organisation.name,
    today: exposure.today,
    horizonMonths: exposure.horizonMonths,
    horizonEnd: exposure.horizonEnd,
    endingContracts: exposure.endingContracts.map((u) => ({ ...usageBody(u), ended: u.ended, noticePassed: u.noticePassed })),
    withoutApprovedExitPlan: exposure.withoutApprovedExitPlan.map(usageBody),
    failingAbsolute: { available: exposure.failingAbsolute.available, items: exposure.failingAbsolute.items.map((u) => ({ ...usageBody(u), failingKeys: u.failingKeys })) },
  };
}

/** The register's list of vendors; buyers also get the links to their usages and exposure. */
export function vendorListPage(input: { vendors: VendorRow[]; canRegister: boolean; defaultBuyerId: string | null }) {
  return { vendors: input.vendors.map(vendorBody), canRegister: input.canRegister, isBuyer: input.defaultBuyerId !== null };
}

/** The products list with its filters: every vendor the viewer sees, by name, to filter by. */
export function productListPage(input: { products: ProductListRow[]; vendors: VendorRow[]; defaultBuyerId: string | null }) {
  return {
    products: input.products.map(productSummaryBody),
    vendors: input.vendors.map((v) => ({ id: v.id, name: v.name })),
    isBuyer: input.defaultBuyerId !== null,
    codes: VENDOR_CODES,
  };
}

/** The vendor portal: each of the user's vendors with its products and their versions. */
export function portalPage(portal: { vendor: VendorRow; canEdit: boolean; products: ProductWithVersions[] }[]) {
  return { vendors: portal.map((entry) => ({ ...entry, products: entry.products.map(productBody) })) };
}

/**
 * A vendor's page: its products, the forms for changing it and adding products, and for those
 * who may invite its contacts the pending invitations. The product form starts with no domain
 * chosen.
 */
export function vendorPage(input: { vendor: VendorRow; products: ProductListRow[]; canEdit: boolean; canInvite: boolean; invitations: InvitationRow[] }) {
  return {
    vendor: vendorBody(input.vendor),
    products: input.products.map(productSummaryBody),
    canEdit: input.canEdit,
    canInvite: input.canInvite,
    invitations: input.invitations.map(invitationBody),
    codes: VENDOR_CODES,
    productValues: { domains: [] },
  };
}

/**
 * A product's page: its versions, its form filled in with what it is now, and the usages of it
 * by the viewer's buyers. Usages are shown to administrators and to members of a buyer; recording
 * one is offered to those who can record for some buyer.
 */
export function productPage(input: {
  product: ProductWithVersions;
  usages: UsageView[];
  canEdit: boolean;
  recordableBuyers: { id: string; name: string }[];
  viewer: { isAdmin: boolean; defaultBuyerId: string | null };
  /** What was typed in one version's row when its save was refused: shown in the row, with what is saved now beside it. */
  typedVersion?: { id: string; values: FormValues } | undefined;
}) {
  const product = productBody(input.product);
  const typed = input.typedVersion;
  return {
    product: {
      ...product,
      versions: product.versions.map((v) => (typed?.id === v.id ? { ...v, ...typed.values, saved: { label: v.label, releaseDate: v.releaseDate } } : v)),
    },
    usages: input.usages.map(usageBody),
    canEdit: input.canEdit,
    canRecordUsage: input.recordableBuyers.length > 0,
    showUsages: input.viewer.isAdmin || input.viewer.defaultBuyerId !== null,
    codes: VENDOR_CODES,
    productValues: product,
  };
}

/** An existing usage's form: what is recorded, overlaid with what was typed when the form is shown again. */
export function usageEditPage(usage: UsageView, canEdit: boolean, values: FormValues, errors: FieldError[]) {
  const body = usageBody(usage);
  return { usage: body, canEdit, values: { ...body, ...values }, errors, codes: VENDOR_CODES };
}

/**
 * The form for a new usage: the buyers the user may record for (none: nothing to record), the
 * products to choose from, no exit plan and the user's default buyer until something is typed.
 */
export function newUsagePage(input: { buyers: { id: string; name: string }[]; products: ProductListRow[]; defaultBuyerId: string | null }, values: FormValues, errors: FieldError[]) {
  return {
    usage: null,
    canEdit: input.buyers.length > 0,
    buyers: input.buyers,
    products: input.products.map(productSummaryBody),
    values: { exitPlanStatus: 'none', organisationId: input.defaultBuyerId, ...values },
    errors,
    codes: VENDOR_CODES,
  };
}

/**
 * A buyer's usages: the buyer chosen (none: the page explains how to choose), the buyers to
 * choose from, and whether the viewer may record and change usages there.
 */
export function usagesPage(input: { organisation: OrganisationRow | null; choices: { id: string; name: string }[]; usages: UsageView[]; canEdit: boolean }) {
  return { organisation: input.organisation, choices: input.choices, isBuyer: input.choices.length > 0, usages: input.usages.map(usageBody), canEdit: input.canEdit };
}

/** A buyer's lock-in exposure page; without a buyer chosen, only the choice. */
export function exposurePage(input: { exposure: Exposure | null; choices: { id: string; name: string }[]; horizonMonths: number }) {
  return { exposure: input.exposure ? exposureBody(input.exposure) : null, choices: input.choices, isBuyer: input.choices.length > 0, horizonMonths: input.horizonMonths };
}
