import type { Express } from 'express';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createServices, type Services } from '../../server/services';
import { createLogger } from '../../server/shared/logger';
import { createTestDatabase } from '../helpers/database';
import { buildOrganisation, buildUser, loginAs, orgNumberFrom, type LoggedIn } from '../helpers/factories';
import type { TestContext } from '../helpers/app';
import { csrfOf } from './fixtures';

/** The app on its own database with a clock the tests move, so that links can expire. */
let ctx: TestContext;
let clock: Date;
let vendor: OrganisationRow;
let otherVendor: OrganisationRow;
let buyerEditor: LoggedIn;
let buyerViewer: LoggedIn;
let councilAssessor: LoggedIn;
let otherVendorOwner: LoggedIn;

beforeAll(async () => {
  const { database, drop } = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LIBRARY_SYNC_ON_START: 'false', PUBLIC_URL: 'https://datakrav.example' });
  clock = new Date('2026-05-01T10:00:00Z');
  const services: Services = createServices(database, config, () => clock);
  const app: Express = createApp({ config, services, logger: createLogger({ level: 'silent' }), version: 'test' });
  ctx = { app, services, request: () => supertest.agent(app), close: drop };
  const city = await buildOrganisation(services, { name: 'Invitasjonsby kommune' });
  const council = await buildOrganisation(services, { kind: 'council', parentId: city.id });
  vendor = await buildOrganisation(services, { kind: 'vendor', name: 'Ny Kunde Leverandør AS', orgNumber: orgNumberFrom('93000001') });
  otherVendor = await buildOrganisation(services, { kind: 'vendor', name: 'Annen Leverandør AS', orgNumber: orgNumberFrom('93000002') });
  buyerEditor = await loginAs(ctx, await buildUser(services, { memberships: [[city, 'editor']] }));
  buyerViewer = await loginAs(ctx, await buildUser(services, { memberships: [[city, 'viewer']] }));
  councilAssessor = await loginAs(ctx, await buildUser(services, { memberships: [[council, 'assessor']] }));
  otherVendorOwner = await loginAs(ctx, await buildUser(services, { memberships: [[otherVendor, 'owner']] }));
});
afterAll(() => ctx.close());

async function invite(as: LoggedIn, email: string) {
  return as.agent.post(`/api/vendors/${vendor.id}/invitations`).set('X-CSRF-Token', as.csrf).send({ email });
}

const tokenOf = (url: string) => url.split('/').pop() as string;

