import { existsSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../config';
import { writeBackupFile } from '../db/backup';

/**
 * `npm run backup -- FILE`: asks the running app for a consistent snapshot of its embedded
 * database (the database is opened by one process, the app's) and writes it to FILE by way of a
 * temporary name. Needs an administrator's API token in DATAKRAV_API_TOKEN; the app is found at
 * DATAKRAV_URL, else PUBLIC_URL, else http://localhost:PORT.
 */
async function main(argv: string[]): Promise<number> {
  const envFile = path.join(process.cwd(), '.env');
  if (existsSync(envFile)) dotenv.config({ path: envFile, quiet: true });
  const target = argv[0];
  if (!target) {
    process.stderr.write('Usage: npm run backup -- FILE\n');
    return 2;
  }
  const token = process.env.DATAKRAV_API_TOKEN;
  if (!token) {
    process.stderr.write('Set DATAKRAV_API_TOKEN to an administrator\'s API token (account page → API tokens).\n');
    return 2;
  }
  const config = loadConfig(process.env);
  const base = process.env.DATAKRAV_URL ?? config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const res = await fetch(new URL('/api/exit/backup', base), { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) {
    process.stderr.write(`The app refused the backup (${res.status}): ${await res.text()}\n`);
    return 1;
  }
  const written = await writeBackupFile(target, Buffer.from(await res.arrayBuffer()));
  if (res.headers.get('x-content-sha256') !== written.sha256) {
    process.stderr.write('The backup arrived damaged: its SHA-256 does not match the one the app sent.\n');
    return 1;
  }
  process.stdout.write(`Backup written to ${path.resolve(written.file)}: ${written.bytes} bytes, SHA-256 ${written.sha256}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Could not take a backup: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
