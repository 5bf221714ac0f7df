import { sql } from 'drizzle-orm';

/**
 * A list page's total, counted in the statement that reads the page: the number of rows the
 * query matches before its limit. Each statement costs about a millisecond on the embedded
 * database, so a list does not send a second one to count.
 */
export const totalBeforeLimit = () => sql<number>`count(*) over ()`.mapWith(Number);

/** The total read with a page's rows; a page past the end has no row to read it from, so it is counted apart. */
export async function pageTotal(rows: { total: number }[], page: { offset: number }, count: () => Promise<number | string | undefined>): Promise<number> {
  const [first] = rows;
  if (first) return first.total;
  return page.offset > 0 ? Number((await count()) ?? 0) : 0;
}
