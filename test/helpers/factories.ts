import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { SYSTEM_AUDIT } from '../../server/auth/actor';
import type { UserRow } from '../../server/auth/users.table';
import type { MembershipRole, OrganisationKind, OrganisationRow } from '../../server/organisations/organisations.table';
import type { Services } from '../../server/services';
import type { TestContext } from './app';

export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;
let issued = 0;
/**
 * A suffix no other test data shares: a counter for this process and 48 random bits for the other
 * Jest workers writing to the same PostgreSQL database (32 bits met a duplicate among the tens of
 * thousands of users the authorisation test makes).
 */
export const unique = (): string => `${(++issued).toString(36)}${randomBytes(6).toString('hex')}`;

export async function buildOrganisation(services: Services, overrides: Partial<{ kind: OrganisationKind; name: string; orgNumber: string | null; parentId: string | null }> = {}): Promise<OrganisationRow> {
  const kind = overrides.kind ?? 'buyer';
  let parentId = overrides.parentId ?? null;
  if (kind === 'council' && !parentId) parentId = (await buildOrganisation(services, { kind: 'buyer' })).id;
  return services.repositories.organisations.insert(services.database.db, {
    kind,
    name: overrides.name ?? `Testorganisasjon ${unique()}`,
    orgNumber: overrides.orgNumber ?? null,
    parentId,
  });
}

export async function buildUser(
  services: Services,
  overrides: Partial<{ email: string; name: string; isAdmin: boolean; locale: 'nb' | 'en'; memberships: [OrganisationRow | string, MembershipRole][] }> = {},
): Promise<UserRow> {
  // A cheap argon2id hash: the cost is stored in the hash, so every test login verifies in under a
  // millisecond instead of ~35 ms. Real accounts get secrets.ts's cost; the login path is the same.
  passwordHash ??= argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const user = await services.repositories.auth.insertUser(services.database.db, {
    email: overrides.email ?? `person-${unique()}@example.no`,
    name: overrides.name ?? 'Test Testesen',
    passwordHash: await passwordHash,
    isAdmin: overrides.isAdmin ?? false,
    locale: overrides.locale ?? 'nb',
  });
  for (const [org, role] of overrides.memberships ?? []) {
    await services.organisations.addMember(typeof org === 'string' ? org : org.id, user.id, role, SYSTEM_AUDIT);
  }
  return user;
}

export type LoggedIn = { agent: ReturnType<TestContext['request']>; csrf: string; user: UserRow };

/** Logs in through the API and returns an agent that keeps the session cookie, and its CSRF token. */
export async function loginAs(ctx: TestContext, user: UserRow): Promise<LoggedIn> {
  const agent = ctx.request();
  const res = await agent.post('/api/session').send({ email: user.email, password: TEST_PASSWORD });
  if (res.status !== 201) throw new Error(`login failed for ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, csrf: res.body.csrfToken as string, user };
}

/** A valid Norwegian organisation number with the given first eight digits. */
export function orgNumberFrom(first8: string): string {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = [...first8].reduce((acc, d, i) => acc + Number(d) * (weights[i] as number), 0);
  const check = (11 - (sum % 11)) % 11;
  if (check === 10) throw new Error(`${first8} has no valid check digit`);
  return `${first8}${check}`;
}
