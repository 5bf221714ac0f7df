import { eq } from 'drizzle-orm';
import { DEMO_PASSWORD } from '../../server/demo/demo.seed';
import { organisations } from '../../server/organisations/organisations.table';
import { buildProduct } from '../assessments/fixtures';
import { createTestApp, type TestContext } from '../helpers/app';

/*
 * The statements one request sends to the database, counted as the demo users open their pages.
 * Every logged-in request pays one statement for its session, user and memberships; a page adds
 * a small fixed number for its own data, the same for a tender of 3 items as for one of 30, and
 * for a comparison of the demo's products as for one with more (no query per row).
 */

/**
 * Statements per page on its first visit, at most: the session's one plus the page's own (for the
 * library's pages, its stamp and what the cache does not hold yet). A library page read again
 * sends at most the session's statement and the library's stamp (`libraryAgain`).
 */
const BUDGET: Record<string, number> = {
  libraryAgain: 2,
  home: 1,
  library: 6,
  libraryItem: 4,
  librarySearch: 3,
  tender: 5,
  comparison: 8,
  productAnswers: 9,
  product: 4,
  vendors: 3,
};

let ctx: TestContext;
let counting = false;
const statements: string[] = [];
type Agent = ReturnType<TestContext['request']>;

beforeAll(async () => {
  ctx = await createTestApp({}, { onQuery: (query) => { if (counting) statements.push(query); }, seed: 'demo' });
});
afterAll(() => ctx.close());

async function logIn(email: string): Promise<{ agent: Agent; csrf: string }> {
  const agent = ctx.request();
  const res = await agent.post('/api/session').send({ email, password: DEMO_PASSWORD }).expect(201);
  return { agent, csrf: res.body.csrfToken as string };
}

/**
 * The statements a page sends once what it reads from the library is cached, as every reader
 * after the first finds it: comparing two pages' counts compares their own statements.
 */
async function steadyQueriesOf(agent: Agent, path: string): Promise<number> {
  await queriesOf(agent, path);
  return queriesOf(agent, path);
}

/** The statements a GET sends, after checking it answered 200. */
async function queriesOf(agent: Agent, path: string): Promise<number> {
  statements.length = 0;
  counting = true;
  const res = await agent.get(path);
  counting = false;
  expect(res.status).toBe(200);
  process.stdout.write(`${statements.length} statements: GET ${path}\n`);
  return statements.length;
}

async function newTender(editor: { agent: Agent; csrf: string }, keys: string[]): Promise<string> {
  const created = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: `Måling av spørringer ${keys.length}`, reference: `Q-${keys.length}-${Date.now()}`, language: 'nb', domain: 'school', contactEmail: 'innkjop@eksempelby.example' });
  expect(created.status).toBe(201);
  const added = await editor.agent.post(`/api/tenders/${created.body.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys });
  expect(added.status).toBe(201);
  return created.body.id as string;
}

test('When a logged-in user asks who they are, then the session, the user and the memberships are read in one statement', async () => {
  const editor = await logIn('innkjoper@eksempelby.example');
  expect(await queriesOf(editor.agent, '/api/session')).toBe(1);
});

test('When the procurement officer opens the library, an item, a search and the register, then each page stays within its statement budget', async () => {
  const editor = await logIn('innkjoper@eksempelby.example');
  expect(await queriesOf(editor.agent, '/')).toBeLessThanOrEqual(BUDGET.home as number);
  for (const [path, budget] of [['/library', BUDGET.library], ['/library/items/EXP-001', BUDGET.libraryItem], ['/api/library/items?q=eksport', BUDGET.librarySearch]] as const) {
    expect(await queriesOf(editor.agent, path)).toBeLessThanOrEqual(budget as number);
    expect(await queriesOf(editor.agent, path)).toBeLessThanOrEqual(BUDGET.libraryAgain as number);
  }
  expect(await queriesOf(editor.agent, '/vendors')).toBeLessThanOrEqual(BUDGET.vendors as number);
});

test('When a tender grows from 3 to 30 items, then its page sends the same number of statements, within budget', async () => {
  const editor = await logIn('innkjoper@eksempelby.example');
  const keys = ((await editor.agent.get('/api/library/items').query({ pageSize: 100 })).body.items as { key: string }[]).map((i) => i.key);
  expect(keys.length).toBeGreaterThanOrEqual(30);
  const small = await newTender(editor, keys.slice(0, 3));
  const large = await newTender(editor, keys.slice(0, 30));
  const few = await steadyQueriesOf(editor.agent, `/tenders/${small}`);
  const many = await steadyQueriesOf(editor.agent, `/tenders/${large}`);
  expect(many).toBe(few);
  expect(many).toBeLessThanOrEqual(BUDGET.tender as number);
});

test('When more products are registered, then the comparison and a product\'s answers send the same number of statements, and they and the product page stay within budget', async () => {
  const assessor = await logIn('radsmedlem@eksempelby.example');
  const profile = ((await assessor.agent.get('/api/profiles')).body.items as { slug: string; id: string }[]).find((p) => p.slug === 'baseline');
  const comparison = `/assessments/compare?profileId=${profile?.id}`;
  const before = await steadyQueriesOf(assessor.agent, comparison);
  const product = ((await assessor.agent.get('/api/assessments/comparison').query({ profileId: profile?.id, pageSize: 200 })).body.products as { productId: string; versionId: string | null }[]).find((p) => p.versionId);
  const answers = await steadyQueriesOf(assessor.agent, `/assessments/products/${product?.versionId}?profileId=${profile?.id}`);
  const productPage = await steadyQueriesOf(assessor.agent, `/products/${product?.productId}`);
  const [vendorOrg] = await ctx.services.database.db.select().from(organisations).where(eq(organisations.kind, 'vendor')).limit(1);
  if (!vendorOrg) throw new Error('the demo has no vendor organisation');
  for (let i = 0; i < 6; i++) await buildProduct(ctx.services, vendorOrg, { name: `Målesystem ${i}` });
  const after = await steadyQueriesOf(assessor.agent, comparison);
  const listed = (await assessor.agent.get('/api/assessments/comparison').query({ profileId: profile?.id, pageSize: 200 })).body.products as { name: string }[];
  expect(listed.filter((p) => p.name.startsWith('Målesystem'))).toHaveLength(6);
  expect(after).toBe(before);
  expect(after).toBeLessThanOrEqual(BUDGET.comparison as number);
  expect(answers).toBeLessThanOrEqual(BUDGET.productAnswers as number);
  expect(productPage).toBeLessThanOrEqual(BUDGET.product as number);
});