describe('inviting a vendor contact', () => {
  test('When a buyer\'s editor invites a contact, then the link lets them create an account and join the vendor as owner, and it works once', async () => {
    const res = await invite(buyerEditor, 'Kontakt@Ny-Kunde.example');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'kontakt@ny-kunde.example', role: 'owner', expiresAt: '2026-05-15T10:00:00.000Z' });
    expect(res.body.url).toMatch(/^https:\/\/datakrav\.example\/invitations\/[A-Za-z0-9_-]{20,}$/);
    const token = tokenOf(res.body.url);

    const accepted = await ctx.request().post(`/api/invitations/${token}/accept`).send({ name: 'Kari Kontakt', password: 'et langt nok passord' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ organisationId: vendor.id, createdAccount: true });
    const again = await ctx.request().post(`/api/invitations/${token}/accept`).send({ name: 'Noen Andre', password: 'et annet langt passord' });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('invitation.not_found');

    const contact = ctx.request();
    const session = await contact.post('/api/session').send({ email: 'kontakt@ny-kunde.example', password: 'et langt nok passord' });
    expect(session.status).toBe(201);
    const csrf = session.body.csrfToken as string;
    const product = await contact.post('/api/products').set('X-CSRF-Token', csrf).send({ name: 'Kundens nye system', domains: ['school'], deployment: 'saas' });
    expect(product.status).toBe(201);
    expect(product.body.vendorId).toBe(vendor.id);
    const members = await contact.get(`/api/organisations/${vendor.id}/members`);
    expect(members.body.items).toEqual([expect.objectContaining({ email: 'kontakt@ny-kunde.example', role: 'owner' })]);
    const portal = await contact.get('/vendors');
    expect(portal.text).toContain('Kundens nye system');
    expect(portal.text).not.toContain('Annen Leverandør');
  });

  test('When an invitation is created and withdrawn, then both are in the vendor\'s audit log and the link no longer works', async () => {
    const res = await invite(councilAssessor, 'trukket@ny-kunde.example');
    expect(res.status).toBe(201);
    const pending = await councilAssessor.agent.get(`/api/vendors/${vendor.id}/invitations`);
    expect(pending.body.items.map((i: { email: string }) => i.email)).toContain('trukket@ny-kunde.example');
    const withdrawn = await councilAssessor.agent.delete(`/api/vendors/${vendor.id}/invitations/${res.body.id}`).set('X-CSRF-Token', councilAssessor.csrf);
    expect(withdrawn.status).toBe(204);
    expect((await ctx.request().get(`/invitations/${tokenOf(res.body.url)}`)).status).toBe(404);
    const log = await ctx.services.repositories.audit.list(ctx.services.database.db, { organisationIds: [vendor.id], entityId: res.body.id }, { limit: 10, offset: 0 });
    expect(log.rows.map((r) => r.action).sort()).toEqual(['invitation.created', 'invitation.revoked']);
    expect(log.rows.find((r) => r.action === 'invitation.created')).toMatchObject({ actorEmail: councilAssessor.user.email, after: { email: 'trukket@ny-kunde.example', role: 'owner', vendorContact: true } });
  });

  test('When a buyer\'s viewer invites, then the answer is 403; when another vendor\'s owner invites, then the vendor does not exist for them', async () => {
    const byViewer = await invite(buyerViewer, 'nei@ny-kunde.example');
    expect(byViewer.status).toBe(403);
    expect(byViewer.body.code).toBe('vendor.invite_role_required');
    const byOtherVendor = await invite(otherVendorOwner, 'nei@ny-kunde.example');
    expect(byOtherVendor.status).toBe(404);
  });

  test('When the invited person is already a member, then the answer is 409', async () => {
    const member = await buildUser(ctx.services, { memberships: [[vendor, 'editor']] });
    const res = await invite(buyerEditor, member.email);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('organisation.already_member');
  });

  test('When an editor invites through the vendor page, then the page shows the link to send', async () => {
    const page = await buyerEditor.agent.get(`/vendors/${vendor.id}`);
    expect(page.text).toContain('Inviter en kontaktperson hos leverandøren');
    const res = await buyerEditor.agent.post(`/vendors/${vendor.id}/invitations`).type('form').send({ _csrf: csrfOf(page.text), email: 'side@ny-kunde.example' });
    expect(res.status).toBe(201);
    expect(res.text).toMatch(/data-invitation-url>https:\/\/datakrav\.example\/invitations\/[A-Za-z0-9_-]+</);
    const bad = await buyerEditor.agent.post(`/vendors/${vendor.id}/invitations`).type('form').send({ _csrf: csrfOf(page.text), email: 'ikke-en-adresse' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('must be an email address');
    expect((await buyerViewer.agent.get(`/vendors/${vendor.id}`)).text).not.toContain('Inviter en kontaktperson');
  });

  test('When fourteen days have passed, then the link has expired (last: moving the clock ends every session)', async () => {
    const res = await invite(buyerEditor, 'sen@ny-kunde.example');
    const token = tokenOf(res.body.url);
    expect((await ctx.request().get(`/invitations/${token}`)).status).toBe(200);
    clock = new Date(clock.getTime() + 14 * 86_400_000 + 1000);
    const late = await ctx.request().post(`/api/invitations/${token}/accept`).send({ name: 'Sen Kontakt', password: 'et langt nok passord' });
    expect(late.status).toBe(404);
    expect(late.body.code).toBe('invitation.not_found');
  });
});
