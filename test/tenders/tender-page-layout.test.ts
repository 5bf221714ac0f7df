import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';

let ctx: TestContext;
let editor: LoggedIn;
let viewer: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  const city = await buildOrganisation(ctx.services, { name: 'Oversiktby kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Ola Oversikt', memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { name: 'Vera Visning', memberships: [[city, 'viewer']] }));
});
afterAll(() => ctx.close());

const api = (method: 'post' | 'put', url: string, body: object = {}) => editor.agent[method](url).set('X-CSRF-Token', editor.csrf).send(body);
const form = (url: string, fields: Record<string, string>) => editor.agent.post(url).type('form').send({ _csrf: editor.csrf, ...fields });

type TenderJson = { version: number; sections: { id: string; title: string; version: number; items: { id: string; key: string; version: number; type: string; kind: string }[] }[] };

async function tenderWith(reference: string, keys: string[]): Promise<{ id: string; read: () => Promise<TenderJson> }> {
  const created = await api('post', '/api/tenders', { title: 'Oversiktbys nye fagsystem', reference, language: 'nb', contactEmail: 'innkjop@oversiktby.no' });
  expect(created.status).toBe(201);
  if (keys.length > 0) await api('post', `/api/tenders/${created.body.id}/items`, { keys }).expect(201);
  const id = created.body.id as string;
  return { id, read: async () => (await editor.agent.get(`/api/tenders/${id}`).expect(200)).body as TenderJson };
}

async function pageOf(agent: LoggedIn, url: string): Promise<string> {
  const res = await agent.agent.get(url);
  expect(res.status).toBe(200);
  return res.text;
}

/** The text a user reads in a piece of HTML: tags dropped, entities of the escaper decoded, spaces collapsed. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
/** The part of the page from the element with this id to the end of its tag name's element (not nested). */
function part(html: string, tag: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const open = html.lastIndexOf(`<${tag}`, start);
  return html.slice(open, html.indexOf(`</${tag}>`, start) + tag.length + 3);
}
const figure = (html: string, label: string) => {
  const found = new RegExp(`<dt>${label}</dt><dd>([\\s\\S]*?)</dd>`).exec(part(html, 'section', 'summary'));
  return found ? textOf(found[1] as string) : undefined;
};
const hidden = (html: string, name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1];
const listItems = (html: string) => [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1] as string));

