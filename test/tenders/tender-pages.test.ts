import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';

let ctx: TestContext;
let editor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  const city = await buildOrganisation(ctx.services, { name: 'Sidestad kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Siri Sidestad', memberships: [[city, 'editor']] }));
});
afterAll(() => ctx.close());

const api = (method: 'post' | 'put', url: string, body: object = {}) => editor.agent[method](url).set('X-CSRF-Token', editor.csrf).send(body);
const form = (url: string, fields: Record<string, string>) => editor.agent.post(url).type('form').send({ _csrf: editor.csrf, ...fields });

async function tenderWith(reference: string, keys: string[]): Promise<string> {
  const created = await api('post', '/api/tenders', { title: 'Sidestads nye arkivsystem', reference, language: 'nb', contactEmail: 'innkjop@sidestad.no' });
  expect(created.status).toBe(201);
  if (keys.length > 0) await api('post', `/api/tenders/${created.body.id}/items`, { keys }).expect(201);
  return created.body.id as string;
}

describe('the tender pages', () => {
  test('When items are picked in the library picker, then the user is taken back to the tender with a message saying how many were added', async () => {
    const id = await tenderWith('SID-1', []);
    const picker = await editor.agent.get(`/tenders/${id}/picker`);
    expect(picker.text).toContain(`name="returnTo" value="/tenders/${id}"`);
    const res = await form(`/tenders/${id}/items`, { keys: 'EXP-001', returnTo: `/tenders/${id}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/tenders/${id}`);
    const page = await editor.agent.get(res.headers.location as string);
    expect(page.text).toMatch(/ds-alert[^>]*data-color="success"/);
    expect(page.text).toContain('EXP-001');
  });

  test('When the tender has been issued, then the page shows the issued state and what can be done now instead of saying it can be issued', async () => {
    const id = await tenderWith('SID-2', ['EXP-001']);
    await api('post', `/api/tenders/${id}/issue`).expect(200);
    const page = await editor.agent.get(`/tenders/${id}`);
    expect(page.text).not.toContain('Anskaffelsen kan kunngjøres');
    expect(page.text).toContain('Anskaffelsen er kunngjort (revisjon 1)');
    expect(page.text).toContain('Last ned dokumentene for revisjon 1');
    expect(page.text).toContain('Importer leverandørenes utfylte svarskjema');
    expect(page.text).toContain(`action="/tenders/${id}/close"`);
    const closed = await form(`/tenders/${id}/close`, {});
    expect(closed.status).toBe(303);
    const after = await editor.agent.get(`/tenders/${id}`);
    expect(after.text).toContain('Anskaffelsen er avsluttet.');
    expect(after.text).not.toContain(`action="/tenders/${id}/close"`);
  });

  test('When a parameter value is out of range, then the item page shows the limits, and the server refuses the value with an error summary in Norwegian naming the parameter and its limits', async () => {
    const id = await tenderWith('SID-3', ['EXIT-003']);
    const tender = await editor.agent.get(`/api/tenders/${id}`);
    const item = tender.body.sections[0].items[0] as { id: string };
    const page = await editor.agent.get(`/tenders/${id}/items/${item.id}`);
    expect(page.text).toContain('novalidate');
    expect(page.text).toMatch(/Tillatt: 2–7/);
    const res = await form(`/tenders/${id}/items/${item.id}`, { 'values[alternativeTransitionMonths]': '12', type: 'A', weight: '0' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('ds-error-summary');
    expect(res.text).toContain('Lengste alternative overgangsperiode (måneder): skriv et heltall fra 2 til 7.');
    expect(res.text).toContain('href="#field-values.alternativeTransitionMonths"');
    expect(res.text).toContain('value="12"');
    const unchanged = await editor.agent.get(`/api/tenders/${id}`);
    expect(unchanged.body.sections[0].items[0].parameterValues).toEqual({});
  });
});
