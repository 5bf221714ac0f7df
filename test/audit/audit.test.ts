import { sql } from 'drizzle-orm';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs } from '../helpers/factories';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

test('When anyone tries to change or delete audit entries in the database, then the database refuses', async () => {
  const db = ctx.services.database.db;
  await buildOrganisation(ctx.services);
  await ctx.services.repositories.audit.record(db, { actorUserId: null, actorEmail: 'test', requestId: null, ip: null }, { organisationId: null, action: 'test.entry', entityType: 'test', entityId: '1' });
  const refusal = async (statement: Promise<unknown>) => {
    const error = await statement.then(() => null, (e: Error & { cause?: Error }) => e);
    return `${error?.message ?? ''} ${error?.cause?.message ?? ''}`;
  };
  expect(await refusal(db.execute(sql`update audit_log set action = 'rewritten'`))).toMatch(/append-only/);
  expect(await refusal(db.execute(sql`delete from audit_log`))).toMatch(/append-only/);
  expect(await refusal(db.execute(sql`truncate audit_log`))).toMatch(/append-only/);
  const rows = await db.execute(sql`select count(*)::int as n from audit_log where action = 'test.entry'`);
  expect((rows as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(1);
});

test('When a change fails half-way, then neither the change nor its audit entry is stored', async () => {
  const org = await buildOrganisation(ctx.services);
  const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
  const { agent, csrf } = await loginAs(ctx, owner);
  const before = (await agent.get('/api/audit').query({ organisationId: org.id })).body.total;
  const res = await agent.put(`/api/organisations/${org.id}/members/${owner.id}`).set('X-CSRF-Token', csrf).send({ version: 1, role: 'viewer' });
  expect(res.status).toBe(409);
  const after = (await agent.get('/api/audit').query({ organisationId: org.id })).body.total;
  expect(after).toBe(before);
});

test('When an owner reads the log, then it is paged newest first and holds only their organisation', async () => {
  const org = await buildOrganisation(ctx.services);
  const other = await buildOrganisation(ctx.services);
  const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
  await buildUser(ctx.services, { memberships: [[other, 'owner']] });
  for (let i = 0; i < 4; i++) await buildUser(ctx.services, { memberships: [[org, 'viewer']] });
  const { agent } = await loginAs(ctx, owner);
  const first = await agent.get('/api/audit').query({ pageSize: 2 });
  expect(first.status).toBe(200);
  expect(first.body.items).toHaveLength(2);
  expect(first.body.total).toBe(5);
  expect(first.body.items[0].id).toBeGreaterThan(first.body.items[1].id);
  const all = await agent.get('/api/audit').query({ pageSize: 50 });
  expect(all.body.items.every((e: { organisationId: string }) => e.organisationId === org.id)).toBe(true);
  const page3 = await agent.get('/api/audit').query({ pageSize: 2, page: 3 });
  expect(page3.body.items).toHaveLength(1);
  const forbidden = await agent.get('/api/audit').query({ organisationId: other.id });
  expect(forbidden.status).toBe(404);
});

test('When a member who is not an owner asks for the log, then it is forbidden', async () => {
  const org = await buildOrganisation(ctx.services);
  const viewer = await buildUser(ctx.services, { memberships: [[org, 'viewer']] });
  const { agent } = await loginAs(ctx, viewer);
  expect((await agent.get('/api/audit')).status).toBe(403);
  expect((await agent.get('/api/audit').query({ organisationId: org.id })).status).toBe(403);
  expect((await agent.get('/audit')).status).toBe(403);
});

test('When an administrator filters by action and date, then the page lists the matching entries with before and after', async () => {
  const adminUser = await buildUser(ctx.services, { isAdmin: true });
  const { agent, csrf } = await loginAs(ctx, adminUser);
  const created = await agent.post('/api/organisations').set('X-CSRF-Token', csrf).send({ kind: 'vendor', name: 'Loggført AS' });
  await agent.patch(`/api/organisations/${created.body.id}`).set('X-CSRF-Token', csrf).send({ name: 'Loggført Programvare AS', version: created.body.version }).expect(200);
  const today = new Date().toISOString().slice(0, 10);
  const page = await agent.get('/audit').query({ action: 'organisation.updated', from: today });
  expect(page.status).toBe(200);
  expect(page.text).toContain('Loggført AS');
  expect(page.text).toContain('Loggført Programvare AS');
  const api = await agent.get('/api/audit').query({ action: 'organisation.updated', entityId: created.body.id });
  expect(api.body.items).toEqual([expect.objectContaining({ before: { name: 'Loggført AS' }, after: { name: 'Loggført Programvare AS', version: 2 }, actorEmail: adminUser.email })]);
  const bad = await agent.get('/api/audit').query({ from: 'not-a-date' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].path).toBe('query.from');
});
