import { count } from 'drizzle-orm';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo.seed';
import { jointSetComments, jointSetDeviations, jointSetRevisions, jointSetSignoffs, jointSets } from '../../server/joint-sets/joint-sets.table';
import { createTestApp, type TestContext } from '../helpers/app';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'demo' });
});
afterAll(() => ctx.close());

async function counts(): Promise<number[]> {
  const { db } = ctx.services.database;
  const tables = [jointSets, jointSetRevisions, jointSetComments, jointSetSignoffs, jointSetDeviations];
  return Promise.all(tables.map(async (table) => Number((await db.select({ n: count() }).from(table))[0]?.n)));
}

describe('demo joint set', () => {
  test('When the demo is seeded, then the participant sees an adopted revision signed by both cities with its deviation, and a revision in consultation', async () => {
    const agent = ctx.request();
    await agent.post('/api/session').send({ email: 'koordinator@provestad.example', password: DEMO_PASSWORD }).expect(201);
    const list = await agent.get('/api/joint-sets');
    expect(list.status).toBe(200);
    const set = list.body.items.find((s: { title: string }) => s.title === 'Felles krav til tilgang til skoledata (demo)');
    expect(set.coordinator).toBe('Eksempelby kommune (demo)');
    // Newest revision first.
    expect(set.revisions.map((r: { number: number; status: string }) => [r.number, r.status])).toEqual([
      [2, 'consultation'],
      [1, 'adopted'],
    ]);

    const adopted = (await agent.get(`/api/joint-sets/${set.id}/revisions/1`)).body;
    expect(adopted.coordination.signed.map((s: { name: string }) => s.name).sort()).toEqual(['Eksempelby kommune (demo)', 'Prøvestad kommune (demo)']);
    expect(adopted.coordination.pending).toEqual([]);
    expect(adopted.deviations).toEqual([expect.objectContaining({ key: 'PRI-001', kind: 'exclude', organisation: 'Prøvestad kommune (demo)' })]);
    expect(adopted.comments).toEqual([expect.objectContaining({ key: 'EXP-001', position: 'change', resolution: 'noted' })]);

    const consultation = (await agent.get(`/api/joint-sets/${set.id}/revisions/2`)).body;
    expect(consultation.comments).toEqual([expect.objectContaining({ position: 'agree', resolution: null })]);
    const diff = await agent.get(`/api/joint-sets/${set.id}/diff`).query({ from: 1, to: 2 });
    expect(diff.status).toBe(200);
    expect(JSON.stringify(diff.body)).toContain('EXIT-010');

    const page = await agent.get(`/joint-sets/${set.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Felles krav til tilgang til skoledata (demo)');
  });

  test('When the demo is seeded again, then nothing is added', async () => {
    const before = await counts();
    expect(before[0]).toBe(1);
    await seedDemo(ctx.services);
    expect(await counts()).toEqual(before);
  });
});
