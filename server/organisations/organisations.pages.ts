import type { z } from 'zod';
import type { AuthService } from '../auth/auth.service';
import { loginRequestInfo, sessionCookie, type SessionSettings } from '../auth/session-http';
import { isAppError, type FieldError } from '../shared/errors';
import { formRoute } from '../shared/http/forms';
import { routeFamily, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import {
  invitationAcceptFormSchema,
  invitationCreateSchema,
  invitationParams,
  invitationTokenParams,
  memberParams,
  memberRoleSchema,
  organisationCreateSchema,
  organisationIdParams,
  organisationListQuerySchema,
  organisationUpdateSchema,
} from './organisations.schemas';
import type { OrganisationsService } from './organisations.service';
import { ORGANISATION_KINDS } from './organisations.table';
import { invitationPage, newInvitation, organisationEditForm, organisationListRows, organisationPage, type PublicUrl } from './organisations.views';

const page = routeFamily({ surface: 'page', access: 'user' });
const adminPage = routeFamily({ surface: 'page', access: 'admin' });
const publicPage = routeFamily({ surface: 'page', access: 'public' });

type OrganisationPageContext = RouteContext<z.output<typeof organisationIdParams>, unknown, unknown, 'user'>;
type InvitationPageContext = RouteContext<z.output<typeof invitationTokenParams>, unknown, unknown, 'public'>;

export type OrganisationPagesDeps = SessionSettings & { organisations: OrganisationsService; auth: AuthService; publicUrl: PublicUrl };

export function organisationsPages(deps: OrganisationPagesDeps): RouteDefinition[] {
  const { organisations, auth } = deps;
  const session = sessionCookie(deps);

  /**
   * The organisation page; after a refused save, `typed` keeps what the user entered in the edit
   * form, and `typedRole` the role chosen for one member.
   */
  async function showOrganisation(ctx: OrganisationPageContext, extra: Record<string, unknown> = {}, status = 200, typed?: { edit?: Record<string, unknown>; role?: { userId: string; role: unknown } }) {
    const overview = await organisations.overview(ctx.actor, ctx.params.orgId);
    ctx.render(
      'organisations/show',
      { title: overview.organisation.name, nav: 'organisations', ...organisationPage(overview, ctx.actor.userId, typed?.role), edit: organisationEditForm(overview.organisation, typed?.edit), ...extra },
      status,
    );
  }

  async function showNewForm(ctx: RouteContext<unknown, unknown, unknown, 'admin'>, values: Record<string, unknown>, errors: FieldError[], status: number) {
    const buyers = await organisations.list(ctx.actor, { kind: 'buyer' }, { limit: 500, offset: 0 });
    ctx.render('organisations/new', { title: ctx.t('organisations.new.title'), nav: 'organisations', kinds: ORGANISATION_KINDS, buyers: buyers.rows, values, errors }, status);
  }

  async function showInvitation(ctx: InvitationPageContext, extra: Record<string, unknown> = {}, status = 200) {
    const found = await organisations.describeInvitation(ctx.params.token);
    ctx.render('organisations/invitation', { title: ctx.t('invitations.title'), ...invitationPage(found, ctx.actor, ctx.params.token), ...extra }, status);
  }

  return [
    page({
      method: 'get',
      path: '/organisations',
      summary: 'Organisations page',
      query: organisationListQuerySchema,
      handler: async (ctx) => {
        const { rows, total } = await organisations.list(ctx.actor, ctx.query, { limit: ctx.query.pageSize, offset: (ctx.query.page - 1) * ctx.query.pageSize });
        ctx.render('organisations/list', {
          title: ctx.t('organisations.title'),
          nav: 'organisations',
          organisations: organisationListRows(rows, ctx.actor),
          filter: ctx.query,
          kinds: ORGANISATION_KINDS,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/organisations', query: ctx.query }),
        });
      },
    }),
    adminPage({
      method: 'get',
      path: '/organisations/new',
      summary: 'Form for a new organisation',
      handler: (ctx) => showNewForm(ctx, {}, [], 200),
    }),
    formRoute({
      path: '/organisations',
      summary: 'Create an organisation',
      access: 'admin',
      body: organisationCreateSchema,
      rerender: (ctx, { formErrors, values }, status) => showNewForm(ctx, values, formErrors, status),
      problems: (error) => (isAppError(error) && error.status < 500 && error.errors.length > 0 ? { errors: error.errors, status: error.status } : null),
      run: async (ctx) => {
        const created = await organisations.create(ctx.actor, ctx.body, ctx.audit);
        return { to: `/organisations/${created.id}`, flash: { kind: 'success', message: ctx.t('organisations.created') } };
      },
    }),
    page({
      method: 'get',
      path: '/organisations/:orgId',
      summary: 'Organisation page with members and invitations',
      params: organisationIdParams,
      handler: (ctx) => showOrganisation(ctx),
    }),
    formRoute({
      path: '/organisations/:orgId',
      summary: 'Rename an organisation or change its organisation number',
      access: 'user',
      params: organisationIdParams,
      body: organisationUpdateSchema,
      rerender: (ctx, { formErrors, values, conflict }, status) => showOrganisation(ctx, { editErrors: formErrors, editConflict: conflict }, status, { edit: values }),
      problems: (error) => (isAppError(error) && error.status === 409 ? { errors: error.errors.length > 0 ? error.errors : [{ path: 'version', message: error.message }], status: 409 } : null),
      run: async (ctx) => {
        await organisations.update(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit);
        return { to: `/organisations/${ctx.params.orgId}`, flash: { kind: 'success', message: ctx.t('organisations.updated') } };
      },
    }),
    formRoute({
      path: '/organisations/:orgId/members/:userId/role',
      summary: 'Change a member\'s role',
      access: 'user',
      params: memberParams,
      body: memberRoleSchema,
      rerender: (ctx, { formErrors, values, conflict }, status) =>
        showOrganisation(ctx, { roleErrors: formErrors, roleConflict: conflict }, status, { role: { userId: ctx.params.userId, role: values.role } }),
      problems: (error) => (isAppError(error) && error.status === 409 && error.code === 'conflict.stale_version' ? { errors: [{ path: 'role', message: error.message }], status: 409 } : null),
      run: async (ctx) => {
        await organisations.changeRole(ctx.actor, ctx.params.orgId, ctx.params.userId, ctx.body, ctx.audit);
        return { to: `/organisations/${ctx.params.orgId}`, flash: { kind: 'success', message: ctx.t('organisations.members.roleChanged') } };
      },
    }),
    page({
      method: 'get',
      path: '/organisations/:orgId/members/:userId/remove',
      summary: 'Confirm removing a member',
      params: memberParams,
      handler: async (ctx) => {
        const { organisation, member } = await organisations.memberToRemove(ctx.actor, ctx.params.orgId, ctx.params.userId);
        if (!member) return ctx.redirect(`/organisations/${ctx.params.orgId}`);
        ctx.render('organisations/remove-member', { title: ctx.t('organisations.members.removeTitle'), nav: 'organisations', organisation, member, isSelf: member.userId === ctx.actor.userId });
      },
    }),
    page({
      method: 'post',
      path: '/organisations/:orgId/members/:userId/remove',
      summary: 'Remove a member (or leave the organisation)',
      params: memberParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await organisations.removeMember(ctx.actor, ctx.params.orgId, ctx.params.userId, ctx.audit);
        const left = ctx.params.userId === ctx.actor.userId;
        ctx.redirect(left ? '/' : `/organisations/${ctx.params.orgId}`, { kind: 'success', message: ctx.t(left ? 'organisations.members.left' : 'organisations.members.removed') });
      },
    }),
    formRoute({
      path: '/organisations/:orgId/invitations',
      summary: 'Invite someone to the organisation',
      access: 'user',
      params: organisationIdParams,
      body: invitationCreateSchema,
      rerender: (ctx, { formErrors, values }, status) => showOrganisation(ctx, { inviteErrors: formErrors, inviteValues: values }, status),
      problems: (error, ctx) =>
        isAppError(error) && error.code === 'organisation.already_member' ? { errors: [{ path: 'email', message: ctx.t('errors.codes.organisation.already_member') }], status: 409 } : null,
      run: async (ctx) => {
        const { invitation, token } = await organisations.invite(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit);
        await showOrganisation(ctx, { newInvitation: newInvitation(invitation, deps.publicUrl(ctx), token) }, 201);
        return { shown: true };
      },
    }),
    page({
      method: 'post',
      path: '/organisations/:orgId/invitations/:invitationId/revoke',
      summary: 'Withdraw an invitation',
      params: invitationParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await organisations.revokeInvitation(ctx.actor, ctx.params.orgId, ctx.params.invitationId, ctx.audit);
        ctx.redirect(`/organisations/${ctx.params.orgId}`, { kind: 'success', message: ctx.t('invitations.revoked') });
      },
    }),
    publicPage({
      method: 'get',
      path: '/invitations/:token',
      summary: 'Invitation page',
      params: invitationTokenParams,
      handler: (ctx) => showInvitation(ctx),
    }),
    formRoute({
      path: '/invitations/:token',
      summary: 'Accept an invitation',
      access: 'public',
      params: invitationTokenParams,
      body: invitationAcceptFormSchema,
      rerender: (ctx, { formErrors, values }, status) => showInvitation(ctx, { errors: formErrors, values: { name: values.name } }, status),
      problems: (error) => (isAppError(error) && error.code === 'validation.failed' ? { errors: error.errors, status: 400 } : null),
      run: async (ctx) => {
        const result = await organisations.acceptInvitation(ctx.params.token, ctx.actor, ctx.body, ctx.audit);
        // A new account is logged in straight away with the password it was just given.
        if (result.createdAccount && ctx.body.password) {
          const { token } = await auth.login({ email: result.user.email, password: ctx.body.password }, loginRequestInfo(ctx));
          session.open(ctx.res, token);
        }
        return { to: `/organisations/${result.organisationId}`, flash: { kind: 'success', message: ctx.t('invitations.accepted') } };
      },
    }),
  ];
}
