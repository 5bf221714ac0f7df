import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../../server/db/client';

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, loaded from
 * `snapshot` when given, else from the migrated template that the global setup prepared; with
 * DATABASE_URL a new database on that server, dropped again at the end.
 */
export async function createTestDatabase(onQuery?: (query: string, params: unknown[]) => void, snapshot?: Blob): Promise<{ database: DatabaseHandle; drop: () => Promise<void>; url?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const templateFile = process.env.DATAKRAV_TEST_TEMPLATE;
    const database = await createDatabase({ inMemory: true, template: snapshot ?? (templateFile ? await openAsBlob(templateFile) : undefined), onQuery });
    await database.migrate();
    return { database, drop: () => database.close() };
  }
  const name = `datakrav_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await createDatabase({ databaseUrl: url.toString(), poolSize: 5, onQuery });
  await database.migrate();
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      const cleaner = new pg.Client({ connectionString: serverUrl });
      await cleaner.connect();
      await cleaner.query(`drop database if exists ${name} with (force)`);
      await cleaner.end();
    },
  };
}
