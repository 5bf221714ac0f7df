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

/**
 * Applies a compare-and-set update and answers its row; when it matched nothing, someone changed
 * (or removed) the entity since `expected`: a 409 with the version now stored and who changed it
 * last, or the caller's not-found when it is gone. Run it in the update's transaction, so the
 * refusal reads the state that beat it.
 */
export async function compareAndSet<T>(options: {
  entity: string;
  /** The UPDATE … WHERE id = … AND version = expected, raising the version; undefined when no row matched. */
  update: () => Promise<T | undefined>;
  /** The version stored now; undefined when the entity is gone. */
  currentVersion: () => Promise<number | undefined>;
  lastChange: () => Promise<LastChange>;
  notFound: () => Error;
}): Promise<T> {
  const updated = await options.update();
  if (updated !== undefined) return updated;
  const current = await options.currentVersion();
  if (current === undefined) throw options.notFound();
  throw staleVersion(options.entity, current, await options.lastChange());
}

/** Refuses a change based on an old version before anything is written (for changes a single UPDATE cannot guard). */
export async function assertVersion(options: { entity: string; expected: number; current: number; lastChange: () => Promise<LastChange> }): Promise<void> {
  if (options.expected !== options.current) throw staleVersion(options.entity, options.current, await options.lastChange());
}
