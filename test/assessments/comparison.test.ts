import ExcelJS from 'exceljs';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/shared/logger';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { buildProduct } from './fixtures';
import { binary } from '../helpers/http';

let ctx: TestContext;
let editor: LoggedIn;
let assessor: LoggedIn;
let profileId: string;
let privateProfileId: string;
const versions: Record<string, ProductVersionRow> = {};


/**
 * Four products against a profile of EXP-001 (A), API-003 (V, 60) and SEC-001 (V, 40):
 * Alfa meets, meets (verified), partly → claimed 80, verified 60; Bravo fails EXP-001 →
 * disqualified; Charlie (health care) partly meets API-003 → 30; Delta has no answers → 0.
 */
beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'baseline' });
  const city = await buildOrganisation(ctx.services, { name: 'Sammenlignby kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Sammenlignby', parentId: city.id });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  const plan: [string, 'school' | 'health-care', Record<string, string>][] = [
    ['Alfa Elevsystem', 'school', { 'EXP-001': 'meets', 'API-003': 'meets', 'SEC-001': 'partly' }],
    ['Bravo Skole', 'school', { 'EXP-001': 'does_not_meet', 'API-003': 'meets', 'SEC-001': 'meets' }],
    ['Charlie Omsorg', 'health-care', { 'API-003': 'partly' }],
    ['Delta Skoleadmin', 'school', {}],
  ];
  for (const [name, domain, answers] of plan) {
    const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: `${name.split(' ')[0]} AS` });
    const vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
    const version = (await buildProduct(ctx.services, vendorOrg, { name, domains: [domain] })).versions[0] as ProductVersionRow;
    versions[name] = version;
    for (const [key, status] of Object.entries(answers)) {
      const res = await vendor.agent.post('/api/assessments/answers').set('X-CSRF-Token', vendor.csrf).send({ productVersionId: version.id, key, major: 1, status });
      expect(res.status).toBe(201);
      if (name === 'Alfa Elevsystem' && key === 'API-003') {
        await assessor.agent.post(`/api/assessments/answers/${res.body.id}/verifications`).set('X-CSRF-Token', assessor.csrf).send({ decision: 'accepted', internalNote: 'HEMMELIG-RÅDSNOTAT', version: res.body.version }).expect(201);
      }
    }
  }
  const created = await editor.agent.post('/api/profiles').set('X-CSRF-Token', editor.csrf).send({ name: 'Skoleprofil', visibility: 'public', items: [{ key: 'EXP-001' }, { key: 'API-003', weight: 60 }, { key: 'SEC-001', weight: 40 }] });
  profileId = created.body.id;
  privateProfileId = (await editor.agent.post('/api/profiles').set('X-CSRF-Token', editor.csrf).send({ name: 'Hemmelig profil', items: [{ key: 'API-003' }] })).body.id;
});
afterAll(() => ctx.close());

describe('scores', () => {
  test('When a product version is scored, then claimed and verified scores, disqualification, coverage and verified share follow the answers', async () => {
    const alfa = await editor.agent.get('/api/assessments/scores').query({ profileId, productVersionId: versions['Alfa Elevsystem']?.id });
    const none = { findings: [], failingAbsolute: [], unansweredAbsolute: [], pendingAbsolute: [], rejectedAbsolute: [], expiredAbsolute: [], declaredAbsolute: [] };
    expect(alfa.body.score).toEqual({
      claimed: { score: 80, qualification: 'qualified', disqualified: false, ...none, answered: 3, total: 3, coverage: 100 },
      verified: {
        score: 60,
        qualification: 'open',
        disqualified: false,
        ...none,
        findings: [{ key: 'EXP-001', reason: 'pending', disqualifies: false }],
        pendingAbsolute: ['EXP-001'],
        answered: 1,
        total: 3,
        coverage: 33.3,
      },
      verifiedShare: 33.3,
    });
    const bravo = await editor.agent.get('/api/assessments/scores').query({ profileId, productVersionId: versions['Bravo Skole']?.id });
    expect(bravo.body.score.claimed).toMatchObject({ score: 100, qualification: 'disqualified', disqualified: true, failingAbsolute: ['EXP-001'], declaredAbsolute: ['EXP-001'] });
    expect(bravo.body.score.verified).toMatchObject({ qualification: 'disqualified', findings: [{ key: 'EXP-001', reason: 'declared_no', disqualifies: true }], unansweredAbsolute: [] });
  });

  test('When weights change, then a new profile version scores the same answers anew', async () => {
    const copy = (await editor.agent.post('/api/profiles').set('X-CSRF-Token', editor.csrf).send({ name: 'Vektet', items: [{ key: 'API-003', weight: 60 }, { key: 'SEC-001', weight: 40 }] })).body;
    await editor.agent.put(`/api/profiles/${copy.id}`).set('X-CSRF-Token', editor.csrf).send({ items: [{ key: 'API-003', weight: 20 }, { key: 'SEC-001', weight: 80 }], version: copy.currentVersion }).expect(200);
    const res = await editor.agent.get('/api/assessments/scores').query({ profileId: copy.id, productVersionId: versions['Alfa Elevsystem']?.id });
    // (20 × 1 + 80 × 0.5) / 100
    expect(res.body.score.claimed.score).toBe(60);
  });
});

