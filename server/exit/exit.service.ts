import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import { JobFailure, type JobContext, type JobHandler } from '../jobs/job-runner';
import { verifyChains } from '../audit/audit.service';
import { isAppError } from '../shared/errors';
import { openExportArchive, type ExportArchive, type ImportLimits } from './exit-archive';
import type { JobQueue } from '../jobs/jobs.service';
import type { JobRow } from '../jobs/jobs.table';
import { canManageOrganisation, requireOrganisationRole } from '../organisations/organisation-access';
import { PROJECT_ROOT } from '../shared/paths';
import type { TenderDocumentModel } from '../documents/document-model';
import { generateDocument, TENDER_DOCUMENTS } from '../documents/documents';
import { writeExport, type Manifest } from './exit-export';
import { backupAdminOnly, backupOnPostgres, exportNotFound, exportNotReady, importAdminOnly, importNotEmpty, importNotFound, installationExportAdminOnly, organisationRequired } from './exit.errors';
import { createHash } from 'node:crypto';
import { EXIT_ENTITIES, entityColumns, type ExitImportRepository, type ExitRepository } from './exit.repository';
import type { ExportRequest } from './exit.schemas';
import { checkOrganisationImport, importOrganisation, type OrganisationImportResult } from './organisation-import';
import { createOrganisationImportRepository } from './organisation-import.repository';

export const EXIT_EXPORT_JOB = 'exit.export';
export const EXIT_IMPORT_JOB = 'exit.import';

export type ImportPayload = { scope: 'installation' | 'organisation'; file: string; sha256: string; formatVersion: number; requestedBy: string | null; requestedByEmail: string | null };
export type ImportResult = { rows: Record<string, number>; files: number; auditChains: { chain: string; chainSeq: number; entryHash: string }[] } & Partial<Omit<OrganisationImportResult, 'rows'>>;

export type ExportPayload = { scope: 'installation' | 'organisation'; organisationId: string | null; requestedBy: string | null; requestedByEmail: string | null };
/** How far a running import has come: the entity being written and the rows written of all the export holds. */
export type ImportProgress = { entity: string; rowsDone: number; rowsTotal: number };

export type ExportResult = { file: string; sha256: string; bytes: number; files: number; formatVersion: number };

export type ExitServiceDeps = {
  db: Database;
  exitRepository: ExitRepository;
  auditRepository: AuditRepository;
  jobQueue: JobQueue;
  libraryFiles: () => Promise<{ path: string; text: string }[]>;
  dataDir: string;
  dumpDataDir: () => Promise<Blob | null>;
  importRepository: ExitImportRepository;
  importLimits: ImportLimits;
  /** Queues again, in the import's transaction, the imported work that waited when the export was made (check runs); answers how many. */
  queueImportedWork: (tx: Database) => Promise<number>;
  now?: () => Date;
};

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** An issued revision's documents, generated from the revision exactly as a download generates them. */
export async function issuedDocuments(revision: Record<string, unknown>): Promise<{ name: string; bytes: Buffer; contentType: string }[]> {
  const model = revision.model as TenderDocumentModel;
  const requirementSet = revision.requirementSet as Record<string, unknown>;
  return Promise.all(TENDER_DOCUMENTS.map(async (name) => ({ name, ...(await generateDocument(name, model, requirementSet)) })));
}

export function readExportReadme(): string {
  return readFileSync(path.join(PROJECT_ROOT, 'docs', 'export-format.md'), 'utf8');
}

function appVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export const payloadOf = (job: JobRow) => job.payload as ExportPayload;
export const resultOf = (job: JobRow) => (job.result ?? null) as ExportResult | null;
export const importPayloadOf = (job: JobRow) => job.payload as ImportPayload;
export const importResultOf = (job: JobRow) => (job.result ?? null) as ImportResult | null;

