import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { binary } from '../helpers/http';

let ctx: TestContext;
let city: OrganisationRow;
let partner: OrganisationRow;
let editor: LoggedIn;
let viewer: LoggedIn;
let outsider: LoggedIn;
let vendor: LoggedIn;
let partnerEditor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  city = await buildOrganisation(ctx.services, { name: 'Anskaffelsesby kommune' });
  partner = await buildOrganisation(ctx.services, { name: 'Samarbeidsby kommune' });
  const other = await buildOrganisation(ctx.services, { name: 'Fremmedby kommune' });
  const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Leverandør AS' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Ina Innkjøper', memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  outsider = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[other, 'owner']] }));
  vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
  partnerEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[partner, 'editor']] }));
});
afterAll(() => ctx.close());


async function createTender(reference: string, overrides: Record<string, unknown> = {}) {
  const res = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Nytt skoleadministrativt system', reference, language: 'nb', domain: 'school', contactEmail: 'innkjop@anskaffelsesby.no', ...overrides });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
}

async function itemsOf(tenderId: string) {
  const res = await editor.agent.get(`/api/tenders/${tenderId}`);
  return (res.body.sections as { items: { id: string; key: string; type: string; weight: number; kind: string; version: number }[] }[]).flatMap((s) => s.items);
}

/** The tender's version now, as a later change presents it. */
async function versionOf(tenderId: string): Promise<number> {
  return (await editor.agent.get(`/api/tenders/${tenderId}`)).body.version as number;
}

async function readyTender(reference: string) {
  const tender = await createTender(reference);
  const added = await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'API-003', 'EXIT-009', 'DOC-002', 'OWN-001'] });
  expect(added.body).toEqual({ added: ['EXP-001', 'API-003', 'EXIT-009', 'DOC-002', 'OWN-001'], skipped: [] });
  await editor.agent.post(`/api/tenders/${tender.id}/weights/normalise`).set('X-CSRF-Token', editor.csrf).expect(204);
  return tender;
}

