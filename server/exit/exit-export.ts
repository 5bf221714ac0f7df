import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { deflateRawSync } from 'node:zlib';
import yazl from 'yazl';
import type { Database } from '../db/client';
import { EXIT_ENTITIES, entityColumns, primaryKeyOf, type ExitColumn, type ExitEntity, type ExitRepository } from './exit.repository';

/** The version of the export's layout; an importer migrates older versions forward. */
export const EXPORT_FORMAT_VERSION = 1;

const PAGE = 2000;

export type ManifestFile = { path: string; mediaType: string; rows?: number; bytes: number; sha256: string };
export type ChainHead = { chain: string; chainSeq: number; entryHash: string };
export type Manifest = {
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  scope: { kind: 'installation' } | { kind: 'organisation'; organisationId: string };
  files: ManifestFile[];
  auditChains: ChainHead[];
};

export type ExportInput = {
  db: Database;
  repository: ExitRepository;
  scope: Manifest['scope'];
  appVersion: string;
  createdAt: Date;
  readme: string;
  libraryFiles: () => Promise<{ path: string; text: string }[]>;
  /** The documents an issued revision is given out as (a `tender_revisions` row), generated from it as on download. */
  issuedDocuments: (revision: Record<string, unknown>) => Promise<{ name: string; bytes: Buffer; contentType: string }[]>;
  target: string;
  progress?: (percent: number) => Promise<void>;
};

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  return value;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : String(plain(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A JSON Schema (draft 2020-12) of one entity's JSON Lines rows, from its table's columns. */
export function entitySchema(entity: ExitEntity, columns: ExitColumn[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const column of columns) {
    let type: Record<string, unknown>;
    if (column.name === entity.fileColumn) {
      properties[`${column.name}_sha256`] = { type: 'string', pattern: '^[0-9a-f]{64}$', description: `The file's SHA-256; the bytes are in files/<sha256>.` };
      continue;
    }
    if (column.columnType === 'PgUUID') type = { type: 'string', format: 'uuid' };
    else if (column.dataType === 'date') type = { type: 'string', format: 'date-time' };
    else if (column.columnType === 'PgDateString' || column.columnType === 'PgDate') type = { type: 'string', format: 'date' };
    else if (column.dataType === 'number' || column.dataType === 'bigint') type = { type: column.columnType.includes('Integer') || column.columnType.includes('Serial') || column.columnType.includes('BigInt') ? 'integer' : 'number' };
    else if (column.dataType === 'boolean') type = { type: 'boolean' };
    else if (column.dataType === 'array') type = { type: 'array' };
    else if (column.dataType === 'json') type = {};
    else type = { type: 'string', ...(column.enumValues ? { enum: column.enumValues } : {}) };
    properties[column.name] = column.notNull || !('type' in type) ? type : { ...type, type: [type.type, 'null'] };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://datakrav.no/export/v${EXPORT_FORMAT_VERSION}/schemas/${entity.name}.schema.json`,
    title: entity.name,
    type: 'object',
    properties,
    required: columns.filter((c) => c.notNull).map((c) => (c.name === entity.fileColumn ? `${c.name}_sha256` : c.name)),
    additionalProperties: false,
  };
}

type DataModelField = string | { name: string; type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'date-time' };

/**
 * One entity's entry in `data-model.json`, the export described in Datakrav's own data-model
 * format, so that its sample-export checks can find every file, field and primary key.
 */
function dataModelEntry(entity: ExitEntity, columns: ExitColumn[]): Record<string, unknown> {
  const fields: DataModelField[] = columns.map((column) => {
    if (column.name === entity.fileColumn) return { name: `${column.name}_sha256`, type: 'string' };
    if (column.dataType === 'date') return { name: column.name, type: 'date-time' };
    if (column.columnType === 'PgDateString' || column.columnType === 'PgDate') return { name: column.name, type: 'date' };
    if (column.dataType === 'boolean') return { name: column.name, type: 'boolean' };
    return column.name;
  });
  const primaryKey = primaryKeyOf(entity);
  return { path: `data/${entity.name}.jsonl`, format: 'jsonl', ...(primaryKey ? { primaryKey } : {}), fields };
}

/** Writes a text file into the staging folder and answers its manifest line. */
async function writeText(dir: string, file: string, mediaType: string, text: string): Promise<ManifestFile> {
  return writeBytes(dir, file, mediaType, Buffer.from(text, 'utf8'));
}

async function writeBytes(dir: string, file: string, mediaType: string, bytes: Buffer): Promise<ManifestFile> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), bytes);
  return { path: file, mediaType, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A file written in pieces, hashed as it goes. */
async function openStream(dir: string, file: string) {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  const stream = createWriteStream(path.join(dir, file));
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    async write(text: string) {
      const chunk = Buffer.from(text, 'utf8');
      hash.update(chunk);
      bytes += chunk.length;
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async close(mediaType: string, rows?: number): Promise<ManifestFile> {
      stream.end();
      await once(stream, 'finish');
      return { path: file, mediaType, ...(rows === undefined ? {} : { rows }), bytes, sha256: hash.digest('hex') };
    },
  };
}

/** Entries stored as they are in the zip: already compressed (DOCX and XLSX are zips themselves). */
const STORED = /\.(docx|xlsx)$/;

/**
 * Whether deflating a file is worth its time, judged by its first 64 kB: evidence is often a PDF,
 * an image or a zip that deflate cannot shrink, and deflating it anyway is most of the zip's time.
 */
function compressible(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  return sample.length < 1024 || deflateRawSync(sample, { level: 1 }).length < sample.length * 0.9;
}

/** The record an issued revision's documents are generated from: its JSON Lines row with the table's own keys. */
function revisionFromRecord(columns: ExitColumn[], record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c.key, record[c.name]]));
}

