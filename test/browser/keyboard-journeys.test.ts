/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';
import { syncLibraryFrom } from '../helpers/library';

/*
 * The demo journeys with the keyboard alone: after the first page.goto every step is Tab,
 * Shift+Tab, Enter, Space, arrow keys or typing. Targets are found by their link address or
 * their label, never by layout, so the journeys survive changes to the pages around them. On
 * every tab stop the focus must be visible, and reaching a target must never take a lap of the
 * page (a lap back to where it started means the target is unreachable or focus is trapped).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MAX_STOPS = 400;

let ctx: TestContext;
let server: Server;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  ctx = await createTestApp();
  await syncLibraryFrom(ctx.services);
  await seedDemo(ctx.services);
  // As in the running app, queued jobs (the machine checks of evidence files) are worked off in the background.
  ctx.services.jobs.runner.start();
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 300_000);
afterAll(async () => {
  await ctx?.services.jobs.runner.stop();
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

type Stop = { key: string; name: string; href: string | null; visible: boolean };

/** Where the focus is: its accessible name (label, text or aria-label), its address, and whether it shows. */
function focusedStop(page: Page): Promise<Stop | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    const labels = (el as HTMLInputElement).labels;
    const name = (el.getAttribute('aria-label') ?? (labels && labels.length ? labels[0]?.textContent : null) ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (!el.dataset.kbStop) el.dataset.kbStop = String(Math.random());
    return { key: el.dataset.kbStop, name, href: el.getAttribute('href'), visible };
  });
}

/** Tabs (or Shift+Tabs) until the focused element matches; fails on invisible focus or a full lap. */
async function tabTo(page: Page, target: { name?: RegExp; href?: RegExp }, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<Stop> {
  const seen: string[] = [];
  for (let i = 0; i < MAX_STOPS; i++) {
    await page.keyboard.press(key);
    const stop = await focusedStop(page);
    if (!stop) continue;
    if (!stop.visible) throw new Error(`No visible focus on "${stop.name}" (${page.url()})`);
    if ((!target.name || target.name.test(stop.name)) && (!target.href || (stop.href !== null && target.href.test(stop.href)))) return stop;
    if (seen.length > 1 && seen[seen.length - 1] !== stop.key && seen.includes(stop.key) && stop.key === seen[0]) {
      throw new Error(`Went round the page without reaching ${String(target.name ?? target.href)} (${page.url()})`);
    }
    seen.push(stop.key);
  }
  throw new Error(`Did not reach ${String(target.name ?? target.href)} within ${MAX_STOPS} tab stops (${page.url()})`);
}

/** Tabs through the whole page: every stop shows focus and Tab reaches the end, so nothing traps it. */
async function tabThroughAll(page: Page): Promise<number> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const seen: string[] = [];
  for (let i = 0; i < MAX_STOPS; i++) {
    await page.keyboard.press('Tab');
    const stop = await focusedStop(page);
    if (!stop) return seen.length;
    if (!stop.visible) throw new Error(`No visible focus on "${stop.name}" (${page.url()})`);
    if (seen[seen.length - 1] === stop.key) continue;
    if (seen.includes(stop.key)) return seen.length;
    seen.push(stop.key);
  }
  throw new Error(`Tab never left the page after ${MAX_STOPS} stops: focus is trapped (${page.url()})`);
}

