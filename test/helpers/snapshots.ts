import { createHash } from 'node:crypto';
import { existsSync, linkSync, openAsBlob, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { seedDemo } from '../../server/demo/demo.seed';
import { ensureBaselineProfile } from '../../server/assessments/assessments.service';
import type { DatabaseHandle } from '../../server/db/client';
import type { Services } from '../../server/services';
import { PROJECT_ROOT } from '../../server/shared/paths';
import { syncLibraryFrom } from './library';

/**
 * What a test file may ask its database to hold before its first test:
 * - `library`: the shipped library synced, as `syncLibraryFrom(services)` leaves it;
 * - `baseline`: that and the shipped baseline profile (`syncLibraryAndBaseline`);
 * - `demo`: the library and the demo data (`seedDemo`), as `npm start -- --demo` leaves them.
 */
export type Seed = 'library' | 'baseline' | 'demo';

export async function applySeed(services: Services, seed: Seed): Promise<void> {
  await syncLibraryFrom(services);
  if (seed === 'baseline' && !(await ensureBaselineProfile(services))) throw new Error('the baseline profile was not created');
  if (seed === 'demo') await seedDemo(services);
}

/**
 * Seeding takes one to four seconds of a test file's set-up, and it writes the same rows every
 * time, so the embedded database of a seeded file is loaded from a snapshot taken right after
 * the first seeding instead. A snapshot belongs to one state of everything that decides what the
 * seeding writes: the server's code (with the migrations and the demo's files), the library's
 * files, these helpers and the installed packages; and to one day, so that the timestamps it
 * holds are today's, as they would be after seeding in the file.
 */
export function snapshotFingerprint(): string {
  const hash = createHash('sha256').update(new Date().toISOString().slice(0, 10));
  const addTree = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) addTree(full);
      else if (entry.isFile()) hash.update(path.relative(PROJECT_ROOT, full)).update(readFileSync(full));
    }
  };
  for (const dir of ['server', 'requirements', path.join('test', 'helpers')]) addTree(path.join(PROJECT_ROOT, dir));
  hash.update(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

const PREFIX = 'pglite-seed-';

/** Where the global setup said snapshots go, with the fingerprint it computed once for the run; none on PostgreSQL. */
function snapshotPlace(): { dir: string; fingerprint: string } | undefined {
  const dir = process.env.DATAKRAV_TEST_SNAPSHOT_DIR;
  const fingerprint = process.env.DATAKRAV_TEST_SNAPSHOT_FINGERPRINT;
  return dir && fingerprint ? { dir, fingerprint } : undefined;
}

function snapshotFile(seed: Seed): string | undefined {
  const place = snapshotPlace();
  return place && path.join(place.dir, `${PREFIX}${seed}-${place.fingerprint}.tar`);
}

/**
 * The snapshot of a seeded database, if one was taken with the current fingerprint. It is read
 * from the file straight into the buffer PGlite unpacks, without a copy in between; a snapshot
 * file is never replaced once it is there (see saveSnapshot), so the read cannot see it change.
 */
export async function readSnapshot(seed: Seed): Promise<Blob | undefined> {
  const file = snapshotFile(seed);
  return file && existsSync(file) ? openAsBlob(file) : undefined;
}

/**
 * Keeps the database a test file has just seeded as the snapshot for later files. It is stored
 * as a plain tar: PGlite loads that faster than the gzipped dump it makes. Two workers that seed
 * at once each write their own file and link it into place; the second finds it there and leaves
 * it, so a reader never sees half of one or one being replaced.
 */
export async function saveSnapshot(seed: Seed, database: DatabaseHandle): Promise<void> {
  const file = snapshotFile(seed);
  if (!file || existsSync(file)) return;
  // Without a checkpoint every database loaded from the dump would replay the seeding's
  // write-ahead log on open (as template.ts explains for the template).
  await database.db.execute(sql`checkpoint`);
  const dump = await database.dumpDataDir();
  if (!dump) return;
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, gunzipSync(Buffer.from(await dump.arrayBuffer())));
  try {
    linkSync(partial, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(partial);
  }
}

/** Drops snapshots of other fingerprints (older code, another day) and partial files a killed run left behind. */
export function removeStaleSnapshots(dir: string, fingerprint: string): void {
  if (!existsSync(dir)) return;
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(dir).filter((f) => f.startsWith(PREFIX))) {
    const full = path.join(dir, name);
    const stale = name.endsWith('.partial') ? statSync(full).mtimeMs < hourAgo : !name.includes(`-${fingerprint}.`);
    if (stale) rmSync(full, { force: true });
  }
}

/**
 * The OpenAPI document the app serves is built from the route definitions, so it is the same for
 * every test file that runs the same code with the default test settings; building it takes most
 * of a second. The first such file to read it from the app keeps it here for the others of the
 * run. A file with settings of its own reads it from its app.
 */
export async function sharedOpenApiDocument<T>(env: Record<string, string>, fetch: () => Promise<T>): Promise<T> {
  const place = snapshotPlace();
  if (!place || Object.keys(env).length > 0) return fetch();
  const file = path.join(place.dir, `${PREFIX}openapi-${place.fingerprint}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const document = await fetch();
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(document));
  renameSync(partial, file);
  return document;
}
