import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../../server/db/client';

/**
 * A database that can be closed and opened again, as across an app restart: PGlite in a
 * temporary folder by default; with DATABASE_URL a new database on that server. `open` may be
 * called several times at once for several "instances" on the same database.
 */
export async function restartableDatabase(): Promise<{ open: () => Promise<DatabaseHandle>; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'datakrav-jobs-'));
    return {
      open: async () => {
        const database = await createDatabase({ dataDir });
        await database.migrate();
        return database;
      },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `datakrav_jobs_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    open: async () => {
      const database = await createDatabase({ databaseUrl: url.toString(), poolSize: 5 });
      await database.migrate();
      return database;
    },
    drop: async () => {
      const cleaner = new pg.Client({ connectionString: serverUrl });
      await cleaner.connect();
      await cleaner.query(`drop database if exists ${name} with (force)`);
      await cleaner.end();
    },
  };
}
