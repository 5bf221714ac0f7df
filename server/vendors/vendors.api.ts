import { z } from 'zod';
import { invitationSchema } from '../organisations/organisations.schemas';
import { invitationBody, invitationUrl, type PublicUrl } from '../organisations/organisations.views';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import {
  exposureQuerySchema,
  exposureSchema,
  listPageSchema,
  pageWindow,
  productCreateSchema,
  productListQuerySchema,
  productParams,
  productSchema,
  productSummarySchema,
  productUpdateSchema,
  productVersionSchema,
  usageCreateSchema,
  usageListQuerySchema,
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
import type { VendorsService } from './vendors.service';
import { exposureBody, productBody, productSummaryBody, usageBody, vendorBody, versionBody } from './vendors.views';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const vendorApi = routeFamily({ surface: 'api', access: 'user', tags: ['Vendors'] });
const productApi = routeFamily({ surface: 'api', access: 'user', tags: ['Products'] });
const usageApi = routeFamily({ surface: 'api', access: 'user', tags: ['Usages'] });

/** The vendor register, vendor contact invitations, and buyers' usages with their lock-in exposure, as JSON. */
export function vendorsApi(deps: { vendors: VendorsService; publicUrl: PublicUrl }): RouteDefinition[] {
  const { vendors } = deps;
  return [
    vendorApi({
      method: 'get',
      path: '/api/vendors',
      summary: 'List and search vendors',
      description: 'Buyers, councils and administrators see every vendor; vendor users only their own organisation.',
      query: vendorListQuerySchema,
      responses: [{ status: 200, description: 'A page of vendors', schema: listPageSchema(vendorSchema) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await vendors.listVendors(actor, query, pageWindow(query));
        return { items: rows.map(vendorBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    vendorApi({
      method: 'post',
      path: '/api/vendors',
      summary: 'Register a vendor (owners, editors and assessors of a buyer or council)',
      description: 'The organisation number is required and must have a valid MOD11 check digit.',
      body: vendorCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Registered', schema: vendorSchema }],
      handler: async ({ actor, body, audit }) => {
        const created = await vendors.registerVendor(actor, body, audit);
        return vendorBody(await vendors.getVendor(actor, created.id));
      },
    }),
    vendorApi({
      method: 'get',
      path: '/api/vendors/:vendorId',
      etag: true,
      summary: 'Read a vendor',
      params: vendorParams,
      responses: [{ status: 200, description: 'The vendor', schema: vendorSchema }],
      handler: async ({ actor, params }) => vendorBody(await vendors.getVendor(actor, params.vendorId)),
    }),
    vendorApi({
      method: 'patch',
      path: '/api/vendors/:vendorId',
      versioned: true,
      summary: 'Change a vendor\'s name, organisation number or website',
      description: 'Owners and editors of the vendor, and owners, editors and assessors of a buyer or council.',
      params: vendorParams,
      body: vendorUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: vendorSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await vendors.updateVendor(actor, params.vendorId, body, audit);
        return vendorBody(await vendors.getVendor(actor, params.vendorId));
      },
    }),
    vendorApi({
      method: 'get',
      path: '/api/vendors/:vendorId/invitations',
      summary: 'Pending invitations of vendor contacts',
      params: vendorParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Pending invitations', schema: pagedListSchema(invitationSchema) }],
      handler: async ({ actor, params, query }) => pageOf((await vendors.pendingInvitations(actor, params.vendorId)).map(invitationBody), query),
    }),
    vendorApi({
      method: 'post',
      path: '/api/vendors/:vendorId/invitations',
      summary: 'Invite a vendor contact, who joins the vendor as its owner',
      description: 'Returns the single-use invitation link once, for the inviter to send. Owners, editors and assessors of a buyer or council, and the vendor\'s owners.',
      params: vendorParams,
      body: vendorInvitationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: invitationSchema.extend({ url: z.string() }) }],
      handler: async (ctx) => {
        const { invitation, token } = await vendors.invite(ctx.actor, ctx.params.vendorId, ctx.body, ctx.audit);
        return { ...invitationBody(invitation), url: invitationUrl(deps.publicUrl(ctx), token) };
      },
    }),
    vendorApi({
      method: 'delete',
      path: '/api/vendors/:vendorId/invitations/:invitationId',
      summary: 'Withdraw an invitation of a vendor contact',
      params: vendorInvitationParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Withdrawn' }],
      handler: async ({ actor, params, audit }) => {
        await vendors.revokeInvitation(actor, params.vendorId, params.invitationId, audit);
      },
    }),

    productApi({
      method: 'get',
      path: '/api/products',
      summary: 'List and search products',
      description: 'Filter by domain (products for all domains match any), deployment, vendor and text. Vendor users see only their own products.',
      query: productListQuerySchema,
      responses: [{ status: 200, description: 'A page of products', schema: listPageSchema(productSummarySchema) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await vendors.listProducts(actor, query, pageWindow(query));
        return { items: rows.map(productSummaryBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    productApi({
      method: 'post',
      path: '/api/products',
      summary: 'Register a product for a vendor',
      description: 'The vendor\'s owners and editors (vendorId may be left out when they edit for one vendor only), and owners, editors and assessors of a buyer or council.',
      body: productCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: productSchema }],
      handler: async ({ actor, body, audit }) => {
        const created = await vendors.createProduct(actor, body, audit);
        return productBody(await vendors.getProduct(actor, created.id));
      },
    }),
    productApi({
      method: 'get',
      path: '/api/products/:productId',
      etag: true,
      summary: 'Read a product with its versions',
      params: productParams,
      responses: [{ status: 200, description: 'The product', schema: productSchema }],
      handler: async ({ actor, params }) => productBody(await vendors.getProduct(actor, params.productId)),
    }),
    productApi({
      method: 'patch',
      path: '/api/products/:productId',
      versioned: true,
      summary: 'Change a product',
      params: productParams,
      body: productUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: productSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await vendors.updateProduct(actor, params.productId, body, audit);
        return productBody(await vendors.getProduct(actor, params.productId));
      },
    }),
    productApi({
      method: 'get',
      path: '/api/products/:productId/versions',
      summary: 'List a product\'s versions, newest release first',
      params: productParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Versions', schema: pagedListSchema(productVersionSchema) }],
      handler: async ({ actor, params, query }) => pageOf((await vendors.versions(actor, params.productId)).map(versionBody), query),
    }),
    productApi({
      method: 'post',
      path: '/api/products/:productId/versions',
      summary: 'Add a version to a product',
      params: productParams,
      body: versionCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: productVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await vendors.createVersion(actor, params.productId, body, audit)),
    }),
    productApi({
      method: 'get',
      path: '/api/products/:productId/versions/:versionId',
      etag: true,
      summary: 'Read one version of a product',
      params: versionParams,
      responses: [{ status: 200, description: 'The version', schema: productVersionSchema }],
      handler: async ({ actor, params }) => versionBody(await vendors.getVersion(actor, params.productId, params.versionId)),
    }),
    productApi({
      method: 'patch',
      path: '/api/products/:productId/versions/:versionId',
      versioned: true,
      summary: 'Change a product version\'s label or release date',
      params: versionParams,
      body: versionUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: productVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await vendors.updateVersion(actor, params.productId, params.versionId, body, audit)),
    }),

    usageApi({
      method: 'get',
      path: '/api/usages',
      summary: 'Which products your buyer organisations use, under which contracts',
      description: 'Only members of a buyer see its usages. Without organisationId: every buyer you belong to.',
      query: usageListQuerySchema,
      responses: [{ status: 200, description: 'A page of usages, soonest contract end first', schema: listPageSchema(usageSchema) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await vendors.listUsages(actor, query, pageWindow(query));
        return { items: rows.map(usageBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    usageApi({
      method: 'post',
      path: '/api/usages',
      summary: 'Record that a buyer uses a product (editors and owners of the buyer)',
      body: usageCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Recorded', schema: usageSchema }],
      handler: async ({ actor, body, audit }) => {
        const created = await vendors.createUsage(actor, body, audit);
        return usageBody(await vendors.getUsage(actor, created.id));
      },
    }),
    usageApi({
      method: 'get',
      path: '/api/usages/exposure',
      summary: 'A buyer\'s lock-in exposure',
      description: 'Contracts ending within the horizon (default 18 months), usages without an approved exit plan, and products failing absolute (A) data-access requirements.',
      query: exposureQuerySchema,
      responses: [{ status: 200, description: 'The exposure', schema: exposureSchema }],
      handler: async ({ actor, query }) => exposureBody(await vendors.exposure(actor, query.organisationId, query.horizonMonths)),
    }),
    usageApi({
      method: 'get',
      path: '/api/usages/:usageId',
      etag: true,
      summary: 'Read a usage',
      params: usageParams,
      responses: [{ status: 200, description: 'The usage', schema: usageSchema }],
      handler: async ({ actor, params }) => usageBody(await vendors.getUsage(actor, params.usageId)),
    }),
    usageApi({
      method: 'patch',
      path: '/api/usages/:usageId',
      versioned: true,
      summary: 'Change a usage\'s contract, notice period, exit plan status or note',
      params: usageParams,
      body: usageUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: usageSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await vendors.updateUsage(actor, params.usageId, body, audit);
        return usageBody(await vendors.getUsage(actor, params.usageId));
      },
    }),
    usageApi({
      method: 'delete',
      path: '/api/usages/:usageId',
      summary: 'Remove a usage the buyer no longer has',
      params: usageParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async ({ actor, params, audit }) => {
        await vendors.removeUsage(actor, params.usageId, audit);
      },
    }),
  ];
}
