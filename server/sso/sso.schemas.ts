import { z } from 'zod';
import { isAcceptableIssuer } from '../config';
import { MEMBERSHIP_ROLES } from '../organisations/organisations.table';

const roleSchema = z.enum(MEMBERSHIP_ROLES);
/** A checkbox: ticked ('on', 'true') or not ('off', 'false'); any other value is refused by name. */
const checkbox = z.preprocess((v) => (v === 'on' || v === 'true' || v === true ? true : v === 'off' || v === 'false' || v === false ? false : v), z.boolean('must be ticked or not'));
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const slugSchema = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1–40 lower-case letters, digits and hyphens');
const scopesSchema = z
  .string()
  .trim()
  .max(500)
  .regex(/(^|\s)openid(\s|$)/, 'must include openid')
  .transform((v) => v.split(/\s+/).join(' '));

const providerFields = {
  slug: slugSchema,
  displayName: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  issuer: z.string().trim().refine(isAcceptableIssuer, 'must be an https URL (http only on localhost)'),
  clientId: z.string().trim().min(1, 'is required').max(500),
  organisationId: z.uuid('must be an organisation id'),
  scopes: scopesSchema.default('openid email profile'),
  roleClaim: z.string().trim().min(1, 'is required').max(200).default('groups'),
  jitAllowed: z.boolean().default(false),
  useUserinfo: z.boolean().default(false),
  enabled: z.boolean().default(true),
};

export const providerCreateSchema = z.strictObject({
  ...providerFields,
  clientSecret: z.string().min(1).max(2000).optional(),
});

export const providerUpdateSchema = z.strictObject({
  slug: providerFields.slug.optional(),
  displayName: providerFields.displayName.optional(),
  issuer: providerFields.issuer.optional(),
  clientId: providerFields.clientId.optional(),
  organisationId: providerFields.organisationId.optional(),
  scopes: scopesSchema.optional(),
  roleClaim: z.string().trim().min(1, 'is required').max(200).optional(),
  jitAllowed: z.boolean().optional(),
  useUserinfo: z.boolean().optional(),
  enabled: z.boolean().optional(),
  /** A new secret replaces the stored one; null removes it (a public client). */
  clientSecret: z.string().min(1).max(2000).nullable().optional(),
});

/** The administrator's provider form: checkboxes, and an empty secret keeps the stored one. */
export const providerFormSchema = z.object({
  ...providerFields,
  jitAllowed: checkbox.default(false),
  useUserinfo: checkbox.default(false),
  enabled: checkbox.default(false),
  clientSecret: z.preprocess(emptyToUndefined, z.string().max(2000).optional()),
});

export const providerParams = z.strictObject({ providerId: z.uuid('must be a provider id') });
export const providerSlugParams = z.strictObject({ slug: slugSchema });
export const organisationParams = z.strictObject({ orgId: z.uuid('must be an organisation id') });
export const mappingParams = organisationParams.extend({ mappingId: z.uuid('must be a mapping id') });

export const roleMappingCreateSchema = z.strictObject({
  claimValue: z.string().trim().min(1, 'is required').max(300, 'must be at most 300 characters'),
  role: roleSchema,
});
export const roleMappingFormSchema = roleMappingCreateSchema.strip();

export const policySchema = z.strictObject({ requireSso: z.boolean() });
export const policyFormSchema = z.object({ requireSso: checkbox.default(false) });

export const loginStartQuery = z.object({ returnTo: z.string().max(500).optional() });
/** What the provider sends back; the values themselves are checked by openid-client. */
export const callbackQuery = z.object({
  code: z.string().max(4000).optional(),
  state: z.string().max(500).optional(),
  iss: z.string().max(1000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  session_state: z.string().max(1000).optional(),
});

export const providerSchema = z
  .object({
    id: z.string(),
    source: z.enum(['database', 'environment']),
    slug: z.string(),
    displayName: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    hasClientSecret: z.boolean(),
    scopes: z.string(),
    organisationId: z.string().nullable(),
    roleClaim: z.string(),
    jitAllowed: z.boolean(),
    useUserinfo: z.boolean(),
    enabled: z.boolean(),
    redirectUri: z.string(),
  })
  .meta({ id: 'IdentityProvider' });

export const loginButtonSchema = z.object({ slug: z.string(), displayName: z.string(), loginUrl: z.string() }).meta({ id: 'IdentityProviderButton' });

export const roleMappingSchema = z.object({ id: z.uuid(), claimValue: z.string(), role: roleSchema, createdAt: z.string() }).meta({ id: 'SsoRoleMapping' });

export const organisationSsoSchema = z
  .object({
    organisationId: z.uuid(),
    requireSso: z.boolean(),
    providers: z.array(z.object({ slug: z.string(), displayName: z.string(), roleClaim: z.string() })),
    roleMappings: z.array(roleMappingSchema),
  })
  .meta({ id: 'OrganisationSso' });

export const identitySchema = z.object({ id: z.uuid(), issuer: z.string(), subject: z.string(), createdAt: z.string(), lastLoginAt: z.string().nullable() }).meta({ id: 'UserIdentity' });
