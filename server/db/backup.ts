import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Writes a backup to a temporary name beside the target and renames it when complete, so a
 * backup killed half-way leaves the previous one intact.
 */
export async function writeBackupFile(target: string, bytes: Buffer): Promise<{ file: string; sha256: string; bytes: number }> {
  await mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, target);
  return { file: target, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/** Keeps the newest `keep` scheduled backups in `dir` and removes older ones. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const backups = (await readdir(dir)).filter((f) => /^datakrav-backup-.*\.tar\.gz$/.test(f)).sort();
  const removed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const file of removed) await rm(path.join(dir, file), { force: true });
  return removed;
}

/** The file name of a scheduled backup: sortable by time. */
export function backupName(at: Date): string {
  return `datakrav-backup-${at.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

/**
 * Restores a backup of the embedded database into an empty data folder (`DATA_DIR/pglite`), and
 * answers how many tables it holds as a first check that it opened.
 */
export async function restoreBackup(file: string, dataDir: string): Promise<{ tables: number }> {
  const target = path.resolve(dataDir, 'pglite');
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty: restore only into an empty data folder.`);
  await mkdir(target, { recursive: true });
  const client = await PGlite.create({ dataDir: target, loadDataDir: new Blob([await readFile(file)]) });
  try {
    const result = await client.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
    return { tables: result.rows[0]?.n ?? 0 };
  } finally {
    await client.close();
  }
}
