import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAuditRepository } from '../../server/audit/audit.repository';
import { verifyChains } from '../../server/audit/audit.service';
import { restoreBackup } from '../../server/db/backup';
import { createDatabase } from '../../server/db/client';
import { tenders as tendersTable } from '../../server/db/schema';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { binary } from '../helpers/http';

const onPostgres = Boolean(process.env.DATABASE_URL);
let ctx: TestContext;
let admin: LoggedIn;
let dir: string;


beforeAll(async () => {
  ctx = await createTestApp();
  admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
  dir = mkdtempSync(path.join(tmpdir(), 'datakrav-backup-test-'));
});
afterAll(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

(onPostgres ? test.skip : test)('When a backup is taken while 20 writers create and edit tenders, then it restores to a database that holds every write acknowledged before the backup began, with its audit chain intact', async () => {
  const city = await buildOrganisation(ctx.services);
  const writers = await Promise.all(Array.from({ length: 20 }, async () => loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }))));
  const acknowledged: { id: string; title: string; at: number }[] = [];
  const write = async (writer: LoggedIn, n: number, round: number) => {
    const created = await writer.agent.post('/api/tenders').set('X-CSRF-Token', writer.csrf).send({ title: `Skriver ${n} runde ${round}`, reference: `B/${n}/${round}`, language: 'nb', domain: 'school', contactEmail: 'innkjop@example.no' });
    expect(created.status).toBe(201);
    const title = `Skriver ${n} runde ${round}, endret`;
    const edited = await writer.agent.put(`/api/tenders/${created.body.id}`).set('X-CSRF-Token', writer.csrf).send({ title, version: created.body.version });
    expect(edited.status).toBe(200);
    acknowledged.push({ id: created.body.id, title, at: Date.now() });
  };
  await Promise.all(writers.map((w, n) => write(w, n, 1)));
  const running = Promise.all(writers.map((w, n) => write(w, n, 2)));
  const backupStarted = Date.now();
  const before = acknowledged.filter((a) => a.at <= backupStarted);
  const backup = await admin.agent.post('/api/exit/backup').set('X-CSRF-Token', admin.csrf).buffer(true).parse(binary);
  await running;
  expect(backup.status).toBe(200);
  const bytes = backup.body as Buffer;
  expect(backup.headers['x-content-sha256']).toBe(createHash('sha256').update(bytes).digest('hex'));
  expect(before.length).toBeGreaterThanOrEqual(20);

  const file = path.join(dir, 'backup.tar.gz');
  writeFileSync(file, bytes);
  const restoredDir = path.join(dir, 'restored');
  expect((await restoreBackup(file, restoredDir)).tables).toBeGreaterThan(20);
  await expect(restoreBackup(file, restoredDir)).rejects.toThrow(/not empty/);

  const restored = await createDatabase({ dataDir: restoredDir });
  try {
    await restored.migrate();
    const rows = await restored.db.select({ id: tendersTable.id, title: tendersTable.title }).from(tendersTable);
    const byId = new Map(rows.map((r) => [r.id, r.title]));
    expect(before.filter((a) => byId.get(a.id) !== a.title)).toEqual([]);
    const chains = await verifyChains(restored.db, createAuditRepository());
    expect(chains.firstBreak).toBeNull();
  } finally {
    await restored.close();
  }
  const [entry] = (await admin.agent.get('/api/audit').query({ action: 'exit.backup_taken' })).body.items;
  expect(entry.after).toMatchObject({ sha256: backup.headers['x-content-sha256'], bytes: bytes.length });
});

(onPostgres ? test : test.skip)('When a backup is asked of an installation on PostgreSQL, then it is refused with a pointer to pg_dump', async () => {
  const res = await admin.agent.post('/api/exit/backup').set('X-CSRF-Token', admin.csrf);
  expect(res.status).toBe(409);
  expect(res.body.code).toBe('exit.backup_use_pg_dump');
});

test('When someone who is not an administrator asks for a backup, then it is refused', async () => {
  const owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[await buildOrganisation(ctx.services), 'owner']] }));
  const res = await owner.agent.post('/api/exit/backup').set('X-CSRF-Token', owner.csrf);
  expect(res.status).toBe(403);
  expect(res.body.code).toBe('exit.backup_admin_required');
});
