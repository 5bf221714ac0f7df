import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { MIGRATIONS_DIR } from '../shared/paths';
import * as schema from './schema';
import { createTurns, type Turns } from './turns';

export type Schema = typeof schema;
/** The Drizzle database or a transaction on it; repositories accept either. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = 'pglite' | 'postgres';
export type WriteCounter = { generation(): number; exclusive: boolean };

export type DatabaseHandle = {
  db: Database;
  kind: DatabaseKind;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * A count of the statements this process sent that may have written. On the embedded database,
   * which only this process opens (`exclusive`), a value read while the count stays the same is
   * still the database's value, so caches need not ask again; on PostgreSQL other instances write
   * too, so the count only tells what this process changed.
   */
  writes: WriteCounter;
  /**
   * The embedded database's data folder as a gzipped tar, taken between two statements of the
   * one connection, so it is a consistent snapshot while the app runs; `null` on PostgreSQL,
   * where pg_dump does this.
   */
  dumpDataDir(): Promise<Blob | null>;
};

/** Arbitrary constant key for the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 7_311_024_001;

/**
 * `template`: for the embedded database, a dump of a migrated empty database (see template.ts)
 * that a new data folder or an in-memory database starts from instead of running initdb.
 */
export type DatabaseOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  inMemory?: boolean;
  /** The template, or a function that reads it: called only when a new data folder (or an in-memory database) is made. */
  template?: Blob | (() => Promise<Blob | undefined>) | undefined;
  /** Told of every statement the app sends, with its parameters: how tests count and explain the queries a request makes. */
  onQuery?: ((query: string, params: unknown[]) => void) | undefined;
};

export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let generation = 0;
  const counter = { generation: () => generation, raise: () => (generation += 1) };
  const logger = {
    logQuery: (query: string, params: unknown[]) => {
      if (mayWrite(query)) generation += 1;
      options.onQuery?.(query, params);
    },
  };
  if (options.databaseUrl) return createPostgres(options.databaseUrl, options.poolSize ?? 10, logger, counter);
  return createPglite(options.inMemory ? undefined : path.resolve(options.dataDir ?? './data', 'pglite'), options.template, logger, counter);
}

/**
 * PostgreSQL's shared buffers live in PGlite's WebAssembly memory, which is touched as pages are
 * cached and never given back: the default 128 MB was a third of the app's resident memory once
 * warm. The database file pages stay in the operating system's cache either way, so a smaller
 * buffer costs a copy on a miss, not a disk read.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * Unpacks the template (a gzipped tar of regular files and folders, as PGlite dumps it) into a new
 * data folder. PGlite's own loading inflates the archive and copies each file through its
 * virtual file system: after a start measured that way, 87 MB of array buffers were still
 * reachable after a full garbage collection. Streaming the archive through tar-stream kept the
 * memory low but cost a millisecond a file (1,200 files); the archive is small (5 MB, 40 MB
 * inflated), so it is inflated at once and its headers read here. Unpacked beside the folder and
 * renamed into place, so that a start interrupted half-way leaves no folder that looks like a
 * database.
 */
async function extractTemplate(template: Blob, dataDir: string): Promise<void> {
  const archive = gunzipSync(new Uint8Array(await template.arrayBuffer()));
  const partial = `${dataDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const text = (offset: number, length: number) => archive.toString('utf8', offset, offset + length).replace(/\0.*$/s, '');
  for (let offset = 0; offset + TAR_BLOCK <= archive.length; ) {
    const name = [text(offset + 345, 155), text(offset + 0, 100)].filter(Boolean).join('/');
    if (name === '') break; // the two empty blocks that end the archive
    const size = Number.parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(archive[offset + 156] ?? 0);
    const target = path.join(partial, name);
    if (!Number.isSafeInteger(size) || path.relative(partial, target).startsWith('..')) throw new Error(`the database template is not a usable archive (at ${name})`);
    const body = offset + TAR_BLOCK;
    if (type === '5') {
      mkdirSync(target, { recursive: true });
    } else if (type === '0' || type === '\0') {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, archive.subarray(body, body + size));
    }
    offset = body + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(partial, dataDir);
}

const TAR_BLOCK = 512;

type QueryLogger = { logQuery: (query: string, params: unknown[]) => void };
type Counter = { generation: () => number; raise: () => void };

/**
 * Statements that cannot write: a SELECT (or a WITH of SELECTs) naming no data-changing command
 * or row lock. Anything else counts as a write; counting a read as a write only costs a cache a
 * second look.
 */
const READ_ONLY = /^\s*(?:select|with)\b/i;
const MAY_WRITE = /\b(?:insert|update|delete|truncate|merge|for\s+(?:no\s+key\s+)?(?:update|share)|nextval|setval)\b/i;

export function mayWrite(query: string): boolean {
  return !READ_ONLY.test(query) || MAY_WRITE.test(query);
}

function drizzleOnPglite(client: PGlite, logger?: QueryLogger) {
  return drizzlePglite({ client, schema, casing: 'snake_case', ...(logger ? { logger } : {}) });
}

/** The app's database on a PGlite client, as the app maps it (its schema, snake_case columns): for code that opens PGlite itself, as the build does for its templates. */
export function databaseOnPglite(client: PGlite): Database {
  return drizzleOnPglite(client) as unknown as Database;
}

/** How long the embedded database's statements may run in one turn of the event loop before the next waits for the next turn (see turns.ts). */
const STATEMENT_TURN_MS = 10;

/** Statements, and transactions as a whole, take turns (see turns.ts); the statements inside a transaction run within its turn. */
function takeTurns(client: PGlite, turns: Turns): void {
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<typeof query>) => turns.run(() => query(...args))) as typeof client.query;
  client.exec = ((...args: Parameters<typeof exec>) => turns.run(() => exec(...args))) as typeof client.exec;
  client.transaction = ((...args: Parameters<typeof transaction>) => turns.run(() => transaction(...args))) as typeof client.transaction;
}

async function createPglite(dataDir: string | undefined, templateOrReader: DatabaseOptions['template'], logger: QueryLogger, counter: Counter): Promise<DatabaseHandle> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const fresh = !dataDir || !existsSync(path.join(dataDir, 'PG_VERSION'));
  const template = typeof templateOrReader === 'function' ? (fresh ? await templateOrReader() : undefined) : templateOrReader;
  if (dataDir && fresh && template) await extractTemplate(template, dataDir);
  const client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(!dataDir && template ? { loadDataDir: template } : {}), startParams: PGLITE_START_PARAMS });
  takeTurns(client, createTurns(STATEMENT_TURN_MS));
  const pglite = drizzleOnPglite(client, logger);
  const db = pglite as unknown as Database;
  return {
    db,
    kind: 'pglite',
    writes: { generation: counter.generation, exclusive: true },
    migrate: async () => {
      counter.raise();
      await migratePglite(pglite, { migrationsFolder: MIGRATIONS_DIR });
    },
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
    dumpDataDir: () => client.dumpDataDir('gzip'),
  };
}

async function createPostgres(url: string, poolSize: number, logger: QueryLogger, counter: Counter): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'datakrav' });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  const db = drizzlePostgres({ client: pool, schema, casing: 'snake_case', logger }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    writes: { generation: counter.generation, exclusive: false },
    migrate: async () => {
      counter.raise();
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migratePostgres(drizzlePostgres({ client, casing: 'snake_case' }), { migrationsFolder: MIGRATIONS_DIR });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
    dumpDataDir: async () => null,
  };
}
