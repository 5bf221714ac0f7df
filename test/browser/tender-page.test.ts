/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';
import { syncLibraryFrom } from '../helpers/library';

/*
 * The demo tender as the procurement officer sees it: a summary at the top and closed sections,
 * at 1280 px and at 390 px, without sideways scrolling and far shorter than the 4,800 px the page
 * had with every item on show; and an item removed with the keyboard alone, through its own page
 * and a confirmation that can be cancelled. Screenshots go to SHOTS_DIR (outside the repository).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS_DIR = process.env.SHOTS_DIR ?? path.join(tmpdir(), 'datakrav-shots', 'tender');
/** The page with every section open measured about 4,800 px at 1280 px; the collapsed page must stay well below. */
const MAX_COLLAPSED_HEIGHT = 3200;

let ctx: TestContext;
let server: Server;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  ctx = await createTestApp();
  await syncLibraryFrom(ctx.services);
  await seedDemo(ctx.services);
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  mkdirSync(SHOTS_DIR, { recursive: true });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

async function logIn(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name=email]').fill('innkjoper@eksempelby.example');
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.locator('form[action="/login"] button[type=submit]').click()]);
}

async function demoTenderPath(page: Page): Promise<string> {
  await page.goto(`${baseUrl}/tenders`);
  return (await page.locator('main table a[href^="/tenders/"]').first().getAttribute('href')) as string;
}

const layout = (page: Page) => page.evaluate(() => ({ height: document.documentElement.scrollHeight, scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));

/** Tabs until the focused element's accessible name matches; fails when focus is invisible or the page has been gone round. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      if (!el.dataset.stop) el.dataset.stop = String(Math.random());
      return { key: el.dataset.stop, name: (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim(), visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none' };
    });
    if (!stop) continue;
    if (!stop.visible) throw new Error(`No visible focus on "${stop.name}" (${page.url()})`);
    if (name.test(stop.name)) return;
    if (seen.has(stop.key)) throw new Error(`Went round the page without reaching ${String(name)} (${page.url()})`);
    seen.add(stop.key);
  }
  throw new Error(`Did not reach ${String(name)} (${page.url()})`);
}

async function pressAndLoad(page: Page, key: 'Enter' | 'Space'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

test('When the procurement officer opens the demo tender at 1280 px and at 390 px, then the summary comes first, the sections are closed, nothing scrolls sideways and the page is far shorter than before', async () => {
  const page = await browser.newPage({ locale: 'nb-NO', viewport: { width: 1280, height: 900 } });
  await logIn(page);
  const tenderPath = await demoTenderPath(page);
  await page.goto(`${baseUrl}${tenderPath}`);

  await expect(page.locator('main h2').first().textContent()).resolves.toBe('Oversikt');
  const sections = page.locator('#items details.dk-tender-section');
  expect(await sections.count()).toBeGreaterThan(3);
  expect(await page.locator('#items details.dk-tender-section[open]').count()).toBe(0);
  await expect(page.locator('#items tbody tr').first().isVisible()).resolves.toBe(false);

  const wide = await layout(page);
  expect(wide.scrollWidth).toBeLessThanOrEqual(wide.clientWidth);
  expect(wide.height).toBeLessThan(MAX_COLLAPSED_HEIGHT);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'tender-1280.png'), fullPage: true });

  // Sections open one at a time, as a reader opens them: the first one, by its summary.
  await sections.first().locator('summary').click();
  await expect(page.locator('#items details.dk-tender-section[open]').count()).resolves.toBe(1);
  await page.waitForFunction((collapsed) => document.documentElement.scrollHeight > collapsed, wide.height, { timeout: 10_000 }).catch(() => undefined);
  const opened = await layout(page);
  expect(opened.height).toBeGreaterThan(wide.height);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'tender-1280-sections-open.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${baseUrl}${tenderPath}`);
  const narrow = await layout(page);
  expect(narrow.scrollWidth).toBeLessThanOrEqual(narrow.clientWidth);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'tender-390.png'), fullPage: true });
  await page.evaluate(() => document.querySelectorAll('#items details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
  const narrowOpen = await layout(page);
  expect(narrowOpen.scrollWidth).toBeLessThanOrEqual(narrowOpen.clientWidth);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'tender-390-sections-open.png'), fullPage: true });
  process.stdout.write(`tender page height: ${wide.height} px at 1280 (${opened.height} px with every section open), ${narrow.height} px at 390\n`);
  await page.close();
}, 300_000);

test('When the procurement officer removes an item with the keyboard alone, then the confirmation says what goes, cancelling keeps it, and confirming removes it', async () => {
  const page = await browser.newPage({ locale: 'nb-NO', viewport: { width: 1280, height: 900 } });
  await logIn(page);
  const tenderPath = await demoTenderPath(page);
  await page.goto(`${baseUrl}${tenderPath}`);
  const firstKey = (await page.locator('#items tbody tr td:nth-child(2) a').first().textContent())?.trim() as string;
  const inTender = () => page.locator(`#items a[href^="/library/items/${firstKey}?"]`).count();

  // Open the first section with the keyboard, then follow the item's own link.
  await tabTo(page, /^1\. /);
  await page.keyboard.press('Enter');
  expect(await page.locator('#items details.dk-tender-section').first().getAttribute('open')).not.toBeNull();
  await tabTo(page, new RegExp(`^Endre ${firstKey}$`));
  await pressAndLoad(page, 'Enter');
  expect(new URL(page.url()).pathname).toMatch(/\/items\/[0-9a-f-]{36}$/);

  await tabTo(page, /^Fjern fra anskaffelsen/);
  await pressAndLoad(page, 'Enter');
  await expect(page.locator('h1').textContent()).resolves.toBe(`Fjerne ${firstKey}?`);
  await expect(page.locator('main .ds-alert').first().textContent()).resolves.toContain(`(${firstKey}) fra seksjonen`);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'remove-confirm-1280.png'), fullPage: true });

  await tabTo(page, /^Avbryt$/);
  await pressAndLoad(page, 'Enter');
  await page.goto(`${baseUrl}${tenderPath}`);
  expect(await inTender()).toBe(1);

  await tabTo(page, /^1\. /);
  await page.keyboard.press('Enter');
  await tabTo(page, new RegExp(`^Endre ${firstKey}$`));
  await pressAndLoad(page, 'Enter');
  await tabTo(page, /^Fjern fra anskaffelsen/);
  await pressAndLoad(page, 'Enter');
  await tabTo(page, new RegExp(`^Fjern ${firstKey}$`));
  await pressAndLoad(page, 'Enter');
  expect(new URL(page.url()).pathname).toBe(tenderPath);
  await expect(page.locator('[role=status]').first().textContent()).resolves.toContain('Kravet er fjernet');
  expect(await inTender()).toBe(0);
  await page.screenshot({ path: path.join(SHOTS_DIR, 'after-remove-1280.png'), fullPage: true });
  await page.close();
}, 300_000);
