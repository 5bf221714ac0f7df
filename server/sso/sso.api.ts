import type { Request } from 'express';
import { defineRoute, routeFamily, type RouteDefinition } from '../shared/http/route';
import type { IdentityProvidersService } from './identity-providers.service';
import {
  identitySchema,
  loginButtonSchema,
  mappingParams,
  organisationParams,
  organisationSsoSchema,
  policySchema,
  providerCreateSchema,
  providerParams,
  providerSchema,
  providerUpdateSchema,
  roleMappingCreateSchema,
  roleMappingSchema,
} from './sso.schemas';
import { identityBody, loginButton, organisationSsoBody, providerBody, roleMappingBody } from './sso.views';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const TAGS = ['Single sign-on'];
const user = routeFamily({ surface: 'api', access: 'user', tags: TAGS });
const admin = routeFamily({ surface: 'api', access: 'admin', tags: TAGS });

export type SsoApiDeps = { identityProviders: IdentityProvidersService; publicUrl: (ctx: { req: Request }) => string };

/** Identity providers (administrators), an organisation's role mappings and policy (owners), the login buttons. */
export function ssoApi(deps: SsoApiDeps): RouteDefinition[] {
  const { identityProviders: providers, publicUrl } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/sso/providers',
      surface: 'api',
      access: 'public',
      summary: 'The identity providers to log in with',
      query: pageQuerySchema,
      tags: TAGS,
      responses: [{ status: 200, description: 'The login buttons', schema: pagedListSchema(loginButtonSchema) }],
      handler: async ({ query }) => pageOf((await providers.loginProviders()).map((p) => loginButton(p)), query),
    }),
    admin({
      method: 'get',
      path: '/api/identity-providers',
      summary: 'List identity providers',
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'The providers, the environment’s first', schema: pagedListSchema(providerSchema) }],
      handler: async (ctx) => pageOf((await providers.list(ctx.actor)).map((p) => providerBody(p, publicUrl(ctx))), ctx.query),
    }),
    admin({
      method: 'post',
      path: '/api/identity-providers',
      summary: 'Add an identity provider',
      description: 'The client secret is stored encrypted with OIDC_SECRET_KEY and never shown again.',
      body: providerCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: providerSchema }],
      handler: async (ctx) => providerBody(await providers.create(ctx.actor, ctx.body, ctx.audit), publicUrl(ctx)),
    }),
    admin({
      method: 'get',
      path: '/api/identity-providers/:providerId',
      summary: 'Read an identity provider',
      params: providerParams,
      responses: [{ status: 200, description: 'The provider', schema: providerSchema }],
      handler: async (ctx) => providerBody(await providers.get(ctx.actor, ctx.params.providerId), publicUrl(ctx)),
    }),
    admin({
      method: 'patch',
      path: '/api/identity-providers/:providerId',
      summary: 'Change an identity provider',
      params: providerParams,
      body: providerUpdateSchema,
      responses: [{ status: 200, description: 'The changed provider', schema: providerSchema }],
      handler: async (ctx) => providerBody(await providers.update(ctx.actor, ctx.params.providerId, ctx.body, ctx.audit), publicUrl(ctx)),
    }),
    admin({
      method: 'delete',
      path: '/api/identity-providers/:providerId',
      summary: 'Remove an identity provider',
      params: providerParams,
      successStatus: 204,
      handler: async (ctx) => {
        await providers.remove(ctx.actor, ctx.params.providerId, ctx.audit);
      },
    }),
    user({
      method: 'get',
      path: '/api/organisations/:orgId/sso',
      summary: 'An organisation’s single sign-on: providers, role mappings, policy',
      params: organisationParams,
      responses: [{ status: 200, description: 'The settings', schema: organisationSsoSchema }],
      handler: async (ctx) => organisationSsoBody(ctx.params.orgId, await providers.organisationSettings(ctx.actor, ctx.params.orgId)),
    }),
    user({
      method: 'post',
      path: '/api/organisations/:orgId/sso/role-mappings',
      summary: 'Map a claim value to a role in the organisation',
      description: 'Applied at every login through the organisation’s provider: the strongest mapped role wins, and a user without a mapped value loses the role.',
      params: organisationParams,
      body: roleMappingCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: roleMappingSchema }],
      handler: async (ctx) => roleMappingBody(await providers.addRoleMapping(ctx.actor, ctx.params.orgId, ctx.body, ctx.audit)),
    }),
    user({
      method: 'delete',
      path: '/api/organisations/:orgId/sso/role-mappings/:mappingId',
      summary: 'Remove a claim-to-role mapping',
      params: mappingParams,
      successStatus: 204,
      handler: async (ctx) => {
        await providers.removeRoleMapping(ctx.actor, ctx.params.orgId, ctx.params.mappingId, ctx.audit);
      },
    }),
    user({
      method: 'put',
      path: '/api/organisations/:orgId/sso/policy',
      summary: 'Require (or stop requiring) single sign-on for the organisation’s members',
      description: 'With requireSso, members cannot log in with a password; administrators of the installation still can.',
      params: organisationParams,
      body: policySchema,
      responses: [{ status: 200, description: 'The settings', schema: organisationSsoSchema }],
      handler: async (ctx) => {
        await providers.setRequireSso(ctx.actor, ctx.params.orgId, ctx.body.requireSso, ctx.audit);
        return organisationSsoBody(ctx.params.orgId, await providers.organisationSettings(ctx.actor, ctx.params.orgId));
      },
    }),
    user({
      method: 'get',
      path: '/api/me/identities',
      summary: 'The identity provider accounts linked to mine',
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'The linked identities', schema: pagedListSchema(identitySchema) }],
      handler: async (ctx) => pageOf((await providers.identities(ctx.actor)).map(identityBody), ctx.query),
    }),
  ];
}
