import type { AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { Stamps } from '../db/stamps';
import type { LoadedLibrary } from './library.files';
import type { LibraryRepository } from './library.repository';
import { syncLibrary, syncLibraryFolder, type SyncReport } from './library.sync';
import { createLibraryEditing } from './library-editing.service';
import { createLibraryExport } from './library-export.service';
import { createLibraryReading } from './library-reading.service';

export type LibraryServiceDeps = {
  db: Database;
  libraryRepository: LibraryRepository;
  auditRepository: AuditRepository;
  now?: () => Date;
  stamps: Stamps;
  /** Freeze what the read cache hands out, so that a caller changing a shared value fails its tests. */
  freezeCached?: boolean;
};

/** The library's use cases as one service: reading, editing and publishing, export, and sync from the files. */
export function createLibraryService(deps: LibraryServiceDeps) {
  const { db, libraryRepository, auditRepository } = deps;
  return {
    sync: (library: LoadedLibrary, context: AuditContext): Promise<SyncReport> => syncLibrary({ db, libraryRepository, auditRepository }, library, context),
    /** The folder's files synced unless they are the ones the last such sync read (then null). */
    syncFolder: (dir: string, context: AuditContext): Promise<SyncReport | null> => syncLibraryFolder({ db, libraryRepository, auditRepository }, dir, context),
    ...createLibraryReading({ db, libraryRepository, stamps: deps.stamps, freezeCached: deps.freezeCached ?? false }),
    ...createLibraryEditing({ db, libraryRepository, auditRepository, now: deps.now ?? (() => new Date()) }),
    ...createLibraryExport({ db, libraryRepository, auditRepository }),
  };
}

export type LibraryService = ReturnType<typeof createLibraryService>;
