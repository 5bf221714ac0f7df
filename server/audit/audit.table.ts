import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only record of every change. Rows carry copies of the actor's email and the
 * organisation's name so the log stays readable after those are renamed or removed; a
 * database trigger refuses UPDATE and DELETE.
 *
 * Each entry is also a link in a hash chain, one chain per organisation and one for the
 * installation (entries without an organisation). The database fills the chain columns in a
 * BEFORE INSERT trigger (migration audit_chain), so the application never computes them and
 * several instances writing at once still build one unbroken chain; `audit-chain.ts` verifies it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid('actor_user_id'),
    actorEmail: text('actor_email'),
    organisationId: uuid('organisation_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before').$type<Record<string, unknown> | null>(),
    after: jsonb('after').$type<Record<string, unknown> | null>(),
    requestId: text('request_id'),
    ip: text('ip'),
    chain: text('chain'),
    chainSeq: bigint('chain_seq', { mode: 'number' }),
    previousHash: text('previous_hash'),
    entryHash: text('entry_hash'),
  },
  (t) => [
    index('audit_log_organisation_idx').on(t.organisationId, t.id),
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
    index('audit_log_actor_idx').on(t.actorUserId, t.id),
    index('audit_log_action_idx').on(t.action, t.occurredAt),
    uniqueIndex('audit_log_chain_idx').on(t.chain, t.chainSeq),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
