import { createTestApp, type TestContext } from '../helpers/app';

let ctx: TestContext;
let bare: TestContext;

beforeAll(async () => {
  ctx = await createTestApp({ ACCESSIBILITY_CONTACT: 'uu@eksempelby.example', ACCESSIBILITY_STATEMENT_URL: 'https://uustatus.no/nb/erklaringer/publisert/1234' });
  bare = await createTestApp();
});
afterAll(async () => {
  await ctx.close();
  await bare.close();
});

test('When a visitor who is not logged in opens /tilgjengelighet, then the statement names the standard, the exceptions, the contact and the register entry', async () => {
  const res = await ctx.request().get('/tilgjengelighet').expect(200);
  expect(res.text).toContain('<h1 class="ds-heading" data-size="lg">Tilgjengelighetserklæring</h1>');
  expect(res.text).toContain('WCAG 2.1 nivå AA');
  expect(res.text).toContain('forskrift om universell utforming');
  expect(res.text).toContain('Kjente avvik');
  expect(res.text).toContain('href="mailto:uu@eksempelby.example"');
  expect(res.text).toContain('href="https://uustatus.no/nb/erklaringer/publisert/1234"');
});

test('When the visitor has chosen English, then /accessibility shows the statement in English and the footer links to it', async () => {
  const agent = ctx.request();
  const login = await agent.get('/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1] ?? '';
  await agent.post('/language').type('form').send({ _csrf: csrf, lang: 'en', returnTo: '/accessibility' }).expect(303);
  const res = await agent.get('/accessibility').expect(200);
  expect(res.text).toContain('<html lang="en"');
  expect(res.text).toContain('Accessibility statement');
  expect(res.text).toContain('WCAG 2.1 level AA');
  expect(res.text).toContain('<a class="ds-link" href="/accessibility">Accessibility statement</a>');
});

test('When no contact or register address is configured, then the statement says whom to ask and links to no register entry', async () => {
  const res = await bare.request().get('/tilgjengelighet').expect(200);
  expect(res.text).toContain('kontakt den som drifter Datakrav i virksomheten din');
  expect(res.text).not.toContain('mailto:');
  expect(res.text).not.toContain('uustatus.no/nb/erklaringer');
});

test('When any page is shown, then its footer links to the accessibility statement', async () => {
  const res = await ctx.request().get('/login').expect(200);
  expect(res.text).toContain('<a class="ds-link" href="/tilgjengelighet">Tilgjengelighetserklæring</a>');
});

test('When ACCESSIBILITY_CONTACT is not an e-mail address, then the configuration is refused naming the variable', async () => {
  await expect(createTestApp({ ACCESSIBILITY_CONTACT: 'not-an-address' })).rejects.toThrow(/ACCESSIBILITY_CONTACT: must be an email address/);
});
