import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { buildProduct, syncLibraryAndBaseline } from '../assessments/fixtures';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, TEST_PASSWORD } from '../helpers/factories';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? '/tmp/shots';

let ctx: TestContext;
let server: Server;
let browser: Browser;
let baseUrl: string;
let profileId: string;
let email: string;

const KEYS = ['EXP-001', 'EXP-004', 'API-003', 'API-005', 'SEC-001', 'ARK-001', 'DOC-001', 'OWN-001'];
const NAMES = [
  'Oppvekstadministrasjon Skole Pro',
  'Barnehageportalen Kommune',
  'Elevarkiv og Vurdering',
  'Skolefravær Digital',
  'Læringsplattform Nord',
  'Timeplan og Rom',
  'Spesialpedagogikk Journal',
  'Foreldrekontakt Plus',
  'Skoleskyss Planlegger',
  'Kantine og Betaling',
];

beforeAll(async () => {
  ctx = await createTestApp();
  await syncLibraryAndBaseline(ctx.services);
  const city = await buildOrganisation(ctx.services, { name: 'Matriseby kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Matriseby', parentId: city.id });
  const editorUser = await buildUser(ctx.services, { memberships: [[city, 'editor']] });
  email = editorUser.email;
  const editor = await loginAs(ctx, editorUser);
  const assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  const created = await editor.agent
    .post('/api/profiles')
    .set('X-CSRF-Token', editor.csrf)
    .send({ name: 'Skolesystemer', items: KEYS.map((key, n) => (n < 2 ? { key, type: 'A' } : { key, type: 'V', weight: 10 + n })) });
  profileId = created.body.id;
  const majors = new Map((created.body.items as { key: string; major: number }[]).map((i) => [i.key, i.major]));
  const statuses = ['meets', 'partly', 'does_not_meet', 'meets', 'not_applicable'] as const;
  const decisions = ['accepted', 'rejected', null, 'accepted', 'change_requested'] as const;
  for (const [p, name] of NAMES.entries()) {
    const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: `${name.split(' ')[0]} Leverandør AS` });
    const vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
    const version = (await buildProduct(ctx.services, vendorOrg, { name, versions: ['2026.1'] })).versions[0] as ProductVersionRow;
    for (const [k, key] of KEYS.entries()) {
      if ((p + k) % 6 === 5) continue;
      const status = statuses[(p + k) % statuses.length] as string;
      const res = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version.id, key, major: majors.get(key), status });
      const decision = decisions[(p * 3 + k) % decisions.length];
      if (decision) await assessor.agent.post(`/api/assessments/answers/${res.body.id}/verifications`).set('X-CSRF-Token', assessor.csrf).send({ decision, noteForVendor: 'Vurdert.' });
    }
  }
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

async function loggedInPage(width: number): Promise<Page> {
  const page = await browser.newPage({ locale: 'nb-NO', viewport: { width, height: 900 } });
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('E-post').fill(email);
  await page.getByLabel('Passord').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(`${baseUrl}/`);
  return page;
}

const pageScrollsSideways = (page: Page) => page.evaluate<boolean>('document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth');

test('When a buyer opens the matrix at 1280 px, then eight products fit side by side without sideways scrolling, the first column and header are sticky, and the rest are on the next page', async () => {
  const page = await loggedInPage(1280);
  await page.goto(`${baseUrl}/assessments/compare?profileId=${profileId}`);
  const region = page.getByRole('region', { name: /Matrise/ });
  await expect(region.count()).resolves.toBe(1);
  await expect(page.locator('.dk-matrix thead .dk-matrix__product').count()).resolves.toBe(8);
  await expect(page.locator('.dk-matrix tbody tr').count()).resolves.toBe(KEYS.length + 3);
  expect(await pageScrollsSideways(page)).toBe(false);
  // The matrix itself fits too: nothing hidden to the right inside its region.
  expect(await region.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect(await page.locator('.dk-matrix tbody th').first().evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).position)).toBe('sticky');
  expect(await page.locator('.dk-matrix thead th').first().evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).position)).toBe('sticky');
  // Every cell has a word as well as a colour.
  const words = await page.locator('.dk-matrix td.dk-cell .dk-verdict').allTextContents();
  expect(words.length).toBe(8 * KEYS.length);
  expect(words.every((w) => /godkjent|avvist|ikke verifisert|utløpt|ikke besvart/.test(w))).toBe(true);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/comparison-matrix-1280.png`, fullPage: true });

  await page.getByRole('link', { name: /Neste|2/ }).first().click();
  await page.waitForURL(/page=2/);
  await expect(page.locator('.dk-matrix thead .dk-matrix__product').count()).resolves.toBe(2);
  await page.close();
}, 120_000);

test('When the matrix is opened on a 390 px phone, then the page itself does not scroll sideways: the table scrolls inside its region with the requirement column staying in place', async () => {
  const page = await loggedInPage(390);
  await page.goto(`${baseUrl}/assessments/compare?profileId=${profileId}`);
  expect(await pageScrollsSideways(page)).toBe(false);
  const region = page.locator('.dk-table-scroll');
  const firstColumn = page.locator('.dk-matrix tbody th').nth(4);
  const before = await firstColumn.boundingBox();
  await region.evaluate((el) => el.scrollBy({ left: 400 }));
  expect(await region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  const after = await firstColumn.boundingBox();
  expect(after?.x).toBe(before?.x);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/comparison-matrix-390.png`, fullPage: true });
  await region.screenshot({ path: `${SCREENSHOT_DIR}/comparison-matrix-390-scrolled.png` });
  await page.close();
}, 120_000);
