import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs } from '../helpers/factories';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

test('smoke', async () => {
  const health = await ctx.request().get('/healthz');
  expect(health.body).toEqual({ status: 'ok', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  const org = await buildOrganisation(ctx.services);
  const user = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
  const { agent } = await loginAs(ctx, user);
  const home = await agent.get('/');
  expect(home.status).toBe(200);
  expect(home.text).toContain(user.name);
  const orgPage = await agent.get(`/organisations/${org.id}`);
  expect(orgPage.status).toBe(200);
  const audit = await agent.get('/audit');
  expect(audit.status).toBe(200);
  const account = await agent.get('/account');
  expect(account.status).toBe(200);
  const login = await ctx.request().get('/login');
  expect(login.status).toBe(200);
  const openapi = await ctx.request().get('/api/openapi.json');
  expect(openapi.status).toBe(200);
});
