import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { AuditContext } from '../auth/actor';
import type { LastChange } from '../shared/versioning';
import { auditLog, type AuditRow } from './audit.table';

export type AuditEntry = {
  organisationId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

export type AuditFilter = {
  organisationIds?: string[] | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorEmail?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
};

async function recordMany(db: Database, context: AuditContext, entries: AuditEntry[]): Promise<void> {
  await recordEach(
    db,
    entries.map((entry) => ({ context, entry })),
  );
}

/** Entries by different actors, in the given order, in as few statements as the batch size allows. */
async function recordEach(db: Database, entries: { context: AuditContext; entry: AuditEntry }[]): Promise<void> {
  const rows = entries.map(({ context, entry }) => ({
    actorUserId: context.actorUserId,
    actorEmail: context.actorEmail,
    requestId: context.requestId,
    ip: context.ip,
    organisationId: entry.organisationId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  }));
  for (let i = 0; i < rows.length; i += 500) await db.insert(auditLog).values(rows.slice(i, i + 500));
}

export function createAuditRepository() {
  return {
    /** Writes one entry with the given executor, normally the transaction of the change. */
    async record(db: Database, context: AuditContext, entry: AuditEntry): Promise<void> {
      await recordMany(db, context, [entry]);
    },

    recordMany,
    recordEach,

    async list(db: Database, filter: AuditFilter, page: { limit: number; offset: number }): Promise<{ rows: AuditRow[]; total: number }> {
      const conditions: SQL[] = [];
      if (filter.organisationIds) {
        if (filter.organisationIds.length === 0) return { rows: [], total: 0 };
        conditions.push(inArray(auditLog.organisationId, filter.organisationIds));
      }
      if (filter.action) conditions.push(eq(auditLog.action, filter.action));
      if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
      if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
      if (filter.actorEmail) conditions.push(sql`lower(${auditLog.actorEmail}) = lower(${filter.actorEmail})`);
      if (filter.from) conditions.push(gte(auditLog.occurredAt, filter.from));
      if (filter.to) conditions.push(lte(auditLog.occurredAt, filter.to));
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const [rows, totals] = await Promise.all([
        db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(page.limit).offset(page.offset),
        db.select({ total: count() }).from(auditLog).where(where),
      ]);
      return { rows, total: Number(totals[0]?.total ?? 0) };
    },

    async distinctActions(db: Database): Promise<string[]> {
      const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
      return rows.map((r) => r.action);
    },

    /**
     * Who changed an entity last and when: what a refused update based on an old version reports.
     * `organisationId` narrows it for entities whose id is only unique within one (a membership).
     */
    async lastChange(db: Database, entityType: string, entityId: string, organisationId?: string): Promise<LastChange> {
      const rows = await db
        .select({ by: auditLog.actorEmail, at: auditLog.occurredAt })
        .from(auditLog)
        .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId), organisationId ? eq(auditLog.organisationId, organisationId) : undefined))
        .orderBy(desc(auditLog.id))
        .limit(1);
      return rows[0] ?? null;
    },

    /** The chains that hold entries, of the given organisations or of the whole installation. */
    async chainNames(db: Database, organisationIds?: string[]): Promise<string[]> {
      const where = organisationIds ? inArray(auditLog.chain, organisationIds) : isNotNull(auditLog.chain);
      const rows = await db.selectDistinct({ chain: auditLog.chain }).from(auditLog).where(where).orderBy(auditLog.chain);
      return rows.flatMap((r) => (r.chain === null ? [] : [r.chain]));
    },

    /** One page of a chain's entries, in chain order, after the given position. */
    async chainEntries(db: Database, chain: string, afterSeq: number, limit: number): Promise<AuditRow[]> {
      return db.select().from(auditLog).where(and(eq(auditLog.chain, chain), gt(auditLog.chainSeq, afterSeq))).orderBy(asc(auditLog.chainSeq), asc(auditLog.id)).limit(limit);
    },

    /** The first entry that was written without the chain trigger, if any. */
    async firstUnchained(db: Database, organisationIds?: string[]): Promise<AuditRow | null> {
      const unchained = or(isNull(auditLog.chain), isNull(auditLog.chainSeq), isNull(auditLog.entryHash));
      const where = organisationIds ? and(unchained, inArray(auditLog.organisationId, organisationIds)) : unchained;
      const rows = await db.select().from(auditLog).where(where).orderBy(asc(auditLog.id)).limit(1);
      return rows[0] ?? null;
    },

    /**
     * Who changed an entity last, counting changes of its parts: entries about the entity itself,
     * and entries whose `after` names it under `partKey` (an item's entry names its tender as
     * `tenderId`), as a change of a part raises the whole's version too.
     */
    async lastChangeWithin(db: Database, entityType: string, entityId: string, partKey: string): Promise<LastChange> {
      const rows = await db
        .select({ by: auditLog.actorEmail, at: auditLog.occurredAt })
        .from(auditLog)
        .where(sql`(${auditLog.entityType} = ${entityType} and ${auditLog.entityId} = ${entityId}) or ${auditLog.after} ->> ${partKey} = ${entityId}`)
        .orderBy(desc(auditLog.id))
        .limit(1);
      return rows[0] ?? null;
    },

    /** Failed logins for an email since a moment; backs the per-account login limit. */
    async countFailedLogins(db: Database, email: string, since: Date): Promise<number> {
      const rows = await db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.action, 'auth.login_failed'), eq(auditLog.entityId, email.toLowerCase()), gte(auditLog.occurredAt, since)));
      return Number(rows[0]?.n ?? 0);
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

/** The fields that differ between two versions of a row, for the before/after columns. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    const oldValue = before[key];
    const newValue = after[key];
    if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) {
      b[key] = oldValue ?? null;
      a[key] = newValue ?? null;
    }
  }
  return { before: b, after: a };
}
