import { existsSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../config';
import { createDatabase } from '../db/client';
import { createAuditRepository } from './audit.repository';
import { verifyChains } from './audit.service';

/**
 * `npm run audit:verify [-- ORGANISATION_ID]`: recomputes the audit log's hash chains in the
 * configured database and names the first broken entry; exits 1 when one is broken. The
 * embedded database is opened by one process at a time, so while the app runs on it use
 * `GET /api/audit/verify` instead.
 */
async function main(argv: string[]): Promise<number> {
  const envFile = path.join(process.cwd(), '.env');
  if (existsSync(envFile)) dotenv.config({ path: envFile, quiet: true });
  const config = loadConfig(process.env);
  const database = await createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await database.migrate();
    const result = await verifyChains(database.db, createAuditRepository(), argv[0] ? [argv[0]] : undefined);
    for (const chain of result.chains) {
      const head = chain.head ? `head ${chain.head.chainSeq} ${chain.head.entryHash}` : 'empty';
      process.stdout.write(`${chain.valid ? 'ok    ' : 'BROKEN'} ${chain.chain}: ${chain.entries} entries checked, ${head}\n`);
    }
    if (result.firstBreak) {
      process.stdout.write(`\nThe audit log is broken. First broken entry: ${result.firstBreak.entryId} (${result.firstBreak.reason}).\n${result.firstBreak.message}\n`);
      return 1;
    }
    process.stdout.write(`\nThe audit log is intact: ${result.entries} entries in ${result.chains.length} chains.\n`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Could not verify the audit log: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
