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

/**
 * What a template holds beyond the migrations: its name and a fingerprint of its contents go into
 * the file name, so a template whose contents have changed since it was made is never used.
 * `fill` writes them into the migrated database before it is dumped.
 */
export type TemplateContents = {
  name: string;
  fingerprint: string;
  fill?: (client: PGlite) => Promise<void>;
};

const PLAIN_TEMPLATE = /^pglite-template-[0-9a-f]{16}\.tar\.gz$/;

export function templateFile(dir: string, contents?: Pick<TemplateContents, 'name' | 'fingerprint'>): string {
  const base = `pglite-template-${migrationsFingerprint()}`;
  return path.join(dir, contents ? `${base}-${contents.name}-${contents.fingerprint}.tar.gz` : `${base}.tar.gz`);
}

/** Whether `file` (a name in a template folder) is a template of the same kind as `contents`: the ones a new template of that kind replaces. */
function sameKind(file: string, contents: Pick<TemplateContents, 'name'> | undefined): boolean {
  return contents ? new RegExp(`^pglite-template-[0-9a-f]{16}-${contents.name}-[0-9a-f]+\\.tar\\.gz$`).test(file) : PLAIN_TEMPLATE.test(file);
}

/**
 * Writes the template for the current migrations (and `contents`, when given) into `dir` unless it
 * is there; answers its path and whether it was made now. `replace` makes it again even so: for
 * contents written by code that may have changed since. Templates of the same kind made for
 * other migrations or contents are removed.
 */
export async function ensureTemplate(dir: string, contents?: TemplateContents, options: { replace?: boolean } = {}): Promise<{ file: string; created: boolean }> {
  const file = templateFile(dir, contents);
  if (existsSync(file) && !options.replace) return { file, created: false };
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create();
  try {
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_DIR });
    await contents?.fill?.(client);
    // Without a checkpoint the dump is a crashed database: every database made from it replayed
    // the migrations' write-ahead log and wrote a checkpoint of its own on first open (about a
    // second of a first start, and of every test file's database).
    await client.exec('CHECKPOINT');
    const dump = await client.dumpDataDir('gzip');
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    removeTemplates(dir, contents, file);
  } finally {
    await client.close();
  }
  return { file, created: true };
}

/** Removes every template in `dir` of the same kind as `contents` (the plain one when none), for whatever migrations or contents it was made, except the file `keep`. */
export function removeTemplates(dir: string, contents: Pick<TemplateContents, 'name'> | undefined, keep?: string): void {
  if (!existsSync(dir)) return;
  for (const stale of readdirSync(dir).filter((f) => sameKind(f, contents) && path.join(dir, f) !== keep)) rmSync(path.join(dir, stale), { force: true });
}

/** The template for the current migrations (and `contents`), if one was made; a missing or stale one is `undefined`. */
export function readTemplate(dir: string, contents?: Pick<TemplateContents, 'name' | 'fingerprint'>): Blob | undefined {
  const file = templateFile(dir, contents);
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
}
