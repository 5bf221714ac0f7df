import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FORMAT_STEPS, stepsFrom, type FormatStep } from '../../server/exit/exit-archive';
import { EXPORT_FORMAT_VERSION } from '../../server/exit/exit-export';
import { createJobRunner } from '../../server/jobs/job-runner';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs } from '../helpers/factories';
import { binary } from '../helpers/http';

/**
 * An installation export made by format version 1, committed so that every later change to the
 * format proves it still imports: the importer migrates it forward one version at a time. It is
 * made from factory data (one organisation, its owner, an issued tender with an item written for
 * it) without the shipped library, to keep it small. `UPDATE_EXPORT_FIXTURE=1` writes it again;
 * only do that when a new format version is added, and keep the old file beside the new one.
 */
const FIXTURE = path.join(__dirname, 'fixtures', 'installation-export-v1.zip');
const OWNER_EMAIL = 'eier@fixturby.example';
const ADMIN_EMAIL = 'admin@fixturby.example';

const contexts: TestContext[] = [];
const dirs: string[] = [];

async function installation() {
  const dir = mkdtempSync(path.join(tmpdir(), 'datakrav-fixture-'));
  dirs.push(dir);
  const ctx = await createTestApp({ DATA_DIR: dir });
  contexts.push(ctx);
  return ctx;
}
const runJobs = (ctx: TestContext) => createJobRunner({ db: ctx.services.database.db, repository: ctx.services.jobs.repository, handlers: ctx.services.exit.jobHandlers }).runOnce();

afterAll(async () => {
  for (const ctx of contexts) await ctx.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

if (process.env.UPDATE_EXPORT_FIXTURE) {
  test('Writes the export fixture of today\'s format version', async () => {
    const ctx = await installation();
    const org = await buildOrganisation(ctx.services, { name: 'Fixturby kommune' });
    const owner = await loginAs(ctx, await buildUser(ctx.services, { email: OWNER_EMAIL, name: 'Fia Fixtur', memberships: [[org, 'owner']] }));
    const admin = await loginAs(ctx, await buildUser(ctx.services, { email: ADMIN_EMAIL, isAdmin: true }));
    const tender = await owner.agent.post('/api/tenders').set('X-CSRF-Token', owner.csrf).send({ title: 'Fixturanbud', reference: 'FIX/1', language: 'nb', domain: 'school', contactEmail: 'innkjop@fixturby.example' });
    await owner.agent
      .post(`/api/tenders/${tender.body.id}/items`)
      .set('X-CSRF-Token', owner.csrf)
      .send({ custom: { kind: 'requirement', type: 'A', title: 'Eksport av alle data', text: 'Leverandøren skal kunne eksportere alle data i åpne formater.' } })
      .expect(201);
    await owner.agent.post(`/api/tenders/${tender.body.id}/issue`).set('X-CSRF-Token', owner.csrf).expect(200);
    const requested = await admin.agent.post('/api/exit/exports').set('X-CSRF-Token', admin.csrf).send({ scope: 'installation' });
    await runJobs(ctx);
    const bytes = (await admin.agent.get(`/api/exit/exports/${requested.body.id}/download`).buffer(true).parse(binary)).body as Buffer;
    mkdirSync(path.dirname(FIXTURE), { recursive: true });
    writeFileSync(FIXTURE, bytes);
    expect(bytes.length).toBeGreaterThan(0);
  });
} else {
  test('When the committed export of format version 1 is imported into today\'s empty installation, then its organisation, accounts, issued tender and audit log are there', async () => {
    expect(existsSync(FIXTURE)).toBe(true);
    const ctx = await installation();
    const first = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
    const queued = await first.agent.post('/api/exit/imports').set('X-CSRF-Token', first.csrf).attach('file', readFileSync(FIXTURE), 'installation-export-v1.zip');
    expect(queued.status).toBe(202);
    expect(queued.body.formatVersion).toBe(1);
    await runJobs(ctx);
    const owner = await loginAs(ctx, { email: OWNER_EMAIL } as Parameters<typeof loginAs>[1]);
    const tenders = await owner.agent.get('/api/tenders');
    expect(tenders.body.items.map((t: { title: string; status: string }) => [t.title, t.status])).toEqual([['Fixturanbud', 'issued']]);
    const spec = await owner.agent.get(`/api/tenders/${tenders.body.items[0].id}/documents/requirements.json`).query({ revision: 1 });
    expect(spec.status).toBe(200);
    expect(JSON.stringify(spec.body)).toContain('Eksport av alle data');
    const admin = await loginAs(ctx, { email: ADMIN_EMAIL } as Parameters<typeof loginAs>[1]);
    expect((await admin.agent.get(`/api/exit/imports/${queued.body.id}`)).body).toMatchObject({ state: 'done', error: null });
    expect((await admin.agent.get('/api/audit/verify')).body).toMatchObject({ valid: true, firstBreak: null });
  });
}

test('When an export is older than today\'s format, then the importer takes it forward one version at a time, oldest step first', () => {
  const steps: FormatStep[] = [3, 1, 2].map((from) => ({ from, row: (_entity, row) => ({ ...row, steps: [...((row.steps as number[]) ?? []), from] }) }));
  const row = stepsFrom(2, steps).reduce<Record<string, unknown>>((r, step) => step.row?.('tenders', r) ?? r, {});
  expect(row.steps).toEqual([2, 3]);
  expect(stepsFrom(EXPORT_FORMAT_VERSION)).toEqual([]);
  expect(FORMAT_STEPS.every((s) => s.from < EXPORT_FORMAT_VERSION)).toBe(true);
});
