import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { binary } from '../helpers/http';

const BANK = readFileSync(path.join(__dirname, 'fixtures', 'skole-bank.json'));

let ctx: TestContext;
let city: OrganisationRow;
let editor: LoggedIn;
let viewer: LoggedIn;
let vendor: LoggedIn;
let owner: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  city = await buildOrganisation(ctx.services, { name: 'Kravby kommune', orgNumber: '964338531' });
  const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Leverandør AS' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Kari Krav', memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
  owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'owner']] }));
});
afterAll(() => ctx.close());


type Draft = { key: string; draftId: string; title: string; section: string; path: string };
type Exported = {
  title: string;
  organizationNumber: string;
  requirementAnswers: { variantId: string; weight: number; question: { type: string } }[];
  bank: { needs: { title: string; requirements: { title: string; sourceOriginal: string; variants: { id: string; requirementText: string; instruction: string; questions: { type: string }[] }[] }[] }[] };
};

function importToLibrary(who: LoggedIn, file: Buffer | null, fields: Record<string, string | string[]> = { category: 'export', themes: ['2', '4'], domains: 'school' }) {
  let req = who.agent.post('/api/library/kravbank/import').set('X-CSRF-Token', who.csrf);
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) req = req.field(name, v);
  return file ? req.attach('file', file, 'skole-bank.json') : req;
}

async function draftCount(): Promise<number> {
  const res = await editor.agent.get('/api/library/items').query({ status: 'draft', pageSize: 200 }).expect(200);
  return res.body.total as number;
}

async function createTender(reference: string) {
  const res = await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Skoleadministrativt system', reference, language: 'nb', domain: 'school', contactEmail: 'innkjop@kravby.no' }).expect(201);
  return res.body.id as string;
}

async function exportOf(tenderId: string): Promise<Exported> {
  const res = await editor.agent.get(`/api/tenders/${tenderId}/kravbank`).buffer(true).parse(binary).expect(200);
  return JSON.parse((res.body as Buffer).toString('utf8')) as Exported;
}

/** The requirement set of an export as a reader compares it: per need, each requirement's title, text and guidance. */
const contentOf = (file: Exported) =>
  file.bank.needs.map((n) => ({ need: n.title, requirements: n.requirements.map((r) => ({ title: r.title, text: r.variants[0]?.requirementText, guidance: r.variants[0]?.instruction })) }));

