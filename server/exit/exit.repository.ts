import { asc, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import * as schema from '../db/schema';

/**
 * One entity of an export: a table, which of its rows an organisation's export holds (none when
 * `organisation` is absent), the columns left out there, and the column whose bytes are written
 * as separate files named by their SHA-256.
 */
export type ExitEntity = {
  name: string;
  table: PgTable;
  organisation?: (organisationId: string) => SQL;
  omitForOrganisation?: string[];
  /** Columns no export holds: secrets, and references to passing work that is not exported. */
  omit?: string[];
  fileColumn?: string;
};

const t = schema;
const tendersOf = (org: string) => sql`(select id from tenders where buyer_organisation_id = ${org} or id in (select tender_id from tender_co_buyers where organisation_id = ${org}))`;
const jointSetsOf = (org: string) => sql`(select id from joint_sets where coordinator_organisation_id = ${org} or id in (select joint_set_id from joint_set_participants where organisation_id = ${org}))`;
const jointRevisionsOf = (org: string) => sql`(select id from joint_set_revisions where joint_set_id in ${jointSetsOf(org)})`;
const productsOf = (org: string) => sql`(select id from products where vendor_organisation_id = ${org})`;
const productVersionsOf = (org: string) => sql`(select id from product_versions where product_id in ${productsOf(org)})`;
const answersOf = (org: string) => sql`(select id from answers where product_version_id in ${productVersionsOf(org)})`;
const profilesOf = (org: string) => sql`(select id from assessment_profiles where owner_organisation_id = ${org})`;

/**
 * Every entity an export holds, parents before children so an import can insert in this order.
 * Sessions, API tokens, invitations, jobs and logins on their way through a provider are left
 * out: they are secrets or passing work, not the installation's records. An identity provider's
 * client secret is never exported, so an imported provider needs its secret entered again; a
 * check run's job is passing work, so the run is exported without it. An organisation's export holds its own rows and the shared
 * work it takes part in (tenders it co-buys, joint sets it participates in), never another
 * organisation's members or internal notes.
 */
export const EXIT_ENTITIES: ExitEntity[] = [
  { name: 'organisations', table: t.organisations, organisation: (org) => sql`${t.organisations.id} = ${org}` },
  { name: 'users', table: t.users, organisation: (org) => sql`${t.users.id} in (select user_id from memberships where organisation_id = ${org})`, omitForOrganisation: ['password_hash', 'is_admin'] },
  { name: 'user_identities', table: t.userIdentities, organisation: (org) => sql`${t.userIdentities.userId} in (select user_id from memberships where organisation_id = ${org})` },
  { name: 'identity_providers', table: t.identityProviders, organisation: (org) => sql`${t.identityProviders.organisationId} = ${org}`, omit: ['client_secret_ciphertext'] },
  { name: 'sso_role_mappings', table: t.ssoRoleMappings, organisation: (org) => sql`${t.ssoRoleMappings.organisationId} = ${org}` },
  { name: 'sso_organisation_policies', table: t.ssoOrganisationPolicies, organisation: (org) => sql`${t.ssoOrganisationPolicies.organisationId} = ${org}` },
  { name: 'memberships', table: t.memberships, organisation: (org) => sql`${t.memberships.organisationId} = ${org}` },
  { name: 'library_sources', table: t.librarySources, organisation: () => sql`true` },
  { name: 'library_versions', table: t.libraryVersions, organisation: (org) => sql`${t.libraryVersions.ownerOrganisationId} is null or ${t.libraryVersions.ownerOrganisationId} = ${org}` },
  { name: 'library_packs', table: t.libraryPacks, organisation: () => sql`true` },
  { name: 'library_selections', table: t.librarySelections, organisation: (org) => sql`${t.librarySelections.organisationId} = ${org}` },
  { name: 'joint_sets', table: t.jointSets, organisation: (org) => sql`${t.jointSets.id} in ${jointSetsOf(org)}` },
  { name: 'joint_set_participants', table: t.jointSetParticipants, organisation: (org) => sql`${t.jointSetParticipants.jointSetId} in ${jointSetsOf(org)}` },
  { name: 'joint_set_revisions', table: t.jointSetRevisions, organisation: (org) => sql`${t.jointSetRevisions.jointSetId} in ${jointSetsOf(org)}` },
  { name: 'joint_set_sections', table: t.jointSetSections, organisation: (org) => sql`${t.jointSetSections.revisionId} in ${jointRevisionsOf(org)}` },
  { name: 'joint_set_items', table: t.jointSetItems, organisation: (org) => sql`${t.jointSetItems.revisionId} in ${jointRevisionsOf(org)}` },
  { name: 'joint_set_comments', table: t.jointSetComments, organisation: (org) => sql`${t.jointSetComments.revisionId} in ${jointRevisionsOf(org)}` },
  { name: 'joint_set_signoffs', table: t.jointSetSignoffs, organisation: (org) => sql`${t.jointSetSignoffs.revisionId} in ${jointRevisionsOf(org)}` },
  { name: 'joint_set_deviations', table: t.jointSetDeviations, organisation: (org) => sql`${t.jointSetDeviations.revisionId} in ${jointRevisionsOf(org)}` },
  { name: 'tenders', table: t.tenders, organisation: (org) => sql`${t.tenders.id} in ${tendersOf(org)}` },
  { name: 'tender_co_buyers', table: t.tenderCoBuyers, organisation: (org) => sql`${t.tenderCoBuyers.tenderId} in ${tendersOf(org)}` },
  { name: 'tender_sections', table: t.tenderSections, organisation: (org) => sql`${t.tenderSections.tenderId} in ${tendersOf(org)}` },
  { name: 'tender_items', table: t.tenderItems, organisation: (org) => sql`${t.tenderItems.tenderId} in ${tendersOf(org)}` },
  { name: 'tender_revisions', table: t.tenderRevisions, organisation: (org) => sql`${t.tenderRevisions.tenderId} in ${tendersOf(org)}` },
  { name: 'tender_responses', table: t.tenderResponses, organisation: (org) => sql`${t.tenderResponses.tenderId} in ${tendersOf(org)}` },
  { name: 'check_uploads', table: t.checkUploads, organisation: (org) => sql`${t.checkUploads.organisationId} = ${org}`, fileColumn: 'content' },
  { name: 'products', table: t.products, organisation: (org) => sql`${t.products.id} in ${productsOf(org)}` },
  { name: 'product_versions', table: t.productVersions, organisation: (org) => sql`${t.productVersions.id} in ${productVersionsOf(org)}` },
  { name: 'product_usages', table: t.productUsages, organisation: (org) => sql`${t.productUsages.buyerOrganisationId} = ${org}` },
  { name: 'assessment_profiles', table: t.assessmentProfiles, organisation: (org) => sql`${t.assessmentProfiles.ownerOrganisationId} = ${org}` },
  { name: 'assessment_profile_versions', table: t.assessmentProfileVersions, organisation: (org) => sql`${t.assessmentProfileVersions.profileId} in ${profilesOf(org)}` },
  { name: 'assessment_requests', table: t.assessmentRequests, organisation: (org) => sql`${t.assessmentRequests.requestedByOrganisationId} = ${org} or ${t.assessmentRequests.productId} in ${productsOf(org)}` },
  { name: 'answers', table: t.answers, organisation: (org) => sql`${t.answers.id} in ${answersOf(org)}` },
  { name: 'answer_digests', table: t.answerDigests, organisation: (org) => sql`${t.answerDigests.productVersionId} in ${productVersionsOf(org)}` },
  { name: 'evidence_files', table: t.evidenceFiles, organisation: (org) => sql`${t.evidenceFiles.answerId} in ${answersOf(org)}`, fileColumn: 'content' },
  { name: 'verifications', table: t.verifications, organisation: (org) => sql`${t.verifications.assessorOrganisationId} = ${org}` },
  { name: 'answer_messages', table: t.answerMessages, organisation: (org) => sql`${t.answerMessages.productVersionId} in ${productVersionsOf(org)}` },
  { name: 'check_runs', table: t.checkRuns, organisation: (org) => sql`${t.checkRuns.organisationId} = ${org}`, omit: ['job_id'] },
  { name: 'audit_log', table: t.auditLog, organisation: (org) => sql`${t.auditLog.organisationId} = ${org}` },
];

export type ExitColumn = { key: string; name: string; dataType: string; columnType: string; notNull: boolean; enumValues: string[] | undefined; generated: boolean };

/** An entity's columns in table order, by database name, with what a JSON Schema needs. */
export function entityColumns(entity: ExitEntity): ExitColumn[] {
  return Object.entries(getTableColumns(entity.table)).map(([key, column]) => ({
    key,
    name: column.name,
    dataType: column.dataType,
    columnType: column.columnType,
    notNull: column.notNull,
    enumValues: column.enumValues,
    generated: column.generated !== undefined,
  }));
}

/** The names of a table's primary key columns, or null when it has none. */
export function primaryKeyOf(entity: ExitEntity): string[] | null {
  const config = getTableConfig(entity.table);
  const primary = config.columns.filter((c) => c.primary);
  const columns = primary.length > 0 ? primary : (config.primaryKeys[0]?.columns ?? []);
  return columns.length > 0 ? columns.map((c) => c.name) : null;
}

function orderColumns(table: PgTable): PgColumn[] {
  const config = getTableConfig(table);
  const primary = config.columns.filter((c) => c.primary);
  if (primary.length > 0) return primary;
  return config.primaryKeys[0]?.columns ?? config.columns;
}

export function createExitRepository() {
  async function page(db: Database, entity: ExitEntity, organisationId: string | null, offset: number, limit: number): Promise<Record<string, unknown>[]> {
    const where = organisationId && entity.organisation ? entity.organisation(organisationId) : undefined;
    const columns = getTableColumns(entity.table);
    // A file column is read as base64 and decoded natively: the embedded database hands bytea over
    // as hex text that its driver decodes byte by byte in JavaScript, most of an export's reading.
    const fileKey = entity.fileColumn ? Object.keys(columns).find((key) => columns[key]?.name === entity.fileColumn) : undefined;
    const fields = fileKey ? { ...columns, [fileKey]: sql<string | null>`encode(${columns[fileKey]}, 'base64')` } : columns;
    const rows = (await db
      .select(fields)
      .from(entity.table)
      .where(where)
      .orderBy(...orderColumns(entity.table).map((c) => asc(c)))
      .limit(limit)
      .offset(offset)) as Record<string, unknown>[];
    if (fileKey) for (const row of rows) if (typeof row[fileKey] === 'string') row[fileKey] = Buffer.from(row[fileKey], 'base64');
    return rows;
  }

  return {
    /**
     * Runs `work` in one read-only REPEATABLE READ transaction: every statement in it sees the
     * same snapshot of the database, whatever is committed meanwhile.
     */
    snapshot<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) => work(tx as unknown as Database), { isolationLevel: 'repeatable read', accessMode: 'read only' });
    },

    /** An entity's rows, all or an organisation's, in primary-key order, `size` at a time. */
    async *pages(db: Database, entity: ExitEntity, organisationId: string | null, size: number): AsyncGenerator<Record<string, unknown>[]> {
      for (let offset = 0; ; offset += size) {
        const rows = await page(db, entity, organisationId, offset, size);
        if (rows.length > 0) yield rows;
        if (rows.length < size) return;
      }
    },
  };
}

