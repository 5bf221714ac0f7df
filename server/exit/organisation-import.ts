import { randomUUID } from 'node:crypto';
import type { AuditContext } from '../auth/actor';
import type { AuditRepository } from '../audit/audit.repository';
import { createChainVerifier, type ChainEntry } from '../audit/audit-chain';
import type { Database } from '../db/client';
import type { ExportArchive } from './exit-archive';
import type { ChainHead } from './exit-export';
import { EXIT_ENTITIES, entityColumns, type ExitEntity, type ExitImportRepository } from './exit.repository';
import { importAuditChainBroken, importAuditHeadMismatch, importLibraryConflict, importOrganisationExists, importOrganisationMissing } from './organisation-import.errors';
import { importShapeOf, type OrganisationImportRepository } from './organisation-import.repository';

/**
 * The password hash of an imported account that is new here. It is no hash, so no password
 * matches it (as for accounts made by single sign-on): the person signs in through single
 * sign-on with the same e-mail, never with a password from the other installation.
 */
export const IMPORTED_WITHOUT_PASSWORD = '!imported';

/** What an organisation import wrote, matched and left out, as its job result and audit entry show it. */
export type OrganisationImportResult = {
  organisation: { id: string; name: string; sourceId: string };
  /** Rows written here, per entity. */
  rows: Record<string, number>;
  /** Rows that already existed here and that the imported rows now point to, per entity. */
  matched: Record<string, number>;
  /** Rows not imported, per entity and reason. */
  leftOut: { entity: string; rows: number; reason: string }[];
  /** References cleared because they pointed to rows not imported, per entity and column. */
  cleared: { entity: string; column: string; rows: number; reason: string }[];
  audit: { sourceChain: ChainHead | null; entries: number };
};

const BATCH = 500;

/** Entities this installation derives itself from the imported rows: answer digests follow the answers by trigger. */
const DERIVED = new Set(['answer_digests']);
const AUDIT_ENTITY = 'audit_log';

type Deps = { db: Database; audit: AuditRepository; writer: ExitImportRepository; reader: OrganisationImportRepository };

/** An audit entry as the export writes it (database column names), as the chain verifier reads it. */
export function chainEntryOf(row: Record<string, unknown>): ChainEntry {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: Number(row.id),
    occurredAt: String(row.occurred_at),
    actorUserId: text(row.actor_user_id),
    actorEmail: text(row.actor_email),
    organisationId: text(row.organisation_id),
    action: String(row.action),
    entityType: String(row.entity_type),
    entityId: text(row.entity_id),
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: text(row.request_id),
    ip: text(row.ip),
    chain: text(row.chain),
    chainSeq: num(row.chain_seq),
    previousHash: text(row.previous_hash),
    entryHash: text(row.entry_hash),
  };
}

/**
 * The organisation's audit log as exported, verified: every entry in its chain, linked and
 * matching its hash, ending where the manifest says. Answers the entries in chain order.
 */
export async function verifiedSourceAudit(archive: ExportArchive, sourceId: string): Promise<{ rows: Record<string, unknown>[]; head: ChainHead | null }> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of archive.rows(AUDIT_ENTITY)) rows.push(row);
  rows.sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq) || Number(a.id) - Number(b.id));
  const verifier = createChainVerifier(sourceId);
  for (const row of rows) if (!verifier.add(chainEntryOf(row))) break;
  const report = verifier.report();
  if (!report.valid) throw importAuditChainBroken(report.firstBreak?.message ?? 'a chain is broken.');
  const expected = archive.manifest.auditChains.find((c) => c.chain === sourceId);
  const actual = report.head;
  if (expected && (actual?.chainSeq !== expected.chainSeq || actual.entryHash !== expected.entryHash)) throw importAuditHeadMismatch(sourceId, expected, actual);
  if (!expected && actual) throw importAuditHeadMismatch(sourceId, { chainSeq: 0, entryHash: 'none' }, actual);
  return { rows, head: actual ? { chain: sourceId, ...actual } : null };
}

/** The exported organisation's own row, which the manifest's scope names. */
async function sourceOrganisation(archive: ExportArchive): Promise<Record<string, unknown>> {
  const scope = archive.manifest.scope;
  const sourceId = scope.kind === 'organisation' ? scope.organisationId : '';
  for await (const row of archive.rows('organisations')) if (row.id === sourceId) return row;
  throw importOrganisationMissing(sourceId);
}