describe('a Kravbank bank into the library', () => {
  test('When an editor imports a bank, then every requirement variant becomes a draft with its need, code lists become a choice parameter, and what cannot be mapped is listed', async () => {
    const res = await importToLibrary(editor, BANK).expect(201);
    const drafts = res.body.drafts as Draft[];
    expect(drafts.map((d) => d.key)).toEqual(['KRB-001', 'KRB-002', 'KRB-003', 'KRB-004', 'KRB-005', 'KRB-006']);
    expect(drafts.map((d) => [d.title, d.section])).toEqual([
      ['Eksport av elevdata', 'Elevdata'],
      ['Formater for eksport', 'Elevdata'],
      ['Fraværsregistrering: Dagsfravær', 'Elevdata – Fravær'],
      ['Fraværsregistrering: Timefravær', 'Elevdata – Fravær'],
      ['Svartid for eksport', 'Eksport'],
      ['Dokumentasjon av datamodell', 'Eksport'],
    ]);
    expect((res.body.notMapped as { code: string; path: string }[]).map((n) => `${n.code} ${n.path}`).sort()).toEqual([
      'info-variant needs[0].requirements[0].variants[1]',
      'points needs[2].requirements[0].variants[0].questions',
      'products needs[1].requirements[0].variants[0].products',
      'products products',
    ]);

    const formats = await editor.agent.get(`/api/library/drafts/${drafts[1]?.draftId}`).expect(200);
    expect(formats.body).toMatchObject({ key: 'KRB-002', status: 'draft', kind: 'requirement', type: 'V', category: 'export', themes: [2, 4], domains: ['school'], tags: ['kravbank'] });
    expect(formats.body.parameters).toEqual([{ name: 'codes', type: 'choices', label: { nb: 'Filformater', en: 'Filformater' }, values: ['CSV', 'JSON', 'XML'], default: ['CSV', 'JSON'] }]);
    expect(formats.body.text.nb).toBe('Eksporten skal leveres i åpne, dokumenterte filformater.\n\nKodeliste «Filformater»: {{codes}}.');
    expect(formats.body.references).toEqual([{ source: 'dfo-kravbank', section: 'Bank «Skoleadministrativt system», krav «Formater for eksport»', note: { nb: 'Importert fra Kravbank, behovet «Elevdata».', en: 'Imported from Kravbank, the need “Elevdata”.' } }]);

    const confirm = await editor.agent.get(`/api/library/drafts/${drafts[0]?.draftId}`).expect(200);
    expect(confirm.body).toMatchObject({ type: 'A', weight: 0, verification: { method: 'declaration', phases: ['tender'] } });
    expect(confirm.body.responseGuidance.nb).toBe('Beskriv hvordan eksporten bestilles. Leverandøren skal bekrefte at kravet er oppfylt.');
    const upload = await editor.agent.get(`/api/library/drafts/${drafts[5]?.draftId}`).expect(200);
    expect(upload.body.verification.method).toBe('document-review');
    expect(upload.body.evidence).toEqual([{ nb: 'Leverandøren skal legge ved dokumentasjon som fil av typen .pdf, .json.', en: 'The vendor shall attach documentation as a file of type .pdf, .json.' }]);
    const slider = await editor.agent.get(`/api/library/drafts/${drafts[4]?.draftId}`).expect(200);
    expect(slider.body.responseGuidance.en).toBe('The vendor shall state a value between 1 and 72 timer.');

    const audit = await owner.agent.get('/api/audit').query({ action: 'library.kravbank_imported' }).expect(200);
    expect(JSON.stringify(audit.body)).toContain('KRB-006');
  });

  test('When the same bank is imported again, then the next free keys are used and nothing is overwritten', async () => {
    const res = await importToLibrary(editor, BANK, { category: 'export', themes: '2', keyPrefix: 'KRB' }).expect(201);
    expect((res.body.drafts as Draft[]).map((d) => d.key)).toEqual(['KRB-007', 'KRB-008', 'KRB-009', 'KRB-010', 'KRB-011', 'KRB-012']);
  });

  test('When the file or the fields are wrong, then the answer is a 4xx naming the problem and no draft is written', async () => {
    const before = await draftCount();
    const notJson = await importToLibrary(editor, Buffer.from('{"title": "Skole", needs: [')).expect(400);
    expect(notJson.body.code).toBe('kravbank.not_json');
    const notBank = await importToLibrary(editor, Buffer.from(JSON.stringify({ id: 'x', title: 'Skole' }))).expect(400);
    expect(notBank.body.code).toBe('kravbank.invalid_file');
    expect(notBank.body.errors.map((e: { path: string }) => e.path)).toContain('needs');
    const badQuestion = JSON.parse(BANK.toString('utf8'));
    badQuestion.needs[0].requirements[0].variants[0].questions[0].type = 'Q_DRAWING';
    const refused = await importToLibrary(editor, Buffer.from(JSON.stringify(badQuestion))).expect(400);
    expect(JSON.stringify(refused.body.errors)).toContain('needs.0.requirements.0.variants.0.questions.0.type');
    const empty = await importToLibrary(editor, Buffer.from(JSON.stringify({ id: 'x', title: 'Tom bank', needs: [] }))).expect(422);
    expect(empty.body.code).toBe('kravbank.nothing_to_import');
    const noThemes = await importToLibrary(editor, BANK, { category: 'export' }).expect(400);
    expect(noThemes.body.errors.map((e: { path: string }) => e.path)).toContain('themes');
    const badPrefix = await importToLibrary(editor, BANK, { category: 'export', themes: '2', keyPrefix: 'krb1' }).expect(400);
    expect(badPrefix.body.errors.map((e: { path: string }) => e.path)).toContain('keyPrefix');
    const noFile = await importToLibrary(editor, null).expect(400);
    expect(noFile.body.code).toBe('kravbank.file_missing');
    expect(await draftCount()).toBe(before);
  });

  test('When someone who does not edit the library imports, then the answer is 403 and nothing is written', async () => {
    const before = await draftCount();
    expect((await importToLibrary(viewer, BANK)).status).toBe(403);
    expect((await importToLibrary(vendor, BANK)).status).toBe(403);
    expect(await draftCount()).toBe(before);
  });

  test('When an editor uses the import page, then the form names the problems in Norwegian and a good file lists the drafts to review', async () => {
    const form = await editor.agent.get('/library/kravbank').expect(200);
    expect(form.text).toContain('Importer fra Kravbank');
    expect(form.text).toContain('<option value="14">14. Noark 5-arkivuttrekk og Fiks arkiv</option>');
    const invalid = await editor.agent.post('/library/kravbank').set('X-CSRF-Token', editor.csrf).field('category', 'export').attach('file', BANK, 'bank.json').expect(400);
    expect(invalid.text).toContain('ds-error-summary');
    expect(invalid.text).toContain('themes');
    const done = await editor.agent.post('/library/kravbank').set('X-CSRF-Token', editor.csrf).field('category', 'api').field('themes', '5').field('keyPrefix', 'SKOLE').attach('file', BANK, 'bank.json').expect(201);
    expect(done.text).toContain('Importert fra «Skoleadministrativt system»');
    expect(done.text).toContain('SKOLE-001');
    expect(done.text).toContain('En informasjonsvariant er ikke et krav leverandøren svarer på.');
  });
});

