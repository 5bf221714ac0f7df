import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain, checked outside the database. The database computes each entry's
 * hash when it writes the entry (migration audit_chain_trigger, function audit_log_entry_hash);
 * this module recomputes it from the stored fields, so an entry changed, removed or inserted by
 * someone with direct database access is found and named. The same rules, written out in
 * docs/export-format.md, let anyone check an export offline.
 */

export const INSTALLATION_CHAIN = 'installation';

export type ChainEntry = {
  id: number;
  occurredAt: Date | string;
  actorUserId: string | null;
  actorEmail: string | null;
  organisationId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
  chain: string | null;
  chainSeq: number | null;
  previousHash: string | null;
  entryHash: string | null;
};

export type ChainBreakReason = 'not_chained' | 'wrong_chain' | 'entry_missing' | 'link_broken' | 'content_changed';

export type ChainBreak = { entryId: number; chainSeq: number | null; reason: ChainBreakReason; message: string };

export type ChainReport = {
  chain: string;
  entries: number;
  head: { chainSeq: number; entryHash: string } | null;
  valid: boolean;
  firstBreak: ChainBreak | null;
};

/** Which chain an entry belongs to: its organisation's, or the installation's. */
export function chainOf(organisationId: string | null): string {
  return organisationId ?? INSTALLATION_CHAIN;
}

function compareKeys(a: string, b: string): number {
  const la = Buffer.byteLength(a);
  const lb = Buffer.byteLength(b);
  return la !== lb ? la - lb : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function jsonbString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function jsonbNumber(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 100 }) : text;
}

/**
 * A JSON value written the way PostgreSQL writes jsonb as text: object keys ordered by their
 * length in bytes and then bytewise, ", " between items, ": " after a key.
 */
export function jsonbText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return jsonbString(value);
  if (typeof value === 'number') return jsonbNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return jsonbString(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareKeys(a, b));
    return `{${entries.map(([k, v]) => `${jsonbString(k)}: ${jsonbText(v)}`).join(', ')}}`;
  }
  return jsonbString(String(value));
}

function isoMillis(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** The SHA-256 of an entry's canonical content, as the database computed it when it wrote the entry. */
export function entryHash(entry: ChainEntry): string {
  const canonical = jsonbText([
    entry.id,
    isoMillis(entry.occurredAt),
    entry.actorUserId,
    entry.actorEmail,
    entry.organisationId,
    entry.action,
    entry.entityType,
    entry.entityId,
    entry.before ?? null,
    entry.after ?? null,
    entry.requestId,
    entry.ip,
    entry.chain,
    entry.chainSeq,
    entry.previousHash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Checks one chain's entries, given in chain order, and stops at the first break. */
export function createChainVerifier(chain: string) {
  let entries = 0;
  let previous: { chainSeq: number; entryHash: string } | null = null;
  let firstBreak: ChainBreak | null = null;

  const broken = (entry: ChainEntry, reason: ChainBreakReason, message: string) => {
    firstBreak = { entryId: entry.id, chainSeq: entry.chainSeq, reason, message };
  };

  return {
    /** Takes the next entry; answers false once the chain is broken. */
    add(entry: ChainEntry): boolean {
      if (firstBreak) return false;
      entries += 1;
      const expectedSeq = (previous?.chainSeq ?? 0) + 1;
      if (entry.entryHash === null || entry.chainSeq === null || entry.chain === null) {
        broken(entry, 'not_chained', `Audit entry ${entry.id} has no place in a chain: it was written past the database's trigger.`);
      } else if (entry.chain !== chainOf(entry.organisationId)) {
        broken(entry, 'wrong_chain', `Audit entry ${entry.id} sits in chain ${entry.chain} but belongs to ${chainOf(entry.organisationId)}.`);
      } else if (entry.chainSeq !== expectedSeq) {
        broken(entry, 'entry_missing', `Audit entry ${entry.id} is number ${entry.chainSeq} in chain ${chain}, but number ${expectedSeq} was expected: an entry before it is missing.`);
      } else if (entry.previousHash !== (previous?.entryHash ?? null)) {
        broken(entry, 'link_broken', `Audit entry ${entry.id} does not point to the entry before it in chain ${chain}: an entry was removed or replaced.`);
      } else if (entryHash(entry) !== entry.entryHash) {
        broken(entry, 'content_changed', `Audit entry ${entry.id} does not match its hash: its content was changed after it was written.`);
      } else {
        previous = { chainSeq: entry.chainSeq, entryHash: entry.entryHash };
      }
      return firstBreak === null;
    },

    report(): ChainReport {
      return { chain, entries, head: previous, valid: firstBreak === null, firstBreak };
    },
  };
}
