import { randomBytes } from 'node:crypto';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { pathOf, signInAtProvider, startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider';
import type { OrganisationRow } from '../../server/organisations/organisations.table';

const BASE = 'http://datakrav.test';

describe('OpenID Connect claims from the userinfo endpoint', () => {
  let ctx: TestContext;
  let idp: TestOidcProvider;
  let admin: LoggedIn;
  let organisation: OrganisationRow;

  beforeAll(async () => {
    idp = await startOidcProvider({
      claimsOnlyInUserinfo: true,
      clients: [{ client_id: 'datakrav', client_secret: 'userinfo-secret', redirect_uris: [`${BASE}/auth/oidc/med-userinfo/callback`, `${BASE}/auth/oidc/uten-userinfo/callback`] }],
    });
    ctx = await createTestApp({ PUBLIC_URL: BASE, OIDC_SECRET_KEY: randomBytes(32).toString('base64') });
    organisation = await buildOrganisation(ctx.services, { name: 'Infovik kommune' });
    admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
    for (const [slug, useUserinfo] of [['med-userinfo', true], ['uten-userinfo', false]] as const) {
      await admin.agent
        .post('/api/identity-providers')
        .set('X-CSRF-Token', admin.csrf)
        .send({ slug, displayName: slug, issuer: idp.issuer, clientId: 'datakrav', clientSecret: 'userinfo-secret', organisationId: organisation.id, scopes: 'openid email profile groups', jitAllowed: true, useUserinfo })
        .expect(201);
    }
    const owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[organisation, 'owner']] }));
    await owner.agent.post(`/api/organisations/${organisation.id}/sso/role-mappings`).set('X-CSRF-Token', owner.csrf).send({ claimValue: 'arkitekter', role: 'assessor' }).expect(201);
  }, 60_000);

  afterAll(async () => {
    await idp?.close();
    await ctx?.close();
  });

  async function login(slug: string, sub: string) {
    const agent = ctx.request();
    const start = await agent.get(`/auth/oidc/${slug}/login`);
    const callback = await signInAtProvider(idp, start.headers.location as string, sub);
    const answer = await agent.get(pathOf(callback));
    return { agent, answer };
  }

  test('When the provider sends e-mail and groups only from userinfo and the provider reads it, then the account and role come from there', async () => {
    idp.setAccount('info-1', { email: 'arkitekt@infovik.kommune.no', name: 'Aud Arkitekt', groups: ['arkitekter'] });
    const { agent, answer } = await login('med-userinfo', 'info-1');
    expect(answer.status).toBe(303);
    const me = (await agent.get('/api/session')).body;
    expect(me.user).toMatchObject({ email: 'arkitekt@infovik.kommune.no', name: 'Aud Arkitekt' });
    expect(me.memberships).toEqual([expect.objectContaining({ organisationId: organisation.id, role: 'assessor' })]);
  });

  test('When the provider does not read userinfo, then only the ID token counts: no e-mail (a placeholder) and no role', async () => {
    idp.setAccount('info-2', { email: 'annen@infovik.kommune.no', name: 'Annen Person', groups: ['arkitekter'] });
    const { agent, answer } = await login('uten-userinfo', 'info-2');
    expect(answer.headers.location).toBe('/auth/oidc/no-role');
    const me = (await agent.get('/api/session')).body;
    expect(me.user.email).toMatch(/@127\.0\.0\.1\.invalid$/);
    expect(me.memberships).toEqual([]);
  });
});
