import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../server/db/client';
import { MIGRATIONS_DIR } from '../../server/shared/paths';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs } from '../helpers/factories';

let ctx: TestContext;
let db: Database;
beforeAll(async () => {
  ctx = await createTestApp();
  db = ctx.services.database.db;
});
afterAll(() => ctx.close());

type Verification = {
  valid: boolean;
  entries: number;
  firstBreak: { entryId: number; reason: string; message: string } | null;
  chains: { chain: string; entries: number; head: { chainSeq: number; entryHash: string } | null; valid: boolean }[];
};

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** An organisation with an owner logged in and `n` audit entries in its chain. */
async function organisationWithEntries(n: number) {
  const org = await buildOrganisation(ctx.services);
  const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
  for (let i = 1; i < n; i++) await buildUser(ctx.services, { memberships: [[org, 'viewer']] });
  const login = await loginAs(ctx, owner);
  const ids = (await rows<{ id: string }>(sql`select id from audit_log where organisation_id = ${org.id} order by chain_seq`)).map((r) => Number(r.id));
  return { org, ...login, ids };
}

async function verify(agent: TestContext['request'] extends () => infer A ? A : never, organisationId?: string): Promise<Verification> {
  const res = await agent.get('/api/audit/verify').query(organisationId ? { organisationId } : {});
  expect(res.status).toBe(200);
  return res.body as Verification;
}

/** What someone with direct database access could do: lift the append-only trigger for one statement. */
async function tamper(statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
  });
}

test('When entries are written through the application, then each organisation\'s chain verifies and its head is the last entry', async () => {
  const { org, agent, ids } = await organisationWithEntries(4);
  const result = await verify(agent);
  expect(result).toMatchObject({ valid: true, firstBreak: null, entries: 4 });
  const head = (await rows<{ entry_hash: string }>(sql`select entry_hash from audit_log where id = ${ids[3]}`))[0]?.entry_hash;
  expect(result.chains).toEqual([{ chain: org.id, entries: 4, head: { chainSeq: 4, entryHash: head }, valid: true, firstBreak: null }]);
  const linked = await rows<{ previous_hash: string | null; chain_seq: string }>(sql`select previous_hash, chain_seq from audit_log where organisation_id = ${org.id} order by chain_seq`);
  expect(linked[0]?.previous_hash).toBeNull();
  expect(linked.map((r) => Number(r.chain_seq))).toEqual([1, 2, 3, 4]);
});

test('When an entry is altered directly in the database, then verification names that entry', async () => {
  const { org, agent, ids } = await organisationWithEntries(4);
  const victim = ids[1] as number;
  await tamper(sql`update audit_log set after = '{"role": "owner"}'::jsonb where id = ${victim}`);
  const result = await verify(agent, org.id);
  expect(result.valid).toBe(false);
  expect(result.firstBreak).toMatchObject({ entryId: victim, reason: 'content_changed' });
  expect(result.firstBreak?.message).toContain(String(victim));

  const admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
  const all = await verify(admin.agent);
  expect(all.valid).toBe(false);
  expect(all.chains.find((c) => c.chain === org.id)?.valid).toBe(false);
});

test('When an entry\'s hash is recomputed to match altered content, then the next entry no longer links to it and is named', async () => {
  const { org, agent, ids } = await organisationWithEntries(3);
  const victim = ids[0] as number;
  await tamper(sql`update audit_log set action = 'rewritten', entry_hash = audit_log_entry_hash(id, occurred_at, actor_user_id, actor_email, organisation_id, 'rewritten', entity_type, entity_id, before, after, request_id, ip, chain, chain_seq, previous_hash) where id = ${victim}`);
  const result = await verify(agent, org.id);
  expect(result.firstBreak).toMatchObject({ entryId: ids[1], reason: 'link_broken' });
});

test('When an entry is deleted directly in the database, then verification names the entry after the gap', async () => {
  const { org, agent, ids } = await organisationWithEntries(4);
  await tamper(sql`delete from audit_log where id = ${ids[1]}`);
  const result = await verify(agent, org.id);
  expect(result.valid).toBe(false);
  expect(result.firstBreak).toMatchObject({ entryId: ids[2], reason: 'entry_missing' });
});

