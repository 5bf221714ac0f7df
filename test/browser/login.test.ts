import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, TEST_PASSWORD } from '../helpers/factories';
import { syncLibraryFrom } from '../helpers/library';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

let ctx: TestContext;
let server: Server;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  ctx = await createTestApp();
  await syncLibraryFrom(ctx.services);
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

test('When a user logs in through a real browser, then the home page greets them and the library can be searched', async () => {
  const org = await buildOrganisation(ctx.services, { name: 'Nettleserby kommune' });
  const user = await buildUser(ctx.services, { name: 'Berit Bruker', memberships: [[org, 'editor']] });
  const page = await browser.newPage({ locale: 'nb-NO' });
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\/login/);
  await page.getByLabel('E-post').fill(user.email);
  await page.getByLabel('Passord').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(`${baseUrl}/`);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Velkommen, Berit Bruker');
  expect(await page.locator('#dk-org-switch option:checked').textContent()).toBe('Nettleserby kommune');
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/home.png`, fullPage: true });

  await page.getByRole('link', { name: 'Kravbibliotek' }).first().click();
  await page.getByLabel('Søk i krav og klausuler').fill('sletting');
  await page.getByRole('button', { name: 'Søk' }).click();
  await expect(page.locator('table tbody tr').count()).resolves.toBeGreaterThan(0);
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/library.png`, fullPage: true });
  await page.locator('table tbody tr a').first().click();
  await page.waitForURL(/\/library\/items\//);
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/item.png`, fullPage: true });
  await page.close();
});
