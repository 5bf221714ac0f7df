import { DEMO_PASSWORD } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'demo' });
}, 300_000);
afterAll(() => ctx.close());

async function pageAs(email: string, path: string) {
  const agent = ctx.request();
  await agent.post('/api/session').send({ email, password: DEMO_PASSWORD }).expect(201);
  const res = await agent.get(path);
  expect(res.status).toBe(200);
  return res.text;
}

/** The links of the header's main navigation. */
const navLinks = (html: string) => [...(/<nav class="dk-nav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => ({ href: m[1], text: m[2] }));

describe('navigation', () => {
  test('When the demo vendor opens the home page, then the header links only to its answers, its systems and its organisation', async () => {
    const html = await pageAs('leverandor@fiktiv.example', '/');
    expect(navLinks(html)).toEqual([
      { href: '/', text: 'Forside' },
      { href: '/assessments', text: 'Våre svar' },
      { href: '/vendors', text: 'Våre fagsystemer' },
      { href: '/organisations', text: 'Organisasjoner' },
    ]);
    expect(html).not.toContain('href="/library"');
    expect(html).not.toContain('href="/tenders"');
    expect(html).not.toContain('href="/joint-sets"');
    expect(html).not.toContain('href="/assessments/compare');
  });

  test('When the demo vendor opens its answers, then the page has the vendor\'s navigation too', async () => {
    const html = await pageAs('leverandor@fiktiv.example', '/assessments');
    expect(navLinks(html).map((l) => l.href)).toEqual(['/', '/assessments', '/vendors', '/organisations']);
  });

  test('When the demo buyer opens the home page, then the header links to the library, tenders, joint sets, assessments and vendors', async () => {
    const html = await pageAs('innkjoper@eksempelby.example', '/');
    expect(navLinks(html).map((l) => l.href)).toEqual(['/', '/library', '/tenders', '/joint-sets', '/assessments', '/vendors', '/organisations']);
  });
});
