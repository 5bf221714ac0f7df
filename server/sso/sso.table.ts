import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/users.table';
import { sessions } from '../auth/sessions.table';
import { MEMBERSHIP_ROLES, organisations } from '../organisations/organisations.table';

/**
 * OpenID Connect providers configured by an administrator. The client secret is stored only as
 * AES-256-GCM ciphertext under the key in `OIDC_SECRET_KEY`; the environment's single provider
 * (`OIDC_ISSUER`, ...) has no row.
 */
export const identityProviders = pgTable(
  'identity_providers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    displayName: text('display_name').notNull(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretCiphertext: text('client_secret_ciphertext'),
    scopes: text('scopes').notNull().default('openid email profile'),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    jitAllowed: boolean('jit_allowed').notNull().default(false),
    roleClaim: text('role_claim').notNull().default('groups'),
    useUserinfo: boolean('use_userinfo').notNull().default(false),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('identity_providers_slug_unique').on(t.slug), index('identity_providers_organisation_idx').on(t.organisationId), index('identity_providers_display_name_idx').on(t.displayName)],
);

/** A user's account at a provider, matched by issuer and subject, never by e-mail. */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('user_identities_issuer_subject_unique').on(t.issuer, t.subject), index('user_identities_user_idx').on(t.userId)],
);

/**
 * A login on its way through the provider: the values the callback must see again. Only the
 * state's SHA-256 is stored; the browser holds the state in a short-lived cookie.
 */
export const ssoLoginAttempts = pgTable('sso_login_attempts', {
  stateHash: text('state_hash').primaryKey(),
  providerSlug: text('provider_slug').notNull(),
  nonce: text('nonce').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  returnTo: text('return_to').notNull().default('/'),
  linkUserId: uuid('link_user_id').references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/** The ID token a session was opened with, for RP-initiated logout at the provider. */
export const ssoSessions = pgTable('sso_sessions', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => sessions.id, { onDelete: 'cascade' }),
  providerSlug: text('provider_slug').notNull(),
  idToken: text('id_token').notNull(),
});

/** An organisation's mapping from a claim value (a group or role at the provider) to a role here. */
export const ssoRoleMappings = pgTable(
  'sso_role_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    claimValue: text('claim_value').notNull(),
    role: text('role', { enum: MEMBERSHIP_ROLES }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sso_role_mappings_value_unique').on(t.organisationId, t.claimValue),
    check('sso_role_mappings_role_check', sql`${t.role} in ('owner', 'editor', 'assessor', 'viewer')`),
  ],
);

/** An organisation's login policy: whether its members must log in through its provider. */
export const ssoOrganisationPolicies = pgTable(
  'sso_organisation_policies',
  {
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    requireSso: boolean('require_sso').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organisationId] })],
);

export type IdentityProviderRow = typeof identityProviders.$inferSelect;
export type UserIdentityRow = typeof userIdentities.$inferSelect;
export type SsoLoginAttemptRow = typeof ssoLoginAttempts.$inferSelect;
export type SsoRoleMappingRow = typeof ssoRoleMappings.$inferSelect;