describe('the tender page a user scans', () => {
  test('When a tender has items of several types, then the summary at the top counts sections, items by type, parameters at default, failing checks and co-buyers, and links to each part', async () => {
    const keys = ['EXP-001', 'EXP-002', 'API-003', 'EXIT-003'];
    const { id, read } = await tenderWith('OV-1', keys);
    const tender = await read();
    const items = tender.sections.flatMap((s) => s.items);
    const byType = (type: string) => items.filter((i) => i.kind === 'requirement' && i.type === type).length;
    const clauses = items.filter((i) => i.kind === 'clause').length;

    const page = await pageOf(editor, `/tenders/${id}`);
    const summary = part(page, 'section', 'summary');
    expect(summary).not.toBe('');
    // The summary comes first, then the checks, then the items.
    expect(page.indexOf('id="summary"')).toBeLessThan(page.indexOf('id="checks"'));
    expect(page.indexOf('id="checks"')).toBeLessThan(page.indexOf('id="items"'));

    expect(figure(page, 'Seksjoner')).toBe(String(tender.sections.length));
    const itemsFigure = figure(page, 'Krav og klausuler') ?? '';
    expect(itemsFigure.startsWith(`${keys.length} `)).toBe(true);
    expect(byType('A')).toBeGreaterThan(0);
    expect(itemsFigure).toContain(`${byType('A')} A-krav`);
    if (byType('V')) expect(itemsFigure).toContain(`${byType('V')} V-krav`);
    if (clauses) expect(itemsFigure).toContain(clauses === 1 ? '1 klausul' : `${clauses} klausuler`);
    // Nothing is set yet: every parameter value is the library default.
    expect(figure(page, 'Parameterverdier')).toMatch(/^(\d+) av \1 bruker bibliotekets standardverdi$/);
    expect(figure(page, 'Medoppdragsgivere')).toBe('Ingen');
    const failing = listItems(part(page, 'section', 'checks').split('id="issue"')[0] ?? '').length;
    expect(figure(page, 'Kontroll før kunngjøring')).toBe(failing ? `${failing} feiler` : 'Alle bestått');
    for (const href of ['#items', '#checks', '#co-buyers']) expect(summary).toContain(`href="${href}"`);
  });

  test('When a parameter value is set for one item, then the summary counts one value fewer at the library default', async () => {
    const { id, read } = await tenderWith('OV-2', ['EXIT-003']);
    const before = figure(await pageOf(editor, `/tenders/${id}`), 'Parameterverdier') ?? '';
    const [, atDefault, total] = /^(\d+) av (\d+)/.exec(before) ?? [];
    expect(Number(total)).toBeGreaterThan(0);
    const item = (await read()).sections[0]?.items[0] as { id: string; version: number };
    await api('put', `/api/tenders/${id}/items/${item.id}`, { parameterValues: { alternativeTransitionMonths: 6 }, version: item.version }).expect(204);
    const after = figure(await pageOf(editor, `/tenders/${id}`), 'Parameterverdier');
    expect(after).toBe(`${Number(atDefault) - 1} av ${total} bruker bibliotekets standardverdi`);
  });

  test('When the tender has sections, then each is a closed details element with its items as compact rows, and no row has move or remove buttons', async () => {
    const { id, read } = await tenderWith('OV-3', ['EXP-001', 'EXP-002', 'API-003']);
    const tender = await read();
    const page = await pageOf(editor, `/tenders/${id}`);
    const sections = [...page.matchAll(/<details class="ds-details dk-tender-section" id="section-([^"]+)"([^>]*)>([\s\S]*?)<\/details>/g)];
    expect(sections.map((m) => m[1])).toEqual(tender.sections.map((s) => s.id));
    for (const [index, [, , attributes, body]] of sections.entries()) {
      const section = tender.sections[index] as TenderJson['sections'][number];
      expect(attributes).not.toContain('open');
      expect(textOf(/<summary>([\s\S]*?)<\/summary>/.exec(body as string)?.[1] ?? '')).toContain(`${index + 1}. ${section.title}`);
      const rows = [...(body as string).matchAll(/<tr id="item-([^"]+)">([\s\S]*?)<\/tr>/g)];
      expect(rows.map((r) => r[1])).toEqual(section.items.map((i) => i.id));
      for (const [, itemId, row] of rows) {
        expect(row).not.toContain('<form');
        expect(row).not.toContain('<button');
        const actions = [...(row as string).matchAll(new RegExp(`<a class="ds-link" href="/tenders/${id}/items/([^"]+)"[^>]*>([^<]*)</a>`, 'g'))];
        expect(actions.map((a) => [a[1], a[2]])).toEqual([[itemId, 'Endre']]);
      }
    }
    expect(part(page, 'section', 'items')).not.toMatch(/[↑↓✕]/);
  });

  test('When a reader opens the tender, then the rows say Vis, nothing offers removal, and the confirmation page is refused', async () => {
    const { id, read } = await tenderWith('OV-4', ['EXP-001']);
    const page = await pageOf(viewer, `/tenders/${id}`);
    expect(part(page, 'section', 'items')).toMatch(/<a class="ds-link" href="\/tenders\/[^"]+\/items\/[^"]+"[^>]*>Vis<\/a>/);
    expect(page).not.toMatch(/href="[^"]*\/remove"/);
    const item = (await read()).sections[0]?.items[0] as { id: string };
    expect((await viewer.agent.get(`/tenders/${id}/items/${item.id}/remove`)).status).toBe(403);
  });
});

