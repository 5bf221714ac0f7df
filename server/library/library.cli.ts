import path from 'node:path';
import { LibraryFilesError, loadLibraryFiles } from './library.files';

/**
 * `npm run library:sync` imports the library files into the database;
 * `npm run library:sync -- validate` only checks them and prints what it found.
 */
async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'sync';
  const dir = path.resolve(argv[1] ?? 'requirements');
  if (command === 'validate') {
    const library = await loadLibraryFiles(dir);
    const kinds = library.items.reduce<Record<string, number>>((acc, { item }) => ({ ...acc, [item.kind]: (acc[item.kind] ?? 0) + 1 }), {});
    const themes = new Set(library.items.flatMap(({ item }) => item.themes));
    process.stdout.write(
      `${library.items.length} item versions valid (${Object.entries(kinds).map(([k, n]) => `${n} ${k}s`).join(', ')}), ` +
        `${library.sources.length} sources, themes covered: ${themes.size} of 30\n`,
    );
    return 0;
  }
  if (command === 'sync') {
    const { runLibrarySyncCommand } = await import('./library.sync-command');
    return runLibrarySyncCommand(dir);
  }
  process.stderr.write(`Unknown command "${command}". Use "sync" or "validate".\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LibraryFilesError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
