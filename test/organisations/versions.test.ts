import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { expectNoLostUpdate, versionOfEtag } from '../helpers/versioning';

let ctx: TestContext;
let org: OrganisationRow;
let owner: LoggedIn;
let otherOwner: LoggedIn;
let memberId: string;

beforeAll(async () => {
  ctx = await createTestApp();
  org = await buildOrganisation(ctx.services, { name: 'Versjonsby kommune' });
  owner = await loginAs(ctx, await buildUser(ctx.services, { name: 'Olga Eier', memberships: [[org, 'owner']] }));
  otherOwner = await loginAs(ctx, await buildUser(ctx.services, { name: 'Otto Medeier', memberships: [[org, 'owner']] }));
  memberId = (await buildUser(ctx.services, { name: 'Mona Medlem', memberships: [[org, 'viewer']] })).id;
}, 180_000);
afterAll(() => ctx.close());

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string;

describe('organisation', () => {
  test('When two owners rename the organisation from one read, then exactly one succeeds and the other gets 409 with the current version and who changed it', async () => {
    const conflict = await expectNoLostUpdate({
      as: owner,
      method: 'patch',
      path: `/api/organisations/${org.id}`,
      bodies: [{ name: 'Versjonsby kommune A' }, { name: 'Versjonsby kommune B' }],
      readVersion: async () => (await owner.agent.get(`/api/organisations/${org.id}`)).body.version,
    });
    expect(conflict.entity).toBe('organisation');
  });

  test('When the organisation is read, then the answer carries its version and the same version as ETag', async () => {
    const res = await owner.agent.get(`/api/organisations/${org.id}`);
    expect(res.status).toBe(200);
    expect(versionOfEtag(res)).toBe(res.body.version);
  });

  test('When the edit form is posted after another owner saved, then the page says who changed it, shows the saved name and keeps what was typed', async () => {
    const page = await owner.agent.get(`/organisations/${org.id}`);
    const version = Number(/name="version" value="(\d+)"/.exec(page.text)?.[1]);
    const current = (await otherOwner.agent.get(`/api/organisations/${org.id}`)).body;
    const byOther = await otherOwner.agent.patch(`/api/organisations/${org.id}`).set('X-CSRF-Token', otherOwner.csrf).send({ name: 'Versjonsby kommune (endret av Otto)', version: current.version });
    expect(byOther.status).toBe(200);

    const stale = await owner.agent.post(`/organisations/${org.id}`).type('form').send({ _csrf: csrfOf(page.text), name: 'Versjonsby kommune (Olgas forslag)', orgNumber: '', version: String(version) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Noen andre har endret dette etter at du åpnet det');
    expect(stale.text).toContain(otherOwner.user.email);
    expect(stale.text).toContain('value="Versjonsby kommune (Olgas forslag)"');
    expect(stale.text).toContain('Lagret nå: Versjonsby kommune (endret av Otto)');
    expect(stale.text).toContain(`name="version" value="${byOther.body.version}"`);
    expect((await owner.agent.get(`/api/organisations/${org.id}`)).body.name).toBe('Versjonsby kommune (endret av Otto)');

    const again = await owner.agent.post(`/organisations/${org.id}`).type('form').send({ _csrf: csrfOf(page.text), name: 'Versjonsby kommune (Olgas forslag)', orgNumber: '', version: String(byOther.body.version) });
    expect(again.status).toBe(303);
    expect((await owner.agent.get(`/api/organisations/${org.id}`)).body.name).toBe('Versjonsby kommune (Olgas forslag)');
  });
});

describe('member role', () => {
  test('When two owners change a member\'s role from one read, then exactly one succeeds and the other gets 409; without a version it is 428', async () => {
    const conflict = await expectNoLostUpdate({
      as: owner,
      method: 'put',
      path: `/api/organisations/${org.id}/members/${memberId}`,
      bodies: [{ role: 'editor' }, { role: 'assessor' }],
      readVersion: async () => (await owner.agent.get(`/api/organisations/${org.id}/members/${memberId}`)).body.version,
    });
    expect(conflict.entity).toBe('membership');
  });

  test('When one member is read, then the ETag is the membership\'s version, also listed with the members', async () => {
    const one = await owner.agent.get(`/api/organisations/${org.id}/members/${memberId}`);
    expect(versionOfEtag(one)).toBe(one.body.version);
    const list = await owner.agent.get(`/api/organisations/${org.id}/members`);
    expect(list.body.items.find((m: { userId: string }) => m.userId === memberId).version).toBe(one.body.version);
  });

  test('When the role form is posted after another owner changed the role, then the page shows the saved role beside the role that was chosen', async () => {
    const page = await owner.agent.get(`/organisations/${org.id}`);
    const version = (await owner.agent.get(`/api/organisations/${org.id}/members/${memberId}`)).body.version;
    const byOther = await otherOwner.agent.put(`/api/organisations/${org.id}/members/${memberId}`).set('X-CSRF-Token', otherOwner.csrf).send({ role: 'viewer', version });
    expect(byOther.status).toBe(204);

    const stale = await owner.agent.post(`/organisations/${org.id}/members/${memberId}/role`).type('form').send({ _csrf: csrfOf(page.text), role: 'owner', version: String(version) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(otherOwner.user.email);
    expect(stale.text).toContain('Lagret nå: Leser');
    expect(stale.text).toMatch(new RegExp(`id="role-${memberId}"[\\s\\S]*?<option value="owner" selected>`));
    expect((await owner.agent.get(`/api/organisations/${org.id}/members/${memberId}`)).body.role).toBe('viewer');
  });
});
