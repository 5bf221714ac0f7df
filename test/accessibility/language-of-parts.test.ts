import { buildOrganisation, buildUser, loginAs } from '../helpers/factories';
import { createTestApp, type TestContext } from '../helpers/app';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
});
afterAll(async () => {
  await ctx.close();
});

test('When an English tender is shown on a bokmål page, then its item titles carry lang="en" and the page stays bokmål', async () => {
  const org = await buildOrganisation(ctx.services, { name: 'Språkby kommune' });
  const user = await buildUser(ctx.services, { memberships: [[org, 'editor']] });
  const { agent, csrf } = await loginAs(ctx, user);
  const created = await agent.post('/api/tenders').set('X-CSRF-Token', csrf).send({ organisationId: org.id, title: 'School administration system', reference: 'LANG-1', language: 'en' }).expect(201);
  await agent.post(`/api/tenders/${created.body.id}/items`).set('X-CSRF-Token', csrf).send({ keys: ['EXP-001'] }).expect(201);
  const item = (await agent.get(`/api/tenders/${created.body.id}`).expect(200)).body.sections.flatMap((s: { items: { key: string; title: string }[] }) => s.items).find((i: { key: string }) => i.key === 'EXP-001');
  const page = await agent.get(`/tenders/${created.body.id}`).expect(200);
  expect(page.text).toContain('<html lang="nb"');
  expect(page.text).toContain(`<span lang="en">${item.title}</span>`);
});

test('When a library item is shown, then its texts in both languages each carry their own lang', async () => {
  const user = await buildUser(ctx.services, { memberships: [[await buildOrganisation(ctx.services), 'viewer']] });
  const { agent } = await loginAs(ctx, user);
  const page = await agent.get('/library/items/EXP-001').expect(200);
  expect(page.text).toMatch(/<p class="ds-paragraph dk-prewrap" lang="nb">/);
  expect(page.text).toMatch(/<p class="ds-paragraph dk-prewrap" lang="en">/);
  expect(page.text).toMatch(/<h1 class="ds-heading" data-size="lg"><span class="dk-key">EXP-001<\/span> <span lang="nb">/);
});
