/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AxeBuilder } from '@axe-core/playwright';
import { match } from 'path-to-regexp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { routesOf } from '../../server/app';
import { checkRuns } from '../../server/check-runs/check-runs.table';
import { jointSets } from '../../server/joint-sets/joint-sets.table';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';
import { syncLibraryFrom } from '../helpers/library';

/*
 * Universal design, measured as a new user meets the product: every demo role, in bokmål and
 * English, follows links from the start page; one page of each page shape (route pattern) is
 * scanned with axe after every disclosure and dialog is opened, every form on it is submitted
 * empty once and its error state scanned, every tab stop must show visible focus, and the page
 * must reflow at 320 CSS px and at 200 % zoom without sideways scrolling. Axe scans every page
 * shape as every role that reaches it, in both languages; what does not depend on the role is
 * done once: a form's error state per language, focus per page shape, reflow per page shape and
 * language. The roles crawl side by side, each in its own browser context.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const ADMIN_EMAIL = 'admin@a11y.example';
const ADMIN_PASSWORD = 'admin-passord-a11y-2026';
const MAX_TAB_STOPS = 120;

type Shape = { pattern: string; kind: 'page' } | { pattern: string; kind: 'download' } | { pattern: string; kind: 'redirect' } | { pattern: string; kind: 'page'; reachedBy: 'url' };

/**
 * Every GET page route of the app. A new page route that is not listed here fails the coverage
 * test; downloads are listed so that they are chosen, not forgotten.
 */
const PAGE_SHAPES: Shape[] = [
  { pattern: '/', kind: 'page' },
  { pattern: '/login', kind: 'page' },
  { pattern: '/tilgjengelighet', kind: 'page' },
  { pattern: '/accessibility', kind: 'page' },
  { pattern: '/account', kind: 'page' },
  { pattern: '/organisations', kind: 'page' },
  { pattern: '/organisations/new', kind: 'page' },
  { pattern: '/organisations/:orgId', kind: 'page' },
  { pattern: '/organisations/:orgId/members/:userId/remove', kind: 'page' },
  { pattern: '/invitations/:token', kind: 'page', reachedBy: 'url' },
  { pattern: '/account/identities', kind: 'page' },
  { pattern: '/admin/identity-providers', kind: 'page' },
  { pattern: '/admin/identity-providers/:providerId', kind: 'page' },
  { pattern: '/organisations/:orgId/sso', kind: 'page' },
  { pattern: '/auth/oidc/no-role', kind: 'page', reachedBy: 'url' },
  // The provider login and its callback answer with redirects, never a page of their own.
  { pattern: '/auth/oidc/:slug/login', kind: 'redirect' },
  { pattern: '/auth/oidc/:slug/callback', kind: 'redirect' },
  { pattern: '/library/kravbank', kind: 'page' },
  { pattern: '/tenders/:tenderId/kravbank', kind: 'page' },
  { pattern: '/tenders/:tenderId/check-runs', kind: 'page' },
  { pattern: '/assessments/check-runs/:checkRunId', kind: 'page' },
  { pattern: '/exit', kind: 'page' },
  { pattern: '/exit/exports/:exportId', kind: 'page' },
  // An import's status page is where the import form leads; an administrator visits a failed one.
  { pattern: '/exit/imports/:importId', kind: 'page', reachedBy: 'url' },
  { pattern: '/library', kind: 'page' },
  { pattern: '/library/export', kind: 'download' },
  { pattern: '/library/items/:key', kind: 'page' },
  { pattern: '/library/items/:key/diff', kind: 'page' },
  { pattern: '/library/new', kind: 'page' },
  { pattern: '/library/drafts/:draftId', kind: 'page' },
  { pattern: '/library/drafts/:draftId/discard', kind: 'page' },
  { pattern: '/library/items/:key/deprecate', kind: 'page' },
  { pattern: '/tenders', kind: 'page' },
  { pattern: '/tenders/new', kind: 'page' },
  { pattern: '/tenders/:tenderId', kind: 'page' },
  { pattern: '/tenders/:tenderId/picker', kind: 'page' },
  { pattern: '/tenders/:tenderId/items/:itemId', kind: 'page' },
  { pattern: '/tenders/:tenderId/items/:itemId/remove', kind: 'page' },
  { pattern: '/tenders/:tenderId/sections/:sectionId/remove', kind: 'page' },
  { pattern: '/tenders/:tenderId/documents/:document', kind: 'download' },
  { pattern: '/tenders/:tenderId/preview', kind: 'page' },
  { pattern: '/joint-sets', kind: 'page' },
  { pattern: '/joint-sets/new', kind: 'page' },
  { pattern: '/joint-sets/import', kind: 'page' },
  { pattern: '/joint-sets/:setId', kind: 'page' },
  { pattern: '/joint-sets/:setId/diff', kind: 'page' },
  { pattern: '/joint-sets/:setId/revisions/:number', kind: 'page' },
  { pattern: '/joint-sets/:setId/revisions/:number/consultation', kind: 'page' },
  { pattern: '/joint-sets/:setId/revisions/:number/consultation.docx', kind: 'download' },
  { pattern: '/joint-sets/:setId/revisions/:number/coordination', kind: 'page' },
  { pattern: '/joint-sets/:setId/revisions/:number/deviations', kind: 'page' },
  { pattern: '/joint-sets/:setId/revisions/:number/package', kind: 'download' },
  { pattern: '/assessments', kind: 'page' },
  { pattern: '/assessments/profiles/new', kind: 'page' },
  { pattern: '/assessments/profiles/:profileId', kind: 'page' },
  { pattern: '/assessments/compare', kind: 'page' },
  { pattern: '/assessments/queue', kind: 'page' },
  { pattern: '/assessments/products/:productVersionId', kind: 'page' },
  { pattern: '/assessments/products/:productVersionId/answer', kind: 'page' },
  { pattern: '/assessments/answers/:answerId', kind: 'page' },
  { pattern: '/register', kind: 'page' },
  { pattern: '/vendors', kind: 'page' },
  { pattern: '/vendors/new', kind: 'page' },
  { pattern: '/vendors/exposure', kind: 'page' },
  { pattern: '/vendors/:vendorId', kind: 'page' },
  { pattern: '/products', kind: 'page' },
  { pattern: '/products/:productId', kind: 'page' },
  { pattern: '/usages', kind: 'page' },
  { pattern: '/usages/new', kind: 'page' },
  { pattern: '/usages/:usageId', kind: 'page' },
  { pattern: '/audit', kind: 'page' },
];

