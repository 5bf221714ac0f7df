import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { identityProviders } from '../../server/sso/sso.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, unique, type LoggedIn } from '../helpers/factories';
import type { OrganisationRow } from '../../server/organisations/organisations.table';

const SECRET = 'a-client-secret-nobody-may-read';

describe('identity providers, role mappings and the SSO policy', () => {
  let ctx: TestContext;
  let admin: LoggedIn;
  let organisation: OrganisationRow;

  beforeAll(async () => {
    ctx = await createTestApp({
      PUBLIC_URL: 'https://datakrav.example.no',
      OIDC_SECRET_KEY: randomBytes(32).toString('base64'),
      OIDC_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0',
      OIDC_CLIENT_ID: 'env-client',
      OIDC_CLIENT_SECRET: 'env-secret',
      OIDC_ORGANISATION: 'Miljøby kommune',
      OIDC_DISPLAY_NAME: 'Miljøby ID',
    });
    organisation = await buildOrganisation(ctx.services, { name: 'Nordvik kommune' });
    admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
  });
  afterAll(() => ctx.close());

  const create = (body: Record<string, unknown>) => admin.agent.post('/api/identity-providers').set('X-CSRF-Token', admin.csrf).send(body);
  const validBody = () => ({ slug: `nordvik-${unique()}`, displayName: 'Nordvik ID', issuer: 'https://login.nordvik.no', clientId: 'datakrav', clientSecret: SECRET, organisationId: organisation.id });

  test('When an administrator adds a provider, then its secret is stored only encrypted and never shown, and the redirect URI to register is given', async () => {
    const body = validBody();
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug: body.slug, hasClientSecret: true, source: 'database', redirectUri: `https://datakrav.example.no/auth/oidc/${body.slug}/callback` });
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const rows = await ctx.services.database.db.select().from(identityProviders).where(eq(identityProviders.id, res.body.id as string));
    expect(rows[0]?.clientSecretCiphertext).toMatch(/^v1\./);
    expect(rows[0]?.clientSecretCiphertext).not.toContain(SECRET);
    const audit = await admin.agent.get('/api/audit?action=identity_provider.created');
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);
    expect(audit.body.items[0].after).toMatchObject({ slug: body.slug, hasClientSecret: true });
  });

  test('When the environment configures a provider, then it is listed first, read-only, and is a login button', async () => {
    const list = await admin.agent.get('/api/identity-providers');
    expect(list.body.items[0]).toMatchObject({ id: 'environment', source: 'environment', displayName: 'Miljøby ID', hasClientSecret: true, redirectUri: 'https://datakrav.example.no/auth/oidc/sso/callback' });
    const buttons = await ctx.request().get('/api/sso/providers');
    expect(buttons.body.items).toEqual(expect.arrayContaining([{ slug: 'sso', displayName: 'Miljøby ID', loginUrl: '/auth/oidc/sso/login' }]));
  });

  test('When the environment provider’s organisation does not exist, then a login says the provider is misconfigured (502), not 500', async () => {
    const res = await ctx.request().get('/auth/oidc/sso/login');
    expect(res.status).toBe(502);
    expect(res.text).toContain('ikke riktig satt opp');
  });

  test('When the input is wrong, then the answer names the field; a vendor organisation and a taken short name are refused', async () => {
    const bad = await create({ ...validBody(), issuer: 'http://login.nordvik.no' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'issuer' })]);
    const vendor = await buildOrganisation(ctx.services, { kind: 'vendor' });
    const vendorRes = await create({ ...validBody(), organisationId: vendor.id });
    expect(vendorRes.status).toBe(422);
    expect(vendorRes.body.errors).toEqual([expect.objectContaining({ path: 'organisationId' })]);
    const first = validBody();
    await create(first).expect(201);
    expect((await create({ ...validBody(), slug: first.slug })).status).toBe(409);
    expect((await create({ ...validBody(), slug: 'sso' })).status).toBe(409);
  });

  test('When an administrator changes or removes a provider, then the change is audited with before and after', async () => {
    const created = await create(validBody());
    const changed = await admin.agent.patch(`/api/identity-providers/${created.body.id}`).set('X-CSRF-Token', admin.csrf).send({ displayName: 'Nordvik innlogging', clientSecret: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ displayName: 'Nordvik innlogging', hasClientSecret: false });
    const audit = await admin.agent.get('/api/audit?action=identity_provider.updated');
    expect(audit.body.items[0]).toMatchObject({ before: expect.objectContaining({ displayName: 'Nordvik ID', hasClientSecret: true }), after: expect.objectContaining({ displayName: 'Nordvik innlogging', hasClientSecret: false }) });
    await admin.agent.delete(`/api/identity-providers/${created.body.id}`).set('X-CSRF-Token', admin.csrf).expect(204);
    expect((await admin.agent.get(`/api/identity-providers/${created.body.id}`)).status).toBe(404);
  });

  test('When an owner maps claim values, then they are listed; the same value twice is refused; an editor may not', async () => {
    const owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[organisation, 'owner']] }));
    const editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[organisation, 'editor']] }));
    const path = `/api/organisations/${organisation.id}/sso/role-mappings`;
    const created = await owner.agent.post(path).set('X-CSRF-Token', owner.csrf).send({ claimValue: 'DK-Eiere', role: 'owner' });
    expect(created.status).toBe(201);
    expect((await owner.agent.post(path).set('X-CSRF-Token', owner.csrf).send({ claimValue: 'DK-Eiere', role: 'viewer' })).status).toBe(409);
    const badRole = await owner.agent.post(path).set('X-CSRF-Token', owner.csrf).send({ claimValue: 'x', role: 'king' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors).toEqual([expect.objectContaining({ path: 'role' })]);
    expect((await editor.agent.post(path).set('X-CSRF-Token', editor.csrf).send({ claimValue: 'y', role: 'viewer' })).status).toBe(403);
    const settings = await owner.agent.get(`/api/organisations/${organisation.id}/sso`);
    expect(settings.body.roleMappings).toEqual([expect.objectContaining({ claimValue: 'DK-Eiere', role: 'owner' })]);
    expect(settings.body.providers.length).toBeGreaterThan(0);
  });

  test('When the owner opens the SSO page in English, then mappings, the form and the policy are shown; the admin page lists providers', async () => {
    const owner = await loginAs(ctx, await buildUser(ctx.services, { locale: 'en', memberships: [[organisation, 'owner']] }));
    const page = await owner.agent.get(`/organisations/${organisation.id}/sso`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Roles from groups');
    expect(page.text).toContain('Require login through the sign-in service');
    const form = await owner.agent.post(`/organisations/${organisation.id}/sso/role-mappings`).type('form').send({ _csrf: owner.csrf, claimValue: 'DK-Lesere', role: 'viewer' });
    expect(form.status).toBe(303);
    expect((await owner.agent.get(`/organisations/${organisation.id}/sso`)).text).toContain('DK-Lesere');
    const adminPage = await admin.agent.get('/admin/identity-providers');
    expect(adminPage.status).toBe(200);
    expect(adminPage.text).toContain('Miljøby ID');
    expect(adminPage.text).toContain('Innloggingstjenester');
  });
});
