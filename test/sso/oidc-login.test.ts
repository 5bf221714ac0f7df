import { randomBytes } from 'node:crypto';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, TEST_PASSWORD, type LoggedIn } from '../helpers/factories';
import { pathOf, providerUrlIn, signInAtProvider, startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider';
import type { OrganisationRow } from '../../server/organisations/organisations.table';

const BASE = 'http://datakrav.test';
const callbackOf = (slug: string) => `${BASE}/auth/oidc/${slug}/callback`;

describe('OpenID Connect login against a real provider', () => {
  let ctx: TestContext;
  let idp: TestOidcProvider;
  let admin: LoggedIn;
  let organisation: OrganisationRow;

  beforeAll(async () => {
    idp = await startOidcProvider({
      clients: [{ client_id: 'datakrav', client_secret: 'datakrav-client-secret', redirect_uris: [callbackOf('kommune'), callbackOf('closed')], post_logout_redirect_uris: [`${BASE}/login`] }],
    });
    ctx = await createTestApp({ PUBLIC_URL: BASE, OIDC_SECRET_KEY: randomBytes(32).toString('base64') });
    organisation = await buildOrganisation(ctx.services, { name: 'Fjordvik kommune' });
    admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
    const created = await admin.agent
      .post('/api/identity-providers')
      .set('X-CSRF-Token', admin.csrf)
      .send({
        slug: 'kommune',
        displayName: 'Fjordvik ID',
        issuer: idp.issuer,
        clientId: 'datakrav',
        clientSecret: 'datakrav-client-secret',
        organisationId: organisation.id,
        scopes: 'openid email profile groups',
        roleClaim: 'groups',
        jitAllowed: true,
      });
    expect(created.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await idp?.close();
    await ctx?.close();
  });

  afterEach(() => idp.tamperIdToken(null));

  /** Starts a login at the app, signs in at the provider, and brings the answer back to the app. */
  async function loginThroughProvider(sub: string, options: { changeAuthorizationUrl?: (url: URL) => void } = {}) {
    const agent = ctx.request();
    const start = await agent.get('/auth/oidc/kommune/login?returnTo=/tenders');
    expect(start.status).toBe(303);
    const authorizationUrl = new URL(start.headers.location as string);
    options.changeAuthorizationUrl?.(authorizationUrl);
    const callback = await signInAtProvider(idp, authorizationUrl.href, sub);
    expect(callback.startsWith(callbackOf('kommune'))).toBe(true);
    const answer = await agent.get(pathOf(callback));
    return { agent, answer, callback, authorizationUrl };
  }

  test('When the login page is shown, then the provider is a button in bokmål and in English', async () => {
    const nb = await ctx.request().get('/login');
    expect(nb.text).toContain('Logg inn med Fjordvik ID');
    expect(nb.text).toContain('href="/auth/oidc/kommune/login"');
    const en = await ctx.request().get('/login').set('Cookie', 'dk_lang=en');
    expect(en.text).toContain('Log in with Fjordvik ID');
  });

  test('When a login starts, then the provider is asked for a code with PKCE (S256), state and nonce', async () => {
    const start = await ctx.request().get('/auth/oidc/kommune/login');
    const url = new URL(start.headers.location as string);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toBeTruthy();
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(callbackOf('kommune'));
  });

  test('When a new person logs in and the provider allows it, then the account is created just in time, without a role, and the page says to ask the owner', async () => {
    idp.setAccount('kari-1', { email: 'kari@fjordvik.kommune.no', name: 'Kari Nordmann', groups: ['innkjop'] });
    const { agent, answer } = await loginThroughProvider('kari-1');
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/auth/oidc/no-role');
    const page = await agent.get('/auth/oidc/no-role');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Be organisasjonens eier');
    const me = await agent.get('/api/session');
    expect(me.body.user).toMatchObject({ email: 'kari@fjordvik.kommune.no', name: 'Kari Nordmann' });
    const audit = await admin.agent.get('/api/audit?action=user.created');
    expect(audit.body.items.some((e: { after: { email?: string } | null }) => e.after?.email === 'kari@fjordvik.kommune.no')).toBe(true);
  });

  test('When the same person logs in again, then the same account is used, matched by issuer and subject', async () => {
    idp.setAccount('same-1', { email: 'same@fjordvik.kommune.no', name: 'Same Person' });
    const first = await loginThroughProvider('same-1');
    const firstId = (await first.agent.get('/api/session')).body.user.id as string;
    idp.setAccount('same-1', { email: 'changed@fjordvik.kommune.no', name: 'Same Person' });
    const second = await loginThroughProvider('same-1');
    expect((await second.agent.get('/api/session')).body.user.id).toBe(firstId);
  });

  test('When the owner maps a group to a role, then a login with that group gets the role, and a login without it loses it (audited)', async () => {
    const owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[organisation, 'owner']] }));
    const mapping = await owner.agent.post(`/api/organisations/${organisation.id}/sso/role-mappings`).set('X-CSRF-Token', owner.csrf).send({ claimValue: 'innkjop', role: 'editor' });
    expect(mapping.status).toBe(201);
    await owner.agent.post(`/api/organisations/${organisation.id}/sso/role-mappings`).set('X-CSRF-Token', owner.csrf).send({ claimValue: 'leder', role: 'viewer' }).expect(201);

    idp.setAccount('ola-1', { email: 'ola@fjordvik.kommune.no', name: 'Ola Nordmann', groups: ['innkjop', 'leder'] });
    const first = await loginThroughProvider('ola-1');
    expect(first.answer.headers.location).toBe('/tenders');
    const me = await first.agent.get('/api/session');
    expect(me.body.memberships).toEqual([expect.objectContaining({ organisationId: organisation.id, role: 'editor' })]);

    idp.setAccount('ola-1', { email: 'ola@fjordvik.kommune.no', name: 'Ola Nordmann', groups: ['leder'] });
    const second = await loginThroughProvider('ola-1');
    expect((await second.agent.get('/api/session')).body.memberships).toEqual([expect.objectContaining({ role: 'viewer' })]);

    idp.setAccount('ola-1', { email: 'ola@fjordvik.kommune.no', name: 'Ola Nordmann', groups: [] });
    const third = await loginThroughProvider('ola-1');
    expect(third.answer.headers.location).toBe('/auth/oidc/no-role');
    expect((await third.agent.get('/api/session')).body.memberships).toEqual([]);

    const removed = await owner.agent.get(`/api/audit?action=membership.removed`);
    expect(removed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ before: { role: 'viewer' }, after: expect.objectContaining({ role: null, source: 'sso' }) })]));
    const changed = await owner.agent.get(`/api/audit?action=membership.role_changed`);
    expect(changed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ before: { role: 'editor' }, after: expect.objectContaining({ role: 'viewer', source: 'sso' }) })]));
  });

  test('When the state in the answer is not the one this browser started with, then no session is opened', async () => {
    idp.setAccount('state-1', { email: 'state@fjordvik.kommune.no' });
    const { answer } = await loginThroughProvider('state-1', { changeAuthorizationUrl: (url) => url.searchParams.set('state', 'forged-state-value') });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('ikke startet i denne nettleseren');
    expect([answer.headers['set-cookie'] ?? []].flat().join(';')).not.toMatch(/dk_session=[^;]/);
  });

  test('When another browser brings the answer back, then it is refused (login CSRF)', async () => {
    idp.setAccount('csrf-1', { email: 'csrf@fjordvik.kommune.no' });
    const start = await ctx.request().get('/auth/oidc/kommune/login');
    const callback = await signInAtProvider(idp, start.headers.location as string, 'csrf-1');
    const other = await ctx.request().get(pathOf(callback));
    expect(other.status).toBe(400);
  });

  test('When a used answer (code and state) is replayed, then it is refused', async () => {
    idp.setAccount('replay-1', { email: 'replay@fjordvik.kommune.no' });
    const agent = ctx.request();
    const start = await agent.get('/auth/oidc/kommune/login');
    const state = new URL(start.headers.location as string).searchParams.get('state') as string;
    const callback = await signInAtProvider(idp, start.headers.location as string, 'replay-1');
    expect((await agent.get(pathOf(callback))).status).toBe(303);
    const replay = await ctx.request().get(pathOf(callback)).set('Cookie', `dk_sso_state=${state}`);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('allerede brukt');
  });

  test('When the ID token carries another nonce than the login sent, then it is refused', async () => {
    idp.setAccount('nonce-1', { email: 'nonce@fjordvik.kommune.no' });
    const { answer } = await loginThroughProvider('nonce-1', { changeAuthorizationUrl: (url) => url.searchParams.set('nonce', 'nonce-from-someone-else') });
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('kunne ikke bekreftes');
  });

  test('When the ID token has expired, then it is refused', async () => {
    idp.setAccount('expired-1', { email: 'expired@fjordvik.kommune.no' });
    const past = Math.floor(Date.now() / 1000) - 3 * 3600;
    idp.tamperIdToken((claims) => ({ ...claims, iat: past, exp: past + 3600 }));
    const { answer } = await loginThroughProvider('expired-1');
    expect(answer.status).toBe(401);
  });

  test('When the ID token is for another client (audience), then it is refused', async () => {
    idp.setAccount('aud-1', { email: 'aud@fjordvik.kommune.no' });
    idp.tamperIdToken((claims) => ({ ...claims, aud: 'another-application' }));
    const { answer } = await loginThroughProvider('aud-1');
    expect(answer.status).toBe(401);
  });

  test('When the ID token is signed by another key under the provider’s key id, then it is refused', async () => {
    idp.setAccount('key-1', { email: 'key@fjordvik.kommune.no' });
    idp.tamperIdToken((claims) => claims, await idp.otherKey());
    const { answer } = await loginThroughProvider('key-1');
    expect(answer.status).toBe(401);
  });

  test('When the ID token names an issuer that is not the configured one, then it is refused', async () => {
    idp.setAccount('iss-1', { email: 'iss@fjordvik.kommune.no' });
    idp.tamperIdToken((claims) => ({ ...claims, iss: 'https://login.evil.example' }));
    const { answer } = await loginThroughProvider('iss-1');
    expect(answer.status).toBe(401);
    const failures = await admin.agent.get('/api/audit?action=auth.sso_login_failed');
    expect(failures.body.items.length).toBeGreaterThan(0);
  });

  test('When a login names a provider that is not configured, then the page says so (404)', async () => {
    const res = await ctx.request().get('/auth/oidc/ukjent/login');
    expect(res.status).toBe(404);
    expect(res.text).toContain('finnes ikke her');
  });

  test('When the provider is down, then a clear 502 page is shown, and an administrator can still log in with a password', async () => {
    const closed = await startOidcProvider({ clients: [] });
    await closed.close();
    await admin.agent
      .post('/api/identity-providers')
      .set('X-CSRF-Token', admin.csrf)
      .send({ slug: 'closed', displayName: 'Nede', issuer: closed.issuer, clientId: 'datakrav', clientSecret: 'x', organisationId: organisation.id })
      .expect(201);
    const res = await ctx.request().get('/auth/oidc/closed/login');
    expect(res.status).toBe(502);
    expect(res.text).toContain('svarer ikke');
    const password = await ctx.request().post('/api/session').send({ email: admin.user.email, password: TEST_PASSWORD });
    expect(password.status).toBe(201);
  });

  test('When an organisation requires SSO, then its members cannot log in with a password, but the break-glass administrator can', async () => {
    const org = await buildOrganisation(ctx.services, { name: 'Strengvik kommune' });
    const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
    const ownerSession = await loginAs(ctx, owner);
    const refused = await ownerSession.agent.put(`/api/organisations/${org.id}/sso/policy`).set('X-CSRF-Token', ownerSession.csrf).send({ requireSso: true });
    expect(refused.status).toBe(409);
    await admin.agent
      .post('/api/identity-providers')
      .set('X-CSRF-Token', admin.csrf)
      .send({ slug: 'strengvik', displayName: 'Strengvik ID', issuer: idp.issuer, clientId: 'datakrav', clientSecret: 'datakrav-client-secret', organisationId: org.id })
      .expect(201);
    const set = await ownerSession.agent.put(`/api/organisations/${org.id}/sso/policy`).set('X-CSRF-Token', ownerSession.csrf).send({ requireSso: true });
    expect(set.status).toBe(200);
    expect(set.body.requireSso).toBe(true);

    const api = await ctx.request().post('/api/session').send({ email: owner.email, password: TEST_PASSWORD });
    expect(api.status).toBe(403);
    expect(api.body.code).toBe('auth.sso_required');
    const form = await ctx.request().post('/login').type('form').send({ email: owner.email, password: TEST_PASSWORD, _csrf: 'x' });
    expect([403, 400]).toContain(form.status);
    const admins = await ctx.request().post('/api/session').send({ email: admin.user.email, password: TEST_PASSWORD });
    expect(admins.status).toBe(201);
  });

  test('When a logged-in password user links the provider, then later logins through it open their account', async () => {
    const person = await buildUser(ctx.services, { email: 'link@fjordvik.kommune.no' });
    const session = await loginAs(ctx, person);
    const start = await session.agent.post('/auth/oidc/kommune/link').type('form').send({ _csrf: session.csrf });
    expect(start.status).toBe(200);
    idp.setAccount('link-1', { email: 'link@fjordvik.kommune.no' });
    const callback = await signInAtProvider(idp, providerUrlIn(start.text), 'link-1');
    const linked = await session.agent.get(pathOf(callback));
    expect(linked.status).toBe(303);
    expect(linked.headers.location).toBe('/account/identities');
    expect((await session.agent.get('/account/identities')).text).toContain('koblet til Fjordvik ID');
    const identities = await session.agent.get('/api/me/identities');
    expect(identities.body.items).toEqual([expect.objectContaining({ issuer: idp.issuer, subject: 'link-1' })]);

    const { agent } = await loginThroughProvider('link-1');
    expect((await agent.get('/api/session')).body.user.id).toBe(person.id);
  });

  test('When a JIT login brings the e-mail of an existing password account, then it is refused: accounts are never matched by e-mail', async () => {
    await buildUser(ctx.services, { email: 'taken@fjordvik.kommune.no' });
    idp.setAccount('taken-1', { email: 'taken@fjordvik.kommune.no' });
    const { answer } = await loginThroughProvider('taken-1');
    expect(answer.status).toBe(409);
  });

  test('When a user who logged in through the provider logs out, then the session ends and the page moves on to the provider’s end-session endpoint', async () => {
    idp.setAccount('logout-1', { email: 'logout@fjordvik.kommune.no' });
    const { agent } = await loginThroughProvider('logout-1');
    const csrf = (await agent.get('/api/session')).body.csrfToken as string;
    const res = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Du er logget ut av Datakrav');
    const to = new URL(providerUrlIn(res.text));
    expect(to.origin).toBe(idp.issuer);
    expect(to.searchParams.get('id_token_hint')).toBeTruthy();
    expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${BASE}/login`);
    expect((await agent.get('/api/session')).status).toBe(401);
  });
});