describe('assembling a tender', () => {
  test('When items are added, then each is pinned to its published version in a section named after its category, with library type and weight', async () => {
    const tender = await createTender('2026/100');
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'EXIT-009'] }).expect(201);
    const again = await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001'] });
    expect(again.body).toEqual({ added: [], skipped: ['EXP-001'] });
    const view = await editor.agent.get(`/api/tenders/${tender.id}`);
    expect(view.body.sections.map((s: { title: string }) => s.title)).toEqual(['Eksport', 'Avslutning og overgang']);
    expect(view.body.sections[0].items[0]).toMatchObject({ key: 'EXP-001', libraryVersion: '1.2.0', fromLibrary: true, type: 'A' });
  });

  test('When a parameter value is out of range, then the item is not changed and the value is named', async () => {
    const tender = await createTender('2026/101');
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001'] });
    const [item] = await itemsOf(tender.id);
    const res = await editor.agent.put(`/api/tenders/${tender.id}/items/${item?.id}`).set('X-CSRF-Token', editor.csrf).send({ parameterValues: { exportHours: 10_000 }, version: item?.version });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'parameterValues.exportHours', message: expect.stringMatching(/must be at most/) }]);
    const ok = await editor.agent.put(`/api/tenders/${tender.id}/items/${item?.id}`).set('X-CSRF-Token', editor.csrf).send({ parameterValues: { exportHours: 12 }, version: item?.version });
    expect(ok.status).toBe(204);
  });

  test('When a tender-wide parameter value is set, then every item using it renders with it unless the item has its own value', async () => {
    const tender = await createTender('2026/107');
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'EXP-004'] });
    const page = await editor.agent.get(`/tenders/${tender.id}`);
    expect(page.text).toContain('Parameterverdier for hele anskaffelsen');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const version = /action="\/tenders\/[^"]+\/parameters"[\s\S]*?name="version" value="(\d+)"/.exec(page.text)?.[1] as string;
    const bad = await editor.agent.post(`/tenders/${tender.id}/parameters`).type('form').send({ _csrf: csrf, version, 'values[exportHours]': '100000' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('values.exportHours');
    const saved = await editor.agent.post(`/tenders/${tender.id}/parameters`).type('form').send({ _csrf: csrf, version, 'values[exportHours]': '48' });
    expect(saved.status).toBe(303);
    const set = await editor.agent.get(`/api/tenders/${tender.id}/documents/requirements.json`);
    const exp = set.body.sections.flatMap((s: { items: { key: string; text: string; parameterValues: Record<string, unknown> }[] }) => s.items).find((i: { key: string }) => i.key === 'EXP-001');
    expect(exp.parameterValues.exportHours).toBe(48);
    expect(exp.text).toContain('48 timer');
  });

  test('When the checks run, then weights that do not sum to 100 block issue, and normalising fixes it', async () => {
    const tender = await createTender('2026/102');
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['API-003', 'DOC-002', 'EXP-001'] });
    const before = await editor.agent.get(`/api/tenders/${tender.id}/checks`);
    expect(before.body.ok).toBe(false);
    expect(before.body.errors.map((e: { code: string }) => e.code)).toContain('weights');
    const refused = await editor.agent.post(`/api/tenders/${tender.id}/issue`).set('X-CSRF-Token', editor.csrf);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('tender.checks_failed');
    await editor.agent.post(`/api/tenders/${tender.id}/weights/normalise`).set('X-CSRF-Token', editor.csrf).expect(204);
    const after = await editor.agent.get(`/api/tenders/${tender.id}/checks`);
    expect(after.body).toMatchObject({ ok: true, weightSum: 100 });
  });

  test('When an item is moved down, then the order changes', async () => {
    const tender = await createTender('2026/103');
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'EXP-002'] });
    const [first] = await itemsOf(tender.id);
    await editor.agent.post(`/api/tenders/${tender.id}/items/${first?.id}/move`).set('X-CSRF-Token', editor.csrf).send({ direction: 'down', version: first?.version }).expect(204);
    expect((await itemsOf(tender.id)).map((i) => i.key)).toEqual(['EXP-002', 'EXP-001']);
  });

  test('When a quick pick adds all clauses of a category and an own requirement is written, then both appear', async () => {
    const tender = await createTender('2026/104');
    const picked = await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ clausesOf: 'pricing' });
    expect(picked.body.added.length).toBeGreaterThan(1);
    const own = await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ custom: { kind: 'requirement', type: 'A', title: 'Integrasjon mot skolens læringsplattform', text: 'Løsningen skal utveksle elevdata med læringsplattformen daglig.', responseGuidance: 'Beskriv integrasjonen.' } });
    expect(own.body.added).toEqual(['T-001']);
    const items = await itemsOf(tender.id);
    expect(items.filter((i) => i.kind === 'clause').length).toBe(picked.body.added.length);
    expect(items.find((i) => i.key === 'T-001')).toMatchObject({ kind: 'requirement' });
  });

  test('When an editor saves a library search as a selection, then the selection adds those items to a tender in one step', async () => {
    const page = await editor.agent.get('/library');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const saved = await editor.agent.post('/library/selections').type('form').send({ _csrf: csrf, name: 'Arkivkrav', category: 'archive' });
    expect(saved.status).toBe(303);
    const selections = await editor.agent.get('/api/library/selections');
    const selection = selections.body.items.find((s: { name: string }) => s.name === 'Arkivkrav');
    const archive = await editor.agent.get('/api/library/items').query({ category: 'archive', pageSize: 200 });
    expect([...selection.keys].sort()).toEqual(archive.body.items.map((i: { key: string }) => i.key).sort());
    expect(selection.keys).toContain('ARK-001');
    expect((await outsider.agent.get('/api/library/selections')).body.items).toEqual([]);
    const tender = await createTender('2026/106');
    const added = await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ selectionId: selection.id });
    expect(added.body.added).toEqual(selection.keys);
    expect((await editor.agent.get(`/tenders/${tender.id}`).expect(200)).text).toContain(`<option value="${selection.id}">Arkivkrav (${selection.keys.length})</option>`);
    expect((await outsider.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', outsider.csrf).send({ selectionId: selection.id })).status).toBe(404);
  });

  test('When an item the tender pins gets a newer published version, then the checks and the page name the upgrade and what changed; a tender pinning the newest version names none', async () => {
    const item = {
      key: 'SKL-901', kind: 'requirement', category: 'export', type: 'V', weight: 10, themes: [2],
      title: { nb: 'Månedlig uttrekk av elevdata', en: 'Monthly extract of pupil data' },
      text: { nb: 'Leverandøren skal levere et fullt uttrekk hver måned.', en: 'The supplier shall deliver a full extract every month.' },
      rationale: { nb: 'Skolen trenger ferske data.', en: 'The school needs fresh data.' },
      responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' },
      parameters: [],
      references: [{ source: 'eu-data-act', section: 'Art. 30(5)', note: { nb: 'Eksport i maskinlesbart format.', en: 'Export in a machine-readable format.' } }],
      verification: { method: 'sample-export', text: { nb: 'Kunden ber om et uttrekk.', en: 'The customer requests an extract.' } },
      evidence: [{ nb: 'Eksempel på uttrekk', en: 'Sample extract' }],
      domains: ['school'], tags: ['school-data'],
    };
    const created = await editor.agent.post('/api/library/items').set('X-CSRF-Token', editor.csrf).send(item);
    expect(created.status).toBe(201);
    await editor.agent.post(`/api/library/drafts/${created.body.draft.id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'major', version: 1, changeNote: { nb: 'Første versjon', en: 'First version' } }).expect(200);
    const pinsOld = await createTender('2026/901');
    await editor.agent.post(`/api/tenders/${pinsOld.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['SKL-901', 'EXP-001'] }).expect(201);
    // Read before the newer version exists: what the library's cache then holds must not hide it afterwards.
    expect((await editor.agent.get(`/api/tenders/${pinsOld.id}/checks`).expect(200)).body.notices).toEqual([]);

    const next = await editor.agent.post('/api/library/items/SKL-901/drafts').set('X-CSRF-Token', editor.csrf).send({});
    const { key: _key, ...content } = { ...item, title: { nb: 'Ukentlig uttrekk av elevdata', en: 'Weekly extract of pupil data' } };
    await editor.agent.put(`/api/library/drafts/${next.body.draft.id}`).set('X-CSRF-Token', editor.csrf).send({ ...content, version: next.body.draft.revision }).expect(200);
    await editor.agent.post(`/api/library/drafts/${next.body.draft.id}/publish`).set('X-CSRF-Token', editor.csrf).send({ level: 'minor', version: next.body.draft.revision + 1, changeNote: { nb: 'Ukentlig', en: 'Weekly' } }).expect(200);
    const pinsNew = await createTender('2026/902');
    await editor.agent.post(`/api/tenders/${pinsNew.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['SKL-901', 'EXP-001'] }).expect(201);

    const oldChecks = (await editor.agent.get(`/api/tenders/${pinsOld.id}/checks`).expect(200)).body;
    expect(oldChecks.notices).toEqual([expect.objectContaining({ code: 'newer_version', key: 'SKL-901', from: '1.0.0', to: '1.1.0', changes: expect.arrayContaining([expect.objectContaining({ field: 'title' })]) })]);
    expect((await editor.agent.get(`/tenders/${pinsOld.id}`).expect(200)).text).toContain('SKL-901: versjon 1.1.0 er publisert (anskaffelsen bruker 1.0.0).');
    expect((await editor.agent.get(`/api/tenders/${pinsNew.id}/checks`).expect(200)).body.notices).toEqual([]);
    expect((await editor.agent.get(`/tenders/${pinsNew.id}`).expect(200)).text).not.toContain('er publisert (anskaffelsen bruker');
  });

  test('When two people save the details with the same version, then the second gets a conflict', async () => {
    const tender = await createTender('2026/105');
    expect((await editor.agent.put(`/api/tenders/${tender.id}`).set('X-CSRF-Token', editor.csrf).send({ title: 'Første tittel', version: tender.version })).status).toBe(200);
    const late = await editor.agent.put(`/api/tenders/${tender.id}`).set('X-CSRF-Token', editor.csrf).send({ title: 'Andre tittel', version: tender.version });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'conflict.stale_version', currentVersion: tender.version + 1, changedBy: editor.user.email });
  });
});

describe('issuing and documents', () => {
  test('When a tender is issued, then the revision is frozen: later changes make a new draft, and revision 1 still downloads unchanged', async () => {
    const tender = await readyTender('2026/200');
    const issued = await editor.agent.post(`/api/tenders/${tender.id}/issue`).set('X-CSRF-Token', editor.csrf);
    expect(issued.body).toEqual({ revision: 1 });
    const first = await editor.agent.get(`/api/tenders/${tender.id}/documents/requirements.json`).query({ revision: 1 });
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-002'] });
    const again = await editor.agent.get(`/api/tenders/${tender.id}/documents/requirements.json`).query({ revision: 1 });
    expect(again.body).toEqual(first.body);
    const working = await editor.agent.get(`/api/tenders/${tender.id}/documents/requirements.json`);
    expect(JSON.stringify(working.body)).toContain('EXP-002');
    expect(JSON.stringify(first.body)).not.toContain('EXP-002');
    await editor.agent.post(`/api/tenders/${tender.id}/weights/normalise`).set('X-CSRF-Token', editor.csrf);
    expect((await editor.agent.post(`/api/tenders/${tender.id}/issue`).set('X-CSRF-Token', editor.csrf)).body).toEqual({ revision: 2 });
    const revisions = await editor.agent.get(`/api/tenders/${tender.id}/revisions`);
    expect(revisions.body.items.map((r: { revision: number }) => r.revision)).toEqual([2, 1]);
  });

  test('When the specification is downloaded, then it is a Word file with every requirement key, rendered values and Norwegian text, and the generation is audited with its SHA-256', async () => {
    const tender = await readyTender('2026/201');
    const [exp] = (await itemsOf(tender.id)).filter((i) => i.key === 'EXP-001');
    await editor.agent.put(`/api/tenders/${tender.id}/items/${exp?.id}`).set('X-CSRF-Token', editor.csrf).send({ parameterValues: { exportHours: 36 }, version: exp?.version });
    const res = await editor.agent.get(`/api/tenders/${tender.id}/documents/specification.docx`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const text = (await mammoth.extractRawText({ buffer: res.body as Buffer })).value;
    for (const key of ['EXP-001', 'API-003', 'DOC-002']) expect(text).toContain(key);
    expect(text).toContain('36 timer');
    expect(text).toMatch(/[æøå]/);
    expect(text).not.toContain('EXIT-009');
    const annex = await editor.agent.get(`/api/tenders/${tender.id}/documents/contract-annex.docx`).buffer(true).parse(binary);
    const annexText = (await mammoth.extractRawText({ buffer: annex.body as Buffer })).value;
    expect(annexText).toContain('EXIT-009');
    expect(annexText).toContain('OWN-001');
    const audit = await editor.agent.get('/api/audit').set('X-CSRF-Token', editor.csrf);
    expect(audit.status).toBe(403);
    const owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'owner']] }));
    const log = await owner.agent.get('/api/audit').query({ organisationId: city.id, action: 'tender.document_generated', entityId: tender.id });
    expect(log.body.items[0].after).toMatchObject({ document: 'contract-annex.docx', sha256: res.headers['x-content-sha256'] ? expect.stringMatching(/^[0-9a-f]{64}$/) : expect.any(String) });
  });

  test('When the same revision is generated twice, then the text content is the same', async () => {
    const tender = await readyTender('2026/202');
    await editor.agent.post(`/api/tenders/${tender.id}/issue`).set('X-CSRF-Token', editor.csrf);
    const a = await editor.agent.get(`/api/tenders/${tender.id}/documents/specification.docx`).query({ revision: 1 }).buffer(true).parse(binary);
    const b = await editor.agent.get(`/api/tenders/${tender.id}/documents/specification.docx`).query({ revision: 1 }).buffer(true).parse(binary);
    expect((await mammoth.extractRawText({ buffer: a.body as Buffer })).value).toBe((await mammoth.extractRawText({ buffer: b.body as Buffer })).value);
    const ocds = await editor.agent.get(`/api/tenders/${tender.id}/documents/ocds.json`).query({ revision: 1 });
    expect(ocds.body.tender.criteria[0].requirementGroups[0].requirements[0]).toMatchObject({ id: expect.stringMatching(/^[A-Z]+-\d{3}$/) });
  });

  test('When a vendor\'s filled response sheet is imported, then its answers are stored; a sheet with a bad answer is refused and nothing is stored', async () => {
    const tender = await readyTender('2026/203');
    await editor.agent.post(`/api/tenders/${tender.id}/issue`).set('X-CSRF-Token', editor.csrf);
    const sheet = await editor.agent.get(`/api/tenders/${tender.id}/documents/response-sheet.xlsx`).buffer(true).parse(binary);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(sheet.body as never);
    const ws = workbook.worksheets.find((w) => w.state === 'visible') as ExcelJS.Worksheet;
    const header = ws.getRow(ws.views?.[0] && 'ySplit' in ws.views[0] ? Number(ws.views[0].ySplit) : 1);
    const answerColumn = (header.values as unknown[]).findIndex((v) => v === 'Svar');
    expect(answerColumn).toBeGreaterThan(0);
    const rows: ExcelJS.Row[] = [];
    ws.eachRow((row, n) => {
      if (n > header.number && /^[A-Z]{2,5}-\d{3}$/.test(String(row.getCell(1).value))) rows.push(row);
    });
    expect(rows.length).toBe(3);
    for (const row of rows) row.getCell(answerColumn).value = 'Ja';
    const good = Buffer.from(await workbook.xlsx.writeBuffer());
    (rows[0] as ExcelJS.Row).getCell(answerColumn).value = 'Kanskje';
    const bad = Buffer.from(await workbook.xlsx.writeBuffer());

    const refused = await editor.agent.post(`/api/tenders/${tender.id}/responses`).set('X-CSRF-Token', editor.csrf).field('vendorName', 'Tenkt Leverandør AS').attach('file', bad, 'svar.xlsx');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('tender.response_sheet_invalid');
    expect((await editor.agent.get(`/api/tenders/${tender.id}/responses`)).body.items).toEqual([]);

    const stored = await editor.agent.post(`/api/tenders/${tender.id}/responses`).set('X-CSRF-Token', editor.csrf).field('vendorName', 'Tenkt Leverandør AS').attach('file', good, 'svar.xlsx');
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ vendorName: 'Tenkt Leverandør AS', revision: 1, answers: 3 });
    const responses = await editor.agent.get(`/api/tenders/${tender.id}/responses`);
    expect(responses.body.items[0].answers.every((a: { answer: string }) => a.answer === 'yes')).toBe(true);
    const page = (await editor.agent.get(`/tenders/${tender.id}`).expect(200)).text;
    expect(page).toMatch(/<tr><td>Tenkt Leverandør AS<\/td><td>1<\/td><td>3 ja, 0 delvis, 0 nei<\/td>/);
    expect(page).toMatch(new RegExp(`<tr><td>1</td><td>[^<]+</td><td><a class="ds-link" href="/tenders/${tender.id}/documents/`));
  });
});

