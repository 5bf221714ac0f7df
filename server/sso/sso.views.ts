import type { Provider } from './identity-providers.service';
import type { SsoRoleMappingRow, UserIdentityRow } from './sso.table';

/** `<base>/auth/oidc/<slug>/callback`: the redirect URI to register at the provider. */
export function redirectUriOf(baseUrl: string, slug: string): string {
  return `${baseUrl}/auth/oidc/${slug}/callback`;
}

export function loginUrlOf(slug: string, returnTo?: string): string {
  return `/auth/oidc/${slug}/login${returnTo && returnTo !== '/' ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`;
}

/** A provider as the API shows it: never its secret, only whether one is set. */
export function providerBody(provider: Provider, baseUrl: string) {
  return {
    id: provider.id,
    source: provider.source,
    slug: provider.slug,
    displayName: provider.displayName,
    issuer: provider.issuer,
    clientId: provider.clientId,
    hasClientSecret: provider.clientSecret !== null,
    scopes: provider.scopes,
    organisationId: provider.organisationId,
    roleClaim: provider.roleClaim,
    jitAllowed: provider.jitAllowed,
    useUserinfo: provider.useUserinfo,
    enabled: provider.enabled,
    redirectUri: redirectUriOf(baseUrl, provider.slug),
  };
}

export function loginButton(provider: Provider, returnTo?: string) {
  return { slug: provider.slug, displayName: provider.displayName, loginUrl: loginUrlOf(provider.slug, returnTo) };
}

export function roleMappingBody(row: SsoRoleMappingRow) {
  return { id: row.id, claimValue: row.claimValue, role: row.role, createdAt: row.createdAt.toISOString() };
}

export function organisationSsoBody(organisationId: string, settings: { requireSso: boolean; providers: Provider[]; roleMappings: SsoRoleMappingRow[] }) {
  return {
    organisationId,
    requireSso: settings.requireSso,
    providers: settings.providers.map((p) => ({ slug: p.slug, displayName: p.displayName, roleClaim: p.roleClaim })),
    roleMappings: settings.roleMappings.map(roleMappingBody),
  };
}

export function identityBody(row: UserIdentityRow) {
  return { id: row.id, issuer: row.issuer, subject: row.subject, createdAt: row.createdAt.toISOString(), lastLoginAt: row.lastLoginAt?.toISOString() ?? null };
}
