import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import type { OrganisationRow } from '../../server/organisations/organisations.table';

let ctx: TestContext;
let city: OrganisationRow;
let otherCity: OrganisationRow;
let editor: LoggedIn;
let viewer: LoggedIn;
let otherEditor: LoggedIn;
let vendor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  city = await buildOrganisation(ctx.services, { name: 'Bibliotekby kommune' });
  otherCity = await buildOrganisation(ctx.services, { name: 'Nabobyen kommune' });
  const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  otherEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[otherCity, 'editor']] }));
  vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
});
afterAll(() => ctx.close());

function newItem(key: string, overrides: Record<string, unknown> = {}) {
  return {
    key,
    kind: 'requirement',
    category: 'export',
    type: 'V',
    weight: 10,
    themes: [2],
    title: { nb: 'Månedlig uttrekk av skoledata', en: 'Monthly extract of school data' },
    text: { nb: 'Leverandøren skal levere et fullt uttrekk hver {{intervalDays}}. dag.', en: 'The supplier shall deliver a full extract every {{intervalDays}} days.' },
    rationale: { nb: 'Skolen trenger ferske data.', en: 'The school needs fresh data.' },
    responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' },
    parameters: [{ name: 'intervalDays', type: 'integer', default: 30, min: 1, max: 90, label: { nb: 'Intervall (dager)', en: 'Interval (days)' } }],
    references: [{ source: 'eu-data-act', section: 'Art. 30(5)', note: { nb: 'Eksport i maskinlesbart format.', en: 'Export in a machine-readable format.' } }],
    verification: { method: 'sample-export', text: { nb: 'Kunden ber om et uttrekk og kontrollerer innholdet.', en: 'The customer requests an extract and checks its content.' } },
    evidence: [{ nb: 'Eksempel på uttrekk', en: 'Sample extract' }],
    domains: ['school'],
    tags: ['school-data'],
    ...overrides,
  };
}