/** Leaving Datakrav: an organisation's or the whole installation's data, exported as one documented zip by a background job. */
export function createExitService(deps: ExitServiceDeps) {
  const { db, exitRepository, auditRepository: audit, jobQueue } = deps;
  const now = deps.now ?? (() => new Date());
  const exportsDir = path.resolve(deps.dataDir, 'exports');
  const importsDir = path.resolve(deps.dataDir, 'imports');
  const { importRepository } = deps;
  const organisationImports = createOrganisationImportRepository();
  // A running import's progress, kept where the job runs: on the embedded database the import's
  // transaction holds the one connection until it commits, so no progress can be written there.
  const importsRunning = new Map<string, ImportProgress>();

  async function visibleExport(actor: Actor, id: string): Promise<JobRow> {
    const job = await jobQueue.find(id);
    if (!job || job.kind !== EXIT_EXPORT_JOB) throw exportNotFound();
    const payload = payloadOf(job);
    const allowed = actor.isAdmin || (payload.scope === 'organisation' && payload.organisationId !== null && canManageOrganisation(actor, payload.organisationId));
    if (!allowed) throw exportNotFound();
    return job;
  }

  const handler: JobHandler = async (job, context) => {
    const payload = payloadOf(job);
    const file = `${job.id}.zip`;
    const scope: Manifest['scope'] = payload.scope === 'organisation' && payload.organisationId ? { kind: 'organisation', organisationId: payload.organisationId } : { kind: 'installation' };
    const written = await writeExport({
      db,
      repository: exitRepository,
      scope,
      appVersion: appVersion(),
      createdAt: now(),
      readme: readExportReadme(),
      libraryFiles: deps.libraryFiles,
      issuedDocuments,
      target: path.join(exportsDir, file),
      progress: (percent) => context.progress(percent),
    });
    await audit.record(db, { actorUserId: payload.requestedBy, actorEmail: payload.requestedByEmail, requestId: null, ip: null }, {
      organisationId: payload.organisationId,
      action: 'exit.export_written',
      entityType: 'export',
      entityId: job.id,
      after: { scope: payload.scope, sha256: written.sha256, bytes: written.bytes, files: written.manifest.files.length, auditChains: written.manifest.auditChains },
    });
    const result: ExportResult = { file, sha256: written.sha256, bytes: written.bytes, files: written.manifest.files.length, formatVersion: written.manifest.formatVersion };
    return result;
  };

  /**
   * Writes an installation export into this (empty) installation in one transaction: what the
   * empty installation started with is replaced, every entity's rows are inserted as exported
   * (ids, versions, revisions, hashes), evidence files from `files/`, the audit log with the
   * hashes it was written with. The chains are then verified and their heads compared with the
   * manifest's before anything is committed; the import's own entry follows the imported chain.
   */
  async function importInstallation(job: JobRow, archive: ExportArchive, context: JobContext): Promise<ImportResult> {
    const payload = importPayloadOf(job);
    const rowsTotal = archive.manifest.files.filter((f) => /^data\/[^/]+\.jsonl$/.test(f.path)).reduce((sum, f) => sum + (f.rows ?? 0), 0);
    const progress: ImportProgress = { entity: EXIT_ENTITIES[0]?.name ?? '', rowsDone: 0, rowsTotal };
    importsRunning.set(job.id, progress);
    let reported = 0;
    const report = () => {
      const percent = rowsTotal === 0 ? 0 : Math.floor((progress.rowsDone / rowsTotal) * 95);
      if (percent === reported) return;
      reported = percent;
      // Not waited for: on the embedded database it is written once the transaction has ended.
      context.progress(percent).catch(() => undefined);
    };
    return db.transaction(async (tx) => {
      const holds = await importRepository.installationHolds(tx);
      if (holds) throw importNotEmpty(holds);
      await importRepository.holdTriggers(tx, EXIT_ENTITIES);
      const discarded = await importRepository.discardStartingRows(tx, { libraryPacks: archive.has('data/library_packs.jsonl') });
      const rows: Record<string, number> = {};
      for (const entity of EXIT_ENTITIES) {
        const columns = entityColumns(entity);
        progress.entity = entity.name;
        let batch: Record<string, unknown>[] = [];
        let count = 0;
        const flush = async () => {
          await importRepository.insert(tx, entity, columns, batch);
          progress.rowsDone += batch.length;
          batch = [];
          report();
        };
        for await (const row of archive.rows(entity.name)) {
          if (entity.fileColumn) {
            const sha256 = row[`${entity.fileColumn}_sha256`];
            row[entity.fileColumn] = await archive.read(`files/${String(sha256)}`);
          }
          batch.push(row);
          count += 1;
          if (batch.length >= 500) await flush();
        }
        await flush();
        rows[entity.name] = count;
      }
      await importRepository.advanceSequences(tx);
      await importRepository.releaseTriggers(tx, EXIT_ENTITIES);
      const verification = await verifyChains(tx, audit);
      if (!verification.valid) throw new JobFailure('exit.import_audit_chain_broken', `The imported audit log does not verify: ${verification.firstBreak?.message ?? 'a chain is broken'}. Nothing was imported.`);
      const heads = new Map(verification.chains.map((c) => [c.chain, c]));
      for (const expected of archive.manifest.auditChains) {
        const head = heads.get(expected.chain);
        if (head?.head?.chainSeq !== expected.chainSeq || head.head.entryHash !== expected.entryHash) {
          throw new JobFailure('exit.import_audit_head_mismatch', `The imported audit chain ${expected.chain} ends elsewhere than the manifest says (entry ${expected.chainSeq}, ${expected.entryHash}). Nothing was imported.`);
        }
      }
      const queuedAgain = await deps.queueImportedWork(tx);
      await audit.record(tx, { actorUserId: null, actorEmail: payload.requestedByEmail, requestId: null, ip: null }, {
        organisationId: null,
        action: 'exit.installation_imported',
        entityType: 'installation',
        entityId: job.id,
        before: { administrators: discarded.administrators, libraryVersions: discarded.libraryVersions, auditEntries: discarded.auditEntries, auditChains: discarded.auditHeads },
        after: { sha256: payload.sha256, formatVersion: payload.formatVersion, rows, auditChains: archive.manifest.auditChains, checkRunsQueuedAgain: queuedAgain },
      });
      return { rows, files: archive.manifest.files.length, auditChains: archive.manifest.auditChains };
    });
  }

  /** Writes an organisation export into this installation as a new organisation, in one transaction (`organisation-import.ts`). */
  async function importOrganisationExport(job: JobRow, archive: ExportArchive): Promise<ImportResult> {
    const payload = importPayloadOf(job);
    const context: AuditContext = { actorUserId: payload.requestedBy, actorEmail: payload.requestedByEmail, requestId: null, ip: null };
    const result = await db.transaction(async (tx) => {
      const imported = await importOrganisation({ db: tx, audit, writer: importRepository, reader: organisationImports }, archive, context, { jobId: job.id, sha256: payload.sha256, formatVersion: payload.formatVersion });
      await deps.queueImportedWork(tx);
      return imported;
    });
    return { ...result, files: archive.manifest.files.length, auditChains: result.audit.sourceChain ? [result.audit.sourceChain] : [] };
  }

  const importHandler: JobHandler = async (job, context) => {
    const payload = importPayloadOf(job);
    const file = path.join(importsDir, payload.file);
    try {
      const archive = await openExportArchive(file, deps.importLimits, { verifyContent: false });
      try {
        return payload.scope === 'organisation' ? await importOrganisationExport(job, archive) : await importInstallation(job, archive, context);
      } finally {
        archive.close();
        importsRunning.delete(job.id);
      }
    } catch (error) {
      if (error instanceof JobFailure) throw error;
      if (isAppError(error)) throw new JobFailure(error.code, error.message);
      throw new JobFailure('exit.import_failed', `The export could not be written into this installation, so nothing was imported: ${(error as Error).message}`);
    } finally {
      await rm(file, { force: true });
    }
  };

  return {
    jobHandlers: { [EXIT_EXPORT_JOB]: handler, [EXIT_IMPORT_JOB]: importHandler } as Record<string, JobHandler>,

    /**
     * Checks an uploaded export (administrators) and queues its import: every problem with the
     * file or the installation is answered here, before anything is written. An installation
     * export goes into an empty installation; an organisation export into any installation, as
     * a new organisation (refused when one here has its name or number, or a library item's key
     * and version hold other content here).
     * The upload is a temporary file; it is moved into the data folder for the job.
     */
    async requestImport(actor: Actor, upload: { path: string }, context: AuditContext): Promise<JobRow> {
      try {
        if (!actor.isAdmin) throw importAdminOnly();
        const archive = await openExportArchive(upload.path, deps.importLimits);
        const scope = archive.manifest.scope.kind;
        let organisationName: string | null = null;
        try {
          if (scope === 'organisation') {
            organisationName = String((await checkOrganisationImport(db, organisationImports, archive)).organisation.name);
          } else {
            const holds = await importRepository.installationHolds(db);
            if (holds) throw importNotEmpty(holds);
          }
        } finally {
          archive.close();
        }
        const sha256 = await sha256OfFile(upload.path);
        const file = `${randomUUID()}.zip`;
        await mkdir(importsDir, { recursive: true });
        await rename(upload.path, path.join(importsDir, file));
        const payload: ImportPayload = { scope, file, sha256, formatVersion: archive.writtenFormat, requestedBy: actor.userId, requestedByEmail: actor.email };
        return await db.transaction(async (tx) => {
          const job = await jobQueue.enqueue({ kind: EXIT_IMPORT_JOB, payload, maxAttempts: 1 }, tx);
          await audit.record(tx, context, { organisationId: null, action: 'exit.import_requested', entityType: 'import', entityId: job.id, after: { scope, organisation: organisationName, sha256, formatVersion: archive.writtenFormat, files: archive.manifest.files.length } });
          return job;
        });
      } finally {
        await rm(upload.path, { force: true });
      }
    },

    /**
     * An import's state (administrators; after an installation import, an administrator of the
     * imported installation), with how far it has come while this instance runs it.
     */
    async findImport(actor: Actor, id: string): Promise<{ job: JobRow; progress: ImportProgress | null }> {
      const job = await jobQueue.find(id);
      if (!job || job.kind !== EXIT_IMPORT_JOB || !actor.isAdmin) throw importNotFound();
      const running = importsRunning.get(job.id);
      return { job, progress: running ? { ...running } : null };
    },

    /** Queues an export: an owner's of their organisation, an administrator's of the installation or any organisation. */
    async requestExport(actor: Actor, input: ExportRequest, context: AuditContext): Promise<JobRow> {
      let organisationId: string | null = null;
      if (input.scope === 'installation') {
        if (!actor.isAdmin) throw installationExportAdminOnly();
      } else {
        if (!input.organisationId) throw organisationRequired();
        requireOrganisationRole(actor, input.organisationId, ['owner']);
        organisationId = input.organisationId;
      }
      const payload: ExportPayload = { scope: input.scope, organisationId, requestedBy: actor.userId, requestedByEmail: actor.email };
      return db.transaction(async (tx) => {
        const job = await jobQueue.enqueue({ kind: EXIT_EXPORT_JOB, payload, maxAttempts: 2 }, tx);
        await audit.record(tx, context, { organisationId, action: 'exit.export_requested', entityType: 'export', entityId: job.id, after: { scope: input.scope } });
        return job;
      });
    },

    find: (actor: Actor, id: string) => visibleExport(actor, id),

    /** A consistent snapshot of the embedded database while it runs (administrators), audited with its SHA-256. */
    async backup(actor: Actor, context: AuditContext): Promise<{ bytes: Buffer; filename: string; contentType: string; sha256: string }> {
      if (!actor.isAdmin) throw backupAdminOnly();
      const dump = await deps.dumpDataDir();
      if (!dump) throw backupOnPostgres();
      const bytes = Buffer.from(await dump.arrayBuffer());
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await audit.record(db, context, { organisationId: null, action: 'exit.backup_taken', entityType: 'installation', entityId: null, after: { sha256, bytes: bytes.length } });
      return { bytes, filename: `datakrav-backup-${now().toISOString().slice(0, 10)}.tar.gz`, contentType: 'application/gzip', sha256 };
    },

    /** The finished export as a stream, its download audited with the file's SHA-256. */
    async download(actor: Actor, id: string, context: AuditContext): Promise<{ stream: Readable; filename: string; sha256: string; bytes: number }> {
      const job = await visibleExport(actor, id);
      const result = resultOf(job);
      if (job.state !== 'done' || !result) throw exportNotReady(job.state);
      const file = path.join(exportsDir, result.file);
      if (!existsSync(file)) throw exportNotFound();
      const payload = payloadOf(job);
      await audit.record(db, context, { organisationId: payload.organisationId, action: 'exit.export_downloaded', entityType: 'export', entityId: job.id, after: { sha256: result.sha256, bytes: result.bytes } });
      const date = (job.finishedAt ?? job.createdAt).toISOString().slice(0, 10);
      return { stream: createReadStream(file), filename: `datakrav-export-${payload.scope}-${date}.zip`, sha256: result.sha256, bytes: result.bytes };
    },
  };
}

export type ExitService = ReturnType<typeof createExitService>;

