/**
 * The machine checks, each part (`openapi`, `csv`: the first argument) in a process of its own
 * so that its RSS is the check's alone. `bench/run.ts` starts both. Targets: an OpenAPI description of 2,000 operations analysed in
 * under 2 s; a 50 MB CSV sample checked in under 10 s with the process's RSS under 300 MB.
 * Each is measured through the worker pool, as the app runs it, beside a floor measured in the
 * same run: the parser alone on the same file (@readme/openapi-parser's validation; csv-parse).
 */
import { validate } from '@readme/openapi-parser';
import { parse as csvParse } from 'csv-parse';
import { finished } from 'node:stream/promises';
import { createCheckPool } from '../server/checks/checks.pool';
import { checksDeclarationSchema } from '../server/checks/rules.catalogue';

const OBJECT_TYPES = 500;
const CSV_BYTES = 50 * 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** 500 object types, each with list, read, create and update: 2,000 operations. */
function largeDescription(): Buffer {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { Problem: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } } };
  const problem = { description: 'Feil', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  for (let i = 0; i < OBJECT_TYPES; i++) {
    const name = `Objekt${i}`;
    const ref = { $ref: `#/components/schemas/${name}` };
    schemas[name] = { type: 'object', required: ['id'], properties: { id: { type: 'string' }, navn: { type: 'string' }, endret: { type: 'string', format: 'date-time' }, forelder: i > 0 ? { $ref: `#/components/schemas/Objekt${Math.floor(i / 10)}` } : { type: "string" } } };
    paths[`/objekter${i}`] = {
      get: { operationId: `list${i}`, parameters: [{ name: 'cursor', in: 'query', schema: { type: 'string' } }, { name: 'changedSince', in: 'query', schema: { type: 'string', format: 'date-time' } }], responses: { '200': { description: 'Side', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: ref }, next: { type: 'string' } } } } } }, '400': problem } },
      post: { operationId: `create${i}`, requestBody: { content: { 'application/json': { schema: ref } } }, responses: { '201': { description: 'Opprettet', content: { 'application/json': { schema: ref } } }, '400': problem } },
    };
    paths[`/objekter${i}/{id}`] = {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: { operationId: `get${i}`, responses: { '200': { description: 'Objektet', content: { 'application/json': { schema: ref } } }, '404': problem } },
      put: { operationId: `update${i}`, requestBody: { content: { 'application/json': { schema: ref } } }, responses: { '200': { description: 'Endret', content: { 'application/json': { schema: ref } } }, '404': problem } },
    };
  }
  paths['/eksport'] = { post: { operationId: 'eksport', responses: { '202': { description: 'Startet', content: { 'application/json': { schema: { type: 'object', properties: { jobb: { type: 'string' } } } } } }, '429': problem } } };
  const doc = {
    openapi: '3.0.3',
    info: { title: 'Stort fagsystem', version: '3.1.0', description: 'Versjonering: utfasede versjoner varsles tolv måneder før de slås av (deprecated).' },
    security: [{ maskinporten: [] }],
    paths,
    components: { schemas, securitySchemes: { maskinporten: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://maskinporten.example/token', scopes: {} } } } } },
  };
  return Buffer.from(JSON.stringify(doc));
}

/** About 50 MB of CSV: semicolons, a header, an id, names with Norwegian letters, dates and date-times. */
function largeCsv(): Buffer {
  const buffer = Buffer.allocUnsafe(CSV_BYTES + 1024);
  let at = buffer.write('elevId;fornavn;etternavn;fodselsdato;endret;merknad\n');
  for (let row = 1; at < CSV_BYTES; row++) {
    const day = String((row % 28) + 1).padStart(2, '0');
    at += buffer.write(`E${row};Åse ${row % 97};Ødegård-Bjørnstad;2012-03-${day};2025-01-${day}T10:${String(row % 60).padStart(2, '0')}:00+01:00;Elev på ${row % 13}. trinn, skole nr. ${row % 211}\n`, at);
  }
  // A buffer of its own (not a view into a larger one), so the pool can move it to the worker.
  return Buffer.concat([buffer.subarray(0, at)], at);
}

const CSV_MODEL = Buffer.from(
  [
    'datakravDataModel: 1',
    'files:',
    '  - path: elever.csv',
    '    format: csv',
    '    delimiter: ";"',
    '    primaryKey: [elevId]',
    '    fields: [elevId, fornavn, etternavn, { name: fodselsdato, type: date }, { name: endret, type: date-time }, merknad]',
  ].join('\n'),
);

async function csvFloor(bytes: Buffer): Promise<void> {
  const parser = csvParse({ delimiter: ';', relax_column_count: true, on_record: () => null });
  parser.resume();
  const done = finished(parser);
  for (let i = 0; i < bytes.length; i += 1024 * 1024) if (!parser.write(bytes.subarray(i, i + 1024 * 1024))) await new Promise((resolve) => parser.once('drain', resolve));
  parser.end();
  await done;
}

async function benchOpenApi(pool: ReturnType<typeof createCheckPool>): Promise<string> {
  const api = largeDescription();
  const openapiChecks = checksDeclarationSchema.parse(['openapi.parses', 'openapi.response-schemas', 'openapi.read-operations', 'openapi.pagination', 'openapi.bulk-changes', 'openapi.security', 'openapi.versioning', 'openapi.error-schemas'].map((rule) => ({ rule })));
  const apiFile = { name: 'api.json', bytes: api };
  const warm = await pool.run({ files: [apiFile], checks: openapiChecks });
  if (warm.summary.outcome !== 'pass') throw new Error(`the generated description does not pass: ${JSON.stringify(warm.findings.filter((f) => f.outcome === 'fail').slice(0, 3))}`);
  const operations = warm.findings.find((f) => f.rule === 'openapi.parses')?.details?.operations;
  const endToEnd: number[] = [];
  const floor: number[] = [];
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  for (let run = 0; run < 5; run++) {
    let t = performance.now();
    await pool.run({ files: [apiFile], checks: openapiChecks });
    endToEnd.push(performance.now() - t);
    t = performance.now();
    await validate(JSON.parse(api.toString('utf8')), { resolve: { external: false, file: false }, dereference: { circular: 'ignore' } });
    floor.push(performance.now() - t);
  }
  clearInterval(sampler);
  const [apiMs, apiFloor] = [median(endToEnd), median(floor)];
  return `OpenAPI description of ${operations} operations (${(api.length / 1024 / 1024).toFixed(1)} MB JSON), all 8 OpenAPI rules in the worker pool: median ${apiMs.toFixed(0)} ms — target < 2000 ms: ${apiMs < 2000 ? 'met' : 'NOT met'}; floor (@readme/openapi-parser validate alone, same file, same process): median ${apiFloor.toFixed(0)} ms; ratio ${(apiMs / apiFloor).toFixed(2)}; peak RSS of the process (check and floor) ${(peak / 1024 / 1024).toFixed(0)} MB`;
}

async function benchCsv(pool: ReturnType<typeof createCheckPool>): Promise<string> {
  await pool.run({ files: [{ name: 'a.csv', bytes: Buffer.from('a\n1\n') }], checks: checksDeclarationSchema.parse([{ rule: 'export.parses' }]) });
  const csv = largeCsv();
  const csvMb = csv.length / 1024 / 1024;
  const exportChecks = checksDeclarationSchema.parse(['export.parses', 'export.utf8', 'export.data-model', 'export.records', 'export.iso-dates'].map((rule) => ({ rule })));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  let t = performance.now();
  const report = await pool.run({ files: [{ name: 'elever.csv', bytes: csv }, { name: 'datamodell.yaml', bytes: CSV_MODEL }], checks: exportChecks }, { moveFiles: true });
  const csvMs = performance.now() - t;
  clearInterval(sampler);
  if (report.summary.outcome !== 'pass') throw new Error(`the generated CSV does not pass: ${JSON.stringify(report.findings.filter((f) => f.outcome === 'fail').slice(0, 3))}`);
  const rows = report.findings.find((f) => f.rule === 'export.records')?.details?.records;
  // The check took the file's memory; the floor parses the same content, made again, after the check.
  const again = largeCsv();
  t = performance.now();
  await csvFloor(again);
  const csvFloorMs = performance.now() - t;
  const peakMb = peak / 1024 / 1024;
  return `CSV sample of ${csvMb.toFixed(0)} MB (${rows} rows; parses, UTF-8, data model, records with primary key, ISO dates) in the worker pool: ${csvMs.toFixed(0)} ms — target < 10000 ms: ${csvMs < 10_000 ? 'met' : 'NOT met'}; peak RSS of the process during the check ${peakMb.toFixed(0)} MB — target < 300 MB: ${peakMb < 300 ? 'met' : 'NOT met'}; floor (csv-parse alone, same file, same process): ${csvFloorMs.toFixed(0)} ms; ratio ${(csvMs / csvFloorMs).toFixed(2)}`;
}

async function main(): Promise<void> {
  const part = process.argv[2];
  if (part !== 'openapi' && part !== 'csv') throw new Error('usage: checks.bench.ts openapi|csv');
  const pool = createCheckPool({ threads: 1, memoryMb: 256 });
  try {
    process.stdout.write(`${part === 'openapi' ? await benchOpenApi(pool) : await benchCsv(pool)}\n`);
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
