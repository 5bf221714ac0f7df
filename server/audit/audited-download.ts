import { createHash } from 'node:crypto';
import type { AuditContext } from '../auth/actor';
import type { Database } from '../db/client';
import type { AuditRepository } from './audit.repository';

export type GeneratedFile = { bytes: Buffer; filename: string; contentType: string };

/**
 * Writes the audit entry of a file handed out (who took which file, when) with the file's
 * SHA-256 and size, and answers the file with that SHA-256 for the `X-Content-SHA256` header:
 * a copy found later can be matched with the entry.
 */
export async function recordDownload(
  db: Database,
  audit: AuditRepository,
  context: AuditContext,
  entry: { organisationId: string | null; action: string; entityType: string; entityId: string | null; after?: Record<string, unknown> },
  file: GeneratedFile,
): Promise<GeneratedFile & { sha256: string }> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  await audit.record(db, context, { ...entry, after: { ...entry.after, filename: file.filename, sha256, bytes: file.bytes.length } });
  return { ...file, sha256 };
}
