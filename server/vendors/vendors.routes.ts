import type { Request } from 'express';
import { z } from 'zod';
import { DOMAINS } from '../library/library.codes';
import { invitationSchema } from '../organisations/organisations.schemas';
import { invitationUrl } from '../organisations/organisations.views';
import type { InvitationRow } from '../organisations/organisations.table';
import type { Services } from '../services';
import { isAppError, type FieldError } from '../shared/errors';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import { vendorRegisterRoleRequired } from './vendors.errors';
import type { ProductListRow, VendorRow } from './vendors.repository';
import {
  exposureQuerySchema,
  exposureSchema,
  productCreateSchema,
  productFormSchema,
  productListQuerySchema,
  productParams,
  productSchema,
  productSummarySchema,
  productUpdateSchema,
  productVersionSchema,
  usageCreateSchema,
  usageFormSchema,
  usageListQuerySchema,
  usageNewFormSchema,
  usageNewQuerySchema,
  usageParams,
  usageSchema,
  usageUpdateSchema,
  vendorCreateSchema,
  vendorInvitationCreateSchema,
  vendorInvitationParams,
  vendorListQuerySchema,
  vendorParams,
  vendorSchema,
  vendorUpdateSchema,
  versionCreateSchema,
  versionParams,
  versionUpdateSchema,
} from './vendors.schemas';
import type { Exposure, UsageView } from './vendors.service';
import { DEPLOYMENTS, EXIT_PLAN_STATUSES, type ProductVersionRow } from './vendors.table';

type Ctx<P = unknown, Q = unknown, B = unknown> = RouteContext<P, Q, B, 'user'>;
type PublicUrl = (ctx: { req: Request }) => string;

