import { routesOf } from '../../server/app';
import { createTestApp, type TestContext } from '../helpers/app';
import { loginAs, buildUser, type LoggedIn } from '../helpers/factories';
import { adoptedSet, buildCities, itemsOf, send, type Cities } from './fixtures';

/**
 * Every joint-set page form and API route with input gets garbage, as the coordinator and as an
 * administrator: the answer is a 3xx or a 4xx, never a 5xx. (The full malformed-input suite of the
 * app lives in test/foundation; this keeps the joint-set routes honest while it is merged.)
 */
let ctx: TestContext;
let c: Cities;
let admin: LoggedIn;
let setId: string;
let draftItemId: string;
let draftSectionId: string;
/** No comment has this id: the comment routes answer 404 after the input is checked. */
const commentId = '00000000-0000-4000-8000-000000000000';

const LONG = 'x'.repeat(100_000);
const GARBAGE: { name: string; build: (csrf: string, fields: string[]) => Record<string, string> | string }[] = [
  { name: 'only the CSRF field', build: (csrf) => ({ _csrf: csrf }) },
  { name: 'unknown fields', build: (csrf) => ({ _csrf: csrf, isAdmin: 'true', hacker: '1' }) },
  { name: 'every field 100000 characters long', build: (csrf, fields) => ({ _csrf: csrf, ...Object.fromEntries(fields.map((f) => [f, LONG])) }) },
  { name: 'every field given twice', build: (csrf, fields) => [`_csrf=${csrf}`, ...fields.flatMap((f) => [`${f}=a`, `${f}=b`])].join('&') },
  { name: 'bracketed field names', build: (csrf) => `_csrf=${csrf}&a[b]=c&role[]=owner&values[exportHours][x]=1` },
  { name: 'broken percent-encoding', build: (csrf, fields) => [`_csrf=${csrf}`, '%%%=1', ...fields.map((f) => `${f}=%E0%A4%A`)].join('&') },
  { name: 'markup and control characters in every field', build: (csrf, fields) => ({ _csrf: csrf, ...Object.fromEntries(fields.map((f) => [f, '<script>alert(1)</script>\u0000\u202e'])) }) },
];

const BAD_JSON_VALUES: unknown[] = [null, 0, -1, 1.5, '', 'x'.repeat(10_000), [], {}, { nested: { deep: true } }, ['a'], true, '\u0000'];

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  c = await buildCities(ctx);
  admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
  ({ id: setId } = await adoptedSet(c));
  await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions`, {}).expect(201);
  draftItemId = (await itemsOf(c.osloEditor, setId, 2))[0]?.id as string;
  draftSectionId = (await send(c.osloEditor, 'post', `/api/joint-sets/${setId}/revisions/2/sections`, { title: 'Tom seksjon' })).body.id as string;
});
afterAll(() => ctx.close());

function fill(path: string): string {
  const number = /items|sections|transition/.test(path) ? '2' : '1';
  return path
    .replace(':setId', setId)
    .replace(':number', number)
    .replace(':itemId', draftItemId)
    .replace(':sectionId', draftSectionId)
    .replace(':commentId', commentId)
    .replace(':organisationId', c.bergen.id)
    .replace(':key', 'EXP-001');
}

describe('garbage to the joint-set routes', () => {
  test('When every page form gets garbage, then no answer is a 5xx', async () => {
    const routes = routesOf(ctx.app).filter((r) => r.surface === 'page' && r.method === 'post' && r.path.startsWith('/joint-sets'));
    expect(routes.length).toBe(21);
    const failures: string[] = [];
    for (const who of [c.osloOwner, admin]) {
      for (const route of routes) {
        const fields = route.body && 'shape' in route.body ? Object.keys((route.body as unknown as { shape: object }).shape) : ['name'];
        for (const garbage of GARBAGE) {
          const res = await who.agent.post(fill(route.path)).type('form').send(garbage.build(who.csrf, fields));
          if (res.status >= 500 || res.status < 300) failures.push(`${route.path} ${garbage.name}: ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  test('When every API route with a body gets wrong values in each field, then no answer is a 5xx', async () => {
    const routes = routesOf(ctx.app).filter((r) => r.surface === 'api' && r.path.startsWith('/api/joint-sets') && r.body && r.bodyType !== 'multipart');
    const failures: string[] = [];
    for (const route of routes) {
      const fields = route.body && 'shape' in route.body ? Object.keys((route.body as unknown as { shape: object }).shape) : [];
      for (const field of fields) {
        for (const value of BAD_JSON_VALUES) {
          const res = await send(c.osloOwner, route.method as 'post', fill(route.path), { [field]: value });
          if (res.status >= 500) failures.push(`${route.method} ${route.path} ${field}=${JSON.stringify(value).slice(0, 20)}: ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
