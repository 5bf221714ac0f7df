import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_DIR } from '../shared/paths';

/**
 * A freshly created PGlite database runs initdb in WebAssembly, which takes most of a first
 * start. A template is a dump of an empty database with every migration applied; a new data
 * folder (or an in-memory test database) is loaded from it instead. The template's name carries
 * a fingerprint of the migrations, so a template made before a migration was added is never used.
 */
export function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  hash.update(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json')));
  // The way the template is made: a template made before its dump was checkpointed is not reused.
  hash.update('checkpointed');
  return hash.digest('hex').slice(0, 16);
}

export function templateFile(dir: string): string {
  return path.join(dir, `pglite-template-${migrationsFingerprint()}.tar.gz`);
}

/** Writes the template for the current migrations into `dir` unless it is there; answers its path and whether it was made now. */
export async function ensureTemplate(dir: string): Promise<{ file: string; created: boolean }> {
  const file = templateFile(dir);
  if (existsSync(file)) return { file, created: false };
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create();
  try {
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_DIR });
    // Without a checkpoint the dump is a crashed database: every database made from it replayed
    // the migrations' write-ahead log and wrote a checkpoint of its own on first open (about a
    // second of a first start, and of every test file's database).
    await client.exec('CHECKPOINT');
    const dump = await client.dumpDataDir('gzip');
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    for (const stale of readdirSync(dir).filter((f) => f.startsWith('pglite-template-') && path.join(dir, f) !== file)) rmSync(path.join(dir, stale), { force: true });
  } finally {
    await client.close();
  }
  return { file, created: true };
}

/** The template for the current migrations, if one was made; a missing or stale one is `undefined`. */
export function readTemplate(dir: string): Blob | undefined {
  const file = templateFile(dir);
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
}