/**
 * Everything that refuses an organisation import, checked before anything is written and again
 * inside the import's transaction. First what is wrong with the export itself (the organisation
 * missing from its own data, an audit log that does not verify), then what clashes with this
 * installation: an organisation here with its name or number, library items whose key and
 * version exist here with other content (all of them named).
 */
export async function checkOrganisationImport(
  db: Database,
  reader: OrganisationImportRepository,
  archive: ExportArchive,
): Promise<{ organisation: Record<string, unknown>; library: Map<string, { id: string; contentHash: string }>; audit: Awaited<ReturnType<typeof verifiedSourceAudit>> }> {
  const organisation = await sourceOrganisation(archive);
  const audit = await verifiedSourceAudit(archive, String(organisation.id));
  const name = String(organisation.name);
  const existing = await reader.organisationsNamed(db, name, (organisation.org_number as string | null) ?? null);
  if (existing.length > 0) throw importOrganisationExists(name, existing.map(({ name: n, orgNumber }) => ({ name: n, orgNumber })));
  const library = await reader.libraryVersions(db);
  const conflicts: string[] = [];
  for await (const row of archive.rows('library_versions')) {
    if (row.version === null || row.version === undefined) continue;
    const here = library.get(`${String(row.key)}@${String(row.version)}`);
    if (here && here.contentHash !== row.content_hash) conflicts.push(`${String(row.key)}@${String(row.version)}`);
  }
  if (conflicts.length > 0) throw importLibraryConflict(conflicts.sort());
  return { organisation, library, audit };
}

/**
 * Writes an organisation export into this installation as a new organisation, inside the caller's
 * transaction. Every imported row gets a new id and every foreign key is rewritten through the
 * ids given so far, entity by entity in the export's order of dependence, read from the tables'
 * own foreign keys. A reference to a row the import does not hold (another organisation, its
 * members, its products) is cleared when the column allows it; otherwise the row is left out,
 * and so are the rows that depend on it. All of it is counted in the result.
 */
