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
    ...organisationImportStatus(job),
    error: job.error ?? null,
  };
}

/** What an organisation import adds to its status: the new organisation, and what was matched, left out or cleared. */
function organisationImportStatus(job: JobRow) {
  const result = importResultOf(job);
  const organisation = result?.organisation;
  return {
    organisation: organisation ? { id: organisation.id, name: organisation.name, url: `/organisations/${organisation.id}` } : null,
    matched: result?.matched ?? null,
    leftOut: result?.leftOut ?? null,
    cleared: result?.cleared ?? null,
  };
}
