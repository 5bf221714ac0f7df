import type { Actor, AuditContext } from '../auth/actor';
import { adminOnly } from '../auth/auth.errors';
import { decryptSecret, encryptSecret } from '../auth/secrets';
import type { AuditRepository } from '../audit/audit.repository';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { requireOrganisationRole } from '../organisations/organisation-access';
import type { MembershipRole } from '../organisations/organisations.table';
import { badRequest } from '../shared/errors';
import {
  mappingExists,
  mappingNotFound,
  providerMisconfigured,
  providerNotFound,
  secretKeyMissing,
  slugTaken,
  ssoPolicyWithoutProvider,
  vendorProvider,
} from './sso.errors';
import type { ProviderValues, SsoRepository } from './sso.repository';
import type { IdentityProviderRow, SsoRoleMappingRow, UserIdentityRow } from './sso.table';

/** The environment's single provider, as config.ts read it. */
export type EnvironmentProvider = Pick<
  Config,
  'OIDC_ISSUER' | 'OIDC_CLIENT_ID' | 'OIDC_CLIENT_SECRET' | 'OIDC_ORGANISATION' | 'OIDC_SLUG' | 'OIDC_DISPLAY_NAME' | 'OIDC_SCOPES' | 'OIDC_ROLE_CLAIM' | 'OIDC_JIT' | 'OIDC_USERINFO'
>;

export type SsoSettings = Partial<EnvironmentProvider> & { OIDC_SECRET_KEY?: string | undefined };

/** A provider as a login uses it, from the database or the environment, its secret readable. */
export type Provider = {
  id: string;
  source: 'database' | 'environment';
  slug: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  organisationId: string | null;
  /** The environment names its organisation by number or name; resolved when a login needs it. */
  organisationRef: string | null;
  roleClaim: string;
  jitAllowed: boolean;
  useUserinfo: boolean;
  enabled: boolean;
  /** Changes whenever the provider's settings change, so cached discovery is not reused. */
  revision: string;
};

export const ENVIRONMENT_PROVIDER_ID = 'environment';

export type IdentityProvidersDeps = { db: Database; ssoRepository: SsoRepository; auditRepository: AuditRepository; settings: SsoSettings };

type ProviderInput = Omit<ProviderValues, 'clientSecretCiphertext'> & { clientSecret?: string | undefined };
type ProviderPatch = Partial<Omit<ProviderValues, 'clientSecretCiphertext'>> & { clientSecret?: string | null | undefined };

const AUDITED_FIELDS = ['slug', 'displayName', 'issuer', 'clientId', 'scopes', 'organisationId', 'jitAllowed', 'roleClaim', 'useUserinfo', 'enabled'] as const;

function auditView(row: IdentityProviderRow): Record<string, unknown> {
  return { ...Object.fromEntries(AUDITED_FIELDS.map((k) => [k, row[k]])), hasClientSecret: row.clientSecretCiphertext !== null };
}

/**
 * Identity providers (administrators), and each organisation's claim-to-role mappings and login
 * policy (its owners). Every change is audited; a client secret never leaves the service.
 */
