import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Actor, AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { JobHandler } from '../jobs/job-runner';
import type { JobQueue } from '../jobs/jobs.service';
import type { JobRow } from '../jobs/jobs.table';
import { canManageOrganisation, requireOrganisationRole } from '../organisations/organisation-access';
import { PROJECT_ROOT } from '../shared/paths';
import { writeExport, type Manifest } from './exit-export';
import { backupAdminOnly, backupOnPostgres, exportNotFound, exportNotReady, installationExportAdminOnly, organisationRequired } from './exit.errors';
import { createHash } from 'node:crypto';
import type { ExitRepository } from './exit.repository';
import type { ExportRequest } from './exit.schemas';

export const EXIT_EXPORT_JOB = 'exit.export';

export type ExportPayload = { scope: 'installation' | 'organisation'; organisationId: string | null; requestedBy: string | null; requestedByEmail: string | null };
export type ExportResult = { file: string; sha256: string; bytes: number; files: number; formatVersion: number };

export type ExitServiceDeps = {
  db: Database;
  exitRepository: ExitRepository;
  auditRepository: AuditRepository;
  jobQueue: JobQueue;
  libraryFiles: () => Promise<{ path: string; text: string }[]>;
  dataDir: string;
  dumpDataDir: () => Promise<Blob | null>;
  now?: () => Date;
};

export function readExportReadme(): string {
  return readFileSync(path.join(PROJECT_ROOT, 'docs', 'export-format.md'), 'utf8');
}

function appVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export const payloadOf = (job: JobRow) => job.payload as ExportPayload;
export const resultOf = (job: JobRow) => (job.result ?? null) as ExportResult | null;

/** Leaving Datakrav: an organisation's or the whole installation's data, exported as one documented zip by a background job. */
export function createExitService(deps: ExitServiceDeps) {
  const { db, exitRepository, auditRepository: audit, jobQueue } = deps;
  const now = deps.now ?? (() => new Date());
  const exportsDir = path.resolve(deps.dataDir, 'exports');

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

  return {
    jobHandlers: { [EXIT_EXPORT_JOB]: handler } as Record<string, JobHandler>,

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

