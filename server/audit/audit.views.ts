import type { AuditRow } from './audit.table';

/** An audit entry as the API and the audit page show it. */
export function auditEntry(row: AuditRow) {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actorUserId: row.actorUserId,
    actorEmail: row.actorEmail,
    organisationId: row.organisationId,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
  };
}

/** Each field an entry changed, with its value before and after as text. */
export function auditChanges(row: Pick<AuditRow, 'before' | 'after'>): { field: string; before: string; after: string }[] {
  const keys = new Set([...Object.keys(row.before ?? {}), ...Object.keys(row.after ?? {})]);
  const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return [...keys].map((field) => ({ field, before: show(row.before?.[field]), after: show(row.after?.[field]) }));
}
