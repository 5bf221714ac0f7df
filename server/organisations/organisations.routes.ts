import { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { Services } from '../services';
import { invitationUrl } from './organisations.views';
import { isAppError, type FieldError } from '../shared/errors';
import { type CookieSettings, cookieNames, cookieOptions } from '../shared/http/cookies';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import { canManageOrganisation } from './organisation-access';
import {
  invitationAcceptSchema,
  invitationCreateSchema,
  invitationParams,
  invitationSchema,
  memberParams,
  memberRoleSchema,
  memberSchema,
  organisationCreateSchema,
  organisationIdParams,
  organisationListQuerySchema,
  organisationSchema,
  organisationUpdateSchema,
} from './organisations.schemas';
import { roleRequired } from './organisations.errors';
import { MEMBERSHIP_ROLES, ORGANISATION_KINDS, type InvitationRow, type OrganisationRow } from './organisations.table';
import type { MemberView } from './organisations.repository';

const tokenParams = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'is not an invitation token') });

function organisationBody(row: OrganisationRow) {
  return { id: row.id, kind: row.kind, name: row.name, orgNumber: row.orgNumber, parentId: row.parentId, createdAt: row.createdAt.toISOString() };
}
function memberBody(row: MemberView) {
  return { userId: row.userId, email: row.email, name: row.name, role: row.role, since: row.since.toISOString() };
}
function invitationBody(row: InvitationRow) {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

export function organisationRoutes(services: Services, cookies: CookieSettings, sessionHours: number, publicUrl: (ctx: { req: RouteContext<unknown, unknown, unknown, 'public'>['req'] }) => string): RouteDefinition[] {
  const names = cookieNames(cookies);

  async function renderOrganisation(ctx: RouteContext<{ orgId: string }, unknown, unknown, 'user'>, extra: Record<string, unknown> = {}, status = 200) {
    const orgId = ctx.params.orgId;
    const { organisation, parent, children } = await services.organisations.get(ctx.actor, orgId);
    const canManage = canManageOrganisation(ctx.actor, orgId);
    const members = await services.organisations.members(ctx.actor, orgId);
    const invitations = canManage ? await services.organisations.pendingInvitations(ctx.actor, orgId) : [];
    ctx.render(
      'organisations/show',
      {
        title: organisation.name,
        nav: 'organisations',
        organisation,
        parent,
        children,
        canManage,
        members: members.map((m) => ({ ...m, isSelf: m.userId === ctx.actor.userId })),
        invitations,
        roles: MEMBERSHIP_ROLES,
        ...extra,
      },
      status,
    );
  }

  async function renderNewForm(ctx: RouteContext<unknown, unknown, unknown, 'admin'>, values: Record<string, unknown>, errors: FieldError[], status: number) {
    const buyers = await services.organisations.list(ctx.actor, { kind: 'buyer' }, { limit: 500, offset: 0 });
    ctx.render('organisations/new', { title: ctx.t('organisations.new.title'), nav: 'organisations', kinds: ORGANISATION_KINDS, buyers: buyers.rows, values, errors }, status);
  }

  async function renderInvitation(ctx: RouteContext<{ token: string }, unknown, unknown, 'public'>, extra: Record<string, unknown> = {}, status = 200) {
    const { invitation, organisation, accountExists } = await services.organisations.describeInvitation(ctx.params.token);
    const actor: Actor | null = ctx.actor;
    ctx.render(
      'organisations/invitation',
      {
        title: ctx.t('invitations.title'),
        invitation,
        organisation,
        accountExists,
        signedInAsInvitee: actor?.email.toLowerCase() === invitation.email,
        signedInAsOther: Boolean(actor) && actor?.email.toLowerCase() !== invitation.email,
        loginUrl: `/login?returnTo=${encodeURIComponent(`/invitations/${ctx.params.token}`)}`,
        token: ctx.params.token,
        layoutPlain: !actor,
        ...extra,
      },
      status,
    );
  }

  return [
    defineRoute({
      method: 'get',
      path: '/organisations',
      surface: 'page',
      access: 'user',
      summary: 'Organisations page',
      query: organisationListQuerySchema,
      handler: async (ctx) => {
        const { rows, total } = await services.organisations.list(ctx.actor, ctx.query, { limit: ctx.query.pageSize, offset: (ctx.query.page - 1) * ctx.query.pageSize });
        ctx.render('organisations/list', {
          title: ctx.t('organisations.title'),
          nav: 'organisations',
          organisations: rows.map((row) => ({ ...row, role: ctx.actor.memberships.find((m) => m.organisationId === row.id)?.role ?? null })),
          filter: ctx.query,
          kinds: ORGANISATION_KINDS,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/organisations', query: ctx.query }),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/organisations/new',
      surface: 'page',
      access: 'admin',
      summary: 'Form for a new organisation',
      handler: (ctx) => renderNewForm(ctx, {}, [], 200),
    }),
    defineRoute({
      method: 'post',
      path: '/organisations',
      surface: 'page',
      access: 'admin',
      summary: 'Create an organisation',
      bodyType: 'form',
      body: organisationCreateSchema,
      onInvalid: (ctx, errors) => renderNewForm(ctx, ctx.body, errors, 400),
      handler: async (ctx) => {
        try {
          const created = await services.organisations.create(ctx.actor, ctx.body, ctx.audit);
          ctx.redirect(`/organisations/${created.id}`, { kind: 'success', message: ctx.t('organisations.created') });
        } catch (error) {
          if (isAppError(error) && error.status < 500 && error.errors.length > 0) return renderNewForm(ctx, ctx.body, error.errors, error.status);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/organisations/:orgId',
      surface: 'page',
      access: 'user',
      summary: 'Organisation page with members and invitations',
      params: organisationIdParams,
      handler: (ctx) => renderOrganisation(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/organisations/:orgId',
      surface: 'page',
      access: 'user',
      summary: 'Rename an organisation or change its organisation number',
      params: organisationIdParams,
      bodyType: 'form',
      body: organisationUpdateSchema,
      onInvalid: (ctx, errors) => renderOrganisation(ctx, { editErrors: errors }, 400),
      handler: async (ctx) => {
        try {
          await services.organisations.update(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit);
        } catch (error) {
          if (isAppError(error) && error.status === 409) return renderOrganisation(ctx, { editErrors: error.errors }, 409);
          throw error;
        }
        ctx.redirect(`/organisations/${ctx.params.orgId}`, { kind: 'success', message: ctx.t('organisations.updated') });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/organisations/:orgId/members/:userId/role',
      surface: 'page',
      access: 'user',
      summary: 'Change a member\'s role',
      params: memberParams,
      bodyType: 'form',
      body: memberRoleSchema,
      handler: async (ctx) => {
        await services.organisations.changeRole(ctx.actor, ctx.params.orgId, ctx.params.userId, ctx.body.role, ctx.audit);
        ctx.redirect(`/organisations/${ctx.params.orgId}`, { kind: 'success', message: ctx.t('organisations.members.roleChanged') });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/organisations/:orgId/members/:userId/remove',
      surface: 'page',
      access: 'user',
      summary: 'Confirm removing a member',
      params: memberParams,
      handler: async (ctx) => {
        const { organisation } = await services.organisations.get(ctx.actor, ctx.params.orgId);
        // The same rule as removing: owners remove others; anyone may leave.
        if (ctx.params.userId !== ctx.actor.userId && !canManageOrganisation(ctx.actor, ctx.params.orgId)) throw roleRequired(['owner']);
        const member = (await services.organisations.members(ctx.actor, ctx.params.orgId)).find((m) => m.userId === ctx.params.userId);
        if (!member) return ctx.redirect(`/organisations/${ctx.params.orgId}`);
        ctx.render('organisations/remove-member', { title: ctx.t('organisations.members.removeTitle'), nav: 'organisations', organisation, member, isSelf: member.userId === ctx.actor.userId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/organisations/:orgId/members/:userId/remove',
      surface: 'page',
      access: 'user',
      summary: 'Remove a member (or leave the organisation)',
      params: memberParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await services.organisations.removeMember(ctx.actor, ctx.params.orgId, ctx.params.userId, ctx.audit);
        const left = ctx.params.userId === ctx.actor.userId;
        ctx.redirect(left ? '/' : `/organisations/${ctx.params.orgId}`, { kind: 'success', message: ctx.t(left ? 'organisations.members.left' : 'organisations.members.removed') });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/organisations/:orgId/invitations',
      surface: 'page',
      access: 'user',
      summary: 'Invite someone to the organisation',
      params: organisationIdParams,
      bodyType: 'form',
      body: invitationCreateSchema,
      onInvalid: (ctx, errors) => renderOrganisation(ctx, { inviteErrors: errors, inviteValues: ctx.body }, 400),
      handler: async (ctx) => {
        try {
          const { invitation, token } = await services.organisations.invite(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit);
          await renderOrganisation(ctx, { newInvitation: { email: invitation.email, url: invitationUrl(publicUrl(ctx), token), expiresAt: invitation.expiresAt } }, 201);
        } catch (error) {
          if (isAppError(error) && error.code === 'organisation.already_member') {
            return renderOrganisation(ctx, { inviteErrors: [{ path: 'email', message: ctx.t('errors.codes.organisation.already_member') }], inviteValues: ctx.body }, 409);
          }
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/organisations/:orgId/invitations/:invitationId/revoke',
      surface: 'page',
      access: 'user',
      summary: 'Withdraw an invitation',
      params: invitationParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await services.organisations.revokeInvitation(ctx.actor, ctx.params.orgId, ctx.params.invitationId, ctx.audit);
        ctx.redirect(`/organisations/${ctx.params.orgId}`, { kind: 'success', message: ctx.t('invitations.revoked') });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/invitations/:token',
      surface: 'page',
      access: 'public',
      summary: 'Invitation page',
      params: tokenParams,
      handler: (ctx) => renderInvitation(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/invitations/:token',
      surface: 'page',
      access: 'public',
      summary: 'Accept an invitation',
      params: tokenParams,
      bodyType: 'form',
      body: invitationAcceptSchema.extend({ name: z.preprocess((v) => (v === '' ? undefined : v), invitationAcceptSchema.shape.name), password: z.preprocess((v) => (v === '' ? undefined : v), invitationAcceptSchema.shape.password) }),
      onInvalid: (ctx, errors) => renderInvitation(ctx, { errors, values: { name: ctx.body.name } }, 400),
      handler: async (ctx) => {
        try {
          const result = await services.organisations.acceptInvitation(ctx.params.token, ctx.actor, ctx.body, ctx.audit);
          if (result.createdAccount && ctx.body.password) {
            const { token } = await services.auth.login({ email: result.user.email, password: ctx.body.password }, { requestId: ctx.requestId, ip: ctx.req.ip ?? null, userAgent: ctx.req.get('user-agent') ?? null });
            ctx.res.cookie(names.session, token, cookieOptions(cookies, { maxAge: sessionHours * 3_600_000 }));
            ctx.res.clearCookie(names.csrf, cookieOptions(cookies));
          }
          ctx.redirect(`/organisations/${result.organisationId}`, { kind: 'success', message: ctx.t('invitations.accepted') });
        } catch (error) {
          if (isAppError(error) && error.code === 'validation.failed') return renderInvitation(ctx, { errors: error.errors, values: { name: ctx.body.name } }, 400);
          throw error;
        }
      },
    }),

    defineRoute({
      method: 'get',
      path: '/api/organisations',
      surface: 'api',
      access: 'user',
      summary: 'List organisations',
      description: 'Administrators see all organisations; other users the ones they belong to.',
      tags: ['Organisations'],
      query: organisationListQuerySchema,
      responses: [{ status: 200, description: 'A page of organisations', schema: z.object({ items: z.array(organisationSchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await services.organisations.list(actor, query, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        return { items: rows.map(organisationBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/organisations',
      surface: 'api',
      access: 'admin',
      summary: 'Create an organisation',
      tags: ['Organisations'],
      body: organisationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: organisationSchema }],
      handler: async ({ actor, body, audit }) => organisationBody(await services.organisations.create(actor, body, audit)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/organisations/:orgId',
      surface: 'api',
      access: 'user',
      summary: 'Read an organisation',
      tags: ['Organisations'],
      params: organisationIdParams,
      responses: [{ status: 200, description: 'The organisation', schema: organisationSchema }],
      handler: async ({ actor, params }) => organisationBody((await services.organisations.get(actor, params.orgId)).organisation),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/organisations/:orgId',
      surface: 'api',
      access: 'user',
      summary: 'Change an organisation\'s name or organisation number (owners)',
      tags: ['Organisations'],
      params: organisationIdParams,
      body: organisationUpdateSchema,
      responses: [{ status: 200, description: 'Updated', schema: organisationSchema }],
      handler: async ({ actor, params, body, audit }) => organisationBody(await services.organisations.update(actor, params.orgId, body, audit)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/organisations/:orgId/members',
      surface: 'api',
      access: 'user',
      summary: 'List members',
      tags: ['Organisations'],
      params: organisationIdParams,
      responses: [{ status: 200, description: 'Members', schema: z.object({ items: z.array(memberSchema) }) }],
      handler: async ({ actor, params }) => ({ items: (await services.organisations.members(actor, params.orgId)).map(memberBody) }),
    }),
    defineRoute({
      method: 'put',
      path: '/api/organisations/:orgId/members/:userId',
      surface: 'api',
      access: 'user',
      summary: 'Change a member\'s role (owners)',
      tags: ['Organisations'],
      params: memberParams,
      body: memberRoleSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Changed' }],
      handler: async ({ actor, params, body, audit }) => {
        await services.organisations.changeRole(actor, params.orgId, params.userId, body.role, audit);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/organisations/:orgId/members/:userId',
      surface: 'api',
      access: 'user',
      summary: 'Remove a member (owners) or leave',
      tags: ['Organisations'],
      params: memberParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async ({ actor, params, audit }) => {
        await services.organisations.removeMember(actor, params.orgId, params.userId, audit);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/organisations/:orgId/invitations',
      surface: 'api',
      access: 'user',
      summary: 'List pending invitations (owners)',
      tags: ['Organisations'],
      params: organisationIdParams,
      responses: [{ status: 200, description: 'Pending invitations', schema: z.object({ items: z.array(invitationSchema) }) }],
      handler: async ({ actor, params }) => ({ items: (await services.organisations.pendingInvitations(actor, params.orgId)).map(invitationBody) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/organisations/:orgId/invitations',
      surface: 'api',
      access: 'user',
      summary: 'Invite someone (owners)',
      description: 'Returns the single-use invitation link once, for the inviter to send.',
      tags: ['Organisations'],
      params: organisationIdParams,
      body: invitationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: invitationSchema.extend({ url: z.string() }) }],
      handler: async (ctx) => {
        const { invitation, token } = await services.organisations.invite(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit);
        return { ...invitationBody(invitation), url: invitationUrl(publicUrl(ctx), token) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/organisations/:orgId/invitations/:invitationId',
      surface: 'api',
      access: 'user',
      summary: 'Withdraw an invitation (owners)',
      tags: ['Organisations'],
      params: invitationParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Withdrawn' }],
      handler: async ({ actor, params, audit }) => {
        await services.organisations.revokeInvitation(actor, params.orgId, params.invitationId, audit);
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
      tags: ['Organisations'],
      params: tokenParams,
      body: invitationAcceptSchema,
      responses: [{ status: 200, description: 'Joined', schema: z.object({ organisationId: z.uuid(), userId: z.uuid(), createdAccount: z.boolean() }) }],
      handler: async (ctx) => {
        const result = await services.organisations.acceptInvitation(ctx.params.token, ctx.actor, ctx.body, ctx.audit);
        return { organisationId: result.organisationId, userId: result.user.id, createdAccount: result.createdAccount };
      },
    }),
  ];
}
