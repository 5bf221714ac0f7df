import { z } from 'zod';
import { emailSchema, newPasswordSchema } from '../auth/auth.schemas';
import { isValidOrgNumber, normaliseOrgNumber } from '../shared/org-number';
import { versionField, versionOut } from '../shared/version-field';
import { MEMBERSHIP_ROLES, ORGANISATION_KINDS } from './organisations.table';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const orgNumberSchema = z
  .string()
  .transform(normaliseOrgNumber)
  .refine(isValidOrgNumber, 'must be a valid Norwegian organisation number (nine digits with a correct check digit)');

export const organisationCreateSchema = z.strictObject({
  kind: z.enum(ORGANISATION_KINDS),
  name: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters'),
  orgNumber: z.preprocess(emptyToUndefined, orgNumberSchema.optional()),
  parentId: z.preprocess(emptyToUndefined, z.uuid('must be an organisation id').optional()),
});
export type OrganisationCreateInput = z.infer<typeof organisationCreateSchema>;

export const organisationUpdateSchema = z.strictObject({
  name: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters').optional(),
  orgNumber: z.preprocess(emptyToUndefined, orgNumberSchema.nullable().optional()),
  version: versionField,
});

export const organisationListQuerySchema = z.strictObject({
  kind: z.enum(ORGANISATION_KINDS).optional(),
  q: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const roleSchema = z.enum(MEMBERSHIP_ROLES);

export const memberRoleSchema = z.strictObject({ role: roleSchema, version: versionField });

export const invitationCreateSchema = z.strictObject({ email: emailSchema, role: roleSchema });

export const invitationAcceptSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200).optional(),
  password: newPasswordSchema.optional(),
});

/** The invitation page's form sends both fields; one left empty is not sent (a password of spaces is checked as typed). */
const unsentIfEmpty = (v: unknown) => (v === '' ? undefined : v);
export const invitationAcceptFormSchema = invitationAcceptSchema.extend({
  name: z.preprocess(unsentIfEmpty, invitationAcceptSchema.shape.name),
  password: z.preprocess(unsentIfEmpty, invitationAcceptSchema.shape.password),
});

export const organisationIdParams = z.strictObject({ orgId: z.uuid('must be an organisation id') });
export const memberParams = organisationIdParams.extend({ userId: z.uuid('must be a user id') });
export const invitationParams = organisationIdParams.extend({ invitationId: z.uuid('must be an invitation id') });
export const invitationTokenParams = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'is not an invitation token') });

export const organisationSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(ORGANISATION_KINDS),
    name: z.string(),
    orgNumber: z.string().nullable(),
    parentId: z.uuid().nullable(),
    version: versionOut,
    createdAt: z.string(),
  })
  .meta({ id: 'Organisation' });

export const memberSchema = z
  .object({ userId: z.uuid(), email: z.string(), name: z.string(), role: roleSchema, version: versionOut, since: z.string() })
  .meta({ id: 'Member' });

export const invitationSchema = z
  .object({ id: z.uuid(), email: z.string(), role: roleSchema, createdAt: z.string(), expiresAt: z.string() })
  .meta({ id: 'Invitation' });
