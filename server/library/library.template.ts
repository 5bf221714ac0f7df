import type { PGlite } from '@electric-sql/pglite';
import { createAuditRepository } from '../audit/audit.repository';
import { SYSTEM_AUDIT } from '../auth/actor';
import { databaseOnPglite } from '../db/client';
import { ensureTemplate, readTemplate, removeTemplates, type TemplateContents } from '../db/template';
import { hashLibraryFiles, LibraryFilesError } from './library.files';
import { createLibraryRepository } from './library.repository';
import { syncLibraryFolder } from './library.sync';

const LIBRARY_TEMPLATE = 'library';

/**
 * The embedded database's template with a library folder already synced into it: a first start
 * whose folder holds the same files finds them synced and does no library work, which was a
 * quarter of a first start. The template is named by a fingerprint of the files, so a folder
 * edited since, or another folder, is synced at start as before, from the plain template. The
 * import is in the audit log as the system's, at the time the template was made.
 */
export async function libraryTemplateContents(libraryDir: string): Promise<TemplateContents> {
  const filesHash = await hashLibraryFiles(libraryDir);
  return {
    name: LIBRARY_TEMPLATE,
    fingerprint: filesHash.slice(0, 16),
    fill: async (client: PGlite) => {
      const db = databaseOnPglite(client);
      const deps = { db, libraryRepository: createLibraryRepository(), auditRepository: createAuditRepository() };
      await syncLibraryFolder(deps, libraryDir, SYSTEM_AUDIT);
      // Files saved while the template was made would be synced under the fingerprint of the ones before.
      if ((await deps.libraryRepository.syncedFilesHash(db)) !== filesHash) throw new Error(`the library files in ${libraryDir} changed while the database template was made; build again`);
    },
  };
}

/** The template a new embedded data folder starts from when the library of `libraryDir` is synced at start: the one with that library in it if it was made, else undefined. */
export async function readLibraryTemplate(templateDir: string, libraryDir: string): Promise<Blob | undefined> {
  return readTemplate(templateDir, await libraryTemplateContents(libraryDir));
}

/**
 * What `npm run build` prepares in `templateDir`: the migrated template, kept while the migrations
 * are unchanged, and the one with the library of `libraryDir` in it, made again every time since
 * the code that syncs it is built too. Library files with problems do not stop the build: the
 * template with the library is left out (and one made before is removed), so a first start syncs
 * the files itself and names their problems, as it always has. Answers what it did, a line each.
 */
export async function prepareTemplates(templateDir: string, libraryDir: string): Promise<string[]> {
  const lines: string[] = [];
  const plain = await ensureTemplate(templateDir);
  if (plain.created) lines.push(`Prepared the embedded database's template: ${plain.file}`);
  try {
    const withLibrary = await ensureTemplate(templateDir, await libraryTemplateContents(libraryDir), { replace: true });
    lines.push(`Prepared the embedded database's template with the library of ${libraryDir}: ${withLibrary.file}`);
  } catch (error) {
    if (!(error instanceof LibraryFilesError)) throw error;
    removeTemplates(templateDir, { name: LIBRARY_TEMPLATE });
    lines.push(`Made no template with the library of ${libraryDir}, so a first start imports it itself. ${error.message}`);
  }
  return lines;
}
