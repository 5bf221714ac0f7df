import { z } from 'zod';

/**
 * The version an update is based on: the `version` a GET answered (also sent as its ETag). The
 * router fills it from If-Match when the body has none; a form sends it as text.
 */
export const versionField = z.coerce
  .number('must be the version you read')
  .int('must be a whole number')
  .min(1, 'must be the version you read')
  .meta({ description: 'The version you read (GET answers it, and sends it as the ETag; If-Match may carry it instead). A stale version gives 409, none 428.' });

/** The version an entity answers: raised by one on every change. */
export const versionOut = z.number().int().min(1).meta({ description: 'Raised by one on every change; send it back (or If-Match with the ETag) when you change the entity' });
