import mammoth from 'mammoth';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { binary } from '../helpers/http';

let ctx: TestContext;
let editor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  const city = await buildOrganisation(ctx.services, { name: 'Pakkeby kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Per Pakke', memberships: [[city, 'editor']] }));
});
afterAll(() => ctx.close());


type Pack = { key: string; title: { nb: string; en: string }; domain: string; items: string[]; published: number };

async function packs(): Promise<Pack[]> {
  const res = await editor.agent.get('/api/library/packs').expect(200);
  return res.body.packs as Pack[];
}

describe('browsing the library by sector pack and theme', () => {
  test('When the packs are listed, then all six sector packs come with their items, each of at least eight published items, and every theme counts at least three', async () => {
    const res = await editor.agent.get('/api/library/packs').expect(200);
    const list = res.body.packs as Pack[];
    expect(list.map((p) => p.key).sort()).toEqual(['case-archive', 'health-care', 'planning-geodata', 'school-kindergarten', 'sensors-iot', 'transport']);
    for (const pack of list) {
      expect(pack.published).toBe(pack.items.length);
      expect(pack.published).toBeGreaterThanOrEqual(8);
    }
    const themes = res.body.themes as { theme: number; count: number }[];
    expect(themes.map((t) => t.theme)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const t of themes) expect(t.count).toBeGreaterThanOrEqual(3);
  });

  test('When the library is searched within a pack, then exactly the pack\'s items are listed', async () => {
    const health = (await packs()).find((p) => p.key === 'health-care') as Pack;
    const res = await editor.agent.get('/api/library/items').query({ pack: 'health-care', pageSize: 200 }).expect(200);
    expect(res.body.total).toBe(health.items.length);
    expect((res.body.items as { key: string }[]).map((i) => i.key).sort()).toEqual([...health.items].sort());
    const narrowed = await editor.agent.get('/api/library/items').query({ pack: 'health-care', kind: 'clause', pageSize: 200 }).expect(200);
    expect(narrowed.body.total).toBeLessThan(health.items.length);
  });

  test('When a theme is chosen, then only items of that theme are listed, as many as its count', async () => {
    const { themes } = (await editor.agent.get('/api/library/packs')).body as { themes: { theme: number; count: number }[] };
    const res = await editor.agent.get('/api/library/items').query({ theme: 14, status: 'published', pageSize: 200 }).expect(200);
    expect(res.body.total).toBe(themes[13]?.count);
    for (const item of res.body.items as { themes: number[] }[]) expect(item.themes).toContain(14);
  });

  test('When the library page is opened, then it lists the packs with counts and named themes; choosing a pack names it above its items', async () => {
    const page = await editor.agent.get('/library').expect(200);
    expect(page.text).toContain('Sektorpakker');
    expect(page.text).toMatch(/Helse og omsorg<\/a> <span class="dk-count">\d+ publiserte<\/span>/);
    expect(page.text).toContain('14. Noark 5-arkivuttrekk og Fiks arkiv (');
    const chosen = await editor.agent.get('/library').query({ pack: 'case-archive' }).expect(200);
    expect(chosen.text).toMatch(/<h2 class="ds-heading" data-size="xs">Arkiv og saksbehandling<\/h2>/);
    expect(chosen.text).toContain('ARK-001');
    expect(chosen.text).not.toContain('>FHIR-001<');
    const city = await buildOrganisation(ctx.services, { name: 'Packtown' });
    const reader = await loginAs(ctx, await buildUser(ctx.services, { locale: 'en', memberships: [[city, 'viewer']] }));
    const english = await reader.agent.get('/library').query({ pack: 'case-archive' }).expect(200);
    expect(english.text).toContain('Archive and case handling');
  });

  test('When a pack is unknown or its key is malformed, then the answer is 404 or 400 naming it', async () => {
    const missing = await editor.agent.get('/api/library/packs/fisheries').expect(404);
    expect(missing.body).toMatchObject({ code: 'library.pack_not_found', detail: 'No sector pack fisheries.' });
    const malformed = await editor.agent.get('/api/library/items').query({ pack: 'Health Care' }).expect(400);
    expect(JSON.stringify(malformed.body.errors)).toContain('pack');
  });
});

describe('a tender from each sector pack', () => {
  test('When a tender is filled from each pack in one click, then it holds every item of the pack, issues without a failing check, and its specification and contract annex name every key', async () => {
    for (const pack of await packs()) {
      const created = await editor.agent
        .post('/api/tenders')
        .set('X-CSRF-Token', editor.csrf)
        .send({ title: `Anskaffelse med pakken ${pack.title.nb}`, reference: `2026/P-${pack.key}`, language: 'nb', domain: pack.domain, contactEmail: 'innkjop@pakkeby.no' })
        .expect(201);
      const id = created.body.id as string;
      const added = await editor.agent.post(`/api/tenders/${id}/items`).set('X-CSRF-Token', editor.csrf).send({ pack: pack.key }).expect(201);
      expect([...added.body.added].sort()).toEqual([...pack.items].sort());
      await editor.agent.post(`/api/tenders/${id}/weights/normalise`).set('X-CSRF-Token', editor.csrf).expect(204);
      const checks = await editor.agent.get(`/api/tenders/${id}/checks`).expect(200);
      expect({ pack: pack.key, errors: checks.body.errors }).toEqual({ pack: pack.key, errors: [] });
      await editor.agent.post(`/api/tenders/${id}/issue`).set('X-CSRF-Token', editor.csrf).expect(200);
      let text = '';
      for (const document of ['specification.docx', 'contract-annex.docx']) {
        const res = await editor.agent.get(`/api/tenders/${id}/documents/${document}`).query({ revision: 1 }).buffer(true).parse(binary).expect(200);
        text += (await mammoth.extractRawText({ buffer: res.body as Buffer })).value;
      }
      for (const key of pack.items) expect(text).toContain(key);
    }
  });

  test('When the pack quick pick is offered on the tender page, then every pack is a choice; an unknown pack is refused with 404', async () => {
    const created = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Sideprøve', reference: '2026/P-side', language: 'nb', domain: 'school', contactEmail: 'innkjop@pakkeby.no' }).expect(201);
    const page = await editor.agent.get(`/tenders/${created.body.id}`).expect(200);
    expect(page.text).toContain('<label class="ds-label" data-weight="regular" for="pack">Sektorpakke</label>');
    expect(page.text).toContain('<option value="school-kindergarten">Skole og barnehage');
    const refused = await editor.agent.post(`/api/tenders/${created.body.id}/items`).set('X-CSRF-Token', editor.csrf).send({ pack: 'fisheries' }).expect(404);
    expect(refused.body.code).toBe('library.pack_not_found');
  });
});
