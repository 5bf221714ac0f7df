import { AppError } from './errors';

/**
 * Optimistic concurrency. Every entity a user can edit carries a version that each change
 * raises by one. An update presents the version it was based on; if someone changed the entity
 * in between, the update is refused with 409 and the current version and who changed it last, so
 * nothing is overwritten silently.
 */

/** Who changed an entity last and when, from the audit log. */
export type LastChange = { by: string | null; at: Date } | null;

/** The entity changed since the version the caller read: 409, with what the caller needs to reconcile. */
export function staleVersion(entity: string, currentVersion: number, lastChange: LastChange): AppError {
  const who = lastChange?.by ? ` by ${lastChange.by}` : '';
  const when = lastChange ? ` at ${lastChange.at.toISOString()}` : '';
  return new AppError(
    'conflict.stale_version',
    409,
    `The ${entity} was changed${who}${when} after you read it (now version ${currentVersion}). Read it again, then apply your change to the current version.`,
    { extensions: { entity, currentVersion, changedBy: lastChange?.by ?? null, changedAt: lastChange?.at.toISOString() ?? null } },
  );
}

/** An update that does not say which version it was based on: 428. */
export function versionRequired(): AppError {
  return new AppError(
    'precondition.version_required',
    428,
    'Say which version you are changing: send the field "version" with the version you read, or the header If-Match with the ETag from GET.',
    { errors: [{ path: 'version', message: 'is required (or send If-Match)' }] },
  );
}

/** The ETag of a version: strong, as If-Match compares strongly. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an If-Match header names: `"5"` (also `W/"5"` and a bare `5`, as clients send them).
 * A header that names no single version is a 400 naming the header.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?([0-9]{1,9})"?\s*$/.exec(header);
  if (!match?.[1] || Number(match[1]) < 1) {
    throw new AppError('precondition.invalid_if_match', 400, 'The If-Match header must be the ETag from GET, such as "3".', { errors: [{ path: 'If-Match', message: 'must be one ETag such as "3"' }] });
  }
  return Number(match[1]);
}
