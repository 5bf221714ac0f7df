import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkReportSchema } from '../../server/checks/checks.schemas';
import { createCheckPool, type CheckPool } from '../../server/checks/checks.pool';
import { checksDeclarationSchema } from '../../server/checks/rules.catalogue';
import { fixture, file } from './helpers';

const exportChecks = checksDeclarationSchema.parse([{ rule: 'export.parses' }, { rule: 'export.iso-dates' }]);

function bigCsv(rows: number): Buffer {
  const lines = ['id;navn;dato'];
  for (let i = 0; i < rows; i++) lines.push(`${i};Navn nummer ${i};2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
  return Buffer.from(lines.join('\n'));
}

function ping(server: Server): Promise<number> {
  const started = performance.now();
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    }).on('error', reject);
  });
}

describe('the check pool (worker threads with a time and memory budget)', () => {
  let pool: CheckPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  test('When a check runs in the pool, then the worker loads from the TypeScript sources and the report, with progress, comes back valid', async () => {
    pool = createCheckPool({ threads: 1 });
    const progress: number[] = [];
    const report = await pool.run({ files: [fixture('elever.csv'), fixture('good-openapi.yaml')], checks: checksDeclarationSchema.parse([{ rule: 'openapi.parses' }, { rule: 'export.parses' }]) }, { onProgress: (p) => progress.push(p) });
    expect(checkReportSchema.safeParse(report).success).toBe(true);
    expect(report.stopped).toBeNull();
    expect(report.rules.map((r) => [r.rule, r.outcome])).toEqual([['files.readable', 'pass'], ['openapi.parses', 'pass'], ['export.parses', 'pass']]);
    expect(progress.at(-1)).toBe(100);
  }, 60_000);

  test('When a check takes longer than its time budget, then it is reported failed with the reason while the serving thread keeps answering', async () => {
    pool = createCheckPool({ threads: 1, timeBudgetMs: 300 });
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const running = pool.run({ files: [file('stor.csv', bigCsv(600_000))], checks: exportChecks });
      const latencies: number[] = [];
      let settled = false;
      void running.finally(() => (settled = true));
      while (!settled) {
        latencies.push(await ping(server));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const report = await running;
      expect(report.stopped?.reason).toBe('time_budget');
      expect(report.stopped?.message.en).toBe('The check was stopped because it took more than 0.3 seconds.');
      expect(report.summary.outcome).toBe('fail');
      expect(report.rules.map((r) => r.outcome)).toEqual(['fail', 'fail', 'fail']);
      expect(report.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
      // Had the check run on this thread, no ping would be answered until it ended (seconds);
      // the bound leaves room for a machine shared with other work.
      expect(latencies.length).toBeGreaterThan(3);
      expect(Math.max(...latencies)).toBeLessThan(1000);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const after = await pool.run({ files: [fixture('elever.csv')], checks: exportChecks });
    expect(after.stopped).toBeNull();
    expect(after.summary.outcome).toBe('pass');
  }, 60_000);

  test('When a check needs more memory than the thread may use, then it is reported failed with the memory reason', async () => {
    pool = createCheckPool({ threads: 1, memoryMb: 48 });
    const records = Array.from({ length: 400_000 }, (_, i) => ({ id: i, navn: `Navn ${i}`, liste: [i, i + 1, i + 2] }));
    const report = await pool.run({ files: [file('stor.json', JSON.stringify(records))], checks: exportChecks });
    expect(report.stopped?.reason).toBe('memory_budget');
    expect(report.stopped?.message.en).toBe('The check was stopped because it used more than 48 MB of memory.');
  }, 60_000);
});