export async function importOrganisation(deps: Deps, archive: ExportArchive, context: AuditContext, details: { jobId: string; sha256: string; formatVersion: number }): Promise<OrganisationImportResult> {
  const { db, reader, writer, audit } = deps;
  const checked = await checkOrganisationImport(db, reader, archive);
  const sourceId = String(checked.organisation.id);
  const ids = new Map<string, Map<string, string>>();
  const rows: Record<string, number> = {};
  const matched: Record<string, number> = {};
  const leftOut = new Map<string, { entity: string; rows: number; reason: string }>();
  const cleared = new Map<string, { entity: string; column: string; rows: number; reason: string }>();
  const leave = (entity: string, reason: string) => {
    const key = `${entity}\0${reason}`;
    const current = leftOut.get(key) ?? { entity, rows: 0, reason };
    current.rows += 1;
    leftOut.set(key, current);
  };
  const clear = (entity: string, column: string, reason: string) => {
    const key = `${entity}\0${column}`;
    const current = cleared.get(key) ?? { entity, column, rows: 0, reason };
    current.rows += 1;
    cleared.set(key, current);
  };
  const idsOf = (table: string) => {
    let map = ids.get(table);
    if (!map) ids.set(table, (map = new Map()));
    return map;
  };

  const emails: string[] = [];
  for await (const row of archive.rows('users')) emails.push(String(row.email).toLowerCase());
  const accounts = await reader.usersByEmail(db, emails);

  /** An entity's own decision for one row, after its references are mapped: keep it (with a new id unless `existingId`), or leave it out. */
  const decide = async (entity: ExitEntity, row: Record<string, unknown>): Promise<{ existingId?: string } | { reason: string }> => {
    if (entity.name === 'organisations') return row.id === sourceId ? {} : { reason: 'another organisation' };
    if (entity.name === 'users') {
      const existing = accounts.get(String(row.email).toLowerCase());
      if (existing) return { existingId: existing };
      row.password_hash = IMPORTED_WITHOUT_PASSWORD;
      row.is_admin = false;
      return {};
    }
    if (entity.name === 'library_versions') {
      if (row.version === null || row.version === undefined) return row.owner_organisation_id ? {} : { reason: 'a draft of the other installation\'s shared library' };
      const here = checked.library.get(`${String(row.key)}@${String(row.version)}`);
      if (here && here.contentHash !== row.content_hash) throw importLibraryConflict([`${String(row.key)}@${String(row.version)}`]);
      return here ? { existingId: here.id } : {};
    }
    if (entity.name === 'assessment_profiles' && typeof row.slug === 'string' && (await reader.profileSlugTaken(db, row.slug))) {
      row.slug = null;
      clear(entity.name, 'slug', 'the slug is taken by a profile of this installation');
    }
    return {};
  };

  let organisation: { id: string; name: string } | null = null;
  for (const entity of EXIT_ENTITIES) {
    if (entity.name === AUDIT_ENTITY) continue;
    const shape = importShapeOf(entity);
    const columns = entityColumns(entity);
    let batch: Record<string, unknown>[] = [];
    let written = 0;
    const flush = async () => {
      await writer.insert(db, entity, columns, batch);
      written += batch.length;
      batch = [];
    };
    for await (const exported of archive.rows(entity.name)) {
      if (DERIVED.has(entity.name)) {
        leave(entity.name, 'derived: this installation computes it again from the imported rows');
        continue;
      }
      const row = { ...exported };
      let missing: string | null = null;
      for (const fk of shape.foreignKeys) {
        const value = row[fk.column];
        if (value === null || value === undefined) continue;
        const mapped = ids.get(fk.table)?.get(String(value));
        if (mapped !== undefined) row[fk.column] = mapped;
        else if (fk.notNull) {
          missing = `${fk.column} refers to a row of ${fk.table} that the import does not hold`;
          break;
        } else {
          row[fk.column] = null;
          clear(entity.name, fk.column, `refers to a row of ${fk.table} that the import does not hold`);
        }
      }
      if (missing) {
        leave(entity.name, missing);
        continue;
      }
      const decision = await decide(entity, row);
      if ('reason' in decision) {
        leave(entity.name, decision.reason);
        continue;
      }
      const pk = shape.primaryKey;
      const ownKey = pk && !shape.foreignKeys.some((fk) => fk.column === pk.column) ? pk : null;
      if (ownKey) {
        const old = String(row[ownKey.column]);
        if (decision.existingId) {
          idsOf(shape.table).set(old, decision.existingId);
          matched[entity.name] = (matched[entity.name] ?? 0) + 1;
          continue;
        }
        if (ownKey.uuid) {
          row[ownKey.column] = randomUUID();
        } else if (await reader.exists(db, entity, ownKey.column, row[ownKey.column])) {
          // Rows keyed by a name (library sources) are the same thing wherever that name exists.
          idsOf(shape.table).set(old, old);
          matched[entity.name] = (matched[entity.name] ?? 0) + 1;
          continue;
        }
        idsOf(shape.table).set(old, String(row[ownKey.column]));
      }
      if (entity.name === 'organisations') organisation = { id: String(row.id), name: String(row.name) };
      if (entity.fileColumn) row[entity.fileColumn] = await archive.read(`files/${String(row[`${entity.fileColumn}_sha256`])}`);
      batch.push(row);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    rows[entity.name] = written;
  }
  if (!organisation) throw importOrganisationMissing(sourceId);

  const source = checked.audit;
  rows[AUDIT_ENTITY] = source.rows.length;
  const result: OrganisationImportResult = {
    organisation: { ...organisation, sourceId },
    rows,
    matched,
    leftOut: [...leftOut.values()],
    cleared: [...cleared.values()],
    audit: { sourceChain: source.head, entries: source.rows.length },
  };
  // The new organisation's chain starts with the import, which names the exported chain's head;
  // the exported entries follow it unchanged inside entries of their own, so their original
  // hashes still verify, and none of them passes for something done in this installation.
  await audit.record(db, context, {
    organisationId: organisation.id,
    action: 'exit.organisation_imported',
    entityType: 'organisation',
    entityId: organisation.id,
    after: { import: details.jobId, sha256: details.sha256, formatVersion: details.formatVersion, sourceOrganisationId: sourceId, sourceChain: source.head, rows, matched, leftOut: result.leftOut, cleared: result.cleared },
  });
  await audit.recordMany(
    db,
    context,
    source.rows.map((entry) => ({ organisationId: organisation.id, action: 'exit.imported_audit_entry', entityType: 'audit_entry', entityId: `${sourceId}:${String(entry.chain_seq)}`, after: { import: details.jobId, entry } })),
  );
  return result;
}
