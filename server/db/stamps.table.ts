import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * A counter per domain of read-mostly data, raised inside every transaction that writes to the
 * domain's tables (by statement triggers, see migration 0019). An instance that caches what it
 * read keys the cache on the stamp, so a write made through any instance is seen by all of them.
 */
export const dataStamps = pgTable('data_stamps', {
  /** 'library': library_versions, library_sources and library_packs. */
  domain: text('domain').primaryKey(),
  stamp: bigint('stamp', { mode: 'number' }).notNull().default(0),
});
