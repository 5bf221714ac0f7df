import type { Response } from 'supertest';
import type { LoggedIn } from './factories';

type Method = 'put' | 'patch' | 'post';

/**
 * One versioned update as a test sends it: the method and path, the body without `version`, and
 * how to read the entity's version (a GET whose body or ETag carries it).
 */
export type VersionedUpdate = {
  as: LoggedIn;
  method: Method;
  path: string;
  /** The changes of the first and second writer (both based on the same read). */
  bodies: [Record<string, unknown>, Record<string, unknown>];
  /** Reads the version a writer bases its change on. */
  readVersion: () => Promise<number>;
};

function send(update: VersionedUpdate, body: Record<string, unknown>, ifMatch?: string) {
  const req = update.as.agent[update.method](update.path).set('X-CSRF-Token', update.as.csrf);
  if (ifMatch) req.set('If-Match', ifMatch);
  return req.send(body);
}

/** Two writers from one read: both send the version they read, at once. */
export async function raceFromOneRead(update: VersionedUpdate): Promise<{ version: number; results: Response[] }> {
  const version = await update.readVersion();
  const results = await Promise.all(update.bodies.map((body) => send(update, { ...body, version })));
  return { version, results };
}

/**
 * The rule every versioned update keeps: of two updates from one read exactly one succeeds and
 * the other is a 409 with the current version and who changed it last; an update without a
 * version is a 428 naming `version`; the ETag from GET is accepted as If-Match. Answers the 409's
 * body for further checks.
 */
export async function expectNoLostUpdate(update: VersionedUpdate): Promise<Record<string, unknown>> {
  const { version, results } = await raceFromOneRead(update);
  const statuses = results.map((r) => r.status).sort();
  const succeeded = results.filter((r) => r.status < 300);
  const refused = results.filter((r) => r.status === 409);
  expect({ statuses, succeeded: succeeded.length, refused: refused.length }).toEqual({ statuses, succeeded: 1, refused: 1 });
  const conflict = refused[0]?.body as Record<string, unknown>;
  expect(conflict).toMatchObject({ status: 409, code: 'conflict.stale_version', currentVersion: version + 1 });
  expect(conflict.changedBy).toBe(update.as.user.email);

  const missing = await send(update, update.bodies[0]);
  expect(missing.status).toBe(428);
  expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'version' })]);

  const current = await update.readVersion();
  const viaHeader = await send(update, update.bodies[1], `"${current}"`);
  expect(viaHeader.status).toBeLessThan(300);
  expect(await update.readVersion()).toBe(current + 1);
  return conflict;
}

/** The ETag a GET sends, as the version it names; fails the test if there is none. */
export function versionOfEtag(res: Response): number {
  const etag = res.headers.etag as string | undefined;
  expect(etag).toMatch(/^"\d+"$/);
  return Number(etag?.replace(/"/g, ''));
}