describe('removing with confirmation', () => {
  test('When the editor opens an item, then its page offers move and remove; remove asks first and says what goes; cancel keeps the item; confirming removes it and audits it', async () => {
    const { id, read } = await tenderWith('OV-5', ['EXP-001', 'EXP-002']);
    const item = (await read()).sections[0]?.items[0] as { id: string; key: string };
    const itemPage = await pageOf(editor, `/tenders/${id}/items/${item.id}`);
    const actions = part(itemPage, 'section', 'item-actions');
    expect(textOf(actions)).toContain('Flytt ned');
    expect(textOf(actions)).not.toContain('Flytt opp');
    expect(actions).toContain(`href="/tenders/${id}/items/${item.id}/remove"`);

    const confirm = await pageOf(editor, `/tenders/${id}/items/${item.id}/remove`);
    expect(textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(confirm)?.[1] ?? '')).toBe(`Fjerne ${item.key}?`);
    expect(textOf(confirm)).toContain(`Dette fjerner nr. 1.1 (${item.key}) fra seksjonen`);
    expect(hidden(confirm, 'version')).toBe('1');
    const cancel = /<a class="ds-button" data-variant="secondary" href="([^"]+)">Avbryt<\/a>/.exec(confirm)?.[1];
    expect(cancel).toBe(`/tenders/${id}/items/${item.id}`);

    // Cancelling is a link: following it changes nothing.
    expect((await editor.agent.get(cancel as string)).status).toBe(200);
    expect((await read()).sections[0]?.items.map((i) => i.key)).toEqual(['EXP-001', 'EXP-002']);

    const removed = await form(`/tenders/${id}/items/${item.id}/remove`, { version: '1' });
    expect(removed.status).toBe(303);
    expect(removed.headers.location).toBe(`/tenders/${id}#items`);
    expect((await read()).sections[0]?.items.map((i) => i.key)).toEqual(['EXP-002']);
    const log = await ctx.services.repositories.audit.list(ctx.services.database.db, { entityId: item.id, action: 'tender.item_removed' }, { limit: 5, offset: 0 });
    expect(log.rows.map((e) => [e.actorEmail, e.before])).toEqual([[editor.user.email, expect.objectContaining({ key: item.key })]]);
  });

  test('When the item changed after the confirmation was shown, then confirming answers 409 with the item as it is now, removes nothing, and the new confirmation works', async () => {
    const { id, read } = await tenderWith('OV-6', ['API-003']);
    const item = (await read()).sections[0]?.items[0] as { id: string; version: number };
    const shownVersion = hidden(await pageOf(editor, `/tenders/${id}/items/${item.id}/remove`), 'version') as string;
    await api('put', `/api/tenders/${id}/items/${item.id}`, { weight: 40, version: item.version }).expect(204);

    const stale = await form(`/tenders/${id}/items/${item.id}/remove`, { version: shownVersion });
    expect(stale.status).toBe(409);
    const notice = textOf(part(stale.text, 'div', 'remove-conflict'));
    expect(notice).toContain('Ingenting er fjernet');
    expect(notice).toContain(editor.user.email);
    expect(hidden(stale.text, 'version')).toBe(String(item.version + 1));
    expect((await read()).sections[0]?.items).toHaveLength(1);

    const again = await form(`/tenders/${id}/items/${item.id}/remove`, { version: String(item.version + 1) });
    expect(again.status).toBe(303);
    expect((await read()).sections[0]?.items ?? []).toHaveLength(0);
  });

  test('When a section is removed, then the confirmation lists every item that goes with it, and an item added after it was shown makes the confirmation stale', async () => {
    const { id, read } = await tenderWith('OV-7', ['EXP-001', 'EXP-002', 'API-003']);
    const first = (await read()).sections[0] as TenderJson['sections'][number];
    const confirm = await pageOf(editor, `/tenders/${id}/sections/${first.id}/remove`);
    const alert = /<div class="ds-alert" data-color="warning">\s*([\s\S]*?)<\/div>\s*<form/.exec(confirm)?.[1] ?? '';
    expect(listItems(alert)).toEqual(first.items.map((i, n) => expect.stringContaining(`1.${n + 1} ${i.key}`)));
    expect(textOf(/<button[^>]*type="submit">([^<]*)<\/button>/.exec(confirm.slice(confirm.indexOf('/remove" class'))) ?.[1] ?? '')).toBe(`Fjern seksjonen og ${first.items.length} krav`);

    // Someone moves an item into that section after the confirmation was shown.
    const other = (await read()).sections[1]?.items[0] as { id: string; version: number; key: string };
    await api('put', `/api/tenders/${id}/items/${other.id}`, { sectionId: first.id, version: other.version }).expect(204);
    const stale = await form(`/tenders/${id}/sections/${first.id}/remove`, { version: hidden(confirm, 'version') as string, items: hidden(confirm, 'items') as string });
    expect(stale.status).toBe(409);
    expect(textOf(stale.text)).toContain(other.key);
    expect((await read()).sections.map((s) => s.id)).toContain(first.id);

    const removed = await form(`/tenders/${id}/sections/${first.id}/remove`, { version: hidden(stale.text, 'version') as string, items: hidden(stale.text, 'items') as string });
    expect(removed.status).toBe(303);
    const after = await read();
    expect(after.sections.map((s) => s.id)).not.toContain(first.id);
    expect(after.sections.flatMap((s) => s.items.map((i) => i.key))).not.toContain(other.key);
  });

  test('When a removal form comes without the version the confirmation showed, then nothing is removed', async () => {
    const { id, read } = await tenderWith('OV-8', ['EXP-001']);
    const item = (await read()).sections[0]?.items[0] as { id: string };
    const res = await form(`/tenders/${id}/items/${item.id}/remove`, {});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await read()).sections[0]?.items).toHaveLength(1);
  });
});