/**
 * Writes an export: every entity in scope as JSON Lines with its JSON Schema and a CSV mirror,
 * evidence files by SHA-256, the library as YAML, the README, and the manifest, into a staging
 * folder page by page, then zips that folder, streaming from disk, to `target` (by way of a
 * temporary name, so a half-written export never has the final name).
 *
 * Every row is read in one read-only REPEATABLE READ transaction, so the export is one consistent
 * cut of the installation even while it is written to. The embedded database has one connection,
 * so there every other statement waits while that transaction reads; it therefore only reads rows
 * and writes them to the staging folder. The issued documents are generated afterwards from the
 * exported revisions, and the zip is written after that.
 */
export async function writeExport(input: ExportInput): Promise<{ manifest: Manifest; bytes: number; sha256: string }> {
  const staging = await mkdtemp(path.join(tmpdir(), 'datakrav-export-'));
  try {
    const files: ManifestFile[] = [];
    const written = new Set<string>();
    const stored = new Set<string>();
    const heads = new Map<string, ChainHead>();
    const dataModel: Record<string, unknown>[] = [];
    const organisationId = input.scope.kind === 'organisation' ? input.scope.organisationId : null;
    const entities = EXIT_ENTITIES.filter((e) => organisationId === null || e.organisation);
    // Inside the snapshot progress is reported without waiting: on the embedded database the
    // report's own statement can only run once the snapshot's transaction has ended.
    const report = (percent: number) => {
      input.progress?.(percent).catch(() => undefined);
    };
    await input.repository.snapshot(input.db, async (tx) => {
      for (const [index, entity] of entities.entries()) {
        const columns = entityColumns(entity);
        const omitted = new Set([...(entity.omit ?? []), ...(organisationId ? (entity.omitForOrganisation ?? []) : [])]);
        const kept = columns.filter((c) => !omitted.has(c.name));
        const fileColumn = kept.find((c) => c.name === entity.fileColumn);
        files.push(await writeText(staging, `schemas/${entity.name}.schema.json`, 'application/schema+json', `${JSON.stringify(entitySchema(entity, kept), null, 2)}\n`));
        dataModel.push(dataModelEntry(entity, kept));
        const jsonl = await openStream(staging, `data/${entity.name}.jsonl`);
        const csv = await openStream(staging, `csv/${entity.name}.csv`);
        await csv.write(`${kept.map((c) => (c === fileColumn ? `${c.name}_sha256` : c.name)).join(',')}\r\n`);
        let rows = 0;
        for await (const page of input.repository.pages(tx, entity, organisationId, PAGE)) {
          let jsonLines = '';
          let csvLines = '';
          for (const row of page) {
            const record: Record<string, unknown> = {};
            const cells: string[] = [];
            for (const column of kept) {
              const value = row[column.key];
              if (column === fileColumn && value instanceof Uint8Array) {
                const sha256 = createHash('sha256').update(value).digest('hex');
                const file = `files/${sha256}`;
                if (!written.has(file)) {
                  written.add(file);
                  await mkdir(path.join(staging, 'files'), { recursive: true });
                  await writeFile(path.join(staging, file), value);
                  if (!compressible(value)) stored.add(file);
                  files.push({ path: file, mediaType: 'application/octet-stream', bytes: value.length, sha256 });
                }
                record[`${column.name}_sha256`] = sha256;
                cells.push(sha256);
              } else {
                const exported = plain(value ?? null);
                record[column.name] = exported;
                cells.push(csvCell(exported));
              }
            }
            if (entity.name === 'audit_log' && typeof record.chain === 'string') {
              const seq = Number(record.chain_seq);
              const current = heads.get(record.chain);
              if (!current || seq > current.chainSeq) heads.set(record.chain, { chain: record.chain, chainSeq: seq, entryHash: String(record.entry_hash) });
            }
            jsonLines += `${JSON.stringify(record)}\n`;
            csvLines += `${cells.join(',')}\r\n`;
            rows += 1;
          }
          await jsonl.write(jsonLines);
          await csv.write(csvLines);
        }
        files.push(await jsonl.close('application/jsonl', rows));
        files.push(await csv.close('text/csv', rows));
        report(Math.floor(((index + 1) / (entities.length + 2)) * 80));
      }
    });
    await input.progress?.(80);
    const revisions = entities.find((e) => e.name === 'tender_revisions');
    if (revisions) {
      const columns = entityColumns(revisions);
      const lines = createInterface({ input: createReadStream(path.join(staging, 'data', 'tender_revisions.jsonl')), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line === '') continue;
        const record = JSON.parse(line) as Record<string, unknown>;
        for (const document of await input.issuedDocuments(revisionFromRecord(columns, record))) {
          const file = `documents/${String(record.tender_id)}/${String(record.revision)}/${document.name}`;
          files.push(await writeBytes(staging, file, document.contentType, document.bytes));
        }
      }
    }
    await input.progress?.(90);
    for (const file of await input.libraryFiles()) files.push(await writeText(staging, `library/${file.path}`, 'application/yaml', file.text));
    files.push(await writeText(staging, 'data-model.json', 'application/json', `${JSON.stringify({ datakravDataModel: 1, name: 'Datakrav export', files: dataModel }, null, 2)}\n`));
    files.push(await writeText(staging, 'README.md', 'text/markdown', input.readme));
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest: Manifest = {
      formatVersion: EXPORT_FORMAT_VERSION,
      appVersion: input.appVersion,
      createdAt: input.createdAt.toISOString(),
      scope: input.scope,
      files,
      auditChains: [...heads.values()].sort((a, b) => (a.chain < b.chain ? -1 : 1)),
    };
    await writeFile(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const result = await zipFolder(staging, ['manifest.json', ...files.map((f) => f.path)], input.target, (name) => STORED.test(name) || stored.has(name));
    await input.progress?.(100);
    return { manifest, ...result };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function zipFolder(dir: string, names: string[], target: string, storedAsIs: (name: string) => boolean): Promise<{ bytes: number; sha256: string }> {
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const zip = new yazl.ZipFile();
  const mtime = new Date('2020-01-01T00:00:00Z');
  for (const name of names) zip.addReadStream(createReadStream(path.join(dir, name)), name, { mtime, mode: 0o100644, compress: !storedAsIs(name) });
  zip.end();
  const out = createWriteStream(partial);
  const hash = createHash('sha256');
  zip.outputStream.on('data', (chunk: Buffer) => hash.update(chunk));
  zip.outputStream.pipe(out);
  await once(out, 'finish');
  await rename(partial, target);
  return { bytes: (await stat(target)).size, sha256: hash.digest('hex') };
}

