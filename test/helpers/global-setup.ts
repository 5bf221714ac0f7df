import { existsSync, renameSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ensureTemplate } from '../../server/db/template';
import { NODE_MODULES_DIR } from '../../server/shared/paths';
import { removeStaleSnapshots, snapshotFingerprint } from './snapshots';

/**
 * Runs once before the test files: every test file's embedded database is loaded from one
 * migrated template instead of running initdb and the migrations again, and a seeded one from
 * the snapshot of its seed (see snapshots.ts), which the first file to seed it takes.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const dir = path.join(NODE_MODULES_DIR, '.cache', 'datakrav-test');
  const { file } = await ensureTemplate(dir);
  process.env.DATAKRAV_TEST_TEMPLATE = plainTar(file);
  const fingerprint = snapshotFingerprint();
  removeStaleSnapshots(dir, fingerprint);
  process.env.DATAKRAV_TEST_SNAPSHOT_DIR = dir;
  process.env.DATAKRAV_TEST_SNAPSHOT_FINGERPRINT = fingerprint;
}

/** The template unpacked once: PGlite loads a plain tar faster than the gzipped one, in every test file. */
function plainTar(gzipped: string): string {
  const tar = gzipped.replace(/\.tar\.gz$/, '.tar');
  if (!existsSync(tar)) {
    const partial = `${tar}.${process.pid}.partial`;
    writeFileSync(partial, gunzipSync(readFileSync(gzipped)));
    renameSync(partial, tar);
  }
  return tar;
}