/** A JSON Lines value as the column takes it: times back to dates, file columns to their bytes. */
function columnValue(column: ExitColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.dataType === 'date' && typeof value === 'string') return new Date(value);
  return value;
}

const IMPORT_BATCH = 500;

async function rowsOf<T>(db: Database, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Writing an import: each entity's rows in batches, the database's own triggers held off meanwhile. */
export function createExitImportRepository() {
  return {
    /** What keeps an installation from being empty for an import, or null: organisations, or accounts other than administrators. */
    async installationHolds(db: Database): Promise<string | null> {
      const [counts] = await rowsOf<{ organisations: number; users: number }>(db, sql`
        select (select count(*)::int from organisations) as organisations,
               (select count(*)::int from users where not is_admin or id in (select user_id from memberships)) as users`);
      if ((counts?.organisations ?? 0) > 0) return `${counts?.organisations} organisation(s)`;
      if ((counts?.users ?? 0) > 0) return `${counts?.users} account(s) besides administrators`;
      return null;
    },

    /**
     * Removes what an empty installation starts with (its first administrators, the library it
     * synchronised, their audit entries) so the import gives the exported installation exactly.
     * The sector packs are replaced only when the export holds them (exports before they were
     * exported do not). Answers what was removed, for the import's own audit entry.
     */
    async discardStartingRows(db: Database, options: { libraryPacks: boolean }): Promise<{ administrators: string[]; libraryVersions: number; auditEntries: number; auditHeads: { chain: string; chainSeq: number; entryHash: string }[] }> {
      const administrators = (await rowsOf<{ email: string }>(db, sql`delete from users returning email`)).map((r) => r.email).sort();
      const libraryVersions = (await rowsOf(db, sql`delete from library_versions returning id`)).length;
      await db.execute(sql`delete from library_sources`);
      if (options.libraryPacks) await db.execute(sql`delete from library_packs`);
      await db.execute(sql`delete from assessment_profiles where owner_organisation_id is null`);
      const auditHeads = (
        await rowsOf<{ chain: string; chain_seq: number; entry_hash: string }>(db, sql`
          select distinct on (chain) chain, chain_seq::int as chain_seq, entry_hash from audit_log where chain is not null order by chain, chain_seq desc`)
      ).map((r) => ({ chain: r.chain, chainSeq: Number(r.chain_seq), entryHash: r.entry_hash }));
      const auditEntries = (await rowsOf(db, sql`delete from audit_log returning id`)).length;
      return { administrators, libraryVersions, auditEntries, auditHeads };
    },

    /**
     * Holds off the tables' own triggers for the rest of the transaction: the audit chain trigger
     * (imported entries keep the hashes they were written with, and are verified afterwards), the
     * append-only guard, and the answer digests (imported as they were). Foreign keys stay on.
     */
    async holdTriggers(db: Database, entities: ExitEntity[]): Promise<void> {
      for (const entity of entities) await db.execute(sql`alter table ${entity.table} disable trigger user`);
    },

    /** Turns the triggers on again, and raises every data stamp, which the held triggers did not: caches read before the import are not used after it. */
    async releaseTriggers(db: Database, entities: ExitEntity[]): Promise<void> {
      for (const entity of entities) await db.execute(sql`alter table ${entity.table} enable trigger user`);
      await db.execute(sql`update data_stamps set stamp = stamp + 1`);
    },

    /** Inserts one entity's rows, given as the export writes them (database column names). */
    async insert(db: Database, entity: ExitEntity, columns: ExitColumn[], rows: Record<string, unknown>[]): Promise<void> {
      const writable = columns.filter((c) => !c.generated);
      for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
        const values = rows.slice(start, start + IMPORT_BATCH).map((row) => Object.fromEntries(writable.map((c) => [c.key, columnValue(c, row[c.name])])));
        await db.insert(entity.table).values(values);
      }
    },

    /** Moves the audit log's id sequence past the imported entries, so new entries follow them. */
    async advanceSequences(db: Database): Promise<void> {
      await db.execute(sql`select setval(pg_get_serial_sequence('audit_log', 'id'), coalesce((select max(id) from audit_log), 1), (select count(*) > 0 from audit_log))`);
    },
  };
}

export type ExitImportRepository = ReturnType<typeof createExitImportRepository>;

export type ExitRepository = ReturnType<typeof createExitRepository>;
