import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { routesOf } from '../../server/app';
import { DEMO_PASSWORD } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildUser, loginAs } from '../helpers/factories';

/*
 * Every list a user opens reads its rows through an index. The demo's users and an administrator
 * open every page and API list the app has (the routes without an id in their path), the SELECT
 * statements those requests send are kept with their parameters, and each is explained with
 * sequential scans priced out of the planner's reach: a table the plan still scans from end to
 * end has no index for that list's filter or sort, and the list slows down as the table grows.
 */

type Plan = { 'Node Type': string; 'Relation Name'?: string; Plans?: Plan[] };
type Statement = { query: string; params: unknown[]; route: string };

/** The demo's users: a city's owner and procurement officer, a council member, a coordinator and two vendors. */
const DEMO_EMAILS = ['eier@eksempelby.example', 'innkjoper@eksempelby.example', 'radsmedlem@eksempelby.example', 'koordinator@provestad.example', 'leverandor@fiktiv.example', 'leverandor@tenkt.example'];

let ctx: TestContext;
let route: string | null = null;
const statements: Statement[] = [];

beforeAll(async () => {
  ctx = await createTestApp({}, { onQuery: (query, params) => { if (route && /^\s*select\b/i.test(query)) statements.push({ query, params, route }); }, seed: 'demo' });
}, 300_000);
afterAll(() => ctx.close());

function scannedTables(plan: Plan, found: string[] = []): string[] {
  if (plan['Node Type'] === 'Seq Scan' && plan['Relation Name']) found.push(plan['Relation Name']);
  for (const child of plan.Plans ?? []) scannedTables(child, found);
  return found;
}

/** Explains a statement on one connection with sequential scans turned off for it alone. */
async function explain(statement: Statement): Promise<Plan> {
  const client = (ctx.services.database.db as unknown as { $client: PGlite | pg.Pool }).$client;
  const text = `explain (format json) ${statement.query}`;
  if ('connect' in client && typeof client.connect === 'function' && ctx.services.database.kind === 'postgres') {
    const connection = await (client as pg.Pool).connect();
    try {
      await connection.query('begin');
      await connection.query('set local enable_seqscan = off');
      const res = await connection.query(text, statement.params);
      await connection.query('rollback');
      return (res.rows[0]['QUERY PLAN'] as [{ Plan: Plan }])[0].Plan;
    } finally {
      connection.release();
    }
  }
  const pglite = client as PGlite;
  return pglite.transaction(async (tx) => {
    await tx.query('set local enable_seqscan = off');
    const res = await tx.query<Record<string, unknown>>(text, statement.params);
    await tx.rollback();
    return (res.rows[0]?.['QUERY PLAN'] as [{ Plan: Plan }])[0].Plan;
  });
}

test('When every user opens every list page and API list, then no statement reads a whole table for lack of an index', async () => {
  const admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
  const agents = [admin.agent];
  for (const email of DEMO_EMAILS) {
    const agent = ctx.request();
    await agent.post('/api/session').send({ email, password: DEMO_PASSWORD }).expect(201);
    agents.push(agent);
  }
  const lists = routesOf(ctx.app).filter((r) => r.method === 'get' && !r.path.includes(':')).map((r) => r.path);
  expect(lists).toEqual(expect.arrayContaining(['/library', '/tenders', '/vendors', '/assessments', '/joint-sets', '/audit', '/api/tenders', '/api/library/items', '/api/check-runs']));
  for (const path of lists) {
    for (const agent of agents) {
      route = path;
      const res = await agent.get(path);
      route = null;
      expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
    }
  }
  expect(statements.length).toBeGreaterThan(lists.length);

  const scans = new Map<string, Set<string>>();
  const distinct = new Map(statements.map((s) => [`${s.query} ${JSON.stringify(s.params)}`, s]));
  for (const statement of distinct.values()) {
    for (const table of scannedTables(await explain(statement))) {
      scans.set(table, (scans.get(table) ?? new Set()).add(statement.route));
    }
  }
  expect(Object.fromEntries([...scans].map(([table, routes]) => [table, [...routes].sort()]))).toEqual({});
}, 300_000);