describe('the comparison', () => {
  test('When the matrix is asked for a page, then products come in name order with a cell per requirement, and the total counts them all', async () => {
    const page1 = await editor.agent.get('/api/assessments/comparison').query({ profileId, pageSize: 2 });
    expect(page1.status).toBe(200);
    expect(page1.body.requirements.map((r: { key: string }) => r.key)).toEqual(['EXP-001', 'API-003', 'SEC-001']);
    expect(page1.body.products.map((p: { name: string }) => p.name)).toEqual(['Alfa Elevsystem', 'Bravo Skole']);
    expect(page1.body.total).toBe(4);
    expect(page1.body.products[0].cells).toEqual([
      expect.objectContaining({ key: 'EXP-001', status: 'meets', verification: 'unverified' }),
      expect.objectContaining({ key: 'API-003', status: 'meets', verification: 'verified' }),
      expect.objectContaining({ key: 'SEC-001', status: 'partly', verification: 'unverified' }),
    ]);
    const page2 = await editor.agent.get('/api/assessments/comparison').query({ profileId, pageSize: 2, page: 2 });
    expect(page2.body.products.map((p: { name: string }) => p.name)).toEqual(['Charlie Omsorg', 'Delta Skoleadmin']);
    expect(page2.body.products[1].cells.every((c: { status: string | null }) => c.status === null)).toBe(true);
    expect(page2.body.total).toBe(4);
  });

  test('When a page past the last one is asked for, then it lists nothing and the total still counts every match', async () => {
    const past = await editor.agent.get('/api/assessments/comparison').query({ profileId, pageSize: 2, page: 5 });
    expect(past.status).toBe(200);
    expect(past.body.products).toEqual([]);
    expect(past.body.total).toBe(4);
    const filtered = await editor.agent.get('/api/assessments/comparison').query({ profileId, pageSize: 2, page: 3, domain: 'school' });
    expect(filtered.body.products).toEqual([]);
    expect(filtered.body.total).toBe(3);
    const profiles = await editor.agent.get('/api/profiles').query({ pageSize: 1 });
    expect(profiles.body.items).toHaveLength(1);
    const pastProfiles = await editor.agent.get('/api/profiles').query({ pageSize: 1, page: 50 });
    expect(pastProfiles.body.items).toEqual([]);
    expect(pastProfiles.body.total).toBe(profiles.body.total);
    expect(pastProfiles.body.total).toBeGreaterThanOrEqual(3);
  });

  test('When the ranking is asked for, then qualified products come first by score, then those not yet verified, and the disqualified last; the domain filter narrows it', async () => {
    const all = await editor.agent.get('/api/assessments/ranking').query({ profileId });
    expect(all.body.items.map((p: { rank: number; name: string; score: { claimed: { score: number } } }) => [p.rank, p.name, p.score.claimed.score])).toEqual([
      [1, 'Alfa Elevsystem', 80],
      [2, 'Charlie Omsorg', 30],
      [3, 'Delta Skoleadmin', 0],
      [4, 'Bravo Skole', 100],
    ]);
    const school = await editor.agent.get('/api/assessments/ranking').query({ profileId, domain: 'school', basis: 'verified' });
    // On the verified basis nobody is qualified: Alfa's EXP-001 is not yet verified, Delta has no answers, and Bravo itself says it does not meet EXP-001.
    expect(school.body.items.map((p: { name: string; score: { verified: { qualification: string } } }) => [p.name, p.score.verified.qualification])).toEqual([
      ['Alfa Elevsystem', 'open'],
      ['Delta Skoleadmin', 'open'],
      ['Bravo Skole', 'disqualified'],
    ]);
    expect(school.body.items[0].score.verified.score).toBe(60);
  });

  test('When the comparison is exported as CSV, then each product has its scores and every requirement\'s status with its verification in text', async () => {
    const res = await editor.agent.get('/api/assessments/comparison/export').query({ profileId, format: 'csv' }).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?sammenligning-.+\.csv"?$/);
    const lines = (res.body as Buffer).toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n').map((l) => l.split(';'));
    expect(lines[0]?.slice(0, 12)).toEqual([
      'Plass',
      'Leverandør',
      'Produkt',
      'Versjon',
      'Påstått poeng',
      'Kvalifisering, påstått',
      'A-krav som ikke er oppfylt, påstått',
      'Verifisert poeng',
      'Kvalifisering, verifisert',
      'A-krav som ikke er oppfylt, verifisert',
      'Besvart',
      'Verifisert andel',
    ]);
    expect(lines[0]?.slice(12)).toEqual(['EXP-001 (A)', 'API-003 (V, 60)', 'SEC-001 (V, 40)']);
    expect(lines[1]).toEqual([
      '1',
      'Alfa AS',
      'Alfa Elevsystem',
      '1.0',
      '80',
      'Kvalifisert',
      '',
      '60',
      'Ikke verifisert ennå',
      'EXP-001: ikke verifisert ennå',
      '100',
      '33.3',
      'Oppfyller (ikke verifisert)',
      'Oppfyller (godkjent)',
      'Oppfyller delvis (ikke verifisert)',
    ]);
    expect(lines[4]?.slice(2, 10)).toEqual(['Bravo Skole', '1.0', '100', 'Diskvalifisert', 'EXP-001: leverandøren oppgir «oppfyller ikke»', '0', 'Diskvalifisert', 'EXP-001: leverandøren oppgir «oppfyller ikke»']);
    expect(lines).toHaveLength(5);
  });

  test('When the comparison is exported as XLSX, then the workbook reads back with the same rows', async () => {
    const res = await editor.agent.get('/api/assessments/comparison/export').query({ profileId, format: 'xlsx', domain: 'school' }).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as never);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.name).toBe('Sammenligning');
    const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(row(1).slice(0, 3)).toEqual(['Plass', 'Leverandør', 'Produkt']);
    expect(row(2).slice(0, 10)).toEqual([1, 'Alfa AS', 'Alfa Elevsystem', '1.0', 80, 'Kvalifisert', '', 60, 'Ikke verifisert ennå', 'EXP-001: ikke verifisert ennå']);
    expect(row(2).slice(-2)).toEqual(['Oppfyller (godkjent)', 'Oppfyller delvis (ikke verifisert)']);
    expect(sheet.rowCount).toBe(4);
  });

  test('When the chart is asked for, then it is an SVG with a title, a description and text labels for every bar', async () => {
    const res = await editor.agent.get('/api/assessments/chart').query({ profileId }).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = (res.body as Buffer).toString('utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*role="img"/);
    expect(svg).toContain('<title id="chart-title">Poeng per produkt: Skoleprofil</title>');
    expect(svg).toMatch(/<desc id="chart-desc">4 produkter, rangert etter påstått poeng\. Best: Alfa Elevsystem med 80 poeng\.<\/desc>/);
    expect(svg).toContain('>80 Påstått poeng<');
    expect(svg).toContain('>60 Verifisert poeng – A-krav ikke avklart<');
    // A disqualified product has no bar, only the words and the key that disqualifies it.
    const bravo = svg.slice(svg.indexOf('<g><title>Bravo Skole'));
    expect(bravo.slice(0, bravo.indexOf('</g>'))).not.toContain('<rect');
    expect(bravo).toContain('Bravo Skole (Bravo AS) (Diskvalifisert)');
    expect(bravo).toContain('>Verifisert poeng: Diskvalifisert (EXP-001)<');
    expect(svg).not.toContain('<script');
  });

  test('When the comparison page is shown, then the matrix has text markers next to the colours, the ranking view ranks, and the chart is there', async () => {
    const matrix = await editor.agent.get('/assessments/compare').query({ profileId, pageSize: 25 });
    expect(matrix.status).toBe(200);
    expect(matrix.text).toContain('class="dk-matrix"');
    expect(matrix.text).toMatch(/class="dk-cell dk-cell--ok" data-verdict="accepted"><a href="\/assessments\/answers\/[^"]+"><span class="dk-claim">Ja<\/span><span class="dk-verdict"><span aria-hidden="true">✓<\/span> godkjent<\/span><\/a><\/td>/);
    expect(matrix.text).toContain('<span aria-hidden="true">?</span> ikke verifisert</span>');
    expect(matrix.text).toContain('EXP-001: leverandøren oppgir «oppfyller ikke»');
    expect(matrix.text).toContain('<div class="dk-table-scroll" role="region"');
    expect(matrix.text).toContain(`<img src="/api/assessments/chart?profileId&#x3D;${profileId}`);
    const ranking = await editor.agent.get('/assessments/compare').query({ profileId, view: 'ranking', domain: 'health-care' });
    expect(ranking.status).toBe(200);
    expect(ranking.text).toContain('Charlie Omsorg');
    expect(ranking.text).not.toContain('Alfa Elevsystem');
    expect((await editor.agent.get('/assessments/compare')).status).toBe(200);
    expect((await assessor.agent.get('/assessments')).text).toContain('Skoleprofil');
  });

  test('When there are hundreds of products, then a matrix page holds only one page of them and stays quick', async () => {
    const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Masseprodusent AS' });
    for (let n = 0; n < 220; n += 1) await buildProduct(ctx.services, vendorOrg, { name: `Masseprodukt ${String(n).padStart(3, '0')}` });
    const started = Date.now();
    const res = await editor.agent.get('/assessments/compare').query({ profileId, q: 'Masseprodukt', page: 13 });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    // Products are the columns, eight a page: page 13 holds products 96-103.
    expect((res.text.match(/<th scope="col" class="dk-matrix__product">/g) ?? []).length).toBe(8);
    expect(res.text).toContain('Masseprodukt 096');
    expect(res.text).toContain('Masseprodukt 103');
    expect(res.text).not.toContain('Masseprodukt 095<');
    expect(res.text).not.toContain('Masseprodukt 104<');
    expect(res.text).toContain('97–104');
  });

  test('When a vendor asks for the comparison, the ranking, the export or the chart, then it is refused', async () => {
    const vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Nysgjerrig AS' });
    const vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
    for (const path of ['/api/assessments/comparison', '/api/assessments/ranking', '/api/assessments/chart', '/assessments/compare']) {
      const res = await vendor.agent.get(path).query({ profileId });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect((await vendor.agent.get('/api/assessments/comparison/export').query({ profileId, format: 'csv' })).status).toBe(403);
  });
});