type Role = { name: string; email: string | null; password: string; start: string[] };
const ROLES: Role[] = [
  { name: 'anonymous', email: null, password: '', start: ['/', '/register'] },
  { name: 'admin', email: ADMIN_EMAIL, password: ADMIN_PASSWORD, start: ['/'] },
  { name: 'owner', email: 'eier@eksempelby.example', password: DEMO_PASSWORD, start: ['/'] },
  { name: 'editor', email: 'innkjoper@eksempelby.example', password: DEMO_PASSWORD, start: ['/'] },
  { name: 'assessor', email: 'radsmedlem@eksempelby.example', password: DEMO_PASSWORD, start: ['/'] },
  { name: 'coordinator', email: 'koordinator@provestad.example', password: DEMO_PASSWORD, start: ['/'] },
  { name: 'vendor', email: 'leverandor@fiktiv.example', password: DEMO_PASSWORD, start: ['/'] },
];
const LANGS = ['nb', 'en'] as const;
const ONLY_LANGS = process.env.A11Y_LANGS?.split(',');
const ONLY_ROLES = process.env.A11Y_ROLES?.split(',');

/** Forms of the page chrome, submitted by other tests; an empty submit of them has no error state. */
const CHROME_FORMS = ['/language', '/logout', '/session/organisation'];

const matchers = PAGE_SHAPES.map((shape) => ({ shape, test: match(shape.pattern, { decode: decodeURIComponent }) }));
function shapeOf(pathname: string): Shape | null {
  return matchers.find((m) => m.test(pathname))?.shape ?? null;
}

let ctx: TestContext;
let server: Server;
let browser: Browser;
let baseUrl: string;
let invitationUrl: string;
const coverage = new Map<string, Set<string>>();
/** Focus styles do not depend on role or language: each page shape is tabbed through once. */
const focusChecked = new Set<string>();
/** Layout at 320 px and 200 % zoom is checked once per page shape and language. */
const reflowChecked = new Map<string, Set<string>>(LANGS.map((l) => [l, new Set<string>()]));
/** A form's error state is scanned once per language, by the first role that reaches it. */
const formsDone = new Map<string, Set<string>>(LANGS.map((l) => [l, new Set<string>()]));

