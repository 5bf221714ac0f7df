import type { JobRow } from '../jobs/jobs.table';
import { importPayloadOf, importResultOf, payloadOf, resultOf, type ImportProgress } from './exit.service';

/** An export as the API shows it. */
export function exportStatus(job: JobRow) {
  const payload = payloadOf(job);
  const result = resultOf(job);
  return {
    id: job.id,
    scope: payload.scope,
    organisationId: payload.organisationId,
    state: job.state,
    progress: job.progress,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    sha256: result?.sha256 ?? null,
    bytes: result?.bytes ?? null,
    error: job.error ?? null,
    downloadUrl: job.state === 'done' ? `/api/exit/exports/${job.id}/download` : null,
  };
}

/** An import as the API shows it; `importing` says how far a running import has come, entity by entity. */
export function importStatus(job: JobRow, importing: ImportProgress | null = null) {
  const payload = importPayloadOf(job);
  return {
    id: job.id,
    scope: payload.scope,
    state: job.state,
    progress: job.progress,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    sha256: payload.sha256,
    formatVersion: payload.formatVersion,
    importing: job.state === 'running' ? importing : null,
    rows: importResultOf(job)?.rows ?? null,
    error: job.error ?? null,
  };
}
