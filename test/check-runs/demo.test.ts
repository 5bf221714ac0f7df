import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';

type Run = { id: string; state: string; requirementKeys: string[]; files: { name: string }[]; report: { summary: { outcome: string }; rules: { rule: string; outcome: string }[]; findings: { rule: string; outcome: string; message: { nb: string; en: string } }[] } | null };

let ctx: TestContext;
let jobsRun = 0;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'demo' });
  // What the job runner does after the first start: work every queued check.
  for (let ran = await ctx.services.jobs.runner.runOnce(); ran.length > 0; ran = await ctx.services.jobs.runner.runOnce()) jobsRun += ran.length;
}, 300_000);
afterAll(async () => {
  await ctx.services.jobs.stop();
  await ctx.close();
});

async function council() {
  const agent = ctx.request();
  await agent.post('/api/session').send({ email: 'radsmedlem@eksempelby.example', password: DEMO_PASSWORD }).expect(201);
  return agent;
}

async function demoProduct(agent: Awaited<ReturnType<typeof council>>, name: string): Promise<{ versionId: string; runs: Run[] }> {
  const products = await agent.get('/api/products').query({ q: name });
  const product = products.body.items.find((p: { name: string }) => p.name === name) as { id: string; latestVersion: string };
  const versions = (await agent.get(`/api/products/${product.id}`)).body.versions as { id: string; label: string }[];
  const versionId = versions.find((v) => v.label === product.latestVersion)?.id as string;
  expect(versionId).toEqual(expect.any(String));
  const list = await agent.get('/api/check-runs').query({ productVersionId: versionId });
  expect(list.status).toBe(200);
  const runs = await Promise.all(list.body.items.map(async (r: { id: string }) => (await agent.get(`/api/check-runs/${r.id}`)).body as Run));
  return { versionId, runs: runs.sort((a, b) => (a.requirementKeys[0] ?? '').localeCompare(b.requirementKeys[0] ?? '')) };
}

describe('demo check reports', () => {
  test('When the demo is seeded and its jobs have run, then the good product\'s reports pass every rule they ran', async () => {
    expect(jobsRun).toBe(4);
    const { runs } = await demoProduct(await council(), 'Elevportalen');
    expect(runs.map((r) => [r.requirementKeys, r.state, r.report?.summary.outcome])).toEqual([
      [['API-001'], 'done', 'pass'],
      [['EXP-003'], 'done', 'pass'],
    ]);
    expect(runs[0]?.files.map((f) => f.name)).toEqual(['elevportalen-api.yaml']);
    expect(runs[1]?.files.map((f) => f.name)).toEqual(['datamodell.yaml', 'elever.csv', 'klasser.xml', 'klasser.xsd', 'skoler.json', 'skoler.schema.json']);
    for (const run of runs) expect(run.report?.rules.filter((r) => r.outcome !== 'pass')).toEqual([]);
  });

  test('When the demo is seeded and its jobs have run, then the poor product\'s reports fail several rules, each with named findings', async () => {
    const { runs } = await demoProduct(await council(), 'Saksflyt');
    expect(runs.map((r) => [r.requirementKeys, r.state, r.report?.summary.outcome])).toEqual([
      [['API-001'], 'done', 'fail'],
      [['EXP-003'], 'done', 'fail'],
    ]);
    const failing = (run: Run | undefined) => run?.report?.rules.filter((r) => r.outcome === 'fail').map((r) => r.rule);
    expect(failing(runs[0])).toEqual(['openapi.read-operations', 'openapi.response-schemas', 'openapi.pagination', 'openapi.security', 'openapi.error-schemas']);
    expect(failing(runs[1])).toEqual(['export.parses', 'export.json-schema', 'export.data-model', 'export.records']);
    const messages = runs.flatMap((r) => r.report?.findings.filter((f) => f.outcome === 'fail').map((f) => f.message.nb) ?? []);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Ingen GET-operasjon gir Journalpost.',
        'GET /saker gir en liste, men har verken side- eller markørparameter, Link-hode eller et «next»-felt.',
        'Fila «dokumenter.csv» står i datamodellen, men finnes ikke i eksporten.',
        'Primærnøkkelen saksId = «2024/101» finnes fra før.',
      ]),
    );
  });

  test('When the council opens the product pages and the matrix, then only the good product\'s checked cells carry the machine-checked marker', async () => {
    const agent = await council();
    const baseline = (await agent.get('/api/profiles')).body.items.find((p: { slug: string }) => p.slug === 'baseline');
    const good = await demoProduct(agent, 'Elevportalen');
    const poor = await demoProduct(agent, 'Saksflyt');
    const markers = (html: string) => html.match(/✓ maskinkontroll/g) ?? [];

    const goodPage = await agent.get(`/assessments/products/${good.versionId}`).query({ profileId: baseline.id });
    expect(goodPage.status).toBe(200);
    expect(markers(goodPage.text)).toHaveLength(2);
    const poorPage = await agent.get(`/assessments/products/${poor.versionId}`).query({ profileId: baseline.id });
    expect(poorPage.status).toBe(200);
    expect(poorPage.text).toContain('Saksflyt');
    expect(markers(poorPage.text)).toEqual([]);

    const matrix = await agent.get('/assessments/compare').query({ profileId: baseline.id });
    expect(matrix.status).toBe(200);
    expect(markers(matrix.text)).toHaveLength(2);
    const rows = matrix.text.split('<tr').filter((row) => markers(row).length > 0);
    expect(rows.every((row) => row.includes('API-001') || row.includes('EXP-003'))).toBe(true);
  });

  test('When the demo is seeded again, then no evidence is added and no check is queued twice', async () => {
    await seedDemo(ctx.services);
    expect(await ctx.services.jobs.runner.runOnce()).toEqual([]);
    const agent = await council();
    expect((await demoProduct(agent, 'Elevportalen')).runs).toHaveLength(2);
    expect((await demoProduct(agent, 'Saksflyt')).runs).toHaveLength(2);
  });
});