describe('a Kravbank bank into a tender, and the tender out again', () => {
  test('When a bank is imported into a tender, then each need is a new section holding the tender\'s own requirements, with code lists filled in', async () => {
    const tenderId = await createTender('2026/KRB-1');
    const res = await editor.agent.post(`/api/tenders/${tenderId}/kravbank`).set('X-CSRF-Token', editor.csrf).attach('file', BANK, 'skole-bank.json').expect(201);
    expect(res.body).toMatchObject({ bank: 'Skoleadministrativt system', sections: ['Elevdata', 'Elevdata – Fravær', 'Eksport'], added: ['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-006'], skipped: [] });
    const tender = await editor.agent.get(`/api/tenders/${tenderId}`).expect(200);
    const sections = tender.body.sections as { title: string; items: { key: string; title: string; type: string; fromLibrary: boolean }[] }[];
    expect(sections.map((s) => [s.title, s.items.map((i) => i.key)])).toEqual([
      ['Elevdata', ['T-001', 'T-002']],
      ['Elevdata – Fravær', ['T-003', 'T-004']],
      ['Eksport', ['T-005', 'T-006']],
    ]);
    expect(sections[0]?.items.map((i) => i.type)).toEqual(['A', 'V']);
    const exported = await exportOf(tenderId);
    const formats = exported.bank.needs[0]?.requirements[1];
    expect(formats?.variants[0]?.requirementText).toBe('Eksporten skal leveres i åpne, dokumenterte filformater.\n\nKodeliste «Filformater»: CSV og JSON.');
  });

  test('When a bank goes into a tender, out to Kravbank and into a second tender, then every requirement is kept with its need, title, text and guidance', async () => {
    const first = await createTender('2026/KRB-2');
    await editor.agent.post(`/api/tenders/${first}/kravbank`).set('X-CSRF-Token', editor.csrf).attach('file', BANK, 'skole-bank.json').expect(201);
    const res = await editor.agent.get(`/api/tenders/${first}/kravbank`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['x-content-sha256']).toBe(createHash('sha256').update(res.body as Buffer).digest('hex'));
    const out = JSON.parse((res.body as Buffer).toString('utf8')) as Exported;
    expect(out.organizationNumber).toBe('964338531');
    const original = JSON.parse(BANK.toString('utf8')) as { needs: { requirements: { variants: { type: string; requirementText: string }[] }[] }[] };
    const texts = out.bank.needs.flatMap((n) => n.requirements.map((r) => r.variants[0]?.requirementText ?? ''));
    for (const variant of original.needs.flatMap((n) => n.requirements.flatMap((r) => r.variants)).filter((v) => v.type === 'requirement')) {
      expect(texts.some((t) => t.startsWith(variant.requirementText))).toBe(true);
    }
    expect(out.requirementAnswers).toHaveLength(6);

    const second = await createTender('2026/KRB-3');
    await editor.agent.post(`/api/tenders/${second}/kravbank`).set('X-CSRF-Token', editor.csrf).attach('file', res.body as Buffer, 'export.json').expect(201);
    expect(contentOf(await exportOf(second))).toEqual(contentOf(out));
  });

  test('When a tender of library items is exported and imported again, then the items are the same library versions, and the library import finds them already there', async () => {
    const tenderId = await createTender('2026/KRB-4');
    await editor.agent.post(`/api/tenders/${tenderId}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-001', 'API-003', 'EXIT-009'] }).expect(201);
    await editor.agent.post(`/api/tenders/${tenderId}/weights/normalise`).set('X-CSRF-Token', editor.csrf).expect(204);
    await editor.agent.post(`/api/tenders/${tenderId}/issue`).set('X-CSRF-Token', editor.csrf).expect(200);
    const original = (await editor.agent.get(`/api/tenders/${tenderId}`)).body.sections.flatMap((s: { items: { key: string; libraryVersion: string; type: string; weight: number }[] }) => s.items);
    const res = await editor.agent.get(`/api/tenders/${tenderId}/kravbank`).query({ revision: 1 }).buffer(true).parse(binary).expect(200);
    const out = JSON.parse((res.body as Buffer).toString('utf8')) as Exported;
    expect(out.bank.needs.flatMap((n) => n.requirements.map((r) => r.sourceOriginal)).sort()).toEqual(original.map((i: { key: string; libraryVersion: string }) => `datakrav:${i.key}@${i.libraryVersion}`).sort());

    const again = await createTender('2026/KRB-5');
    const imported = await editor.agent.post(`/api/tenders/${again}/kravbank`).set('X-CSRF-Token', editor.csrf).attach('file', res.body as Buffer, 'export.json').expect(201);
    expect([...imported.body.added].sort()).toEqual(['API-003', 'EXIT-009', 'EXP-001']);
    const items = (await editor.agent.get(`/api/tenders/${again}`)).body.sections.flatMap((s: { items: unknown[] }) => s.items) as { key: string; libraryVersion: string; type: string; weight: number; fromLibrary: boolean }[];
    for (const item of original as { key: string; libraryVersion: string; type: string; weight: number }[]) {
      expect(items.find((i) => i.key === item.key)).toMatchObject({ fromLibrary: true, libraryVersion: item.libraryVersion, type: item.type, weight: item.weight });
    }

    const library = await importToLibrary(editor, res.body as Buffer).expect(201);
    expect(library.body.drafts).toEqual([]);
    expect((library.body.alreadyInLibrary as { key: string }[]).map((a) => a.key).sort()).toEqual(['API-003', 'EXIT-009', 'EXP-001']);
  });

  test('When the tender\'s Kravbank page is used, then it offers the download and imports with a message on the tender page; a viewer cannot import', async () => {
    const tenderId = await createTender('2026/KRB-6');
    const pageRes = await editor.agent.get(`/tenders/${tenderId}/kravbank`).expect(200);
    expect(pageRes.text).toContain(`href="/api/tenders/${tenderId}/kravbank"`);
    const posted = await editor.agent.post(`/tenders/${tenderId}/kravbank`).set('X-CSRF-Token', editor.csrf).attach('file', BANK, 'bank.json').expect(303);
    expect(posted.headers.location).toBe(`/tenders/${tenderId}`);
    const shown = await editor.agent.get(`/tenders/${tenderId}`).expect(200);
    expect(shown.text).toContain('6 krav fra «Skoleadministrativt system» er lagt til i 3 nye seksjoner.');
    const broken = await editor.agent.post(`/tenders/${tenderId}/kravbank`).set('X-CSRF-Token', editor.csrf).attach('file', Buffer.from('ikke json'), 'bank.json').expect(400);
    expect(broken.text).toContain('ds-error-summary');
    const refused = await viewer.agent.post(`/api/tenders/${tenderId}/kravbank`).set('X-CSRF-Token', viewer.csrf).attach('file', BANK, 'bank.json');
    expect(refused.status).toBe(403);
  });
});
