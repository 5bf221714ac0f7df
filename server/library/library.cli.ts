import path from 'node:path';
import { checkLibraryCompleteness, LibraryFilesError, loadLibraryFiles, newestVersions, type LoadedLibrary } from './library.files';

/** Reads the library folder and holds it to the whole library's coverage rules; throws with every problem found. */
async function loadCompleteLibrary(dir: string): Promise<LoadedLibrary> {
  const library = await loadLibraryFiles(dir);
  const problems = checkLibraryCompleteness(library);
  if (problems.length > 0) throw new LibraryFilesError(problems);
  return library;
}

/**
 * `npm run library:sync` imports the library files into the database;
 * `npm run library:sync -- validate` only checks them and prints what it found.
 */
async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'sync';
  const dir = path.resolve(argv[1] ?? 'requirements');
  if (command === 'validate') {
    const library = await loadCompleteLibrary(dir);
    const current = [...newestVersions(library.items).values()].map((l) => l.item);
    const published = current.filter((i) => i.status === 'published');
    const kinds = published.reduce<Record<string, number>>((acc, item) => ({ ...acc, [item.kind]: (acc[item.kind] ?? 0) + 1 }), {});
    const themes = new Set(published.flatMap((item) => item.themes));
    process.stdout.write(
      `${library.items.length} item versions valid; ${published.length} published items (${Object.entries(kinds).map(([k, n]) => `${n} ${k}s`).join(', ')}), ` +
        `${library.sources.length} sources, ${library.packs.length} sector packs, themes covered: ${themes.size} of 30\n`,
    );
    return 0;
  }
  if (command === 'sync') {
    const { runLibrarySyncCommand } = await import('./library.sync-command');
    return runLibrarySyncCommand(await loadCompleteLibrary(dir));
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