export function createIdentityProvidersService(deps: IdentityProvidersDeps) {
  const { db, ssoRepository: repo, auditRepository: audit, settings } = deps;
  const secretKey = settings.OIDC_SECRET_KEY ? Buffer.from(settings.OIDC_SECRET_KEY, 'base64') : null;

  const environmentProvider: Provider | null =
    settings.OIDC_ISSUER && settings.OIDC_CLIENT_ID && settings.OIDC_ORGANISATION
      ? {
          id: ENVIRONMENT_PROVIDER_ID,
          source: 'environment',
          slug: settings.OIDC_SLUG ?? 'sso',
          displayName: settings.OIDC_DISPLAY_NAME ?? 'Single sign-on',
          issuer: settings.OIDC_ISSUER,
          clientId: settings.OIDC_CLIENT_ID,
          clientSecret: settings.OIDC_CLIENT_SECRET ?? null,
          scopes: settings.OIDC_SCOPES ?? 'openid email profile',
          organisationId: null,
          organisationRef: settings.OIDC_ORGANISATION,
          roleClaim: settings.OIDC_ROLE_CLAIM ?? 'groups',
          jitAllowed: settings.OIDC_JIT ?? true,
          useUserinfo: settings.OIDC_USERINFO ?? false,
          enabled: true,
          revision: 'environment',
        }
      : null;

  function fromRow(row: IdentityProviderRow): Provider {
    let clientSecret: string | null = null;
    if (row.clientSecretCiphertext) {
      clientSecret = secretKey ? decryptSecret(secretKey, row.clientSecretCiphertext) : null;
    }
    return {
      id: row.id,
      source: 'database',
      slug: row.slug,
      displayName: row.displayName,
      issuer: row.issuer,
      clientId: row.clientId,
      clientSecret,
      scopes: row.scopes,
      organisationId: row.organisationId,
      organisationRef: null,
      roleClaim: row.roleClaim,
      jitAllowed: row.jitAllowed,
      useUserinfo: row.useUserinfo,
      enabled: row.enabled,
      revision: row.updatedAt.toISOString(),
    };
  }

  function sealSecret(secret: string): string {
    if (!secretKey) throw secretKeyMissing();
    return encryptSecret(secretKey, secret);
  }

  async function allProviders(): Promise<Provider[]> {
    const rows = (await repo.listProviders(db)).map(fromRow);
    return environmentProvider ? [environmentProvider, ...rows.filter((p) => p.slug !== environmentProvider.slug)] : rows;
  }

  async function organisationIdOf(provider: Provider): Promise<string | null> {
    if (provider.organisationId) return provider.organisationId;
    if (!provider.organisationRef) return null;
    return (await repo.findOrganisationByNumberOrName(db, provider.organisationRef))?.id ?? null;
  }

  async function checkOrganisation(organisationId: string): Promise<void> {
    const organisation = await repo.findOrganisation(db, organisationId);
    if (!organisation) throw badRequest('sso.organisation_not_found', 'No such organisation.', [{ path: 'organisationId', message: 'is not an organisation' }]);
    if (organisation.kind === 'vendor') throw vendorProvider();
  }

  async function checkSlugFree(slug: string, exceptId: string | null): Promise<void> {
    const existing = await repo.findProviderBySlug(db, slug);
    if ((existing && existing.id !== exceptId) || environmentProvider?.slug === slug) throw slugTaken();
  }

  function requireAdmin(actor: Actor): void {
    if (!actor.isAdmin) throw adminOnly();
  }

  /** An organisation's SSO settings as its owner sees them. */
  async function organisationSettings(actor: Actor, organisationId: string): Promise<{ requireSso: boolean; providers: Provider[]; roleMappings: SsoRoleMappingRow[] }> {
    requireOrganisationRole(actor, organisationId, ['owner']);
    const providers: Provider[] = [];
    for (const provider of await allProviders()) if ((await organisationIdOf(provider)) === organisationId) providers.push(provider);
    return { requireSso: await repo.requireSso(db, organisationId), providers, roleMappings: await repo.roleMappings(db, organisationId) };
  }

  return {
    /** The enabled providers, for the login page's buttons. */
    async loginProviders(): Promise<Provider[]> {
      return (await allProviders()).filter((p) => p.enabled);
    },

    /** The provider a login or callback names, with its organisation resolved. */
    async forLogin(slug: string): Promise<Provider & { organisationId: string }> {
      const provider = (await allProviders()).find((p) => p.slug === slug && p.enabled);
      if (!provider) throw providerNotFound();
      const organisationId = await organisationIdOf(provider);
      if (!organisationId) throw providerMisconfigured('its organisation does not exist');
      if (provider.source === 'database' && provider.clientSecret === null && (await repo.findProviderById(db, provider.id))?.clientSecretCiphertext) {
        throw providerMisconfigured('its client secret cannot be read with the configured OIDC_SECRET_KEY');
      }
      return { ...provider, organisationId };
    },

    async organisationChoices(actor: Actor): Promise<{ id: string; name: string }[]> {
      requireAdmin(actor);
      return repo.providerOrganisations(db);
    },

    async list(actor: Actor): Promise<Provider[]> {
      requireAdmin(actor);
      return allProviders();
    },

    async get(actor: Actor, id: string): Promise<Provider> {
      requireAdmin(actor);
      const provider = id === ENVIRONMENT_PROVIDER_ID ? environmentProvider : await repo.findProviderById(db, id).then((r) => (r ? fromRow(r) : null));
      if (!provider) throw providerNotFound();
      return provider;
    },

    async create(actor: Actor, input: ProviderInput, context: AuditContext): Promise<Provider> {
      requireAdmin(actor);
      await checkOrganisation(input.organisationId);
      await checkSlugFree(input.slug, null);
      const { clientSecret, ...values } = input;
      const clientSecretCiphertext = clientSecret ? sealSecret(clientSecret) : null;
      const row = await db.transaction(async (tx) => {
        const created = await repo.insertProvider(tx, { ...values, clientSecretCiphertext });
        await audit.record(tx, context, { organisationId: created.organisationId, action: 'identity_provider.created', entityType: 'identity_provider', entityId: created.id, after: auditView(created) });
        return created;
      });
      return fromRow(row);
    },

    async update(actor: Actor, id: string, patch: ProviderPatch, context: AuditContext): Promise<Provider> {
      requireAdmin(actor);
      const existing = await repo.findProviderById(db, id);
      if (!existing) throw providerNotFound();
      if (patch.organisationId) await checkOrganisation(patch.organisationId);
      if (patch.slug) await checkSlugFree(patch.slug, id);
      const { clientSecret, ...values } = patch;
      const secretChange = clientSecret === undefined ? {} : { clientSecretCiphertext: clientSecret === null ? null : sealSecret(clientSecret) };
      const row = await db.transaction(async (tx) => {
        const updated = await repo.updateProvider(tx, id, { ...values, ...secretChange });
        await audit.record(tx, context, {
          organisationId: updated.organisationId,
          action: 'identity_provider.updated',
          entityType: 'identity_provider',
          entityId: id,
          before: auditView(existing),
          after: { ...auditView(updated), clientSecretChanged: clientSecret !== undefined },
        });
        return updated;
      });
      return fromRow(row);
    },

    async remove(actor: Actor, id: string, context: AuditContext): Promise<void> {
      requireAdmin(actor);
      const existing = await repo.findProviderById(db, id);
      if (!existing) throw providerNotFound();
      await db.transaction(async (tx) => {
        await repo.deleteProvider(tx, id);
        await audit.record(tx, context, { organisationId: existing.organisationId, action: 'identity_provider.deleted', entityType: 'identity_provider', entityId: id, before: auditView(existing) });
      });
    },

    organisationSettings,

    async addRoleMapping(actor: Actor, organisationId: string, input: { claimValue: string; role: MembershipRole }, context: AuditContext): Promise<SsoRoleMappingRow> {
      requireOrganisationRole(actor, organisationId, ['owner']);
      return db.transaction(async (tx) => {
        if (await repo.findRoleMapping(tx, organisationId, input.claimValue)) throw mappingExists();
        const created = await repo.insertRoleMapping(tx, { organisationId, ...input });
        await audit.record(tx, context, { organisationId, action: 'sso_role_mapping.created', entityType: 'sso_role_mapping', entityId: created.id, after: input });
        return created;
      });
    },

    async removeRoleMapping(actor: Actor, organisationId: string, mappingId: string, context: AuditContext): Promise<void> {
      requireOrganisationRole(actor, organisationId, ['owner']);
      await db.transaction(async (tx) => {
        const removed = await repo.deleteRoleMapping(tx, organisationId, mappingId);
        if (!removed) throw mappingNotFound();
        await audit.record(tx, context, { organisationId, action: 'sso_role_mapping.deleted', entityType: 'sso_role_mapping', entityId: mappingId, before: { claimValue: removed.claimValue, role: removed.role } });
      });
    },

    /** Requiring SSO needs an enabled provider for the organisation, or every member is locked out. */
    async setRequireSso(actor: Actor, organisationId: string, requireSso: boolean, context: AuditContext): Promise<void> {
      const settingsNow = await organisationSettings(actor, organisationId);
      if (settingsNow.requireSso === requireSso) return;
      if (requireSso && !settingsNow.providers.some((p) => p.enabled)) throw ssoPolicyWithoutProvider();
      await db.transaction(async (tx) => {
        await repo.setRequireSso(tx, organisationId, requireSso);
        await audit.record(tx, context, { organisationId, action: 'organisation.sso_policy_changed', entityType: 'organisation', entityId: organisationId, before: { requireSso: settingsNow.requireSso }, after: { requireSso } });
      });
    },

    /** The identities at providers linked to the actor's account. */
    identities(actor: Actor): Promise<UserIdentityRow[]> {
      return repo.identitiesOf(db, actor.userId);
    },

    /** For the password login: the organisation that requires this user to use its provider. */
    organisationRequiringSso(userId: string): Promise<{ organisationName: string } | null> {
      return repo.organisationRequiringSso(db, userId);
    },
  };
}

export type IdentityProvidersService = ReturnType<typeof createIdentityProvidersService>;