describe('products failing absolute requirements', () => {
  test('When the vendor register asks which products fail absolute requirements, then the baseline keys answered "does not meet" or "partly" come back', async () => {
    const ids = Object.values(versions).map((v) => v.productId);
    const failing = await ctx.services.assessments.failingAbsolute(ids);
    expect(failing).toEqual(new Map([[versions['Bravo Skole']?.productId, ['EXP-001']]]));
  });
});

describe('the public register', () => {
  test('When the installation does not publish the register, then /register and its API are 404', async () => {
    expect((await ctx.request().get('/register')).status).toBe(404);
    const api = await ctx.request().get('/api/register');
    expect(api.status).toBe(404);
    expect(api.body.code).toBe('request.not_found');
  });

  test('When it does, then anyone sees the public profiles and only verified statuses, never claims or internal notes', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LIBRARY_SYNC_ON_START: 'false', PUBLIC_REGISTER: 'true' });
    const app = createApp({ config, services: ctx.services, logger: createLogger({ level: 'silent' }), version: 'test' });
    const res = await supertest(app).get('/api/register').query({ profileId });
    expect(res.status).toBe(200);
    expect(res.body.profiles.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['Grunnprofil for datatilgang', 'Skoleprofil']));
    expect(res.body.profiles.map((p: { id: string }) => p.id)).not.toContain(privateProfileId);
    expect(res.body.products).toEqual([{ productId: expect.any(String), name: 'Alfa Elevsystem', vendorName: 'Alfa AS', versionLabel: '1.0', cells: [{ key: 'EXP-001', status: null }, { key: 'API-003', status: 'meets' }, { key: 'SEC-001', status: null }] }]);
    expect(res.text).not.toContain('HEMMELIG-RÅDSNOTAT');
    const page = await supertest(app).get('/register').query({ profileId });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Alfa Elevsystem');
    expect(page.text).toContain('ikke verifisert');
    expect(page.text).not.toContain('Bravo Skole');
    expect(page.text).not.toContain('HEMMELIG-RÅDSNOTAT');
    const hidden = await supertest(app).get('/api/register').query({ profileId: privateProfileId });
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain('Hemmelig profil');
  });
});