beforeAll(async () => {
  ctx = await createTestApp({ PUBLIC_REGISTER: 'true', OIDC_SECRET_KEY: randomBytes(32).toString('base64'), ACCESSIBILITY_CONTACT: 'uu@datakrav.example', ACCESSIBILITY_STATEMENT_URL: 'https://uustatus.no/nb/erklaringer/publisert/00000000-0000-0000-0000-000000000000' });
  await syncLibraryFrom(ctx.services);
  await ctx.services.auth.ensureFirstAdmin({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  await seedDemo(ctx.services);
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  invitationUrl = await inviteSomeone();
  const failedImport = await ctx.services.jobs.queue.enqueue({ kind: 'exit.import', payload: { scope: 'installation', file: 'gone.zip', sha256: '0'.repeat(64), formatVersion: 1, requestedBy: null, requestedByEmail: ADMIN_EMAIL }, maxAttempts: 1 });
  await ctx.services.jobs.runner.runOnce();
  ROLES.find((r) => r.name === 'admin')?.start.push(`/exit/imports/${failedImport.id}`);
  await seedWhatTheDemoLacks();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

/** The first page a role opens, after the ones it starts from. */
function startAt(role: string, url: string): void {
  ROLES.find((r) => r.name === role)?.start.push(url);
}

/**
 * Records the demo data has none of, so that every page shape has a page to scan: an identity
 * provider, an export, a library draft, and the demo's check runs worked by the job runner. Pages
 * reached only by a URL (a diff between two versions, the no-role notice of single sign-on) are
 * where the roles that can open them start; the no-role notice is for someone logged in.
 */
async function seedWhatTheDemoLacks(): Promise<void> {
  const logIn = async (email: string, password: string) => {
    const agent = ctx.request();
    const session = await agent.post('/api/session').send({ email, password }).expect(201);
    return { agent, csrf: session.body.csrfToken as string };
  };
  const admin = await logIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  const orgs = (await admin.agent.get('/api/organisations').expect(200)).body.items as { id: string; name: string }[];
  const city = orgs.find((o) => o.name === 'Eksempelby kommune (demo)');
  const provider = await admin.agent.post('/api/identity-providers').set('X-CSRF-Token', admin.csrf).send({ slug: 'eksempelby-id', displayName: 'Eksempelby ID', issuer: 'https://login.eksempelby.example', clientId: 'datakrav', clientSecret: 'a-client-secret-for-the-crawl', organisationId: city?.id });
  expect(provider.status).toBe(201);
  startAt('admin', `/admin/identity-providers/${provider.body.id}`);
  startAt('vendor', '/auth/oidc/no-role');

  const owner = await logIn('eier@eksempelby.example', DEMO_PASSWORD);
  const exported = await owner.agent.post('/api/exit/exports').set('X-CSRF-Token', owner.csrf).send({ scope: 'organisation', organisationId: city?.id });
  expect(exported.status).toBe(202);
  startAt('owner', `/exit/exports/${exported.body.id}`);

  const editor = await logIn('innkjoper@eksempelby.example', DEMO_PASSWORD);
  const draft = await editor.agent.post('/api/library/items/EXP-002/drafts').set('X-CSRF-Token', editor.csrf).send({});
  expect(draft.status).toBe(201);
  startAt('editor', `/library/drafts/${draft.body.draft.id}`);
  startAt('editor', `/library/drafts/${draft.body.draft.id}/discard`);

  while ((await ctx.services.jobs.runner.runOnce()).length > 0) {
    // The demo's check runs and the export, one job at a time.
  }
  const [run] = await ctx.services.database.db.select({ id: checkRuns.id }).from(checkRuns).limit(1);
  if (!run) throw new Error('the demo has no check run');
  startAt('assessor', `/assessments/check-runs/${run.id}`);

  const before = (await editor.agent.get('/api/library/items/EXP-004').expect(200)).body as { version: string };
  const next = (await editor.agent.post('/api/library/items/EXP-004/drafts').set('X-CSRF-Token', editor.csrf).send({})).body as { draft: { id: string; revision: number } };
  const published = await editor.agent.post(`/api/library/drafts/${next.draft.id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'minor', changeNote: { nb: 'Ny versjon for gjennomgangen.', en: 'New version for the crawl.' }, version: next.draft.revision });
  expect(published.status).toBe(200);
  startAt('editor', `/library/items/EXP-004/diff?from=${before.version}&to=${published.body.version}`);
  const [set] = await ctx.services.database.db.select({ id: jointSets.id }).from(jointSets).limit(1);
  startAt('coordinator', `/joint-sets/${set?.id}/diff?from=1&to=2`);
}

/** An invitation link is only ever sent by e-mail, so the invitation page is reached by its URL. */
async function inviteSomeone(): Promise<string> {
  const agent = ctx.request();
  const session = await agent.post('/api/session').send({ email: 'eier@eksempelby.example', password: DEMO_PASSWORD }).expect(201);
  const orgs = await agent.get('/api/organisations').expect(200);
  const org = orgs.body.items.find((o: { name: string }) => o.name === 'Eksempelby kommune (demo)');
  const invited = await agent.post(`/api/organisations/${org.id}/invitations`).set('X-CSRF-Token', session.body.csrfToken).send({ email: 'ny@eksempelby.example', role: 'viewer' });
  if (invited.status !== 201) throw new Error(`Could not invite: ${invited.status} ${JSON.stringify(invited.body)}`);
  return new URL(invited.body.url).pathname;
}

async function logIn(page: Page, role: Role, lang: (typeof LANGS)[number]): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  if (role.email) {
    await page.locator('input[name=email]').fill(role.email);
    await page.locator('input[name=password]').fill(role.password);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.locator('form[action="/login"] button[type=submit]').click()]);
  }
  if ((await page.locator('html').getAttribute('lang')) !== lang) {
    await Promise.all([page.waitForEvent('load'), page.locator('form[action="/language"] button').click()]);
  }
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
}

/** Opens every disclosure and every dialog, so that their content is scanned too. */
async function openEverything(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
    for (const dialog of document.querySelectorAll('dialog')) if (!dialog.open) dialog.show();
  });
}

async function axeProblems(page: Page, where: string): Promise<string[]> {
  // Legacy mode runs axe.run in the page itself; the default opens a blank page for every scan
  // to combine the results of frames, which these pages do not have. Only violations are
  // reported, so axe does not spend its time describing the rules that pass.
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).options({ resultTypes: ['violations'] }).setLegacyMode(true).analyze();
  return result.violations.map((v) => `${where}: ${v.id} (${v.impact}) on ${v.nodes.length} element(s): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`).join(' | ')}`);
}

/** Tabs through the page; every stop must look different from the same element unfocused. */
async function focusProblems(page: Page, where: string): Promise<string[]> {
  await page.evaluate(() => {
    const signature = (el: Element) => {
      const s = getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`;
    };
    let n = 0;
    for (const el of document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]')) {
      el.dataset.a11yStop = String(n++);
      el.dataset.a11yUnfocused = signature(el);
    }
    (document.activeElement as HTMLElement | null)?.blur();
  });
  const problems: string[] = [];
  const seen: string[] = [];
  for (let stop = 0; stop < MAX_TAB_STOPS; stop++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const focused = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`;
      const before = el.dataset.a11yUnfocused;
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 40) || el.getAttribute('name') || el.getAttribute('aria-label') || ''}"`;
      return { name, key: el.dataset.a11yStop ?? name, visible: before === undefined || before !== focused, outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
    });
    if (!info) break;
    // Date and time fields take several Tab presses, one per part, on the same element.
    if (seen[seen.length - 1] === info.key) continue;
    if (seen.includes(info.key)) {
      if (seen[0] !== info.key) problems.push(`${where}: keyboard focus cycles back to ${info.name} without reaching the end of the page`);
      break;
    }
    seen.push(info.key);
    if (!info.visible || !(info.outlined || info.shadow)) problems.push(`${where}: no visible focus on ${info.name}`);
  }
  return problems;
}

/** At this width the page must not scroll sideways; wide tables scroll in their own labelled region. */
async function reflowProblems(page: Page, width: number, where: string): Promise<string[]> {
  await page.setViewportSize({ width, height: 900 });
  const found = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''}`;
    if (doc.scrollWidth > doc.clientWidth + 1) {
      const wide = Array.from(document.body.querySelectorAll('*')).filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1 && !el.parentElement?.closest('.dk-table-scroll') && getComputedStyle(el).visibility !== 'hidden');
      const outermost = wide.filter((el) => !wide.includes(el.parentElement as Element)).slice(0, 4);
      const overflowing = Array.from(document.body.querySelectorAll('*')).filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && !el.parentElement?.closest('.dk-table-scroll')).slice(-3);
      out.push(`scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth}) because of ${[...outermost, ...overflowing].map(describe).join(', ')}`);
    }
    for (const region of document.querySelectorAll('.dk-table-scroll')) {
      if (region.getAttribute('role') !== 'region' || !(region.getAttribute('aria-label') ?? '').trim() || region.getAttribute('tabindex') !== '0') out.push(`${describe(region)} lacks role=region, aria-label or tabindex=0`);
      const first = region.querySelector('tr > :first-child');
      if (first && getComputedStyle(first).position !== 'sticky') out.push(`${describe(region)} has no sticky first column`);
    }
    return out;
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  return found.map((p) => `${where} at ${width}px: ${p}`);
}

async function scanPage(page: Page, where: string, options: { focus: boolean; reflow: boolean }): Promise<string[]> {
  await openEverything(page);
  const problems = await axeProblems(page, where);
  if (options.focus) problems.push(...(await focusProblems(page, where)));
  if (options.reflow) {
    problems.push(...(await reflowProblems(page, 320, where)));
    problems.push(...(await reflowProblems(page, 640, where)));
  }
  return problems;
}

function formKey(action: string): string {
  return new URL(action, baseUrl).pathname.replace(/\/[0-9a-f-]{36}(?=\/|$)/g, '/:id').replace(/\/[0-9]+(?=\/|$)/g, '/:n');
}

/** Submits each form of the page that takes typed input once with its fields emptied, and scans the answer. */
async function formProblems(page: Page, pageUrl: string, where: string, done: Set<string>): Promise<string[]> {
  const forms = await page.evaluate((chrome) => Array.from(document.querySelectorAll('form')).map((form, index) => ({
    index,
    action: form.getAttribute('action') ?? location.pathname,
    method: (form.getAttribute('method') ?? 'get').toLowerCase(),
    confirm: form.hasAttribute('data-confirm'),
    typed: form.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]), textarea').length > 0,
    chrome: chrome.includes(new URL(form.action, location.href).pathname),
  })), CHROME_FORMS);
  const problems: string[] = [];
  for (const form of forms) {
    const key = `${form.method} ${formKey(form.action)}`;
    if (form.method !== 'post' || form.confirm || !form.typed || form.chrome || done.has(key)) continue;
    done.add(key);
    await page.goto(`${baseUrl}${pageUrl}`);
    try {
      await Promise.all([
        page.waitForEvent('load', { timeout: 20_000 }),
        page.evaluate((index) => {
          const target = document.querySelectorAll('form')[index] as HTMLFormElement;
          target.noValidate = true;
          for (const field of target.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]), textarea')) {
            if (field.type === 'file') field.value = '';
            else field.value = '';
          }
          target.requestSubmit();
        }, form.index),
      ]);
    } catch {
      continue;
    }
    const summary = page.locator('.ds-error-summary');
    if (await summary.count()) {
      const focused = await page.evaluate(() => !!document.activeElement?.closest('.ds-error-summary'));
      if (!focused) problems.push(`${where} form ${key}: the error summary does not receive focus`);
    }
    problems.push(...(await scanPage(page, `${where} form ${key} (empty)`, { focus: false, reflow: false })));
  }
  return problems;
}

function sameOriginLinks(hrefs: string[]): string[] {
  const out: string[] = [];
  for (const href of hrefs) {
    const url = new URL(href, baseUrl);
    if (url.origin !== baseUrl || url.pathname.startsWith('/static/') || url.pathname.startsWith('/api/')) continue;
    url.hash = '';
    out.push(url.pathname + url.search);
  }
  return out;
}

const cases = ROLES.filter((r) => !ONLY_ROLES || ONLY_ROLES.includes(r.name)).flatMap((role) => LANGS.filter((l) => !ONLY_LANGS || ONLY_LANGS.includes(l)).map((lang) => [role.name, lang, role] as const));
type Case = (typeof cases)[number];

/** Roles and languages are crawled side by side, each in its own browser context, so the server and the browser both stay busy. */
const CONCURRENCY = Math.max(1, Number(process.env.A11Y_CONCURRENCY ?? 3));

/** Crawls as one role in one language and returns what is wrong; every page shape the role reaches is scanned with axe. */
async function crawlAs([roleName, lang, role]: Case): Promise<string[]> {
  const context = await browser.newContext({ locale: lang === 'nb' ? 'nb-NO' : 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const visited = new Set<string>();
  const problems: string[] = [];
  const covered = coverage.get(roleName) ?? new Set<string>();
  coverage.set(roleName, covered);
  const reflowed = reflowChecked.get(lang) as Set<string>;
  const startedCase = Date.now();
  try {
    await logIn(page, role, lang);
    const queue = [...role.start, ...(role.email === null ? [invitationUrl] : [])];
    while (queue.length) {
      const next = queue.shift() as string;
      const shape = shapeOf(new URL(next, baseUrl).pathname);
      if (!shape || shape.kind !== 'page' || visited.has(shape.pattern)) continue;
      const response = await page.goto(`${baseUrl}${next}`);
      const landed = new URL(page.url());
      const landedShape = shapeOf(landed.pathname);
      if (!landedShape || landedShape.kind !== 'page') continue;
      if (visited.has(landedShape.pattern)) continue;
      visited.add(landedShape.pattern);
      covered.add(landedShape.pattern);
      const where = `${roleName}/${lang} ${landed.pathname}${landed.search} [${landedShape.pattern}]`;
      if (!response || response.status() >= 500) problems.push(`${where}: answered ${response?.status()}`);
      const links = sameOriginLinks(await page.locator('a[href]:not([download])').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href)));
      queue.push(...links);
      const started = Date.now();
      // Focus styles depend on neither role nor language, and the layout of a page shape not on
      // the role: each shape is tabbed through once, and reflowed once per language.
      const focus = !focusChecked.has(landedShape.pattern);
      const reflow = !reflowed.has(landedShape.pattern);
      focusChecked.add(landedShape.pattern);
      reflowed.add(landedShape.pattern);
      const found = await scanPage(page, where, { focus, reflow });
      const scanned = Date.now();
      found.push(...(await formProblems(page, landed.pathname + landed.search, where, formsDone.get(lang) as Set<string>)));
      problems.push(...found);
      if (process.env.A11Y_VERBOSE) for (const problem of found) process.stdout.write(`PROBLEM ${problem}\n`);
      if (process.env.A11Y_VERBOSE) process.stdout.write(`${where}: scan ${scanned - started} ms${focus ? ' (focus)' : ''}${reflow ? ' (reflow)' : ''}, forms ${Date.now() - scanned} ms\n`);
    }
  } catch (error) {
    problems.push(`${roleName}/${lang} ${page.url()}: the crawl stopped: ${(error as Error).message}`);
  } finally {
    await context.close();
  }
  process.stdout.write(`${roleName}/${lang}: ${visited.size} page shapes in ${Math.round((Date.now() - startedCase) / 1000)} s\n`);
  return problems;
}

let crawl: Promise<Map<string, string[]>> | undefined;
/** Runs every case once, at most CONCURRENCY at a time; each test below reads its own case's result. */
function crawlEveryCase(): Promise<Map<string, string[]>> {
  crawl ??= (async () => {
    const started = Date.now();
    const results = new Map<string, string[]>();
    const pending = [...cases];
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, async () => {
      for (let next = pending.shift(); next; next = pending.shift()) results.set(`${next[0]}/${next[1]}`, await crawlAs(next));
    }));
    process.stdout.write(`Accessibility crawl of ${cases.length} role and language case(s): ${Math.round((Date.now() - started) / 1000)} s\n`);
    return results;
  })();
  return crawl;
}

test.each(cases)('When %s browses every page shape in %s, then axe finds no WCAG 2.2 AA violation, not even in the error state of a form, focus is always visible and nothing scrolls sideways at 320 px or 200 % zoom', async (roleName, lang) => {
  const results = await crawlEveryCase();
  expect(results.get(`${roleName}/${lang}`)).toEqual([]);
}, 3_600_000);

test('When the page routes are listed, then every one is checked by the accessibility crawl and every page shape was reached', () => {
  const routes = routesOf(ctx.app).filter((r) => r.surface === 'page' && r.method === 'get').map((r) => r.path);
  const listed = PAGE_SHAPES.map((s) => s.pattern);
  expect(routes.filter((r) => !listed.includes(r))).toEqual([]);
  expect(listed.filter((p) => !routes.includes(p))).toEqual([]);
  if (!ONLY_ROLES) {
    const reached = new Set([...coverage.values()].flatMap((s) => [...s]));
    expect(PAGE_SHAPES.filter((s) => s.kind === 'page' && !reached.has(s.pattern)).map((s) => s.pattern)).toEqual([]);
  }
  for (const [role, shapes] of coverage) process.stdout.write(`${role}: ${shapes.size} page shapes: ${[...shapes].sort().join(' ')}\n`);
});