describe('who sees and changes a tender', () => {
  test('When another organisation or a vendor asks for the tender, then it does not exist for them; a viewer can read but not change it', async () => {
    const tender = await createTender('2026/300');
    for (const who of [outsider, vendor]) {
      expect((await who.agent.get(`/api/tenders/${tender.id}`)).status).toBe(404);
      expect((await who.agent.get(`/api/tenders/${tender.id}/documents/specification.docx`)).status).toBe(404);
      expect((await who.agent.get('/api/tenders')).body.items.map((t: { id: string }) => t.id)).not.toContain(tender.id);
    }
    expect((await viewer.agent.get(`/api/tenders/${tender.id}`)).status).toBe(200);
    const change = await viewer.agent.put(`/api/tenders/${tender.id}`).set('X-CSRF-Token', viewer.csrf).send({ title: 'Viewer was here', version: tender.version });
    expect(change.status).toBe(403);
    expect(change.body.code).toBe('tender.editor_required');
  });

  test('When a tender is shared with a co-buyer, then its editors can read it, and edit only when granted', async () => {
    const tender = await createTender('2026/301');
    expect((await partnerEditor.agent.get(`/api/tenders/${tender.id}`)).status).toBe(404);
    await editor.agent.put(`/api/tenders/${tender.id}/co-buyers/${partner.id}`).set('X-CSRF-Token', editor.csrf).send({ canEdit: false, version: await versionOf(tender.id) }).expect(204);
    expect((await partnerEditor.agent.get(`/api/tenders/${tender.id}`)).status).toBe(200);
    expect((await partnerEditor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', partnerEditor.csrf).send({ keys: ['EXP-001'] })).status).toBe(403);
    await editor.agent.put(`/api/tenders/${tender.id}/co-buyers/${partner.id}`).set('X-CSRF-Token', editor.csrf).send({ canEdit: true, version: await versionOf(tender.id) }).expect(204);
    expect((await partnerEditor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', partnerEditor.csrf).send({ keys: ['EXP-001'] })).status).toBe(201);
    const spec = await editor.agent.get(`/api/tenders/${tender.id}/documents/requirements.json`);
    expect(spec.body.tender.buyers).toEqual(['Anskaffelsesby kommune', 'Samarbeidsby kommune']);
    const offered = (html: string) => [...(/<select class="ds-input" id="cobuyer"[^>]*>(.*?)<\/select>/.exec(html)?.[1] ?? '').matchAll(/<option value="[^"]+">([^<]+)<\/option>/g)].map((m) => m[1]);
    expect(offered((await editor.agent.get(`/tenders/${tender.id}`).expect(200)).text)).toEqual(['Fremmedby kommune']);
    expect(offered((await editor.agent.get(`/tenders/${(await createTender('2026/399')).id}`).expect(200)).text)).toEqual(['Fremmedby kommune', 'Samarbeidsby kommune']);
    expect(offered((await partnerEditor.agent.get(`/tenders/${tender.id}`).expect(200)).text)).toEqual([]);
  });

  test('When the tender pages are opened, then they show the items, checks and download buttons', async () => {
    const tender = await readyTender('2026/302');
    const page = await editor.agent.get(`/tenders/${tender.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('EXP-001');
    expect(page.text).toContain('Kravspesifikasjon (Word)');
    expect(page.text).toContain('Alle kontroller er bestått');
    const picker = await editor.agent.get(`/tenders/${tender.id}/picker`).query({ q: 'arkiv' });
    expect(picker.status).toBe(200);
    expect(picker.text).toContain('ARK-001');
    const list = await editor.agent.get('/tenders');
    expect(list.text).toContain('2026/302');
    const preview = await viewer.agent.get(`/tenders/${tender.id}/preview`);
    expect(preview.text).toContain('API-003');
  });
});
