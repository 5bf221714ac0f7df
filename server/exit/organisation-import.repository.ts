import { eq, sql } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import type { ExitEntity } from './exit.repository';

/** A single-column foreign key of an entity, by database names. */
export type ImportForeignKey = { column: string; table: string; notNull: boolean };

/** How an entity's rows are keyed and what they refer to, read from the table's Drizzle config. */
export type ImportShape = {
  /** The database name of the entity's table, the name foreign keys use. */
  table: string;
  /** The single-column primary key, when the table has one. */
  primaryKey: { column: string; uuid: boolean } | null;
  foreignKeys: ImportForeignKey[];
};

async function rowsOf<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/**
 * Reads an entity's keys from its table config, so every entity an export holds (today's and
 * those added later) has its ids mapped without a list per table. Foreign keys over several
 * columns are not used by any exported table; they are left to the database to check.
 */
export function importShapeOf(entity: ExitEntity): ImportShape {
  const config = getTableConfig(entity.table);
  const primary = config.columns.filter((c) => c.primary);
  const single = primary.length === 1 ? primary[0] : config.primaryKeys[0]?.columns.length === 1 ? config.primaryKeys[0].columns[0] : undefined;
  const foreignKeys: ImportForeignKey[] = [];
  for (const fk of config.foreignKeys) {
    const reference = fk.reference();
    const [column] = reference.columns;
    if (reference.columns.length !== 1 || !column) continue;
    foreignKeys.push({ column: column.name, table: getTableConfig(reference.foreignTable).name, notNull: column.notNull });
  }
  return {
    table: config.name,
    primaryKey: single ? { column: single.name, uuid: single.columnType === 'PgUUID' } : null,
    foreignKeys,
  };
}

/** The reads an organisation import needs from the installation it goes into. */
export function createOrganisationImportRepository() {
  return {
    /** Organisations here with the same name (any case) or organisation number. */
    async organisationsNamed(db: Database, name: string, orgNumber: string | null): Promise<{ id: string; name: string; orgNumber: string | null }[]> {
      return rowsOf(db, sql`select id, name, org_number as "orgNumber" from organisations where lower(name) = lower(${name}) or (${orgNumber}::text is not null and org_number = ${orgNumber}) order by name`);
    },

    /** Every published or deprecated library version here, by key and version. */
    async libraryVersions(db: Database): Promise<Map<string, { id: string; contentHash: string }>> {
      const rows = await rowsOf<{ id: string; key: string; version: string; content_hash: string }>(db, sql`select id, key, version, content_hash from library_versions where version is not null`);
      return new Map(rows.map((r) => [`${r.key}@${r.version}`, { id: r.id, contentHash: r.content_hash }]));
    },

    /** Accounts here by lower-cased e-mail. */
    async usersByEmail(db: Database, emails: string[]): Promise<Map<string, string>> {
      if (emails.length === 0) return new Map();
      const rows = await rowsOf<{ id: string; email: string }>(db, sql`select id, lower(email) as email from users where lower(email) in (${sql.join(emails.map((e) => sql`${e}`), sql`, `)})`);
      return new Map(rows.map((r) => [r.email, r.id]));
    },

    /** Whether a row with this primary key exists (entities keyed by a name, such as library sources). */
    async exists(db: Database, entity: ExitEntity, column: string, value: unknown): Promise<boolean> {
      const pk = Object.values(getTableConfig(entity.table).columns).find((c) => c.name === column);
      if (!pk) return false;
      const rows = await db.select({ one: sql`1` }).from(entity.table as PgTable).where(eq(pk, value)).limit(1);
      return rows.length > 0;
    },

    /** Whether an assessment profile here already uses the slug (slugs are unique across organisations). */
    async profileSlugTaken(db: Database, slug: string): Promise<boolean> {
      return (await rowsOf(db, sql`select 1 from assessment_profiles where slug = ${slug}`)).length > 0;
    },
  };
}

export type OrganisationImportRepository = ReturnType<typeof createOrganisationImportRepository>;
