import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address'));

export const newPasswordSchema = z.string().min(12, 'must be at least 12 characters').max(200, 'must be at most 200 characters');

export const loginSchema = z.strictObject({
  email: z.string().trim().toLowerCase().min(1, 'is required').max(254),
  password: z.string().min(1, 'is required').max(200),
});

/** The login form: the same fields, and the page to return to (its CSRF field is checked and removed by the router). */
export const loginFormSchema = loginSchema.extend({ returnTo: z.string().max(500).optional() });

export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1, 'is required').max(200),
  newPassword: newPasswordSchema,
});

export const apiTokenCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  expiresInDays: z.coerce.number().int().min(1).max(365).optional(),
});

export const localeSchema = z.enum(['nb', 'en']);

export const apiTokenParams = z.strictObject({ tokenId: z.uuid('must be a token id') });

/** The account page's password form: the new password typed twice. */
export const passwordFormSchema = passwordChangeSchema.extend({ confirmPassword: z.string().max(200) }).refine((v) => v.newPassword === v.confirmPassword, {
  path: ['confirmPassword'],
  message: 'does not match the new password',
});

/** The account page's token form: an empty expiry means a token that does not expire. */
export const apiTokenFormSchema = apiTokenCreateSchema.extend({ expiresInDays: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(365).optional()) });

export const languageFormSchema = z.object({ lang: localeSchema, returnTo: z.string().max(500).optional() });
export const organisationSwitchFormSchema = z.object({ organisationId: z.uuid('must be an organisation id'), returnTo: z.string().max(500).optional() });
export const loginQuerySchema = z.object({ returnTo: z.string().max(500).optional() });

export const sessionResponseSchema = z
  .object({
    user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), isAdmin: z.boolean(), locale: localeSchema }),
    memberships: z.array(z.object({ organisationId: z.uuid(), organisationName: z.string(), kind: z.string(), role: z.string() })),
    csrfToken: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'Session' });

export const apiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
