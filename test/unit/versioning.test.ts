import { z } from 'zod';
import { defineRoute, type BaseContext } from '../../server/shared/http/route';
import { isAppError } from '../../server/shared/errors';
import { etagOf, staleVersion, versionFromIfMatch } from '../../server/shared/versioning';

describe('If-Match', () => {
  test('When If-Match is the ETag GET sent, then it names that version', () => {
    expect(versionFromIfMatch(etagOf(7))).toBe(7);
    expect(versionFromIfMatch('W/"12"')).toBe(12);
    expect(versionFromIfMatch('3')).toBe(3);
    expect(versionFromIfMatch(undefined)).toBeUndefined();
    expect(versionFromIfMatch('')).toBeUndefined();
  });

  test('When If-Match names no single version, then it is a 400 naming the header', () => {
    for (const header of ['*', '"a"', '"1", "2"', '"0"', '"-1"']) {
      let caught: unknown;
      try {
        versionFromIfMatch(header);
      } catch (error) {
        caught = error;
      }
      expect(isAppError(caught) && caught.status === 400 && caught.errors[0]?.path === 'If-Match').toBe(true);
    }
  });
});

describe('a versioned update route', () => {
  const route = defineRoute({
    method: 'put',
    path: '/things/:id',
    surface: 'api',
    access: 'public',
    summary: 'Change a thing',
    versioned: true,
    params: z.object({ id: z.string() }),
    body: z.object({ name: z.string(), version: z.coerce.number().int().min(1) }),
    handler: ({ body }) => body,
  });
  const base = { actor: null } as unknown as BaseContext;
  const run = (body: unknown, ifMatch?: string) => route.run(base, { params: { id: 'x' }, query: {}, body, ifMatch });
  const failure = async (body: unknown, ifMatch?: string) => {
    try {
      await run(body, ifMatch);
    } catch (error) {
      return isAppError(error) ? { status: error.status, code: error.code, path: error.errors[0]?.path } : error;
    }
    return 'no error';
  };

  test('When the body carries the version, then the handler gets it', async () => {
    await expect(run({ name: 'a', version: 4 })).resolves.toEqual({ name: 'a', version: 4 });
  });

  test('When only If-Match carries the version, then the handler gets it from the header', async () => {
    await expect(run({ name: 'a' }, '"4"')).resolves.toEqual({ name: 'a', version: 4 });
  });

  test('When neither carries a version, then the answer is 428 naming the field', async () => {
    await expect(failure({ name: 'a' })).resolves.toEqual({ status: 428, code: 'precondition.version_required', path: 'version' });
    await expect(failure(undefined)).resolves.toEqual({ status: 428, code: 'precondition.version_required', path: 'version' });
  });

  test('When the body and If-Match name different versions, then the answer is 400', async () => {
    await expect(failure({ name: 'a', version: 4 }, '"5"')).resolves.toEqual({ status: 400, code: 'precondition.version_mismatch', path: 'version' });
  });
});

test('When an update is based on an old version, then the 409 says the current version and who changed it when', () => {
  const error = staleVersion('tender item', 6, { by: 'kari@eksempelby.example', at: new Date('2026-12-01T10:00:00Z') });
  expect(error.status).toBe(409);
  expect(error.code).toBe('conflict.stale_version');
  expect(error.extensions).toEqual({ entity: 'tender item', currentVersion: 6, changedBy: 'kari@eksempelby.example', changedAt: '2026-12-01T10:00:00.000Z' });
  expect(error.message).toContain('kari@eksempelby.example');
});
