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

  // The refused writer tries again with the ETag as If-Match. Its body differs from the winner's,
  // so the entity really changes (an update that changes nothing keeps the version).
  const refusedBody = update.bodies[results.findIndex((r) => r.status === 409)] ?? update.bodies[1];
  const current = await update.readVersion();
  const viaHeader = await send(update, refusedBody, `"${current}"`);
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

type Versioned = { version: number };
type Reader = { agent: { get: (url: string) => PromiseLike<Response> } };

/** The version of the entity the caller reads at `url` (its ETag, else the body's `version`), or undefined when the caller may not read it. */
async function readVersion(who: Reader, url: string): Promise<number | undefined> {
  const res = await who.agent.get(url);
  if (res.status !== 200) return undefined;
  const etag = res.headers.etag as string | undefined;
  if (etag && /^"\d+"$/.test(etag)) return Number(etag.replace(/"/g, ''));
  const version = (res.body as { version?: unknown } | undefined)?.version;
  return typeof version === 'number' ? version : undefined;
}

/**
 * The API path that reads the entity a change of organisations, members, vendors, products,
 * product versions, usages, profiles or answers' reviews is based on (for the API route and for
 * the page's form alike), or undefined for other changes.
 */
function entityOfRegisterChange(path: string): string | undefined {
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^\/(?:api\/)?organisations\/([^/]+)$/, (m) => `/api/organisations/${m[1]}`],
    [/^\/(?:api\/)?organisations\/([^/]+)\/members\/([^/]+)(?:\/role)?$/, (m) => `/api/organisations/${m[1]}/members/${m[2]}`],
    [/^\/(?:api\/)?vendors\/([^/]+)$/, (m) => `/api/vendors/${m[1]}`],
    [/^\/(?:api\/)?products\/([^/]+)$/, (m) => `/api/products/${m[1]}`],
    [/^\/(?:api\/)?products\/([^/]+)\/versions\/([^/]+)$/, (m) => `/api/products/${m[1]}/versions/${m[2]}`],
    [/^\/(?:api\/)?usages\/([^/]+)$/, (m) => `/api/usages/${m[1]}`],
    [/^\/(?:api\/profiles|assessments\/profiles)\/([^/]+)$/, (m) => `/api/profiles/${m[1]}`],
    [/^\/(?:api\/)?assessments\/answers\/([^/]+)\/verifications$/, (m) => `/api/assessments/answers/${m[1]}`],
  ];
  const exclude = new Set(['new', 'exposure', 'import']);
  for (const [pattern, target] of rules) {
    const m = pattern.exec(path);
    if (m && !m.slice(1).some((part) => exclude.has(part as string))) return target(m);
  }
  return undefined;
}

/** Reads a JSON answer, or undefined when the caller may not read it. */
async function readJson<T>(who: Reader, url: string): Promise<T | undefined> {
  const res = await who.agent.get(url);
  return res.status === 200 ? (res.body as T) : undefined;
}

/**
 * The version a change at `url` (an API path or a page form's action) is based on, read as the
 * caller would read it just before: undefined for a change that takes none. A caller who cannot
 * read the entity gets 1, so the request goes on to the access checks (a deviation: 0, "none").
 * `method` is the HTTP method, or `form` for a page's form post.
 */
export async function versionToPresent(who: Reader, method: string, url: string): Promise<number | undefined> {
  if (method === 'get' || method === 'delete') return undefined;
  const registerEntity = entityOfRegisterChange(url.replace(/\?.*$/, ''));
  if (registerEntity) return (await readVersion(who, registerEntity)) ?? 1;
  const path = url.replace(/\?.*$/, '').replace(/^\/(tenders|joint-sets|library)\//, '/api/$1/');

  const tender = /^\/api\/tenders\/([^/]+)(?:\/(parameters|co-buyers(?:\/[^/]+)?))?$/.exec(path);
  if (tender) return (await readJson<Versioned>(who, `/api/tenders/${tender[1]}`))?.version ?? 1;
  const tenderItem = /^\/api\/tenders\/([^/]+)\/items\/([^/]+)(?:\/(move|upgrade|remove))?$/.exec(path);
  if (tenderItem) return (await readJson<Versioned>(who, `/api/tenders/${tenderItem[1]}/items/${tenderItem[2]}`))?.version ?? 1;
  const tenderSection = /^\/api\/tenders\/([^/]+)\/sections\/([^/]+)(?:\/(move|remove))?$/.exec(path);
  if (tenderSection) {
    const read = await readJson<{ sections: (Versioned & { id: string })[] }>(who, `/api/tenders/${tenderSection[1]}`);
    return read?.sections.find((s) => s.id === tenderSection[2])?.version ?? 1;
  }

  const draft = /^\/api\/library\/drafts\/([^/]+)(?:\/publish)?$/.exec(path);
  if (draft) return (await readJson<{ draft: { revision: number } | null }>(who, `/api/library/drafts/${draft[1]}`))?.draft?.revision ?? 1;

  const set = /^\/api\/joint-sets\/([^/]+)(?:\/participants(?:\/[^/]+)?)?$/.exec(path);
  if (set && set[1] !== 'import') return (await readJson<Versioned>(who, `/api/joint-sets/${set[1]}`))?.version ?? 1;
  const comment = /^\/api\/joint-sets\/([^/]+)\/revisions\/(\d+)\/comments\/([^/]+)\/resolution$/.exec(path);
  if (comment) {
    const read = await readJson<{ comments: (Versioned & { id: string })[] | null }>(who, `/api/joint-sets/${comment[1]}/revisions/${comment[2]}`);
    return read?.comments?.find((c) => c.id === comment[3])?.version ?? 1;
  }
  const deviation = /^\/api\/joint-sets\/([^/]+)\/revisions\/(\d+)\/deviations\/([^/]+)$/.exec(path);
  if (deviation) {
    const [session, list] = await Promise.all([readJson<{ memberships?: { organisationId: string }[] }>(who, '/api/session'), readJson<{ items: (Versioned & { key: string; organisationId: string })[] }>(who, `/api/joint-sets/${deviation[1]}/revisions/${deviation[2]}/deviations`)]);
    const mine = new Set((session?.memberships ?? []).map((m) => m.organisationId));
    return list?.items.find((d) => d.key === deviation[3] && mine.has(d.organisationId))?.version ?? 0;
  }
  const part = /^\/api\/joint-sets\/([^/]+)\/revisions\/(\d+)\/(transition|items\/[^/]+|sections\/[^/]+)$/.exec(path);
  if (!part) return undefined;
  const revision = await readJson<Versioned & { sections: (Versioned & { id: string; items: (Versioned & { id: string })[] })[] }>(who, `/api/joint-sets/${part[1]}/revisions/${part[2]}`);
  if (!revision) return 1;
  const [kind, id] = (part[3] as string).split('/');
  if (kind === 'transition') return revision.version;
  if (kind === 'sections') return revision.sections.find((s) => s.id === id)?.version ?? 1;
  return revision.sections.flatMap((s) => s.items).find((i) => i.id === id)?.version ?? 1;
}