test('When an entry is inserted directly in the database past the chain trigger, then verification names the inserted entry', async () => {
  const { org, agent, ids } = await organisationWithEntries(2);
  const head = (await rows<{ entry_hash: string }>(sql`select entry_hash from audit_log where id = ${ids[1]}`))[0]?.entry_hash ?? '';
  const forged = await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_chain`);
    const inserted = (await tx.execute(sql`
      insert into audit_log (organisation_id, action, entity_type, entity_id, chain, chain_seq, previous_hash, entry_hash)
      values (${org.id}, 'membership.added', 'membership', 'forged', ${org.id}, 3, ${head}, ${'0'.repeat(64)}) returning id`)) as unknown as { rows: { id: string }[] };
    await tx.execute(sql`alter table audit_log enable trigger audit_log_chain`);
    return Number(inserted.rows[0]?.id);
  });
  const result = await verify(agent, org.id);
  expect(result.firstBreak).toMatchObject({ entryId: forged, reason: 'content_changed' });

  const other = await organisationWithEntries(1);
  const unchained = await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_chain`);
    const inserted = (await tx.execute(sql`insert into audit_log (organisation_id, action, entity_type) values (${other.org.id}, 'membership.added', 'membership') returning id`)) as unknown as { rows: { id: string }[] };
    await tx.execute(sql`alter table audit_log enable trigger audit_log_chain`);
    return Number(inserted.rows[0]?.id);
  });
  expect((await verify(other.agent, other.org.id)).firstBreak).toMatchObject({ entryId: unchained, reason: 'not_chained' });
});

test('When many writers add entries to one organisation at once, then the chain stays one unbroken sequence', async () => {
  const { org, agent, csrf } = await organisationWithEntries(1);
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => agent.post(`/api/organisations/${org.id}/invitations`).set('X-CSRF-Token', csrf).send({ email: `samtidig-${i}@example.no`, role: 'viewer' })),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
  const result = await verify(agent, org.id);
  expect(result).toMatchObject({ valid: true, entries: 21 });
  expect(result.chains[0]?.head?.chainSeq).toBe(21);
});

test('When entries exist from before the chain, then its migration chains them in the order they were written', async () => {
  const org = await buildOrganisation(ctx.services);
  const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
  const { agent } = await loginAs(ctx, owner);
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_chain`);
    for (const entity of ['a', 'b', 'c']) {
      await tx.execute(sql`insert into audit_log (organisation_id, action, entity_type, entity_id, occurred_at) values (${org.id}, 'legacy.entry', 'legacy', ${entity}, '2025-03-01T10:00:00.123456Z')`);
    }
    await tx.execute(sql`alter table audit_log enable trigger audit_log_chain`);
  });
  expect((await verify(agent, org.id)).firstBreak?.reason).toBe('not_chained');

  const migration = readFileSync(path.join(MIGRATIONS_DIR, '0012_audit_chain_trigger.sql'), 'utf8').split('--> statement-breakpoint');
  const backfill = migration.filter((statement) => /DISABLE TRIGGER audit_log_append_only|DO \$\$|ENABLE TRIGGER audit_log_append_only/.test(statement));
  expect(backfill).toHaveLength(3);
  await db.transaction(async (tx) => {
    for (const statement of backfill) await tx.execute(sql.raw(statement));
  });
  const result = await verify(agent, org.id);
  expect(result).toMatchObject({ valid: true, entries: 4 });
  const legacy = await rows<{ entity_id: string; chain_seq: string }>(sql`select entity_id, chain_seq from audit_log where action = 'legacy.entry' and organisation_id = ${org.id} order by id`);
  expect(legacy.map((r) => [r.entity_id, Number(r.chain_seq)])).toEqual([['a', 2], ['b', 3], ['c', 4]]);
});

test('When someone who does not own an organisation asks to verify its chain, then they are refused', async () => {
  const { org } = await organisationWithEntries(1);
  const outsider = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[await buildOrganisation(ctx.services), 'owner']] }));
  expect((await outsider.agent.get('/api/audit/verify').query({ organisationId: org.id })).status).toBe(404);
  const viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[org, 'viewer']] }));
  expect((await viewer.agent.get('/api/audit/verify')).status).toBe(403);
  const bad = await viewer.agent.get('/api/audit/verify').query({ organisationId: 'nope' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].path).toBe('query.organisationId');
  expect((await ctx.request().get('/api/audit/verify')).status).toBe(401);
});
