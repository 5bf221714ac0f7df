import type { Actor } from '../../server/auth/actor';
import { sessionBody, tokenBody } from '../../server/auth/auth.views';
import { safeReturnPath } from '../../server/auth/session-http';

const actor: Actor = {
  userId: '00000000-0000-4000-8000-0000000000b1',
  email: 'kari@eksempelby.kommune.no',
  name: 'Kari Nordmann',
  isAdmin: false,
  locale: 'nb',
  memberships: [{ organisationId: '00000000-0000-4000-8000-0000000000b2', organisationName: 'Eksempelby kommune', kind: 'buyer', role: 'editor', parentId: null }],
  activeOrganisationId: null,
  via: 'session',
  sessionId: '00000000-0000-4000-8000-0000000000b3',
  csrfToken: 'csrf-token-value',
};

describe('what the session API answers', () => {
  test('When someone logs in, then the answer has the user, the memberships without parents, the CSRF token and when the session ends', () => {
    expect(sessionBody(actor, { expiresAt: new Date('2026-04-01T20:00:00Z') })).toEqual({
      user: { id: actor.userId, email: 'kari@eksempelby.kommune.no', name: 'Kari Nordmann', isAdmin: false, locale: 'nb' },
      memberships: [{ organisationId: '00000000-0000-4000-8000-0000000000b2', organisationName: 'Eksempelby kommune', kind: 'buyer', role: 'editor' }],
      csrfToken: 'csrf-token-value',
      expiresAt: '2026-04-01T20:00:00.000Z',
    });
  });

  test('When a caller asks who they are, then the session\'s end is not told', () => {
    expect(sessionBody(actor, null).expiresAt).toBeNull();
  });
});

describe('how an API token is listed', () => {
  const row = { id: '00000000-0000-4000-8000-0000000000b4', userId: actor.userId, name: 'Rapportskript', tokenHash: 'secret-hash', prefix: 'dk_abcde', createdAt: new Date('2026-01-01T00:00:00Z'), lastUsedAt: null, expiresAt: null, revokedAt: null };

  test('When a token is listed, then its name and prefix are shown, never its hash', () => {
    const body = tokenBody(row);
    expect(body).toEqual({ id: row.id, name: 'Rapportskript', prefix: 'dk_abcde', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, expiresAt: null });
    expect(JSON.stringify(body)).not.toContain('secret-hash');
  });

  test('When a token has been used and expires, then both moments are shown', () => {
    expect(tokenBody({ ...row, lastUsedAt: new Date('2026-02-02T10:00:00Z'), expiresAt: new Date('2026-12-31T00:00:00Z') })).toMatchObject({ lastUsedAt: '2026-02-02T10:00:00.000Z', expiresAt: '2026-12-31T00:00:00.000Z' });
  });
});

describe('where a login returns to', () => {
  test.each(['/tenders', '/tenders/1?tab=items#krav', '/'])('When the place to return to is the path %s on this site, then the login returns there', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  test.each([
    ['another site', 'https://evil.example/'],
    ['a protocol-relative address', '//evil.example/'],
    ['a backslash trick', '/\\evil.example'],
    ['a path with a space', '/tenders /x'],
    ['a relative path', 'tenders'],
    ['a path too long', `/${'a'.repeat(500)}`],
    ['no text at all', ['/tenders']],
  ])('When the place to return to is %s, then the login returns to the front page', (_case, value) => {
    expect(safeReturnPath(value)).toBe('/');
  });
});