/** Presses a key that follows a link or submits a form, and waits for the next page. */
async function pressAndLoad(page: Page, key: 'Enter' | 'Space'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

async function logInByKeyboard(page: Page, email: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  // The e-mail field has autofocus. The browser may apply it after the load event when the
  // machine is busy, so the journey waits for it: keys typed before then would go nowhere.
  await page.waitForFunction(() => document.activeElement?.id === 'email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(DEMO_PASSWORD);
  await expect(page.locator('#email').inputValue()).resolves.toBe(email);
  await expect(page.locator('#password').inputValue()).resolves.toBe(DEMO_PASSWORD);
  await pressAndLoad(page, 'Enter');
  // On a refused login the message the page shows names the reason in the failure.
  const landed = new URL(page.url()).pathname;
  const shown = landed === '/' ? '' : ` showing "${(await page.locator('main').textContent())?.replace(/\s+/g, ' ').trim().slice(0, 300)}"`;
  expect(`${landed}${shown}`).toBe('/');
}

async function follow(page: Page, target: { name?: RegExp; href?: RegExp }): Promise<void> {
  await tabTo(page, target);
  await pressAndLoad(page, 'Enter');
}

test('When the procurement officer builds and issues a tender with the keyboard alone, then a failed submit focuses the error summary, every change is announced, and the summary shows the issued state', async () => {
  const page = await browser.newPage({ locale: 'nb-NO' });
  await logInByKeyboard(page, 'innkjoper@eksempelby.example');
  await follow(page, { href: /^\/tenders$/ });
  await follow(page, { href: /^\/tenders\/new$/ });

  // Blanks pass the browser's own check of required fields, so the server answers with its error summary.
  await tabTo(page, { name: /^Tittel/ });
  await page.keyboard.type('   ');
  await tabTo(page, { name: /^Saksnummer/ });
  await page.keyboard.type(' ');
  await tabTo(page, { name: /^Opprett$/ });
  await pressAndLoad(page, 'Enter');
  expect(await page.evaluate(() => !!document.activeElement?.closest('.ds-error-summary'))).toBe(true);
  await expect(page.locator('.ds-error-summary').getAttribute('role')).resolves.toBe('alert');

  await tabTo(page, { name: /^Tittel/ });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Tastaturanskaffelse');
  await tabTo(page, { name: /^Saksnummer/ });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('KB-2026/1');
  await tabTo(page, { name: /^Opprett$/ });
  await pressAndLoad(page, 'Enter');
  expect(new URL(page.url()).pathname).toMatch(/^\/tenders\/[0-9a-f-]{36}$/);
  await expect(page.locator('[role=status]').first().textContent()).resolves.toBeTruthy();

  await follow(page, { href: /\/picker$/ });
  const picked = await tabTo(page, { name: /^[A-Z]+-\d+$/ });
  await page.keyboard.press('Space');
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
  await tabTo(page, { name: /^Legg til valgte/ });
  await pressAndLoad(page, 'Enter');
  await expect(page.locator('[role=status]').first().textContent()).resolves.toBeTruthy();
  if (!/^\/tenders\/[0-9a-f-]{36}$/.test(new URL(page.url()).pathname)) await follow(page, { href: /^\/tenders\/[0-9a-f-]{36}$/ });
  await expect(page.locator(`a[href^="/library/items/${picked.name}?"]`).count()).resolves.toBeGreaterThan(0);
  expect(await tabThroughAll(page)).toBeGreaterThan(5);

  // The item is in a closed section: Enter on its summary opens it, and its own page is one link away.
  await tabTo(page, { name: /^1\. / });
  await page.keyboard.press('Enter');
  await follow(page, { name: new RegExp(`^Endre ${picked.name}$`) });
  expect(await tabThroughAll(page)).toBeGreaterThan(3);
  await follow(page, { href: /^\/tenders\/[0-9a-f-]{36}#item-/ });

  // Issue: weights first when the picked requirement is weighted, then the issue button; the
  // browser's confirmation is answered as a keyboard user would, with Enter on OK.
  if (await page.locator('form[action$="/weights/normalise"] button').count()) {
    await tabTo(page, { name: /^Skaler vektene/ });
    await pressAndLoad(page, 'Enter');
    await expect(page.locator('[role=status]').first().textContent()).resolves.toContain('Vektene er skalert');
  }
  await expect(page.locator('#stage').textContent()).resolves.toContain('Alle kontroller er bestått');
  page.once('dialog', (dialog) => void dialog.accept());
  await tabTo(page, { name: /^Kunngjør$/ });
  await pressAndLoad(page, 'Enter');
  await expect(page.locator('[role=status]').first().textContent()).resolves.toContain('Revisjon 1 er kunngjort');
  await expect(page.locator('#stage').textContent()).resolves.toContain('Kunngjort som revisjon 1');
  await expect(page.locator('#summary a[href="#responses"]').count()).resolves.toBe(1);
  await page.close();
}, 600_000);

/** A failed submit must land the keyboard on the error summary, which screen readers announce as an alert. */
async function expectFocusOnErrorSummary(page: Page): Promise<void> {
  expect(await page.evaluate(() => !!document.activeElement?.closest('.ds-error-summary'))).toBe(true);
  await expect(page.locator('.ds-error-summary').getAttribute('role')).resolves.toBe('alert');
}

/** A saved change is confirmed in a live region, so it is read out without moving the focus. */
async function expectAnnounced(page: Page, text: RegExp): Promise<void> {
  await expect(page.locator('[role=status], [aria-live=polite], [aria-live=assertive]').filter({ hasText: text }).count()).resolves.toBeGreaterThan(0);
}

/** Where the vendor's answer was saved, so the assessor can review that very answer. */
let vendorAnswerPath: string | null = null;
const VENDOR_EXPLANATION = 'Svart med tastaturet alene: full eksport i CSV og JSON.';

test('When a vendor answers a requirement with evidence using the keyboard alone, then a bad link focuses the error summary, the file chooser opens from the keyboard and the saved answer is announced', async () => {
  const page = await browser.newPage({ locale: 'nb-NO' });
  await logInByKeyboard(page, 'leverandor@fiktiv.example');
  await follow(page, { href: /^\/assessments$/ });
  await follow(page, { href: /^\/assessments\/products\/[0-9a-f-]{36}(\?|$)/ });
  await follow(page, { href: /^\/assessments\/products\/[0-9a-f-]{36}\/answer\?/ });
  expect(await tabThroughAll(page)).toBeGreaterThan(5);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  // The status is a radio group: Space chooses the first, the arrow keys move the choice.
  await tabTo(page, { name: /^Oppfyller$/ });
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('input[name=status]:checked').getAttribute('value')).resolves.toBe('partly');
  await page.keyboard.press('ArrowUp');
  await expect(page.locator('input[name=status]:checked').getAttribute('value')).resolves.toBe('meets');
  await tabTo(page, { name: /^Forklaring$/ });
  await page.keyboard.press('Control+A');
  await page.keyboard.type(VENDOR_EXPLANATION);
  await tabTo(page, { name: /^Lenker til dokumentasjon$/ });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('ikke-en-lenke');
  await tabTo(page, { name: /^Lagre$/ });
  await pressAndLoad(page, 'Enter');
  await expectFocusOnErrorSummary(page);
  await expect(page.locator('.ds-error-summary').textContent()).resolves.toMatch(/lenke|link|url/i);

  // What was typed is kept; the bad link is replaced by a good one.
  await tabTo(page, { name: /^Lenker til dokumentasjon$/ });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('https://fiktiv.example/dokumentasjon/eksport Eksportformater');
  await expect(page.locator('#field-explanation').inputValue()).resolves.toBe(VENDOR_EXPLANATION);
  await expect(page.locator('input[name=status]:checked').getAttribute('value')).resolves.toBe('meets');

  // The file field opens the browser's file chooser on Space; the test hands it the file.
  await tabTo(page, { name: /^Legg ved filer$/ });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles({ name: 'eksportformater.txt', mimeType: 'text/plain', buffer: Buffer.from('Eksport: CSV og JSON for alle elevdata.\n') });
  await tabTo(page, { name: /^Lagre$/ });
  await pressAndLoad(page, 'Enter');
  await expectAnnounced(page, /Svaret på [A-Z]+-\d+ er lagret/);

  // Evidence files are checked by machine: the check's page follows the job in place, in a
  // live region, and links back to the answer.
  expect(new URL(page.url()).pathname).toMatch(/^\/assessments\/check-runs\/[0-9a-f-]{36}$/);
  await expect(page.locator('#check-run-status').getAttribute('aria-live')).resolves.toBe('polite');
  await page.waitForFunction(() => ['done', 'failed'].includes((document.querySelector('[data-check-run]') as HTMLElement | null)?.dataset.state ?? ''), undefined, { timeout: 60_000 });
  await expect(page.locator('#check-run-status').textContent()).resolves.toMatch(/\S/);
  await follow(page, { href: /^\/assessments\/answers\/[0-9a-f-]{36}#checks$/ });

  // The saved answer, its evidence file and the explanation as the vendor wrote them.
  vendorAnswerPath = new URL(page.url()).pathname;
  await expect(page.locator('main').textContent()).resolves.toContain(VENDOR_EXPLANATION);
  await expect(page.locator('a[download]', { hasText: 'eksportformater.txt' }).count()).resolves.toBe(1);
  expect(await tabThroughAll(page)).toBeGreaterThan(5);
  await page.close();
}, 600_000);

test('When the assessor reviews the vendor\'s answer with the keyboard alone, then the rejection with a note is announced and the comparison can be reached and tabbed through', async () => {
  if (!vendorAnswerPath) throw new Error('The vendor journey did not save an answer to review');
  const answerPath = vendorAnswerPath;
  const page = await browser.newPage({ locale: 'nb-NO' });
  await logInByKeyboard(page, 'radsmedlem@eksempelby.example');
  await follow(page, { href: /^\/assessments$/ });
  await follow(page, { href: /^\/assessments\/queue/ });
  expect(await tabThroughAll(page)).toBeGreaterThan(3);
  if ((await page.locator(`a[href="${answerPath}"]`).count()) === 0) {
    // An answer never reviewed before is listed when the queue is filtered to those; the select
    // is moved with the arrow keys and the filter applied with Enter.
    await tabTo(page, { name: /^Årsak$/ });
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect(page.locator('#reason').inputValue()).resolves.toBe('unverified');
    await tabTo(page, { name: /^Filtrer$/ });
    await pressAndLoad(page, 'Enter');
  }
  await follow(page, { href: new RegExp(`^${answerPath}$`) });
  await expect(page.locator('main').textContent()).resolves.toContain(VENDOR_EXPLANATION);

  await tabTo(page, { name: /^Akseptert$/ });
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('input[name=decision]:checked').getAttribute('value')).resolves.toBe('rejected');
  await tabTo(page, { name: /^Melding til leverandøren/ });
  await page.keyboard.type('Eksportformatene er ikke dokumentert for fravær og vurderinger.');
  await tabTo(page, { name: /^Lagre vurderingen$/ });
  await pressAndLoad(page, 'Enter');
  await expectAnnounced(page, /Vurderingen er lagret/);
  await expect(page.locator('#reviews').textContent()).resolves.toContain('Eksportformatene er ikke dokumentert for fravær og vurderinger.');
  await expect(page.locator('#reviews').textContent()).resolves.toContain('Avvist');

  await follow(page, { href: /^\/assessments$/ });
  await follow(page, { href: /^\/assessments\/compare/ });
  await expect(page.locator('h1').textContent()).resolves.toMatch(/Sammenligning/);
  expect(await tabThroughAll(page)).toBeGreaterThan(5);
  await page.close();
}, 600_000);

test('When the coordinator finishes a consultation and signs off with the keyboard alone, then an empty answer focuses the error summary, the answer, the adoption and the signature are announced', async () => {
  const page = await browser.newPage({ locale: 'nb-NO' });
  await logInByKeyboard(page, 'eier@eksempelby.example');
  await follow(page, { href: /^\/joint-sets$/ });
  await follow(page, { href: /^\/joint-sets\/[0-9a-f-]{36}$/ });
  // Revision 2 of the demo set is in consultation with one comment not yet answered.
  await follow(page, { href: /^\/joint-sets\/[0-9a-f-]{36}\/revisions\/2$/ });
  expect(await tabThroughAll(page)).toBeGreaterThan(5);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  // A blank answer passes the browser's check of required fields; the server refuses it.
  await tabTo(page, { name: /^Svar fra koordinator$/ });
  await page.keyboard.type('   ');
  await tabTo(page, { name: /^Besvar$/ });
  await pressAndLoad(page, 'Enter');
  await expectFocusOnErrorSummary(page);

  // The resolution is a select moved with the arrow keys.
  const resolution = page.locator('select[name=resolution]').first();
  await tabTo(page, { name: /^Besvar$/ });
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
  const before = await resolution.inputValue();
  await page.keyboard.press('ArrowDown');
  expect(await resolution.inputValue()).not.toBe(before);
  await tabTo(page, { name: /^Svar fra koordinator$/ });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Kravet tas inn som foreslått.');
  await tabTo(page, { name: /^Besvar$/ });
  const button = await page.evaluate(() => document.activeElement?.tagName);
  if (button === 'SELECT') await tabTo(page, { name: /^Besvar$/ });
  await pressAndLoad(page, 'Enter');
  await expectAnnounced(page, /Innspillet er besvart/);
  await expect(page.locator('main').textContent()).resolves.toContain('Kravet tas inn som foreslått.');

  // Adopting asks for confirmation in the browser's own dialog, which the test accepts.
  page.once('dialog', (dialog) => void dialog.accept());
  await tabTo(page, { name: /^Vedta revisjonen$/ });
  await pressAndLoad(page, 'Enter');
  await expectAnnounced(page, /Revisjonen er vedtatt/);

  await follow(page, { href: /\/revisions\/2\/consultation$/ });
  expect(await tabThroughAll(page)).toBeGreaterThan(3);
  await follow(page, { href: /^\/joint-sets\/[0-9a-f-]{36}\/revisions\/2$/ });
  await follow(page, { href: /\/revisions\/2\/coordination$/ });
  await tabTo(page, { name: /^Merknad/ });
  await page.keyboard.type('Vedtatt av kommunedirektøren.');
  await tabTo(page, { name: /^Signer for Eksempelby/ });
  await pressAndLoad(page, 'Enter');
  await expectAnnounced(page, /Revisjonen er signert/);
  await expect(page.locator('#signoffs').textContent()).resolves.toContain('Vedtatt av kommunedirektøren.');
  expect(await tabThroughAll(page)).toBeGreaterThan(3);
  await page.close();
}, 600_000);
