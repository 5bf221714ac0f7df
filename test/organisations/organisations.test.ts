import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, orgNumberFrom, TEST_PASSWORD } from '../helpers/factories';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

async function admin() {
  return loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
}

describe('creating organisations', () => {
  test('When an administrator creates a municipality with a valid organisation number, then it is listed and audited', async () => {
    const { agent, csrf } = await admin();
    const orgNumber = orgNumberFrom('97476067');
    const res = await agent.post('/api/organisations').set('X-CSRF-Token', csrf).send({ kind: 'buyer', name: 'Fjordvik kommune', orgNumber: `${orgNumber.slice(0, 3)} ${orgNumber.slice(3, 6)} ${orgNumber.slice(6)}` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'buyer', name: 'Fjordvik kommune', orgNumber });
    const audit = await agent.get('/api/audit').query({ entityId: res.body.id });
    expect(audit.body.items[0]).toMatchObject({ action: 'organisation.created', after: { name: 'Fjordvik kommune', orgNumber } });
  });

  test('When the organisation number has a wrong check digit, then the answer names the field', async () => {
    const { agent, csrf } = await admin();
    const valid = orgNumberFrom('98765432');
    const wrong = `${valid.slice(0, 8)}${(Number(valid[8]) + 1) % 10}`;
    const res = await agent.post('/api/organisations').set('X-CSRF-Token', csrf).send({ kind: 'vendor', name: 'Feil AS', orgNumber: wrong });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('orgNumber');
  });

  test('When a council is created without a buyer to belong to, then it is refused', async () => {
    const { agent, csrf } = await admin();
    const vendor = await buildOrganisation(ctx.services, { kind: 'vendor' });
    const res = await agent.post('/api/organisations').set('X-CSRF-Token', csrf).send({ kind: 'council', name: 'Rådet uten kommune', parentId: vendor.id });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('organisation.invalid_parent');
  });

  test('When a name is already used, then the answer is 409 naming the field', async () => {
    const { agent, csrf } = await admin();
    await buildOrganisation(ctx.services, { name: 'Dobbeltby kommune' });
    const res = await agent.post('/api/organisations').set('X-CSRF-Token', csrf).send({ kind: 'buyer', name: 'dobbeltby KOMMUNE' });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ path: 'name', message: 'is already in use' }]);
  });

  test('When someone who is not an administrator creates an organisation, then it is forbidden', async () => {
    const org = await buildOrganisation(ctx.services);
    const { agent, csrf } = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[org, 'owner']] }));
    const res = await agent.post('/api/organisations').set('X-CSRF-Token', csrf).send({ kind: 'buyer', name: 'Egen kommune' });
    expect(res.status).toBe(403);
  });
});

