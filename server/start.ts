import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import dotenv from 'dotenv';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createDatabase } from './db/client';
import { seedDemo } from './demo/demo.seed';
import { ensureBaselineProfile } from './assessments/assessments.service';
import { createServices } from './services';
import { SYSTEM_AUDIT } from './auth/actor';
import { createLogger } from './shared/logger';
import { backupName, pruneBackups, writeBackupFile } from './db/backup';
import { DATABASE_TEMPLATE_DIR, PROJECT_ROOT } from './shared/paths';
import { readTemplate } from './db/template';
import { readLibraryTemplate } from './library/library.template';

const SESSION_CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

function memoryMb(): Record<string, number> {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return { rss: mb(rss), heapUsed: mb(heapUsed), external: mb(external), arrayBuffers: mb(arrayBuffers) };
}

/**
 * The template a new embedded data folder starts from: the one with the library folder already
 * synced into it (made by `npm run build` for the shipped library) when the library is synced at
 * start and its files are the ones in that template, else the migrated empty one.
 * `withLibrary` tells whether a new data folder was made from the first.
 */
function startTemplate(config: Config): { read: () => Promise<Blob | undefined>; withLibrary: () => boolean } {
  let withLibrary = false;
  return {
    read: async () => {
      const library = config.LIBRARY_SYNC_ON_START ? await readLibraryTemplate(DATABASE_TEMPLATE_DIR, path.resolve(config.LIBRARY_DIR)) : undefined;
      withLibrary = library !== undefined;
      return library ?? readTemplate(DATABASE_TEMPLATE_DIR);
    },
    withLibrary: () => withLibrary,
  };
}

async function main(): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const envFile = path.join(process.cwd(), '.env');
  if (existsSync(envFile)) dotenv.config({ path: envFile, quiet: true });
  const config = loadConfig(process.env);
  const demo = config.DEMO || process.argv.includes('--demo');
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.NODE_ENV === 'development' && process.stdout.isTTY });

  // Loading the modules happens before main(), counted from the process's own start.
  const phases: Record<string, number> = { modules: Math.round(performance.now()) };
  // Memory after each phase, split as process.memoryUsage() splits it (MB): what a phase keeps.
  const memory: Record<string, Record<string, number>> = { modules: memoryMb() };
  let phaseStart = startedAt;
  const phase = <T>(name: string, value: T): T => {
    const now = process.hrtime.bigint();
    phases[name] = Math.round(Number(now - phaseStart) / 1e6);
    memory[name] = memoryMb();
    phaseStart = now;
    return value;
  };

  const template = startTemplate(config);
  const database = phase('database', await createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE, template: config.DATABASE_URL ? undefined : template.read }));
  phase('migrations', await database.migrate());
  const services = phase('services', createServices(database, config));

  const libraryReport = phase('library', config.LIBRARY_SYNC_ON_START ? await services.library.syncFolder(path.resolve(config.LIBRARY_DIR), SYSTEM_AUDIT) : undefined);
  phase('baselineProfile', await ensureBaselineProfile(services));
  const admin = phase('administrator', await services.auth.ensureFirstAdmin({ email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }));
  const demoResult = phase('demo', demo ? await seedDemo(services) : null);

  const app = phase('app', createApp({ config, services, logger, version: readVersion() }));
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.PORT, config.HOST, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;
  phase('listen', null);
  services.jobs.runner.start();
  const startupMs = Number(process.hrtime.bigint() - startedAt) / 1e6;

  const lines = [
    '',
    `Datakrav is running at ${url}  (database: ${database.kind === 'pglite' ? `embedded PGlite in ${path.resolve(config.DATA_DIR)}` : 'PostgreSQL'}, started in ${Math.round(startupMs)} ms)`,
  ];
  if (admin.generatedPassword) {
    lines.push(`Log in as ${admin.email} with the password ${admin.generatedPassword}`, 'This password is shown only now: change it on the account page.');
  } else if (admin.created) {
    lines.push(`Log in as ${admin.email} with the password from ADMIN_PASSWORD.`);
  } else {
    lines.push(`Log in with your account (the first administrator is ${config.ADMIN_EMAIL}).`);
  }
  if (libraryReport) {
    lines.push(`Requirement library: ${libraryReport.added} versions added, ${libraryReport.unchanged} unchanged (from ${path.resolve(config.LIBRARY_DIR)}).`);
  } else if (libraryReport === null && template.withLibrary()) {
    lines.push(`Requirement library: the new database holds the library of ${path.resolve(config.LIBRARY_DIR)} as it was when the app was built, and its files are unchanged since.`);
  } else if (libraryReport === null) {
    lines.push(`Requirement library: its files are unchanged since the last sync (${path.resolve(config.LIBRARY_DIR)}).`);
  }
  if (demoResult) lines.push(`Demo data: log in as any of ${demoResult.emails.join(', ')} with the password ${demoResult.password}`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
  logger.info({ port, database: database.kind, startupMs: Math.round(startupMs) }, 'listening');
  logger.debug({ phases, ...(demoResult ? { demoPhases: demoResult.phases } : {}) }, 'start-up phases (ms)');
  logger.debug({ memory }, 'start-up memory (MB)');

  const backupDir = config.BACKUP_DIR && database.kind === 'pglite' ? path.resolve(config.BACKUP_DIR) : null;
  const scheduledBackup = backupDir
    ? setInterval(() => {
        void (async () => {
          const dump = await database.dumpDataDir();
          if (!dump) return;
          const written = await writeBackupFile(path.join(backupDir, backupName(new Date())), Buffer.from(await dump.arrayBuffer()));
          const removed = await pruneBackups(backupDir, config.BACKUP_KEEP);
          logger.info({ file: written.file, bytes: written.bytes, sha256: written.sha256, removed }, 'scheduled backup written');
        })().catch((error: unknown) => logger.error({ err: error }, 'scheduled backup failed'));
      }, config.BACKUP_EVERY_HOURS * 3_600_000)
    : null;
  scheduledBackup?.unref();

  const cleanup = setInterval(() => {
    services.auth.deleteExpiredSessions().catch((error: unknown) => logger.warn({ err: error }, 'session cleanup failed'));
  }, SESSION_CLEANUP_INTERVAL_MS);
  cleanup.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(cleanup);
    if (scheduledBackup) clearInterval(scheduledBackup);
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.jobs.stop(5_000);
    await database.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    void stop('unhandledRejection');
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
  } else {
    process.stderr.write(`Datakrav could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
