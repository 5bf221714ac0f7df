import { z } from 'zod';
import { defineRoute, routeFamily, type RouteDefinition } from '../shared/http/route';
import {
  invitationAcceptSchema,
  invitationCreateSchema,
  invitationParams,
  invitationSchema,
  invitationTokenParams,
  memberParams,
  memberRoleSchema,
  memberSchema,
  organisationCreateSchema,
  organisationIdParams,
  organisationListQuerySchema,
  organisationSchema,
  organisationUpdateSchema,
} from './organisations.schemas';
import type { OrganisationsService } from './organisations.service';
import { invitationBody, invitationUrl, memberBody, organisationBody, type PublicUrl } from './organisations.views';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const TAGS = ['Organisations'];
const api = routeFamily({ surface: 'api', access: 'user', tags: TAGS });

export function organisationsApi(deps: { organisations: OrganisationsService; publicUrl: PublicUrl }): RouteDefinition[] {
  const { organisations } = deps;
  return [
    api({
      method: 'get',
      path: '/api/organisations',
      summary: 'List organisations',
      description: 'Administrators see all organisations; other users the ones they belong to.',
      query: organisationListQuerySchema,
      responses: [{ status: 200, description: 'A page of organisations', schema: z.object({ items: z.array(organisationSchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await organisations.list(actor, query, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        return { items: rows.map(organisationBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/organisations',
      surface: 'api',
      access: 'admin',
      summary: 'Create an organisation',
      tags: TAGS,
      body: organisationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: organisationSchema }],
      handler: async ({ actor, body, audit }) => organisationBody(await organisations.create(actor, body, audit)),
    }),
    api({
      method: 'get',
      path: '/api/organisations/:orgId',
      summary: 'Read an organisation',
      params: organisationIdParams,
      etag: true,
      responses: [{ status: 200, description: 'The organisation', schema: organisationSchema }],
      handler: async ({ actor, params }) => organisationBody((await organisations.get(actor, params.orgId)).organisation),
    }),
    api({
      method: 'patch',
      path: '/api/organisations/:orgId',
      summary: 'Change an organisation\'s name or organisation number (owners)',
      params: organisationIdParams,
      versioned: true,
      body: organisationUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: organisationSchema }],
      handler: async ({ actor, params, body, audit }) => organisationBody(await organisations.update(actor, params.orgId, body, audit)),
    }),
    api({
      method: 'get',
      path: '/api/organisations/:orgId/members',
      summary: 'List members',
      params: organisationIdParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Members', schema: pagedListSchema(memberSchema) }],
      handler: async ({ actor, params, query }) => pageOf((await organisations.members(actor, params.orgId)).map(memberBody), query),
    }),
    api({
      method: 'put',
      path: '/api/organisations/:orgId/members/:userId',
      summary: 'Change a member\'s role (owners)',
      params: memberParams,
      versioned: true,
      body: memberRoleSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Changed' }],
      handler: async ({ actor, params, body, audit }) => {
        await organisations.changeRole(actor, params.orgId, params.userId, body, audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/organisations/:orgId/members/:userId',
      summary: 'Read one member, with the version a role change names',
      params: memberParams,
      etag: true,
      responses: [{ status: 200, description: 'The member', schema: memberSchema }],
      handler: async ({ actor, params }) => memberBody(await organisations.member(actor, params.orgId, params.userId)),
    }),
    api({
      method: 'delete',
      path: '/api/organisations/:orgId/members/:userId',
      summary: 'Remove a member (owners) or leave',
      params: memberParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async ({ actor, params, audit }) => {
        await organisations.removeMember(actor, params.orgId, params.userId, audit);
      },
    }),
    api({
      method: 'get',
      path: '/api/organisations/:orgId/invitations',
      summary: 'List pending invitations (owners)',
      params: organisationIdParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Pending invitations', schema: pagedListSchema(invitationSchema) }],
      handler: async ({ actor, params, query }) => pageOf((await organisations.pendingInvitations(actor, params.orgId)).map(invitationBody), query),
    }),
    api({
      method: 'post',
      path: '/api/organisations/:orgId/invitations',
      summary: 'Invite someone (owners)',
      description: 'Returns the single-use invitation link once, for the inviter to send.',
      params: organisationIdParams,
      body: invitationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: invitationSchema.extend({ url: z.string() }) }],
      handler: async (ctx) => {
        const { invitation, token } = await organisations.invite(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit);
        return { ...invitationBody(invitation), url: invitationUrl(deps.publicUrl(ctx), token) };
      },
    }),
    api({
      method: 'delete',
      path: '/api/organisations/:orgId/invitations/:invitationId',
      summary: 'Withdraw an invitation (owners)',
      params: invitationParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Withdrawn' }],
      handler: async ({ actor, params, audit }) => {
        await organisations.revokeInvitation(actor, params.orgId, params.invitationId, audit);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/invitations/:token/accept',
      surface: 'api',
      access: 'public',
      csrf: false,
      summary: 'Accept an invitation',
      description: 'Logged in as the invited email: joins. Without an account: send name and password to create one.',
      tags: TAGS,
      params: invitationTokenParams,
      body: invitationAcceptSchema,
      responses: [{ status: 200, description: 'Joined', schema: z.object({ organisationId: z.uuid(), userId: z.uuid(), createdAccount: z.boolean() }) }],
      handler: async (ctx) => {
        const result = await organisations.acceptInvitation(ctx.params.token, ctx.actor, ctx.body, ctx.audit);
        return { organisationId: result.organisationId, userId: result.user.id, createdAccount: result.createdAccount };
      },
    }),
  ];
}