describe('search', () => {
  test('When searching in bokmål with an inflected word, then matching items are found by stem and prefix', async () => {
    const res = await viewer.agent.get('/api/library/items').query({ q: 'eksporten' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThan(0);
    expect(res.body.items.map((i: { key: string }) => i.key)).toContain('EXP-001');
  });

  test('When searching in English, then English words find the same items', async () => {
    const res = await viewer.agent.get('/api/library/items').query({ q: 'exported data formats' });
    expect(res.body.total).toBeGreaterThan(0);
    const archive = await viewer.agent.get('/api/library/items').query({ q: 'archival extract' });
    expect(archive.body.items.map((i: { key: string }) => i.key)).toContain('ARK-001');
  });

  test('When filtering by kind, category, type, domain and source, then only matching items come back', async () => {
    const res = await viewer.agent.get('/api/library/items').query({ kind: 'clause', category: 'exit-transition', source: 'eu-data-act', pageSize: 100 });
    expect(res.body.items.length).toBeGreaterThan(5);
    for (const item of res.body.items) expect(item).toMatchObject({ kind: 'clause', category: 'exit-transition' });
    for (const item of res.body.items) expect(item.sources).toContain('eu-data-act');
    const health = await viewer.agent.get('/api/library/items').query({ domain: 'health-care', pageSize: 200 });
    expect(health.body.items.map((i: { key: string }) => i.key)).toEqual(expect.arrayContaining(['STD-001', 'EXP-001']));
    const typeV = await viewer.agent.get('/api/library/items').query({ type: 'V', pageSize: 200 });
    expect(typeV.body.items.every((i: { type: string }) => i.type === 'V')).toBe(true);
  });

  test('When paging and sorting by key, then pages follow each other without overlap', async () => {
    const first = await viewer.agent.get('/api/library/items').query({ sort: 'key', pageSize: 10, page: 1 });
    const second = await viewer.agent.get('/api/library/items').query({ sort: 'key', pageSize: 10, page: 2 });
    const keys = [...first.body.items, ...second.body.items].map((i: { key: string }) => i.key);
    expect(new Set(keys).size).toBe(20);
    expect([...keys].sort()).toEqual(keys);
    expect(first.body.total).toBe(second.body.total);
  });

  test('When the library page is opened with a search, then the page lists the hits with their titles', async () => {
    const page = await viewer.agent.get('/library').query({ q: 'sletting' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('EXIT-010');
    const empty = await viewer.agent.get('/library').query({ q: 'zzzyyyxxx' });
    expect(empty.text).toContain('Ingen krav eller klausuler passer søket');
  });

  test('When an item page is opened, then both languages, the rendered text, references with links and history are shown', async () => {
    const page = await viewer.agent.get('/library/items/EXP-001');
    expect(page.status).toBe(200);
    expect(page.text).toContain('lang="nb"');
    expect(page.text).toContain('lang="en"');
    expect(page.text).toContain('https://eur-lex.europa.eu/eli/reg/2023/2854/oj');
    expect(page.text).toContain('1.2.0');
    expect(page.text).not.toContain('{{');
    const preview = await viewer.agent.get('/library/items/EXP-001').query({ 'values[exportHours]': '48' });
    expect(preview.text).toMatch(/48 timer/);
  });
});

describe('rendering', () => {
  test('When an item is rendered with values, then the text has them in both languages', async () => {
    const res = await viewer.agent.post('/api/library/render').set('X-CSRF-Token', viewer.csrf).send({ key: 'EXIT-009', values: {} });
    expect(res.status).toBe(200);
    expect(res.body.text.nb).not.toMatch(/\{\{/);
    expect(res.body.text.en).not.toMatch(/\{\{/);
    const exp = await viewer.agent.post('/api/library/render').set('X-CSRF-Token', viewer.csrf).send({ key: 'EXP-001', values: { exportFormats: ['CSV', 'JSON', 'XML'], exportHours: 12 } });
    expect(exp.body.text.nb).toContain('CSV, JSON og XML');
    expect(exp.body.text.en).toContain('CSV, JSON and XML');
    expect(exp.body.text.en).toContain('12 hours');
  });

  test('When values are out of range, of the wrong type or unknown, then each one is named in a 400', async () => {
    const res = await viewer.agent.post('/api/library/render').set('X-CSRF-Token', viewer.csrf).send({ key: 'EXP-001', values: { exportHours: 100000, exportFormats: ['DOCX'], colour: 'blue' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('library.invalid_parameter_values');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['values.colour', 'values.exportFormats', 'values.exportHours']);
    const wrongType = await viewer.agent.post('/api/library/render').set('X-CSRF-Token', viewer.csrf).send({ key: 'EXP-001', values: { exportHours: '12' } });
    expect(wrongType.body.errors).toEqual([{ path: 'values.exportHours', message: 'must be a whole number' }]);
  });

  test('When an unknown item or version is rendered, then the answer is 404', async () => {
    expect((await viewer.agent.post('/api/library/render').set('X-CSRF-Token', viewer.csrf).send({ key: 'XXX-999' })).status).toBe(404);
    const version = await viewer.agent.post('/api/library/render').set('X-CSRF-Token', viewer.csrf).send({ key: 'EXP-001', version: '9.9.9' });
    expect(version.body.code).toBe('library.version_not_found');
  });
});

describe('editing with versions', () => {
  test('When a viewer or a vendor tries to create an item, then it is forbidden', async () => {
    for (const who of [viewer, vendor]) {
      const res = await who.agent.post('/api/library/items').set('X-CSRF-Token', who.csrf).send(newItem('SKL-001'));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('library.editor_required');
    }
  });

  test('When an editor creates, saves, publishes and revises an item, then versions 1.0.0 and 1.1.0 exist and the diff shows the words that changed', async () => {
    const created = await editor.agent.post('/api/library/items').set('X-CSRF-Token', editor.csrf).send(newItem('SKL-001'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'SKL-001', status: 'draft', version: null, draft: { revision: 1, organisationId: city.id } });
    const draftId = created.body.draft.id as string;

    const hidden = await otherEditor.agent.get(`/api/library/drafts/${draftId}`);
    expect(hidden.status).toBe(404);
    const otherSearch = await otherEditor.agent.get('/api/library/items').query({ q: 'skoledata' });
    expect(otherSearch.body.items.map((i: { key: string }) => i.key)).not.toContain('SKL-001');
    const ownSearch = await editor.agent.get('/api/library/items').query({ q: 'skoledata' });
    expect(ownSearch.body.items.map((i: { key: string }) => i.key)).toContain('SKL-001');

    const published = await editor.agent.post(`/api/library/drafts/${draftId}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'major', version: 1, changeNote: { nb: 'Første versjon', en: 'First version' } });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: '1.0.0', status: 'published', draft: null });
    expect((await otherEditor.agent.get('/api/library/items/SKL-001')).body.version).toBe('1.0.0');

    const next = await editor.agent.post('/api/library/items/SKL-001/drafts').set('X-CSRF-Token', editor.csrf).send({});
    expect(next.status).toBe(201);
    const { key: _key, ...content } = newItem('SKL-001', { title: { nb: 'Ukentlig uttrekk av skoledata', en: 'Weekly extract of school data' } });
    const saved = await editor.agent.put(`/api/library/drafts/${next.body.draft.id}`).set('X-CSRF-Token', editor.csrf).send({ ...content, version: 1 });
    expect(saved.status).toBe(200);
    expect(saved.body.draft.revision).toBe(2);
    const second = await editor.agent.post(`/api/library/drafts/${next.body.draft.id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'minor', version: 2, changeNote: { nb: 'Ukentlig', en: 'Weekly' } });
    expect(second.body.version).toBe('1.1.0');

    const versions = await viewer.agent.get('/api/library/items/SKL-001/versions');
    expect(versions.body.items.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);
    const old = await viewer.agent.get('/api/library/items/SKL-001').query({ version: '1.0.0' });
    expect(old.body.title.nb).toBe('Månedlig uttrekk av skoledata');

    const diff = await viewer.agent.get('/api/library/items/SKL-001/diff').query({ from: '1.0.0', to: '1.1.0' });
    expect(diff.status).toBe(200);
    const title = diff.body.changes.find((c: { field: string }) => c.field === 'title');
    expect(title.words.nb).toEqual(expect.arrayContaining([{ value: 'Månedlig', added: false, removed: true }, { value: 'Ukentlig', added: true, removed: false }]));
    const diffPage = await viewer.agent.get('/library/items/SKL-001/diff').query({ from: '1.0.0', to: '1.1.0' });
    expect(diffPage.text).toContain('<del>Månedlig</del>');
  });

  test('When two people save the same draft, then the second gets a 409 conflict and nothing is overwritten', async () => {
    const created = await editor.agent.post('/api/library/items').set('X-CSRF-Token', editor.csrf).send(newItem('SKL-002'));
    const id = created.body.draft.id as string;
    const { key: _key, ...content } = newItem('SKL-002');
    const first = await editor.agent.put(`/api/library/drafts/${id}`).set('X-CSRF-Token', editor.csrf).send({ ...content, title: { nb: 'Første lagring', en: 'First save' }, version: 1 });
    expect(first.status).toBe(200);
    const second = await editor.agent.put(`/api/library/drafts/${id}`).set('X-CSRF-Token', editor.csrf).send({ ...content, title: { nb: 'Andre lagring', en: 'Second save' }, version: 1 });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'conflict.stale_version', currentVersion: 2, changedBy: editor.user.email });
    expect((await editor.agent.get(`/api/library/drafts/${id}`)).body.title.nb).toBe('Første lagring');
  });

  test('When a text has a syntax error, an undeclared parameter or a helper, then saving is refused naming the field and position', async () => {
    const syntax = await editor.agent.post('/api/library/items').set('X-CSRF-Token', editor.csrf).send(newItem('SKL-003', { text: { nb: 'Innen {{intervalDays dager.', en: 'Within {{intervalDays}} days.' } }));
    expect(syntax.status).toBe(400);
    expect(syntax.body.code).toBe('library.invalid_content');
    expect(syntax.body.errors[0]).toMatchObject({ path: 'text.nb', message: expect.stringMatching(/line 1, column \d+: syntax error/) });
    const undeclared = await editor.agent.post('/api/library/items').set('X-CSRF-Token', editor.csrf).send(newItem('SKL-003', { text: { nb: 'Innen {{intervalDays}} og {{deadline}}.', en: 'Within {{intervalDays}} days.' } }));
    expect(undeclared.body.errors).toEqual([{ path: 'text.nb', message: 'uses parameter "deadline", which is not declared' }]);
    const helper = await editor.agent.post('/api/library/items').set('X-CSRF-Token', editor.csrf).send(newItem('SKL-003', { text: { nb: 'Innen {{lookup intervalDays 0}} dager.', en: 'Within {{intervalDays}} days.' } }));
    expect(helper.body.errors[0]).toMatchObject({ path: 'text.nb', message: expect.stringMatching(/line 1, column 7: helper "lookup" is not allowed/) });
    const proto = await editor.agent.post('/api/library/items').set('X-CSRF-Token', editor.csrf).send(newItem('SKL-003', { text: { nb: '{{constructor.name}} {{intervalDays}}', en: 'Within {{intervalDays}} days.' } }));
    expect(proto.body.errors[0].message).toMatch(/"constructor.name" is not a parameter name/);
  });

  test('When a draft is based on a version that has been superseded meanwhile, then publishing is refused with a conflict', async () => {
    const adminCity = await buildOrganisation(ctx.services);
    const second = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[adminCity, 'editor']] }));
    const a = await editor.agent.post('/api/library/items/EXP-002/drafts').set('X-CSRF-Token', editor.csrf).send({});
    const b = await second.agent.post('/api/library/items/EXP-002/drafts').set('X-CSRF-Token', second.csrf).send({});
    expect((await editor.agent.post(`/api/library/drafts/${a.body.draft.id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'patch', version: 1, changeNote: { nb: 'Retting', en: 'Fix' } })).body.version).toBe('1.2.1');
    const late = await second.agent.post(`/api/library/drafts/${b.body.draft.id}/publish`).set('X-CSRF-Token', second.csrf).send({ level: 'patch', version: 1, changeNote: { nb: 'Retting', en: 'Fix' } });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'library.base_outdated', latestVersion: '1.2.1' });
  });

  test('When an editor deprecates an item pointing to its replacement, then the item shows as deprecated and the log has it', async () => {
    const res = await editor.agent.post('/api/library/items/API-007/deprecate').set('X-CSRF-Token', editor.csrf).send({ replacedBy: 'API-001' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'deprecated', replacedBy: 'API-001' });
    const page = await viewer.agent.get('/library/items/API-007');
    expect(page.text).toContain('Dette elementet er utgått.');
    const unknown = await editor.agent.post('/api/library/items/API-006/deprecate').set('X-CSRF-Token', editor.csrf).send({ replacedBy: 'NOPE-001' });
    expect(unknown.status).toBe(422);
    expect((await viewer.agent.post('/api/library/items/API-006/deprecate').set('X-CSRF-Token', viewer.csrf).send({})).status).toBe(403);
  });
});
