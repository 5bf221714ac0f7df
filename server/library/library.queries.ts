import { z } from 'zod';
import { librarySearchQuerySchema } from './library.schemas';

/** The export's query, for the API and the page: the library search's filters and the format. */
export const exportQuerySchema = librarySearchQuerySchema.omit({ page: true, pageSize: true, sort: true }).extend({ format: z.enum(['zip', 'json']).default('zip') });
