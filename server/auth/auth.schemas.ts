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

export const loginFormSchema = loginSchema.extend({ _csrf: z.string().optional(), returnTo: z.string().max(500).optional() });

export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1, 'is required').max(200),
  newPassword: newPasswordSchema,
});

export const apiTokenCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  expiresInDays: z.coerce.number().int().min(1).max(365).optional(),
});

export const localeSchema = z.enum(['nb', 'en']);

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
