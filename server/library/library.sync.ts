import { createHash } from 'node:crypto';
import type { AuditContext } from '../auth/actor';
import type { AuditEntry, AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { hashLibraryFiles, LibraryFilesError, loadLibraryFiles, type LibraryProblem, type LoadedLibrary } from './library.files';
import type { LibraryRepository } from './library.repository';
import type { ItemContent, ItemFile } from './library.schemas';
import type { LibraryVersionInsert, LibraryVersionRow } from './library.table';

type SyncDeps = { db: Database; libraryRepository: LibraryRepository; auditRepository: AuditRepository };

export type SyncReport = { added: number; updated: number; statusChanged: number; unchanged: number; sourcesWritten: number; packsWritten: number };

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * The fields whose change makes a new version; status and replacedBy move on deprecation. A
 * clause's SSA alignment is left out when absent, so versions published before the field keep
 * their content hash.
 */
export function contentOf(item: ItemContent): ItemContent {
  return {
    kind: item.kind,
    category: item.category,
    type: item.type,
    weight: item.weight,
    themes: item.themes,
    title: item.title,
    text: item.text,
    rationale: item.rationale,
    responseGuidance: item.responseGuidance,
    parameters: item.parameters,
    references: item.references,
    verification: item.verification,
    evidence: item.evidence,
    checks: item.checks ?? [],
    ...(item.ssa ? { ssa: item.ssa } : {}),
    domains: item.domains,
    tags: item.tags,
    supersedes: item.supersedes,
    changeNote: item.changeNote,
  };
}

/** Items without checks hash as they did before the field existed, so their released versions stay unchanged. */
export function contentHash(item: ItemContent): string {
  const { checks, ...rest } = contentOf(item);
  return createHash('sha256').update(JSON.stringify(canonical(checks && checks.length > 0 ? { ...rest, checks } : rest))).digest('hex');
}

export function parseSemver(version: string): { major: number; minor: number; patch: number } {
  const [major, minor, patch] = version.split('.').map(Number);
  return { major: major ?? 0, minor: minor ?? 0, patch: patch ?? 0 };
}

/** Column values for a version row from item content. */
export function versionColumns(content: ItemContent): Omit<LibraryVersionInsert, 'key' | 'status' | 'origin'> {
  const c = contentOf(content);
  const sourceIds = [...new Set(c.references.map((r) => r.source))].sort();
  return {
    ...c,
    checks: c.checks ?? [],
    ssa: c.ssa ?? null,
    sourceIds,
    keywords: [...c.tags, ...sourceIds].join(' '),
    contentHash: contentHash(c),
  };
}

/** The item as a file document: what export writes and sync reads. */
export function rowToItemFile(row: LibraryVersionRow): ItemFile {
  return {
    key: row.key,
    version: row.version ?? '0.0.0',
    status: row.status,
    kind: row.kind,
    category: row.category,
    type: row.type,
    weight: row.weight,
    themes: row.themes,
    title: row.title,
    text: row.text,
    rationale: row.rationale,
    responseGuidance: row.responseGuidance,
    parameters: row.parameters,
    references: row.references,
    verification: row.verification,
    evidence: row.evidence,
    checks: row.checks,
    ...(row.ssa ? { ssa: row.ssa } : {}),
    domains: row.domains,
    tags: row.tags,
    supersedes: row.supersedes,
    replacedBy: row.replacedBy,
    changeNote: row.changeNote ?? null,
  };
}

/**
 * Imports the library files in one transaction. New items and versions are added; a released
 * version whose content differs from its file is an error naming the file, and nothing of the
 * sync is written; deprecation follows the file. A second sync of the same files writes nothing.
 */
export async function syncLibrary(
  deps: SyncDeps,
  library: LoadedLibrary,
  context: AuditContext,
  filesHash?: string,
): Promise<SyncReport> {
  const { db, libraryRepository: repo, auditRepository: audit } = deps;
  return db.transaction(async (tx) => {
    const report: SyncReport = { added: 0, updated: 0, statusChanged: 0, unchanged: 0, sourcesWritten: await repo.upsertSources(tx, library.sources), packsWritten: 0 };
    const problems: LibraryProblem[] = [];
    const existing = new Map((await repo.allSharedVersions(tx)).map((row) => [`${row.key}@${row.version ?? 'draft'}`, row]));
    const toInsert: LibraryVersionInsert[] = [];
    const imported: AuditEntry[] = [];

    for (const { file, item } of library.items) {
      const columns = versionColumns(item);
      const current = existing.get(`${item.key}@${item.version}`);
      if (!current) {
        const draftOfKey = item.status === 'draft' ? await repo.findDraft(tx, item.key, null) : undefined;
        if (draftOfKey && draftOfKey.version !== item.version) {
          problems.push({ file, path: 'version', message: `${item.key} already has a shared draft ${draftOfKey.version ?? ''}; publish or remove it first` });
          continue;
        }
        toInsert.push({
          ...columns,
          key: item.key,
          version: item.version,
          ...parseSemver(item.version),
          status: item.status,
          replacedBy: item.replacedBy,
          origin: 'file',
          ownerOrganisationId: null,
          publishedAt: item.status === 'draft' ? null : new Date(),
        });
        imported.push({ organisationId: null, action: 'library.version_imported', entityType: 'library_item', entityId: item.key, after: { version: item.version, status: item.status, file } });
        report.added++;
        continue;
      }

      const contentChanged = current.contentHash !== columns.contentHash;
      if (contentChanged && current.status !== 'draft') {
        problems.push({ file, path: 'version', message: `version ${item.version} of ${item.key} is already published with other content; a published version never changes, so give the changed text a new version` });
        continue;
      }
      if (item.status === 'draft' && current.status !== 'draft') {
        problems.push({ file, path: 'status', message: `version ${item.version} of ${item.key} is already published and cannot go back to draft` });
        continue;
      }
      const statusChanged = current.status !== item.status || (current.replacedBy ?? null) !== (item.replacedBy ?? null);
      if (!contentChanged && !statusChanged) {
        report.unchanged++;
        continue;
      }
      const updated = await repo.updateVersion(tx, current.id, current.revision, {
        ...(contentChanged ? columns : {}),
        status: item.status,
        replacedBy: item.replacedBy,
        ...(current.status === 'draft' && item.status !== 'draft' ? { publishedAt: new Date() } : {}),
      });
      if (!updated) throw new Error(`library version ${item.key}@${item.version} changed during sync`);
      await audit.record(tx, context, {
        organisationId: null,
        action: item.status === 'deprecated' && current.status !== 'deprecated' ? 'library.deprecated' : 'library.version_updated_from_file',
        entityType: 'library_item',
        entityId: item.key,
        before: { version: current.version, status: current.status, replacedBy: current.replacedBy, ...(contentChanged ? { contentHash: current.contentHash } : {}) },
        after: { version: updated.version, status: updated.status, replacedBy: updated.replacedBy, ...(contentChanged ? { contentHash: updated.contentHash } : {}), file },
      });
      if (contentChanged) report.updated++;
      else report.statusChanged++;
    }
    if (problems.length > 0) throw new LibraryFilesError(problems);
    await repo.insertVersions(tx, toInsert);
    await audit.recordMany(tx, context, imported);
    report.packsWritten = await repo.upsertPacks(tx, library.packs.map((p) => p.pack));
    if (filesHash) await repo.recordSyncedFiles(tx, filesHash);
    return report;
  });
}

/**
 * The sync at start: reads the folder's files and, when they hash as at the last sync, stops
 * there (null), having read one row and parsed nothing. Otherwise it validates and syncs them and
 * records their hash in the same transaction, so a refused sync is tried again at the next start.
 */
export async function syncLibraryFolder(deps: SyncDeps, dir: string, context: AuditContext): Promise<SyncReport | null> {
  const filesHash = await hashLibraryFiles(dir);
  if ((await deps.libraryRepository.syncedFilesHash(deps.db)) === filesHash) return null;
  return syncLibrary(deps, await loadLibraryFiles(dir), context, filesHash);
}