function vendorBody(row: VendorRow) {
  return { id: row.id, name: row.name, orgNumber: row.orgNumber, website: row.website, productCount: row.productCount, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

function versionBody(row: ProductVersionRow) {
  return { id: row.id, productId: row.productId, label: row.label, releaseDate: row.releaseDate, createdAt: row.createdAt.toISOString() };
}

function productSummaryBody(row: ProductListRow) {
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
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function productBody(row: ProductListRow & { versions: ProductVersionRow[] }) {
  return { ...productSummaryBody(row), versions: row.versions.map(versionBody) };
}

function usageBody(row: UsageView) {
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
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

function exposureBody(exposure: Exposure) {
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

function invitationBody(row: InvitationRow) {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

/** Field errors to show on a form: the error's own, or its message under its code. */
function formErrorsOf(error: unknown): { errors: FieldError[]; status: number } | null {
  if (!isAppError(error) || error.status >= 500) return null;
  return { errors: error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }], status: error.status };
}

const page = (query: { page: number; pageSize: number }) => ({ limit: query.pageSize, offset: (query.page - 1) * query.pageSize });

export function vendorRoutes(services: Services, publicUrl: PublicUrl): RouteDefinition[] {
  return [...vendorApiRoutes(services, publicUrl), ...vendorPageRoutes(services, publicUrl)];
}

function vendorApiRoutes(services: Services, publicUrl: PublicUrl): RouteDefinition[] {
  const vendors = services.vendors;
  const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), page: z.number(), pageSize: z.number(), total: z.number() });

  return [
    defineRoute({
      method: 'get',
      path: '/api/vendors',
      surface: 'api',
      access: 'user',
      summary: 'List and search vendors',
      description: 'Buyers, councils and administrators see every vendor; vendor users only their own organisation.',
      tags: ['Vendors'],
      query: vendorListQuerySchema,
      responses: [{ status: 200, description: 'A page of vendors', schema: list(vendorSchema) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await vendors.listVendors(actor, query, page(query));
        return { items: rows.map(vendorBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/vendors',
      surface: 'api',
      access: 'user',
      summary: 'Register a vendor (owners, editors and assessors of a buyer or council)',
      description: 'The organisation number is required and must have a valid MOD11 check digit.',
      tags: ['Vendors'],
      body: vendorCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Registered', schema: vendorSchema }],
      handler: async ({ actor, body, audit }) => {
        const created = await vendors.registerVendor(actor, body, audit);
        return vendorBody(await vendors.getVendor(actor, created.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/vendors/:vendorId',
      surface: 'api',
      access: 'user',
      summary: 'Read a vendor',
      tags: ['Vendors'],
      params: vendorParams,
      responses: [{ status: 200, description: 'The vendor', schema: vendorSchema }],
      handler: async ({ actor, params }) => vendorBody(await vendors.getVendor(actor, params.vendorId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/vendors/:vendorId',
      surface: 'api',
      access: 'user',
      summary: 'Change a vendor\'s name, organisation number or website',
      description: 'Owners and editors of the vendor, and owners, editors and assessors of a buyer or council.',
      tags: ['Vendors'],
      params: vendorParams,
      body: vendorUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: vendorSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await vendors.updateVendor(actor, params.vendorId, body, audit);
        return vendorBody(await vendors.getVendor(actor, params.vendorId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/vendors/:vendorId/invitations',
      surface: 'api',
      access: 'user',
      summary: 'Pending invitations of vendor contacts',
      tags: ['Vendors'],
      params: vendorParams,
      responses: [{ status: 200, description: 'Pending invitations', schema: z.object({ items: z.array(invitationSchema) }) }],
      handler: async ({ actor, params }) => ({ items: (await vendors.pendingInvitations(actor, params.vendorId)).map(invitationBody) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/vendors/:vendorId/invitations',
      surface: 'api',
      access: 'user',
      summary: 'Invite a vendor contact, who joins the vendor as its owner',
      description: 'Returns the single-use invitation link once, for the inviter to send. Owners, editors and assessors of a buyer or council, and the vendor\'s owners.',
      tags: ['Vendors'],
      params: vendorParams,
      body: vendorInvitationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: invitationSchema.extend({ url: z.string() }) }],
      handler: async (ctx) => {
        const { invitation, token } = await vendors.invite(ctx.actor, ctx.params.vendorId, ctx.body, ctx.audit);
        return { ...invitationBody(invitation), url: invitationUrl(publicUrl(ctx), token) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/vendors/:vendorId/invitations/:invitationId',
      surface: 'api',
      access: 'user',
      summary: 'Withdraw an invitation of a vendor contact',
      tags: ['Vendors'],
      params: vendorInvitationParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Withdrawn' }],
      handler: async ({ actor, params, audit }) => {
        await vendors.revokeInvitation(actor, params.vendorId, params.invitationId, audit);
      },
    }),

    defineRoute({
      method: 'get',
      path: '/api/products',
      surface: 'api',
      access: 'user',
      summary: 'List and search products',
      description: 'Filter by domain (products for all domains match any), deployment, vendor and text. Vendor users see only their own products.',
      tags: ['Products'],
      query: productListQuerySchema,
      responses: [{ status: 200, description: 'A page of products', schema: list(productSummarySchema) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await vendors.listProducts(actor, query, page(query));
        return { items: rows.map(productSummaryBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/products',
      surface: 'api',
      access: 'user',
      summary: 'Register a product for a vendor',
      description: 'The vendor\'s owners and editors (vendorId may be left out when they edit for one vendor only), and owners, editors and assessors of a buyer or council.',
      tags: ['Products'],
      body: productCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: productSchema }],
      handler: async ({ actor, body, audit }) => {
        const created = await vendors.createProduct(actor, body, audit);
        return productBody(await vendors.getProduct(actor, created.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/products/:productId',
      surface: 'api',
      access: 'user',
      summary: 'Read a product with its versions',
      tags: ['Products'],
      params: productParams,
      responses: [{ status: 200, description: 'The product', schema: productSchema }],
      handler: async ({ actor, params }) => productBody(await vendors.getProduct(actor, params.productId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/products/:productId',
      surface: 'api',
      access: 'user',
      summary: 'Change a product',
      tags: ['Products'],
      params: productParams,
      body: productUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: productSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await vendors.updateProduct(actor, params.productId, body, audit);
        return productBody(await vendors.getProduct(actor, params.productId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/products/:productId/versions',
      surface: 'api',
      access: 'user',
      summary: 'List a product\'s versions, newest release first',
      tags: ['Products'],
      params: productParams,
      responses: [{ status: 200, description: 'Versions', schema: z.object({ items: z.array(productVersionSchema) }) }],
      handler: async ({ actor, params }) => ({ items: (await vendors.versions(actor, params.productId)).map(versionBody) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/products/:productId/versions',
      surface: 'api',
      access: 'user',
      summary: 'Add a version to a product',
      tags: ['Products'],
      params: productParams,
      body: versionCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: productVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await vendors.createVersion(actor, params.productId, body, audit)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/products/:productId/versions/:versionId',
      surface: 'api',
      access: 'user',
      summary: 'Change a product version\'s label or release date',
      tags: ['Products'],
      params: versionParams,
      body: versionUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: productVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await vendors.updateVersion(actor, params.productId, params.versionId, body, audit)),
    }),

    defineRoute({
      method: 'get',
      path: '/api/usages',
      surface: 'api',
      access: 'user',
      summary: 'Which products your buyer organisations use, under which contracts',
      description: 'Only members of a buyer see its usages. Without organisationId: every buyer you belong to.',
      tags: ['Usages'],
      query: usageListQuerySchema,
      responses: [{ status: 200, description: 'A page of usages, soonest contract end first', schema: list(usageSchema) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await vendors.listUsages(actor, query, page(query));
        return { items: rows.map(usageBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/usages',
      surface: 'api',
      access: 'user',
      summary: 'Record that a buyer uses a product (editors and owners of the buyer)',
      tags: ['Usages'],
      body: usageCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Recorded', schema: usageSchema }],
      handler: async ({ actor, body, audit }) => {
        const created = await vendors.createUsage(actor, body, audit);
        return usageBody(await vendors.getUsage(actor, created.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/usages/exposure',
      surface: 'api',
      access: 'user',
      summary: 'A buyer\'s lock-in exposure',
      description: 'Contracts ending within the horizon (default 18 months), usages without an approved exit plan, and products failing absolute (A) data-access requirements.',
      tags: ['Usages'],
      query: exposureQuerySchema,
      responses: [{ status: 200, description: 'The exposure', schema: exposureSchema }],
      handler: async ({ actor, query }) => exposureBody(await vendors.exposure(actor, query.organisationId, query.horizonMonths)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/usages/:usageId',
      surface: 'api',
      access: 'user',
      summary: 'Read a usage',
      tags: ['Usages'],
      params: usageParams,
      responses: [{ status: 200, description: 'The usage', schema: usageSchema }],
      handler: async ({ actor, params }) => usageBody(await vendors.getUsage(actor, params.usageId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/usages/:usageId',
      surface: 'api',
      access: 'user',
      summary: 'Change a usage\'s contract, notice period, exit plan status or note',
      tags: ['Usages'],
      params: usageParams,
      body: usageUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: usageSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await vendors.updateUsage(actor, params.usageId, body, audit);
        return usageBody(await vendors.getUsage(actor, params.usageId));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/usages/:usageId',
      surface: 'api',
      access: 'user',
      summary: 'Remove a usage the buyer no longer has',
      tags: ['Usages'],
      params: usageParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async ({ actor, params, audit }) => {
        await vendors.removeUsage(actor, params.usageId, audit);
      },
    }),
  ];
}

function vendorPageRoutes(services: Services, publicUrl: PublicUrl): RouteDefinition[] {
  const vendors = services.vendors;
  const codes = { domains: DOMAINS, deployments: DEPLOYMENTS, exitPlans: EXIT_PLAN_STATUSES };

  async function renderPortal(ctx: Ctx) {
    const portal = await vendors.portal(ctx.actor);
    ctx.render('vendors/portal', {
      title: ctx.t('vendors.portal.title'),
      nav: 'vendors',
      vendors: portal.map((p) => ({ ...p, products: p.products.map((r) => ({ ...productSummaryBody(r), versions: r.versions.map(versionBody) })) })),
    });
  }

  async function renderVendor(ctx: Ctx<{ vendorId: string }>, extra: Record<string, unknown> = {}, status = 200) {
    const vendorId = ctx.params.vendorId;
    const vendor = await vendors.getVendor(ctx.actor, vendorId);
    const products = await vendors.listProducts(ctx.actor, { vendorId }, { limit: 500, offset: 0 });
    const canInvite = vendors.canInvite(ctx.actor, vendorId);
    ctx.render(
      'vendors/show',
      {
        title: vendor.name,
        nav: 'vendors',
        vendor: vendorBody(vendor),
        products: products.rows.map(productSummaryBody),
        canEdit: vendors.canEditVendor(ctx.actor, vendorId),
        canInvite,
        invitations: canInvite ? (await vendors.pendingInvitations(ctx.actor, vendorId)).map(invitationBody) : [],
        codes,
        productValues: { domains: [] },
        ...extra,
      },
      status,
    );
  }

  async function renderProduct(ctx: Ctx<{ productId: string }>, extra: Record<string, unknown> = {}, status = 200) {
    const product = await vendors.getProduct(ctx.actor, ctx.params.productId);
    const usages = await vendors.listUsages(ctx.actor, { productId: product.product.id }, { limit: 500, offset: 0 });
    const body = productBody(product);
    ctx.render(
      'vendors/product',
      {
        title: product.product.name,
        nav: 'vendors',
        product: body,
        usages: usages.rows.map(usageBody),
        canEdit: vendors.canEditVendor(ctx.actor, product.product.vendorOrganisationId),
        canRecordUsage: (await vendors.buyerChoices(ctx.actor, true)).length > 0,
        showUsages: ctx.actor.isAdmin || vendors.defaultBuyerId(ctx.actor) !== null,
        codes,
        productValues: body,
        ...extra,
      },
      status,
    );
  }

  function renderNewVendor(ctx: Ctx, values: Record<string, unknown>, errors: FieldError[], status: number) {
    ctx.render('vendors/new', { title: ctx.t('vendors.register.title'), nav: 'vendors', values, errors }, status);
  }

  async function renderUsageForm(ctx: Ctx<{ usageId?: string }>, values: Record<string, unknown>, errors: FieldError[], status: number) {
    const usageId = ctx.params.usageId;
    if (usageId) {
      const usage = usageBody(await vendors.getUsage(ctx.actor, usageId));
      ctx.render(
        'vendors/usage',
        { title: ctx.t('vendors.usages.editTitle', { product: usage.productName }), nav: 'vendors', usage, canEdit: vendors.canEditUsagesOf(ctx.actor, usage.organisationId), values: { ...usage, ...values }, errors, codes },
        status,
      );
      return;
    }
    const buyers = await vendors.buyerChoices(ctx.actor, true);
    const products = await vendors.listProducts(ctx.actor, {}, { limit: 2000, offset: 0 });
    ctx.render(
      'vendors/usage',
      {
        title: ctx.t('vendors.usages.newTitle'),
        nav: 'vendors',
        usage: null,
        canEdit: buyers.length > 0,
        buyers,
        products: products.rows.map(productSummaryBody),
        values: { exitPlanStatus: 'none', organisationId: vendors.defaultBuyerId(ctx.actor), ...values },
        errors,
        codes,
      },
      status,
    );
  }

  /** The buyer a usage page is about, or null with what to show instead when there is none to pick. */
  async function buyerForPage(ctx: Ctx, organisationId: string | undefined) {
    const choices = await vendors.buyerChoices(ctx.actor, false);
    if (!organisationId && !vendors.defaultBuyerId(ctx.actor)) return { organisation: null, choices };
    return { organisation: await vendors.buyerToRead(ctx.actor, organisationId), choices };
  }

  return [
    defineRoute({
      method: 'get',
      path: '/vendors',
      surface: 'page',
      access: 'user',
      summary: 'Vendors: the register for buyers and councils, the vendor portal for vendor users',
      query: vendorListQuerySchema,
      handler: async (ctx) => {
        if (!vendors.seesAllVendors(ctx.actor)) return renderPortal(ctx);
        const { rows, total } = await vendors.listVendors(ctx.actor, ctx.query, page(ctx.query));
        ctx.render('vendors/list', {
          title: ctx.t('vendors.title'),
          nav: 'vendors',
          vendors: rows.map(vendorBody),
          filter: ctx.query,
          canRegister: vendors.canRegister(ctx.actor),
          isBuyer: vendors.defaultBuyerId(ctx.actor) !== null,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/vendors', query: ctx.query }),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/vendors/new',
      surface: 'page',
      access: 'user',
      summary: 'Form for registering a vendor',
      handler: async (ctx) => {
        if (!vendors.canRegister(ctx.actor)) throw vendorRegisterRoleRequired();
        renderNewVendor(ctx, {}, [], 200);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/vendors',
      surface: 'page',
      access: 'user',
      summary: 'Register a vendor',
      bodyType: 'form',
      body: vendorCreateSchema,
      onInvalid: (ctx, errors) => renderNewVendor(ctx, ctx.body, errors, 400),
      handler: async (ctx) => {
        try {
          const created = await vendors.registerVendor(ctx.actor, ctx.body, ctx.audit);
          ctx.redirect(`/vendors/${created.id}`, { kind: 'success', message: ctx.t('vendors.registered') });
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderNewVendor(ctx, ctx.body, shown.errors, shown.status);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/vendors/exposure',
      surface: 'page',
      access: 'user',
      summary: 'Lock-in exposure of a buyer',
      query: exposureQuerySchema,
      handler: async (ctx) => {
        const { organisation, choices } = await buyerForPage(ctx, ctx.query.organisationId);
        const exposure = organisation ? exposureBody(await vendors.exposure(ctx.actor, organisation.id, ctx.query.horizonMonths)) : null;
        ctx.render('vendors/exposure', { title: ctx.t('vendors.exposure.title'), nav: 'vendors', exposure, choices, isBuyer: choices.length > 0, horizonMonths: ctx.query.horizonMonths });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/vendors/:vendorId',
      surface: 'page',
      access: 'user',
      summary: 'Vendor page with its products',
      params: vendorParams,
      handler: (ctx) => renderVendor(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/vendors/:vendorId',
      surface: 'page',
      access: 'user',
      summary: 'Change a vendor',
      params: vendorParams,
      bodyType: 'form',
      body: vendorCreateSchema,
      onInvalid: (ctx, errors) => renderVendor(ctx, { editErrors: errors, editValues: ctx.body }, 400),
      handler: async (ctx) => {
        try {
          await vendors.updateVendor(ctx.actor, ctx.params.vendorId, { ...ctx.body, website: ctx.body.website ?? null }, ctx.audit);
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderVendor(ctx, { editErrors: shown.errors, editValues: ctx.body }, shown.status);
          throw error;
        }
        ctx.redirect(`/vendors/${ctx.params.vendorId}`, { kind: 'success', message: ctx.t('vendors.updated') });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/vendors/:vendorId/products',
      surface: 'page',
      access: 'user',
      summary: 'Register a product for the vendor',
      params: vendorParams,
      bodyType: 'form',
      body: productFormSchema,
      onInvalid: (ctx, errors) => renderVendor(ctx, { productErrors: errors, productValues: ctx.body }, 400),
      handler: async (ctx) => {
        try {
          const created = await vendors.createProduct(ctx.actor, { ...ctx.body, vendorId: ctx.params.vendorId }, ctx.audit);
          ctx.redirect(`/products/${created.id}`, { kind: 'success', message: ctx.t('vendors.products.created') });
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderVendor(ctx, { productErrors: shown.errors, productValues: ctx.body }, shown.status);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/vendors/:vendorId/invitations',
      surface: 'page',
      access: 'user',
      summary: 'Invite a vendor contact',
      params: vendorParams,
      bodyType: 'form',
      body: vendorInvitationCreateSchema,
      onInvalid: (ctx, errors) => renderVendor(ctx, { inviteErrors: errors, inviteValues: ctx.body }, 400),
      handler: async (ctx) => {
        try {
          const { invitation, token } = await vendors.invite(ctx.actor, ctx.params.vendorId, ctx.body, ctx.audit);
          await renderVendor(ctx, { newInvitation: { email: invitation.email, url: invitationUrl(publicUrl(ctx), token), expiresAt: invitation.expiresAt } }, 201);
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderVendor(ctx, { inviteErrors: shown.errors, inviteValues: ctx.body }, shown.status);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/vendors/:vendorId/invitations/:invitationId/revoke',
      surface: 'page',
      access: 'user',
      summary: 'Withdraw an invitation of a vendor contact',
      params: vendorInvitationParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await vendors.revokeInvitation(ctx.actor, ctx.params.vendorId, ctx.params.invitationId, ctx.audit);
        ctx.redirect(`/vendors/${ctx.params.vendorId}#invitations`, { kind: 'success', message: ctx.t('invitations.revoked') });
      },
    }),

    defineRoute({
      method: 'get',
      path: '/products',
      surface: 'page',
      access: 'user',
      summary: 'Products, with filters',
      query: productListQuerySchema,
      handler: async (ctx) => {
        const { rows, total } = await vendors.listProducts(ctx.actor, ctx.query, page(ctx.query));
        const vendorChoices = await vendors.listVendors(ctx.actor, {}, { limit: 1000, offset: 0 });
        ctx.render('vendors/products', {
          title: ctx.t('vendors.products.title'),
          nav: 'vendors',
          products: rows.map(productSummaryBody),
          filter: ctx.query,
          vendors: vendorChoices.rows.map((v) => ({ id: v.id, name: v.name })),
          isBuyer: vendors.defaultBuyerId(ctx.actor) !== null,
          codes,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/products', query: ctx.query }),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/products/:productId',
      surface: 'page',
      access: 'user',
      summary: 'Product page: versions and which of your organisations use it',
      params: productParams,
      handler: (ctx) => renderProduct(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/products/:productId',
      surface: 'page',
      access: 'user',
      summary: 'Change a product',
      params: productParams,
      bodyType: 'form',
      body: productFormSchema,
      onInvalid: (ctx, errors) => renderProduct(ctx, { productErrors: errors, productValues: ctx.body }, 400),
      handler: async (ctx) => {
        try {
          await vendors.updateProduct(ctx.actor, ctx.params.productId, ctx.body, ctx.audit);
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderProduct(ctx, { productErrors: shown.errors, productValues: ctx.body }, shown.status);
          throw error;
        }
        ctx.redirect(`/products/${ctx.params.productId}`, { kind: 'success', message: ctx.t('vendors.products.updated') });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/products/:productId/versions',
      surface: 'page',
      access: 'user',
      summary: 'Add a version to a product',
      params: productParams,
      bodyType: 'form',
      body: versionCreateSchema,
      onInvalid: (ctx, errors) => renderProduct(ctx, { versionErrors: errors, versionValues: ctx.body }, 400),
      handler: async (ctx) => {
        try {
          await vendors.createVersion(ctx.actor, ctx.params.productId, ctx.body, ctx.audit);
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderProduct(ctx, { versionErrors: shown.errors, versionValues: ctx.body }, shown.status);
          throw error;
        }
        ctx.redirect(`/products/${ctx.params.productId}#versions`, { kind: 'success', message: ctx.t('vendors.versions.created', { label: ctx.body.label }) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/products/:productId/versions/:versionId',
      surface: 'page',
      access: 'user',
      summary: 'Change a product version',
      params: versionParams,
      bodyType: 'form',
      body: versionCreateSchema,
      onInvalid: (ctx, errors) => renderProduct(ctx, { versionErrors: errors }, 400),
      handler: async (ctx) => {
        try {
          await vendors.updateVersion(ctx.actor, ctx.params.productId, ctx.params.versionId, { label: ctx.body.label, releaseDate: ctx.body.releaseDate ?? null }, ctx.audit);
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderProduct(ctx, { versionErrors: shown.errors }, shown.status);
          throw error;
        }
        ctx.redirect(`/products/${ctx.params.productId}#versions`, { kind: 'success', message: ctx.t('vendors.versions.updated', { label: ctx.body.label }) });
      },
    }),

    defineRoute({
      method: 'get',
      path: '/usages',
      surface: 'page',
      access: 'user',
      summary: 'The products a buyer uses, with contracts and exit plans',
      query: usageListQuerySchema,
      handler: async (ctx) => {
        const { organisation, choices } = await buyerForPage(ctx, ctx.query.organisationId);
        const result = organisation ? await vendors.listUsages(ctx.actor, { organisationId: organisation.id, productId: ctx.query.productId }, page(ctx.query)) : { rows: [], total: 0 };
        ctx.render('vendors/usages', {
          title: ctx.t('vendors.usages.title'),
          nav: 'vendors',
          organisation,
          choices,
          isBuyer: choices.length > 0,
          usages: result.rows.map(usageBody),
          canEdit: organisation ? vendors.canEditUsagesOf(ctx.actor, organisation.id) : false,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total: result.total, basePath: '/usages', query: ctx.query }),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/usages/new',
      surface: 'page',
      access: 'user',
      summary: 'Form for recording that your organisation uses a product',
      query: usageNewQuerySchema,
      handler: (ctx) => renderUsageForm(ctx, { ...(ctx.query.productId ? { productId: ctx.query.productId } : {}), ...(ctx.query.organisationId ? { organisationId: ctx.query.organisationId } : {}) }, [], 200),
    }),
    defineRoute({
      method: 'post',
      path: '/usages',
      surface: 'page',
      access: 'user',
      summary: 'Record that your organisation uses a product',
      bodyType: 'form',
      body: usageNewFormSchema,
      onInvalid: (ctx, errors) => renderUsageForm(ctx, ctx.body, errors, 400),
      handler: async (ctx) => {
        try {
          const created = await vendors.createUsage(ctx.actor, ctx.body, ctx.audit);
          ctx.redirect(`/usages?organisationId=${created.buyerOrganisationId}`, { kind: 'success', message: ctx.t('vendors.usages.created') });
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderUsageForm(ctx, ctx.body, shown.errors, shown.status);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/usages/:usageId',
      surface: 'page',
      access: 'user',
      summary: 'A usage: contract, notice period, exit plan',
      params: usageParams,
      handler: (ctx) => renderUsageForm(ctx, {}, [], 200),
    }),
    defineRoute({
      method: 'post',
      path: '/usages/:usageId',
      surface: 'page',
      access: 'user',
      summary: 'Change a usage',
      params: usageParams,
      bodyType: 'form',
      body: usageFormSchema,
      onInvalid: (ctx, errors) => renderUsageForm(ctx, ctx.body, errors, 400),
      handler: async (ctx) => {
        try {
          const { contractStart, contractEnd, noticeMonths, exitPlanStatus, note } = ctx.body;
          const updated = await vendors.updateUsage(ctx.actor, ctx.params.usageId, { contractStart: contractStart ?? null, contractEnd: contractEnd ?? null, noticeMonths: noticeMonths ?? null, exitPlanStatus, note }, ctx.audit);
          ctx.redirect(`/usages?organisationId=${updated.buyerOrganisationId}`, { kind: 'success', message: ctx.t('vendors.usages.updated') });
        } catch (error) {
          const shown = formErrorsOf(error);
          if (shown) return renderUsageForm(ctx, ctx.body, shown.errors, shown.status);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/usages/:usageId/remove',
      surface: 'page',
      access: 'user',
      summary: 'Remove a usage',
      params: usageParams,
      bodyType: 'form',
      handler: async (ctx) => {
        const { usage } = await vendors.getUsage(ctx.actor, ctx.params.usageId);
        await vendors.removeUsage(ctx.actor, ctx.params.usageId, ctx.audit);
        ctx.redirect(`/usages?organisationId=${usage.buyerOrganisationId}`, { kind: 'success', message: ctx.t('vendors.usages.removed') });
      },
    }),
  ];
}
