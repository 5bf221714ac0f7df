import type { JobRow } from '../jobs/jobs.table';
import { importPayloadOf, importResultOf, payloadOf, resultOf } from './exit.service';

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

/** An import as the API shows it. */
export function importStatus(job: JobRow) {
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
    rows: importResultOf(job)?.rows ?? null,
    error: job.error ?? null,
  };
}
