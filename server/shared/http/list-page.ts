import { z } from 'zod';

/**
 * A list read in pages: `page` from 1 and `pageSize` up to 500 (100 by default) in the query,
 * and the answer `{ items, page, pageSize, total }`. For lists the services give whole (members,
 * versions, sources …); lists that can grow large page in their queries instead.
 */
export const pageQueryShape = {
  page: z.coerce.number().int().min(1).max(100_000).default(1).describe('The page, from 1'),
  pageSize: z.coerce.number().int().min(1).max(500).default(100).describe('Items per page'),
};
export const pageQuerySchema = z.strictObject(pageQueryShape);
export type PageQuery = { page: number; pageSize: number };

/** The answer of a list read in pages. */
export const pagedListSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int().describe('Items in every page together') });

/** One page of a whole list, with its number, size and the list's length. */
export function pageOf<T>(items: T[], query: PageQuery): { items: T[]; page: number; pageSize: number; total: number } {
  const start = (query.page - 1) * query.pageSize;
  return { items: items.slice(start, start + query.pageSize), page: query.page, pageSize: query.pageSize, total: items.length };
}
