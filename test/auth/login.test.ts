import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, TEST_PASSWORD } from '../helpers/factories';
import { auditLog } from '../../server/audit/audit.table';
import { apiTokens } from '../../server/auth/sessions.table';
import { eq } from 'drizzle-orm';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp({ LOGIN_ATTEMPTS_PER_15_MIN: '3' });
});
afterAll(() => ctx.close());

function csrfFromPage(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF field on the page');
  return match[1];
}

describe('login through the login page', () => {
  test('When the right email and password are posted with the form token, then the user lands on the home page with a session cookie', async () => {
    const user = await buildUser(ctx.services, { name: 'Siri Sidevisning' });
    const agent = ctx.request();
    const page = await agent.get('/login');
    expect(page.status).toBe(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFromPage(page.text), email: user.email.toUpperCase(), password: TEST_PASSWORD, returnTo: '/account' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('dk_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await agent.get('/');
    expect(home.text).toContain('Siri Sidevisning');
  });

  test('When the form token is missing, then the login is refused with 403 and no session starts', async () => {
    const user = await buildUser(ctx.services);
    const agent = ctx.request();
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Skjemaet er utløpt');
    expect((await agent.get('/')).status).toBe(303);
  });

  test('When the password is wrong or the email unknown, then the same generic message is shown', async () => {
    const user = await buildUser(ctx.services);
    const agent = ctx.request();
    const page = await agent.get('/login');
    const token = csrfFromPage(page.text);
    const wrong = await agent.post('/login').type('form').send({ _csrf: token, email: user.email, password: 'not the password' });
    const unknown = await agent.post('/login').type('form').send({ _csrf: token, email: 'nobody@example.no', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Feil e-post eller passord.');
    expect(unknown.text).toContain('Feil e-post eller passord.');
  });

  test('When returnTo points to another site, then the user is sent home instead', async () => {
    const user = await buildUser(ctx.services);
    const agent = ctx.request();
    const page = await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFromPage(page.text), email: user.email, password: TEST_PASSWORD, returnTo: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
  });
});

describe('login through the API', () => {
  test('When an API client logs in, then it gets a session cookie, its memberships and a CSRF token', async () => {
    const org = await buildOrganisation(ctx.services, { name: 'Apiby kommune' });
    const user = await buildUser(ctx.services, { memberships: [[org, 'editor']] });
    const res = await ctx.request().post('/api/session').send({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.user.email).toBe(user.email);
    expect(res.body.memberships).toEqual([{ organisationId: org.id, organisationName: 'Apiby kommune', kind: 'buyer', role: 'editor' }]);
    expect(res.body.csrfToken).toEqual(expect.any(String));
  });

  test('When a cookie client changes something without the CSRF header, then it gets 403 auth.csrf_rejected', async () => {
    const user = await buildUser(ctx.services);
    const { agent, csrf } = await loginAs(ctx, user);
    const refused = await agent.post('/api/me/tokens').send({ name: 'skript' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('auth.csrf_rejected');
    const accepted = await agent.post('/api/me/tokens').set('X-CSRF-Token', csrf).send({ name: 'skript' });
    expect(accepted.status).toBe(201);
  });

  test('When a failed login happens, then it is in the audit log with the email and no password', async () => {
    const email = `glemsk-${Date.now()}@example.no`;
    await ctx.request().post('/api/session').send({ email, password: 'hemmelig-passord-123' }).expect(401);
    const rows = await ctx.services.database.db.select().from(auditLog).where(eq(auditLog.entityId, email));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.action).toBe('auth.login_failed');
    expect(JSON.stringify(rows[0])).not.toContain('hemmelig-passord-123');
  });

  test('When an account has too many failed logins, then even the right password is refused with 429 for a while', async () => {
    const user = await buildUser(ctx.services);
    for (let i = 0; i < 3; i++) await ctx.request().post('/api/session').send({ email: user.email, password: 'wrong password here' }).expect(401);
    const res = await ctx.request().post('/api/session').send({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('auth.too_many_attempts');
    expect(res.headers['retry-after']).toBe('900');
  });

  test('When the user logs out, then the session no longer works', async () => {
    const user = await buildUser(ctx.services);
    const { agent, csrf } = await loginAs(ctx, user);
    expect((await agent.get('/api/session')).status).toBe(200);
    expect((await agent.delete('/api/session').set('X-CSRF-Token', csrf)).status).toBe(204);
    const after = await agent.get('/api/session');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('auth.unauthenticated');
  });
});

describe('password change', () => {
  test('When the current password is wrong, then nothing changes and the field is named', async () => {
    const user = await buildUser(ctx.services);
    const { agent, csrf } = await loginAs(ctx, user);
    const res = await agent.put('/api/me/password').set('X-CSRF-Token', csrf).send({ currentPassword: 'not it at all', newPassword: 'a brand new password' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'currentPassword', message: 'is wrong' }]);
    await loginAs(ctx, user);
  });

  test('When the password is changed, then the old one stops working and other sessions end', async () => {
    const user = await buildUser(ctx.services);
    const first = await loginAs(ctx, user);
    const second = await loginAs(ctx, user);
    const res = await first.agent.put('/api/me/password').set('X-CSRF-Token', first.csrf).send({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new password' });
    expect(res.status).toBe(204);
    expect((await first.agent.get('/api/session')).status).toBe(200);
    expect((await second.agent.get('/api/session')).status).toBe(401);
    expect((await ctx.request().post('/api/session').send({ email: user.email, password: TEST_PASSWORD })).status).toBe(401);
    expect((await ctx.request().post('/api/session').send({ email: user.email, password: 'a brand new password' })).status).toBe(201);
  });

  test('When the new password is too short, then the answer names the field', async () => {
    const user = await buildUser(ctx.services);
    const { agent, csrf } = await loginAs(ctx, user);
    const res = await agent.put('/api/me/password').set('X-CSRF-Token', csrf).send({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ path: 'newPassword', message: 'must be at least 12 characters' });
  });
});

describe('personal API tokens', () => {
  test('When a token is created, then it is shown once, works as Bearer, is stored only hashed, and stops working when revoked', async () => {
    const org = await buildOrganisation(ctx.services);
    const user = await buildUser(ctx.services, { memberships: [[org, 'viewer']] });
    const { agent, csrf } = await loginAs(ctx, user);
    const created = await agent.post('/api/me/tokens').set('X-CSRF-Token', csrf).send({ name: 'Datavarehus', expiresInDays: 30 });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^dk_/);

    const listed = await agent.get('/api/me/tokens');
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const stored = await ctx.services.database.db.select().from(apiTokens).where(eq(apiTokens.userId, user.id));
    expect(JSON.stringify(stored)).not.toContain(token);

    const viaToken = await ctx.request().get(`/api/organisations/${org.id}/members`).set('Authorization', `Bearer ${token}`);
    expect(viaToken.status).toBe(200);
    expect(viaToken.body.items.map((m: { email: string }) => m.email)).toContain(user.email);

    expect((await agent.delete(`/api/me/tokens/${created.body.id}`).set('X-CSRF-Token', csrf)).status).toBe(204);
    const revoked = await ctx.request().get('/api/session').set('Authorization', `Bearer ${token}`);
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('auth.invalid_token');
    expect(revoked.headers['www-authenticate']).toMatch(/Bearer/);
  });

  test('When a token is created on the account page, then the page shows it once and lists it afterwards without the value', async () => {
    const user = await buildUser(ctx.services);
    const { agent } = await loginAs(ctx, user);
    const page = await agent.get('/account');
    const res = await agent.post('/account/tokens').type('form').send({ _csrf: csrfFromPage(page.text), name: 'Rapportskript', expiresInDays: '' });
    expect(res.status).toBe(201);
    const shown = /data-new-token>([^<]+)</.exec(res.text)?.[1];
    expect(shown).toMatch(/^dk_/);
    const again = await agent.get('/account');
    expect(again.text).toContain('Rapportskript');
    expect(again.text).not.toContain(shown as string);
  });

  test('When a Bearer token is used, then no CSRF token is needed', async () => {
    const user = await buildUser(ctx.services);
    const { agent, csrf } = await loginAs(ctx, user);
    const { body } = await agent.post('/api/me/tokens').set('X-CSRF-Token', csrf).send({ name: 'ci' });
    const res = await ctx.request().post('/api/me/tokens').set('Authorization', `Bearer ${body.token}`).send({ name: 'second' });
    expect(res.status).toBe(201);
  });
});

describe('language', () => {
  test('When a visitor switches to English, then pages are in English', async () => {
    const agent = ctx.request();
    const page = await agent.get('/login');
    expect(page.text).toContain('Logg inn');
    await agent.post('/language').type('form').send({ _csrf: csrfFromPage(page.text), lang: 'en', returnTo: '/login' }).expect(303);
    const english = await agent.get('/login');
    expect(english.text).toContain('Log in with your email address and password.');
    expect(english.text).toContain('<html lang="en"');
  });
});
