/**
 * The assessment benchmark in a process of its own, as a started server has it: no other
 * benchmark's objects on its heap. `bench/run.ts` starts it; arguments: the library folder to
 * sync, and a data folder for the embedded database. With DATABASE_URL it runs on a new
 * database on that PostgreSQL server instead, dropped afterwards.
 */
import path from 'node:path';
import pg from 'pg';
import { SYSTEM_AUDIT } from '../server/auth/actor';
import { loadConfig } from '../server/config';
import { createDatabase, type DatabaseHandle } from '../server/db/client';
import { loadLibraryFiles } from '../server/library/library.files';
import { createServices } from '../server/services';
import { benchAssessments } from './assessments.bench';

async function serverDatabase(serverUrl: string): Promise<{ database: DatabaseHandle; drop: () => Promise<void> }> {
  const name = `datakrav_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await createDatabase({ databaseUrl: url.toString(), poolSize: 5 });
  return {
    database,
    drop: async () => {
      await database.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function embeddedDatabase(dataDir: string): Promise<{ database: DatabaseHandle; drop: () => Promise<void> }> {
  const database = await createDatabase({ dataDir: path.resolve(dataDir) });
  return { database, drop: () => database.close() };
}

async function main(): Promise<void> {
  const [libraryDir, dataDir] = process.argv.slice(2);
  if (!libraryDir || !dataDir) throw new Error('usage: assessments.run.ts <library folder> <data folder>');
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const serverUrl = process.env.DATABASE_URL;
  const { database, drop } = serverUrl ? await serverDatabase(serverUrl) : await embeddedDatabase(dataDir);
  try {
    await database.migrate();
    const services = createServices(database, config);
    await services.library.sync(await loadLibraryFiles(libraryDir), SYSTEM_AUDIT);
    const label = serverUrl ? '[PostgreSQL server]' : '[embedded PGlite]';
    process.stdout.write(`${(await benchAssessments(services, config)).map((line) => `${label} ${line}`).join('\n')}\n`);
  } finally {
    await drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
