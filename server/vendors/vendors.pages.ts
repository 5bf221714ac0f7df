import type { z } from 'zod';
import { newInvitation, type PublicUrl } from '../organisations/organisations.views';
import type { FieldError } from '../shared/errors';
import { formRoute, type FormConflict, type FormValues } from '../shared/http/forms';
import { routeFamily, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import {
  exposureQuerySchema,
  pageWindow,
  productEditFormSchema,
  productFormSchema,
  productListQuerySchema,
  productParams,
  usageEditFormSchema,
  type usageFormSchema,
  usageListQuerySchema,
  usageNewFormSchema,
  usageNewQuerySchema,
  usageParams,
  vendorCreateSchema,
  vendorEditFormSchema,
  vendorInvitationCreateSchema,
  vendorInvitationParams,
  vendorListQuerySchema,
  vendorParams,
  versionCreateSchema,
  versionEditFormSchema,
  versionParams,
} from './vendors.schemas';
import type { VendorsService } from './vendors.service';
import { exposurePage, newUsagePage, portalPage, productListPage, productPage, usageEditPage, usagesPage, vendorListPage, vendorPage } from './vendors.views';

const page = routeFamily({ surface: 'page', access: 'user' });

type PageContext<P = unknown> = RouteContext<P, unknown, unknown, 'user'>;

/** The usage form's fields as a change: a field left empty clears what was recorded. */
function usageChangeFromForm(form: z.output<typeof usageFormSchema>) {
  return { contractStart: form.contractStart ?? null, contractEnd: form.contractEnd ?? null, noticeMonths: form.noticeMonths ?? null, exitPlanStatus: form.exitPlanStatus, note: form.note };
}

/** The vendor register and portal, products and versions, and buyers' usages and exposure, as pages. */
export function vendorsPages(deps: { vendors: VendorsService; publicUrl: PublicUrl }): RouteDefinition[] {
  const { vendors } = deps;

  async function showPortal(ctx: PageContext) {
    ctx.render('vendors/portal', { title: ctx.t('vendors.portal.title'), nav: 'vendors', ...portalPage(await vendors.portal(ctx.actor)) });
  }

  function showNewVendor(ctx: PageContext, values: FormValues, errors: FieldError[], status: number) {
    ctx.render('vendors/new', { title: ctx.t('vendors.register.title'), nav: 'vendors', values, errors }, status);
  }

  async function showVendor(ctx: PageContext<z.output<typeof vendorParams>>, extra: Record<string, unknown> = {}, status = 200) {
    const { vendorId } = ctx.params;
    const vendor = await vendors.getVendor(ctx.actor, vendorId);
    const products = await vendors.listProducts(ctx.actor, { vendorId }, { limit: 500, offset: 0 });
    const canInvite = vendors.canInvite(ctx.actor, vendorId);
    const invitations = canInvite ? await vendors.pendingInvitations(ctx.actor, vendorId) : [];
    const view = vendorPage({ vendor, products: products.rows, canEdit: vendors.canEditVendor(ctx.actor, vendorId), canInvite, invitations });
    ctx.render('vendors/show', { title: vendor.name, nav: 'vendors', ...view, ...extra }, status);
  }

  /** The product page; `typedVersion` keeps what was typed in one version's row when its save was refused. */
  async function showProduct(ctx: PageContext<z.output<typeof productParams>>, extra: Record<string, unknown> & { typedVersion?: { id: string; values: FormValues } } = {}, status = 200) {
    const product = await vendors.getProduct(ctx.actor, ctx.params.productId);
    const usages = await vendors.listUsages(ctx.actor, { productId: product.product.id }, { limit: 500, offset: 0 });
    const view = productPage({
      product,
      usages: usages.rows,
      canEdit: vendors.canEditVendor(ctx.actor, product.product.vendorOrganisationId),
      recordableBuyers: await vendors.buyerChoices(ctx.actor, true),
      viewer: { isAdmin: ctx.actor.isAdmin, defaultBuyerId: vendors.defaultBuyerId(ctx.actor) },
      typedVersion: extra.typedVersion,
    });
    ctx.render('vendors/product', { title: product.product.name, nav: 'vendors', ...view, ...extra }, status);
  }

  async function showUsage(ctx: PageContext<z.output<typeof usageParams>>, values: FormValues, errors: FieldError[], status: number, conflict?: FormConflict) {
    const usage = await vendors.getUsage(ctx.actor, ctx.params.usageId);
    const view = usageEditPage(usage, vendors.canEditUsagesOf(ctx.actor, usage.usage.buyerOrganisationId), values, errors);
    ctx.render('vendors/usage', { title: ctx.t('vendors.usages.editTitle', { product: usage.productName }), nav: 'vendors', ...view, conflict }, status);
  }

  async function showNewUsage(ctx: PageContext, values: FormValues, errors: FieldError[], status: number) {
    const buyers = await vendors.buyerChoices(ctx.actor, true);
    const products = await vendors.listProducts(ctx.actor, {}, { limit: 2000, offset: 0 });
    const view = newUsagePage({ buyers, products: products.rows, defaultBuyerId: vendors.defaultBuyerId(ctx.actor) }, values, errors);
    ctx.render('vendors/usage', { title: ctx.t('vendors.usages.newTitle'), nav: 'vendors', ...view }, status);
  }

  return [
    page({
      method: 'get',
      path: '/vendors',
      summary: 'Vendors: the register for buyers and councils, the vendor portal for vendor users',
      query: vendorListQuerySchema,
      handler: async (ctx) => {
        if (!vendors.seesAllVendors(ctx.actor)) return showPortal(ctx);
        const { rows, total } = await vendors.listVendors(ctx.actor, ctx.query, pageWindow(ctx.query));
        ctx.render('vendors/list', {
          title: ctx.t('vendors.title'),
          nav: 'vendors',
          ...vendorListPage({ vendors: rows, canRegister: vendors.canRegister(ctx.actor), defaultBuyerId: vendors.defaultBuyerId(ctx.actor) }),
          filter: ctx.query,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/vendors', query: ctx.query }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/vendors/new',
      summary: 'Form for registering a vendor',
      handler: (ctx) => {
        vendors.requireRegistrar(ctx.actor);
        showNewVendor(ctx, {}, [], 200);
      },
    }),
    formRoute({
      path: '/vendors',
      summary: 'Register a vendor',
      access: 'user',
      body: vendorCreateSchema,
      rerender: (ctx, { formErrors, values }, status) => showNewVendor(ctx, values, formErrors, status),
      run: async (ctx) => {
        const created = await vendors.registerVendor(ctx.actor, ctx.body, ctx.audit);
        return { to: `/vendors/${created.id}`, flash: { kind: 'success', message: ctx.t('vendors.registered') } };
      },
    }),
    page({
      method: 'get',
      path: '/vendors/exposure',
      summary: 'Lock-in exposure of a buyer',
      query: exposureQuerySchema,
      handler: async (ctx) => {
        const { organisation, choices } = await vendors.pageBuyer(ctx.actor, ctx.query.organisationId);
        const exposure = organisation ? await vendors.exposure(ctx.actor, organisation.id, ctx.query.horizonMonths) : null;
        ctx.render('vendors/exposure', { title: ctx.t('vendors.exposure.title'), nav: 'vendors', ...exposurePage({ exposure, choices, horizonMonths: ctx.query.horizonMonths }) });
      },
    }),
    page({
      method: 'get',
      path: '/vendors/:vendorId',
      summary: 'Vendor page with its products',
      params: vendorParams,
      handler: (ctx) => showVendor(ctx),
    }),
    formRoute({
      path: '/vendors/:vendorId',
      summary: 'Change a vendor',
      access: 'user',
      params: vendorParams,
      body: vendorEditFormSchema,
      rerender: (ctx, { formErrors, values, conflict }, status) => showVendor(ctx, { editErrors: formErrors, editValues: values, editConflict: conflict }, status),
      run: async (ctx) => {
        await vendors.updateVendor(ctx.actor, ctx.params.vendorId, { ...ctx.body, website: ctx.body.website ?? null }, ctx.audit);
        return { to: `/vendors/${ctx.params.vendorId}`, flash: { kind: 'success', message: ctx.t('vendors.updated') } };
      },
    }),
    formRoute({
      path: '/vendors/:vendorId/products',
      summary: 'Register a product for the vendor',
      access: 'user',
      params: vendorParams,
      body: productFormSchema,
      rerender: (ctx, { formErrors, values }, status) => showVendor(ctx, { productErrors: formErrors, productValues: values }, status),
      run: async (ctx) => {
        const created = await vendors.createProduct(ctx.actor, { ...ctx.body, vendorId: ctx.params.vendorId }, ctx.audit);
        return { to: `/products/${created.id}`, flash: { kind: 'success', message: ctx.t('vendors.products.created') } };
      },
    }),
    formRoute({
      path: '/vendors/:vendorId/invitations',
      summary: 'Invite a vendor contact',
      access: 'user',
      params: vendorParams,
      body: vendorInvitationCreateSchema,
      rerender: (ctx, { formErrors, values }, status) => showVendor(ctx, { inviteErrors: formErrors, inviteValues: values }, status),
      run: async (ctx) => {
        const { invitation, token } = await vendors.invite(ctx.actor, ctx.params.vendorId, ctx.body, ctx.audit);
        await showVendor(ctx, { newInvitation: newInvitation(invitation, deps.publicUrl(ctx), token) }, 201);
        return { shown: true };
      },
    }),
    page({
      method: 'post',
      path: '/vendors/:vendorId/invitations/:invitationId/revoke',
      summary: 'Withdraw an invitation of a vendor contact',
      params: vendorInvitationParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await vendors.revokeInvitation(ctx.actor, ctx.params.vendorId, ctx.params.invitationId, ctx.audit);
        ctx.redirect(`/vendors/${ctx.params.vendorId}#invitations`, { kind: 'success', message: ctx.t('invitations.revoked') });
      },
    }),

    page({
      method: 'get',
      path: '/products',
      summary: 'Products, with filters',
      query: productListQuerySchema,
      handler: async (ctx) => {
        const { rows, total } = await vendors.listProducts(ctx.actor, ctx.query, pageWindow(ctx.query));
        const vendorChoices = await vendors.listVendors(ctx.actor, {}, { limit: 1000, offset: 0 });
        ctx.render('vendors/products', {
          title: ctx.t('vendors.products.title'),
          nav: 'vendors',
          ...productListPage({ products: rows, vendors: vendorChoices.rows, defaultBuyerId: vendors.defaultBuyerId(ctx.actor) }),
          filter: ctx.query,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/products', query: ctx.query }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/products/:productId',
      summary: 'Product page: versions and which of your organisations use it',
      params: productParams,
      handler: (ctx) => showProduct(ctx),
    }),
    formRoute({
      path: '/products/:productId',
      summary: 'Change a product',
      access: 'user',
      params: productParams,
      body: productEditFormSchema,
      rerender: (ctx, { formErrors, values, conflict }, status) => showProduct(ctx, { productErrors: formErrors, productValues: values, productConflict: conflict }, status),
      run: async (ctx) => {
        await vendors.updateProduct(ctx.actor, ctx.params.productId, ctx.body, ctx.audit);
        return { to: `/products/${ctx.params.productId}`, flash: { kind: 'success', message: ctx.t('vendors.products.updated') } };
      },
    }),
    formRoute({
      path: '/products/:productId/versions',
      summary: 'Add a version to a product',
      access: 'user',
      params: productParams,
      body: versionCreateSchema,
      rerender: (ctx, { formErrors, values }, status) => showProduct(ctx, { versionErrors: formErrors, versionValues: values }, status),
      run: async (ctx) => {
        await vendors.createVersion(ctx.actor, ctx.params.productId, ctx.body, ctx.audit);
        return { to: `/products/${ctx.params.productId}#versions`, flash: { kind: 'success', message: ctx.t('vendors.versions.created', { label: ctx.body.label }) } };
      },
    }),
    formRoute({
      path: '/products/:productId/versions/:versionId',
      summary: 'Change a product version',
      access: 'user',
      params: versionParams,
      body: versionEditFormSchema,
      rerender: (ctx, { formErrors, values, conflict }, status) => showProduct(ctx, { versionErrors: formErrors, versionConflict: conflict, typedVersion: { id: ctx.params.versionId, values } }, status),
      run: async (ctx) => {
        await vendors.updateVersion(ctx.actor, ctx.params.productId, ctx.params.versionId, { label: ctx.body.label, releaseDate: ctx.body.releaseDate ?? null, version: ctx.body.version }, ctx.audit);
        return { to: `/products/${ctx.params.productId}#versions`, flash: { kind: 'success', message: ctx.t('vendors.versions.updated', { label: ctx.body.label }) } };
      },
    }),

    page({
      method: 'get',
      path: '/usages',
      summary: 'The products a buyer uses, with contracts and exit plans',
      query: usageListQuerySchema,
      handler: async (ctx) => {
        const { organisation, choices } = await vendors.pageBuyer(ctx.actor, ctx.query.organisationId);
        const result = organisation ? await vendors.listUsages(ctx.actor, { organisationId: organisation.id, productId: ctx.query.productId }, pageWindow(ctx.query)) : { rows: [], total: 0 };
        ctx.render('vendors/usages', {
          title: ctx.t('vendors.usages.title'),
          nav: 'vendors',
          ...usagesPage({ organisation, choices, usages: result.rows, canEdit: organisation ? vendors.canEditUsagesOf(ctx.actor, organisation.id) : false }),
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total: result.total, basePath: '/usages', query: ctx.query }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/usages/new',
      summary: 'Form for recording that your organisation uses a product',
      query: usageNewQuerySchema,
      handler: (ctx) => showNewUsage(ctx, { ...(ctx.query.productId ? { productId: ctx.query.productId } : {}), ...(ctx.query.organisationId ? { organisationId: ctx.query.organisationId } : {}) }, [], 200),
    }),
    formRoute({
      path: '/usages',
      summary: 'Record that your organisation uses a product',
      access: 'user',
      body: usageNewFormSchema,
      rerender: (ctx, { formErrors, values }, status) => showNewUsage(ctx, values, formErrors, status),
      run: async (ctx) => {
        const created = await vendors.createUsage(ctx.actor, ctx.body, ctx.audit);
        return { to: `/usages?organisationId=${created.buyerOrganisationId}`, flash: { kind: 'success', message: ctx.t('vendors.usages.created') } };
      },
    }),
    page({
      method: 'get',
      path: '/usages/:usageId',
      summary: 'A usage: contract, notice period, exit plan',
      params: usageParams,
      handler: (ctx) => showUsage(ctx, {}, [], 200),
    }),
    formRoute({
      path: '/usages/:usageId',
      summary: 'Change a usage',
      access: 'user',
      params: usageParams,
      body: usageEditFormSchema,
      rerender: (ctx, { formErrors, values, conflict }, status) => showUsage(ctx, values, formErrors, status, conflict),
      run: async (ctx) => {
        const updated = await vendors.updateUsage(ctx.actor, ctx.params.usageId, { ...usageChangeFromForm(ctx.body), version: ctx.body.version }, ctx.audit);
        return { to: `/usages?organisationId=${updated.buyerOrganisationId}`, flash: { kind: 'success', message: ctx.t('vendors.usages.updated') } };
      },
    }),
    page({
      method: 'post',
      path: '/usages/:usageId/remove',
      summary: 'Remove a usage',
      params: usageParams,
      bodyType: 'form',
      handler: async (ctx) => {
        const removed = await vendors.removeUsage(ctx.actor, ctx.params.usageId, ctx.audit);
        ctx.redirect(`/usages?organisationId=${removed.buyerOrganisationId}`, { kind: 'success', message: ctx.t('vendors.usages.removed') });
      },
    }),
  ];
}