describe('members and roles', () => {
  test('When an owner changes a member\'s role, then the member has the new role and the log shows before and after', async () => {
    const org = await buildOrganisation(ctx.services);
    const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
    const member = await buildUser(ctx.services, { memberships: [[org, 'viewer']] });
    const { agent, csrf } = await loginAs(ctx, owner);
    expect((await agent.put(`/api/organisations/${org.id}/members/${member.id}`).set('X-CSRF-Token', csrf).send({ version: 1, role: 'assessor' })).status).toBe(204);
    const members = await agent.get(`/api/organisations/${org.id}/members`);
    expect(members.body.items.find((m: { userId: string }) => m.userId === member.id).role).toBe('assessor');
    const audit = await agent.get('/api/audit').query({ organisationId: org.id, action: 'membership.role_changed' });
    expect(audit.body.items[0]).toMatchObject({ actorEmail: owner.email, entityId: member.id, before: { role: 'viewer' }, after: { role: 'assessor' } });
    expect(audit.body.items[0].requestId).toEqual(expect.any(String));
  });

  test('When the last owner tries to step down or leave, then it is refused', async () => {
    const org = await buildOrganisation(ctx.services);
    const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
    const { agent, csrf } = await loginAs(ctx, owner);
    const demote = await agent.put(`/api/organisations/${org.id}/members/${owner.id}`).set('X-CSRF-Token', csrf).send({ version: 1, role: 'viewer' });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('organisation.last_owner');
    const leave = await agent.delete(`/api/organisations/${org.id}/members/${owner.id}`).set('X-CSRF-Token', csrf);
    expect(leave.status).toBe(409);
  });

  test('When an editor tries to change roles, then it is forbidden and nothing changes', async () => {
    const org = await buildOrganisation(ctx.services);
    const editor = await buildUser(ctx.services, { memberships: [[org, 'editor']] });
    const viewer = await buildUser(ctx.services, { memberships: [[org, 'viewer']] });
    const { agent, csrf } = await loginAs(ctx, editor);
    const res = await agent.put(`/api/organisations/${org.id}/members/${viewer.id}`).set('X-CSRF-Token', csrf).send({ version: 1, role: 'owner' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('organisation.role_required');
    const members = await agent.get(`/api/organisations/${org.id}/members`);
    expect(members.body.items.find((m: { userId: string }) => m.userId === viewer.id).role).toBe('viewer');
  });

  test('When a member of another organisation asks for this organisation\'s members, then it does not exist for them', async () => {
    const org = await buildOrganisation(ctx.services);
    const other = await buildOrganisation(ctx.services);
    await buildUser(ctx.services, { email: 'hemmelig@example.no', memberships: [[org, 'owner']] });
    const outsider = await buildUser(ctx.services, { memberships: [[other, 'owner']] });
    const { agent } = await loginAs(ctx, outsider);
    const res = await agent.get(`/api/organisations/${org.id}/members`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('hemmelig@example.no');
    const list = await agent.get('/api/organisations');
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([other.id]);
  });
});

describe('invitations', () => {
  test('When an owner invites a new person, then the link lets them create an account once and join with the invited role', async () => {
    const org = await buildOrganisation(ctx.services, { name: 'Invitasjonsby kommune' });
    const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
    const { agent, csrf } = await loginAs(ctx, owner);
    const invited = await agent.post(`/api/organisations/${org.id}/invitations`).set('X-CSRF-Token', csrf).send({ email: 'Ny.Person@Example.no', role: 'editor' });
    expect(invited.status).toBe(201);
    expect(invited.body.email).toBe('ny.person@example.no');
    const url = new URL(invited.body.url as string);
    const token = url.pathname.split('/').pop() as string;

    const page = await ctx.request().get(url.pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Invitasjonsby kommune');

    const accepted = await ctx.request().post(`/api/invitations/${token}/accept`).send({ name: 'Nora Ny', password: 'et langt nytt passord' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ organisationId: org.id, createdAccount: true });

    const session = await ctx.request().post('/api/session').send({ email: 'ny.person@example.no', password: 'et langt nytt passord' });
    expect(session.body.memberships).toEqual([expect.objectContaining({ organisationId: org.id, role: 'editor' })]);

    const again = await ctx.request().post(`/api/invitations/${token}/accept`).send({ name: 'Nora Igjen', password: 'et annet langt passord' });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('invitation.not_found');
  });

  test('When the invited email already has an account, then the person must log in as that account to accept', async () => {
    const org = await buildOrganisation(ctx.services);
    const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
    const existing = await buildUser(ctx.services);
    const someoneElse = await buildUser(ctx.services);
    const { agent, csrf } = await loginAs(ctx, owner);
    const invited = await agent.post(`/api/organisations/${org.id}/invitations`).set('X-CSRF-Token', csrf).send({ email: existing.email, role: 'viewer' });
    const token = (invited.body.url as string).split('/').pop() as string;

    const anonymous = await ctx.request().post(`/api/invitations/${token}/accept`).send({});
    expect(anonymous.body.code).toBe('invitation.login_required');
    const wrong = await loginAs(ctx, someoneElse);
    const mismatch = await wrong.agent.post(`/api/invitations/${token}/accept`).set('X-CSRF-Token', wrong.csrf).send({});
    expect(mismatch.body.code).toBe('invitation.email_mismatch');
    const right = await loginAs(ctx, existing);
    const ok = await right.agent.post(`/api/invitations/${token}/accept`).set('X-CSRF-Token', right.csrf).send({});
    expect(ok.status).toBe(200);
    expect(ok.body.createdAccount).toBe(false);
  });

  test('When an invitation is withdrawn, then its link no longer works', async () => {
    const org = await buildOrganisation(ctx.services);
    const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
    const { agent, csrf } = await loginAs(ctx, owner);
    const invited = await agent.post(`/api/organisations/${org.id}/invitations`).set('X-CSRF-Token', csrf).send({ email: 'trekkes@example.no', role: 'viewer' });
    expect((await agent.get(`/api/organisations/${org.id}/invitations`)).body.items).toHaveLength(1);
    expect((await agent.delete(`/api/organisations/${org.id}/invitations/${invited.body.id}`).set('X-CSRF-Token', csrf)).status).toBe(204);
    expect((await agent.get(`/api/organisations/${org.id}/invitations`)).body.items).toHaveLength(0);
    const token = (invited.body.url as string).split('/').pop() as string;
    const page = await ctx.request().get(`/invitations/${token}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Invitasjonen finnes ikke');
  });

  test('When a new person accepts on the invitation page, then they are logged in and see the organisation', async () => {
    const org = await buildOrganisation(ctx.services, { name: 'Sideby kommune' });
    const owner = await buildUser(ctx.services, { memberships: [[org, 'owner']] });
    const { agent, csrf } = await loginAs(ctx, owner);
    const invited = await agent.post(`/api/organisations/${org.id}/invitations`).set('X-CSRF-Token', csrf).send({ email: 'side@example.no', role: 'viewer' });
    const path = new URL(invited.body.url as string).pathname;
    const visitor = ctx.request();
    const page = await visitor.get(path);
    const formToken = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const short = await visitor.post(path).type('form').send({ _csrf: formToken, name: 'Sigve', password: 'kort' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('must be at least 12 characters');
    const res = await visitor.post(path).type('form').send({ _csrf: formToken, name: 'Sigve Side', password: TEST_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/organisations/${org.id}`);
    const orgPage = await visitor.get(`/organisations/${org.id}`);
    expect(orgPage.status).toBe(200);
    expect(orgPage.text).toContain('Sigve Side');
  });
});
