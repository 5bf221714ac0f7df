import path from 'node:path';
import { restoreBackup } from '../db/backup';

/** `npm run restore -- FILE DATA_DIR`: restores a backup of the embedded database into an empty data folder. */
async function main(argv: string[]): Promise<number> {
  const [file, dataDir] = argv;
  if (!file || !dataDir) {
    process.stderr.write('Usage: npm run restore -- FILE DATA_DIR\n');
    return 2;
  }
  const { tables } = await restoreBackup(file, dataDir);
  process.stdout.write(`Restored ${file} into ${path.resolve(dataDir, 'pglite')} (${tables} tables). Start Datakrav with DATA_DIR=${dataDir}.\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Could not restore: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
