import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser } from '../helpers/factories';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider';
import { SYSTEM_AUDIT } from '../../server/auth/actor';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

let ctx: TestContext;
let server: Server;
let browser: Browser;
let baseUrl: string;
let idp: TestOidcProvider;

beforeAll(async () => {
  ctx = await createTestApp({ OIDC_SECRET_KEY: randomBytes(32).toString('base64') });
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp = await startOidcProvider({ clients: [{ client_id: 'datakrav', client_secret: 'browser-secret', redirect_uris: [`${baseUrl}/auth/oidc/kommune/callback`], post_logout_redirect_uris: [`${baseUrl}/login`] }] });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

test('When a user clicks the provider’s button in a real browser and signs in there, then they come back logged in with the role their group maps to', async () => {
  const org = await buildOrganisation(ctx.services, { name: 'Nettleservik kommune' });
  const admin = await buildUser(ctx.services, { isAdmin: true });
  const adminActor = { userId: admin.id, email: admin.email, name: admin.name, isAdmin: true, locale: 'nb' as const, memberships: [], activeOrganisationId: null, via: 'session' as const, sessionId: null, csrfToken: null };
  await ctx.services.identityProviders.create(
    adminActor,
    { slug: 'kommune', displayName: 'Nettleservik ID', issuer: idp.issuer, clientId: 'datakrav', clientSecret: 'browser-secret', organisationId: org.id, scopes: 'openid email profile groups', roleClaim: 'groups', jitAllowed: true, useUserinfo: false, enabled: true },
    SYSTEM_AUDIT,
  );
  await ctx.services.identityProviders.addRoleMapping(adminActor, org.id, { claimValue: 'innkjop', role: 'editor' }, SYSTEM_AUDIT);
  idp.setAccount('berit-1', { email: 'berit@nettleservik.kommune.no', name: 'Berit Bruker', groups: ['innkjop'] });

  const page = await browser.newPage({ locale: 'nb-NO' });
  await page.goto(`${baseUrl}/login`);
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/sso-login.png`, fullPage: true });
  await page.getByRole('link', { name: 'Logg inn med Nettleservik ID' }).click();
  await page.waitForURL(new RegExp(`^${idp.issuer}/interaction/`));
  await page.locator('input[name="login"]').fill('berit-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${baseUrl}/`);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Velkommen, Berit Bruker');
  expect(await page.locator('#dk-org-switch option:checked').textContent()).toBe('Nettleservik kommune');

  await page.getByRole('button', { name: 'Logg ut' }).click();
  await page.waitForURL((url) => url.href.startsWith(idp.issuer));
  await page.close();
});
