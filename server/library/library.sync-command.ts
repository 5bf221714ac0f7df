import { loadConfig } from '../config';
import { createDatabase } from '../db/client';
import { SYSTEM_AUDIT } from '../auth/actor';
import { createServices } from '../services';
import type { LoadedLibrary } from './library.files';

/** `npm run library:sync`: imports the library, read from its folder, into the configured database. */
export async function runLibrarySyncCommand(library: LoadedLibrary): Promise<number> {
  const config = loadConfig(process.env);
  const database = await createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await database.migrate();
    const services = createServices(database, config);
    const started = performance.now();
    const report = await services.library.sync(library, SYSTEM_AUDIT);
    process.stdout.write(
      `Library synced in ${Math.round(performance.now() - started)} ms: ${report.added} added, ${report.updated} drafts updated, ${report.statusChanged} status changes, ${report.unchanged} unchanged, ${report.sourcesWritten} sources and ${report.packsWritten} sector packs written.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
