import { randomUUID } from 'node:crypto';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { buildProduct, SAMPLE_FILES } from './fixtures';
import { binary } from '../helpers/http';

let ctx: TestContext;
let city: OrganisationRow;
let vendorA: OrganisationRow;
let editor: LoggedIn;
let assessor: LoggedIn;
let vendorOwner: LoggedIn;
let vendorViewer: LoggedIn;
let otherVendor: LoggedIn;
let versionsA: ProductVersionRow[];
let versionB: ProductVersionRow;

const UPLOAD_LIMIT_BYTES = 64 * 1024;

beforeAll(async () => {
  ctx = await createTestApp({ UPLOAD_LIMIT: '64kb' }, { seed: 'baseline' });
  city = await buildOrganisation(ctx.services, { name: 'Svarby kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Svarby', parentId: city.id });
  vendorA = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Alfa Fagsystem AS' });
  const vendorB = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Beta Programvare AS' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  vendorOwner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorA, 'owner']] }));
  vendorViewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorA, 'viewer']] }));
  otherVendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorB, 'owner']] }));
  versionsA = (await buildProduct(ctx.services, vendorA, { name: 'Alfa Skole', versions: ['1.0', '2.0'] })).versions;
  versionB = (await buildProduct(ctx.services, vendorB, { name: 'Beta Skole' })).versions[0] as ProductVersionRow;
});
afterAll(() => ctx.close());


/** Saves an answer; without a `version` in the body it sends the current answer's, read first as a client would (none for a first answer). */
async function answer(who: LoggedIn, body: Record<string, unknown>) {
  if (!('version' in body)) {
    const list = await who.agent.get('/api/assessments/answers').query({ productVersionId: String(body.productVersionId) });
    const current = list.status === 200 ? (list.body.items as { key: string; major: number; version: number }[]).find((a) => a.key === body.key && a.major === body.major) : undefined;
    if (current) return who.agent.post('/api/assessments/answers').set('X-CSRF-Token', who.csrf).send({ ...body, version: current.version });
  }
  return who.agent.post('/api/assessments/answers').set('X-CSRF-Token', who.csrf).send(body);
}

async function profile(items: { key: string; weight?: number }[], name: string) {
  const res = await editor.agent.post('/api/profiles').set('X-CSRF-Token', editor.csrf).send({ name, visibility: 'shared', items });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

function upload(who: LoggedIn, answerId: string, name: string, content: Buffer) {
  return who.agent.post(`/api/assessments/answers/${answerId}/evidence`).set('X-CSRF-Token', who.csrf).attach('file', content, name);
}

describe('answering requirements', () => {
  test('When the vendor answers and revises, then every revision is kept, an unchanged answer makes none, and a stale revision is refused', async () => {
    const v1 = versionsA[0] as ProductVersionRow;
    const first = await answer(vendorOwner, { productVersionId: v1.id, key: 'API-003', major: 1, status: 'partly', explanation: 'REST-API for elevdata.', links: [{ url: 'https://alfa.example/api', title: 'API-dokumentasjon' }] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ key: 'API-003', major: 1, status: 'partly', revision: 1, isCurrent: true, verification: 'unverified', productName: 'Alfa Skole', vendorName: 'Alfa Fagsystem AS' });
    const second = await answer(vendorOwner, { productVersionId: v1.id, key: 'API-003', major: 1, status: 'meets', explanation: 'Fullt API.', validUntil: '2030-01-01', version: 1 });
    expect(second.body).toMatchObject({ revision: 2, status: 'meets', validUntil: '2030-01-01' });
    expect(second.body.history.map((h: { revision: number; status: string }) => [h.revision, h.status])).toEqual([[2, 'meets'], [1, 'partly']]);
    const same = await answer(vendorOwner, { productVersionId: v1.id, key: 'API-003', major: 1, status: 'meets', explanation: 'Fullt API.', validUntil: '2030-01-01' });
    expect(same.body.revision).toBe(2);
    const stale = await answer(vendorOwner, { productVersionId: v1.id, key: 'API-003', major: 1, status: 'does_not_meet', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'conflict.stale_version', currentVersion: 2 });
    const old = await vendorOwner.agent.get(`/api/assessments/answers/${first.body.id}`);
    expect(old.body).toMatchObject({ isCurrent: false, revision: 1, status: 'partly' });
    const audit = await ctx.services.repositories.audit.list(ctx.services.database.db, { entityId: second.body.id }, { limit: 5, offset: 0 });
    expect(audit.rows[0]).toMatchObject({ action: 'answer.revised', organisationId: vendorA.id, before: expect.objectContaining({ status: 'partly', revision: 1 }), after: expect.objectContaining({ status: 'meets', revision: 2 }) });
  });

  test('When two profiles share a requirement with the same major version, then one answer counts in both, and in a profile made from a tender', async () => {
    const v1 = versionsA[0] as ProductVersionRow;
    const created = await answer(vendorOwner, { productVersionId: v1.id, key: 'EXP-003', major: 1, status: 'meets', explanation: 'Full eksport.' });
    const export1 = await profile([{ key: 'EXP-003', weight: 50 }, { key: 'API-003', weight: 50 }], 'Eksport og API');
    const export2 = await profile([{ key: 'EXP-003', weight: 80 }, { key: 'SEC-001', weight: 20 }], 'Eksport og sikkerhet');
    for (const p of [export1, export2]) {
      const res = await editor.agent.get('/api/assessments/answers').query({ productVersionId: v1.id, profileId: p.id });
      expect(res.body.items.find((a: { key: string }) => a.key === 'EXP-003')).toMatchObject({ id: created.body.id });
    }
    expect((await editor.agent.get('/api/assessments/scores').query({ profileId: export1.id, productVersionId: v1.id })).body.score.claimed.score).toBe(100);
    expect((await editor.agent.get('/api/assessments/scores').query({ profileId: export2.id, productVersionId: v1.id })).body.score.claimed.score).toBe(80);
    const tender = (await editor.agent.post('/api/tenders').set('X-CSRF-Token', editor.csrf).send({ title: 'Gjenbruk', reference: 'GJENBRUK/1', language: 'nb' })).body;
    await editor.agent.post(`/api/tenders/${tender.id}/items`).set('X-CSRF-Token', editor.csrf).send({ keys: ['EXP-003'] });
    const fromTender = (await editor.agent.post('/api/profiles').set('X-CSRF-Token', editor.csrf).send({ name: 'Fra anskaffelse', tenderId: tender.id })).body;
    const score = await editor.agent.get('/api/assessments/scores').query({ profileId: fromTender.id, productVersionId: v1.id });
    expect(score.body.cells).toEqual([expect.objectContaining({ key: 'EXP-003', answerId: created.body.id, status: 'meets' })]);
    // Another product version has its own answers.
    const v2 = await editor.agent.get('/api/assessments/scores').query({ profileId: export1.id, productVersionId: (versionsA[1] as ProductVersionRow).id });
    expect(v2.body.cells.every((c: { answerId: string | null }) => c.answerId === null)).toBe(true);
  });

  test('When someone other than the vendor\'s owners and editors answers, then a buyer or vendor viewer gets 403 and another vendor 404', async () => {
    const body = { productVersionId: (versionsA[0] as ProductVersionRow).id, key: 'DOC-001', major: 1, status: 'meets' };
    expect((await answer(editor, body)).body.code).toBe('answer.vendor_required');
    expect((await answer(vendorViewer, body)).status).toBe(403);
    const foreign = await answer(otherVendor, body);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain('Alfa');
    expect((await answer(otherVendor, { ...body, productVersionId: randomUUID() })).status).toBe(404);
  });

  test('When the requirement is not in the library with that major version, then the answer is refused', async () => {
    const res = await answer(vendorOwner, { productVersionId: (versionsA[0] as ProductVersionRow).id, key: 'EXP-001', major: 2, status: 'meets' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('answer.unknown_requirement');
  });

  test('When the vendor answers on the page, then the form shows the requirement and saves the answer', async () => {
    const v2 = versionsA[1] as ProductVersionRow;
    const form = await vendorOwner.agent.get(`/assessments/products/${v2.id}/answer`).query({ key: 'EXP-001', major: 1 });
    expect(form.status).toBe(200);
    expect(form.text).toContain('Full eksport av alle data når som helst');
    const bad = await vendorOwner.agent.post(`/assessments/products/${v2.id}/answers`).type('form').send({ _csrf: vendorOwner.csrf, key: 'EXP-001', major: '1', version: '', status: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('status');
    const saved = await vendorOwner.agent.post(`/assessments/products/${v2.id}/answers`).type('form').send({ _csrf: vendorOwner.csrf, key: 'EXP-001', major: '1', version: '', status: 'meets', explanation: 'Kunden starter eksporten selv.', links: 'https://alfa.example/eksport Eksportveiledning\nhttps://alfa.example/format', validUntil: '' });
    expect(saved.status).toBe(303);
    const page = await vendorOwner.agent.get(saved.headers.location as string);
    expect(page.text).toContain('Kunden starter eksporten selv.');
    const api = await vendorOwner.agent.get('/api/assessments/answers').query({ productVersionId: v2.id });
    expect(api.body.items).toEqual([expect.objectContaining({ key: 'EXP-001', links: [{ url: 'https://alfa.example/eksport', title: 'Eksportveiledning' }, { url: 'https://alfa.example/format', title: '' }] })]);
    const sheet = await vendorOwner.agent.get(`/assessments/products/${v2.id}`);
    expect(sheet.status).toBe(200);
    expect(sheet.text).toContain('EXP-001');
  });
});

describe('evidence files', () => {
  let answerId: string;
  beforeAll(async () => {
    answerId = (await answer(vendorOwner, { productVersionId: (versionsA[0] as ProductVersionRow).id, key: 'SEC-001', major: 1, status: 'meets' })).body.id;
  });

  test('When the vendor uploads a PDF, then the vendor and buyers download it as an attachment with the same bytes and nosniff', async () => {
    const res = await upload(vendorOwner, answerId, 'Sikkerhetsrapport 2026.pdf', SAMPLE_FILES.pdf);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ filename: 'Sikkerhetsrapport 2026.pdf', contentType: 'application/pdf', size: SAMPLE_FILES.pdf.length });
    for (const who of [vendorOwner, vendorViewer, editor, assessor]) {
      const file = await who.agent.get(`/api/assessments/evidence/${res.body.id}`).buffer(true).parse(binary);
      expect(file.status).toBe(200);
      expect(Buffer.compare(file.body as Buffer, SAMPLE_FILES.pdf)).toBe(0);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(file.headers['content-disposition']).toMatch(/^attachment; filename=/);
      expect(file.headers['x-content-type-options']).toBe('nosniff');
    }
    const detail = await assessor.agent.get(`/api/assessments/answers/${answerId}`);
    expect(detail.body.evidence).toEqual([expect.objectContaining({ id: res.body.id, answerRevision: 1 })]);
  });

  test('When another vendor or an anonymous visitor asks for the file, or guesses ids, then the answer is 404 or 401 and holds nothing of it', async () => {
    const stored = await upload(vendorOwner, answerId, 'notat.txt', SAMPLE_FILES.txt);
    const res = await otherVendor.agent.get(`/api/assessments/evidence/${stored.body.id}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('evidence.not_found');
    expect(res.text).not.toContain('notat.txt');
    expect((await otherVendor.agent.get(`/api/assessments/evidence/${randomUUID()}`)).body.code).toBe('evidence.not_found');
    expect((await ctx.request().get(`/api/assessments/evidence/${stored.body.id}`)).status).toBe(401);
    expect((await upload(otherVendor, answerId, 'falsk.pdf', SAMPLE_FILES.pdf)).status).toBe(404);
  });

  test('When the file type is not accepted or the content does not match the name, then it is refused with 415 and nothing is stored', async () => {
    for (const [name, content] of [
      ['program.exe', Buffer.from('MZ\x90\x00')],
      ['rapport.pdf', SAMPLE_FILES.txt],
      ['bilde.png', SAMPLE_FILES.pdf],
      ['tekst.txt', Buffer.from([0xff, 0xfe, 0x00, 0x41])],
      ['tom.pdf', Buffer.alloc(0)],
      ['side.html', Buffer.from('<script>alert(1)</script>')],
    ] as const) {
      const res = await upload(vendorOwner, answerId, name, content);
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 415, code: 'evidence.type_refused' });
    }
    const detail = await vendorOwner.agent.get(`/api/assessments/answers/${answerId}`);
    expect(detail.body.evidence.map((e: { filename: string }) => e.filename)).not.toContain('side.html');
  });

  test('When the file is larger than the upload limit, then it is refused with 413', async () => {
    const big = Buffer.concat([SAMPLE_FILES.pdf, Buffer.alloc(UPLOAD_LIMIT_BYTES)]);
    const res = await upload(vendorOwner, answerId, 'stor.pdf', big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('upload.too_large');
  });

  test('When a buyer uploads, or the vendor uploads to an earlier revision, then it is refused', async () => {
    expect((await upload(editor, answerId, 'kjoper.pdf', SAMPLE_FILES.pdf)).body.code).toBe('answer.vendor_required');
    const revised = await answer(vendorOwner, { productVersionId: (versionsA[0] as ProductVersionRow).id, key: 'SEC-001', major: 1, status: 'partly' });
    const old = await upload(vendorOwner, answerId, 'sent.pdf', SAMPLE_FILES.pdf);
    expect(old.status).toBe(409);
    expect(old.body.code).toBe('answer.not_current');
    const onNew = await upload(vendorOwner, revised.body.id, 'ny.png', SAMPLE_FILES.png);
    expect(onNew.status).toBe(201);
    const detail = await vendorOwner.agent.get(`/api/assessments/answers/${revised.body.id}`);
    expect(detail.body.evidence.map((e: { filename: string; answerRevision: number }) => [e.filename, e.answerRevision])).toEqual(expect.arrayContaining([['ny.png', 2], ['Sikkerhetsrapport 2026.pdf', 1]]));
  });

  test('When the vendor uploads on the answer page, then the file is listed there', async () => {
    const current = (await vendorOwner.agent.get('/api/assessments/answers').query({ productVersionId: (versionsA[0] as ProductVersionRow).id })).body.items.find((a: { key: string }) => a.key === 'SEC-001');
    const res = await vendorOwner.agent.post(`/assessments/answers/${current.id}/evidence`).field('_csrf', vendorOwner.csrf).attach('file', SAMPLE_FILES.txt, 'testlogg.txt');
    expect(res.status).toBe(303);
    expect((await vendorOwner.agent.get(`/assessments/answers/${current.id}`)).text).toContain('testlogg.txt');
    const refused = await vendorOwner.agent.post(`/assessments/answers/${current.id}/evidence`).field('_csrf', vendorOwner.csrf).attach('file', Buffer.from('x'), 'virus.exe');
    expect(refused.status).toBe(415);
    expect(refused.text).toContain('<html');
  });
});

describe('vendor isolation', () => {
  test('When another vendor guesses the ids of a vendor\'s answers, product versions and threads, then every answer is 404 and holds none of its data', async () => {
    const v1 = versionsA[0] as ProductVersionRow;
    const own = await answer(vendorOwner, { productVersionId: v1.id, key: 'DOC-001', major: 1, status: 'meets', explanation: 'Hemmelig forklaring om datamodellen.' });
    const baseline = (await editor.agent.get('/api/profiles')).body.items.find((p: { slug: string }) => p.slug === 'baseline');
    const calls = [
      otherVendor.agent.get(`/api/assessments/answers/${own.body.id}`),
      otherVendor.agent.get('/api/assessments/answers').query({ productVersionId: v1.id }),
      otherVendor.agent.get(`/api/assessments/answers/${own.body.id}/messages`),
      otherVendor.agent.post(`/api/assessments/answers/${own.body.id}/messages`).set('X-CSRF-Token', otherVendor.csrf).send({ body: 'Hei' }),
      otherVendor.agent.post(`/api/assessments/answers/${own.body.id}/verifications`).set('X-CSRF-Token', otherVendor.csrf).send({ decision: 'accepted', version: 1 }),
      otherVendor.agent.get('/api/assessments/scores').query({ profileId: baseline.id, productVersionId: v1.id }),
      otherVendor.agent.get(`/assessments/answers/${own.body.id}`),
      otherVendor.agent.get(`/assessments/products/${v1.id}`),
      otherVendor.agent.get(`/assessments/products/${v1.id}/answer`).query({ key: 'DOC-001', major: 1 }),
    ];
    for (const res of await Promise.all(calls)) {
      expect({ url: res.request.url, status: res.status }).toEqual({ url: res.request.url, status: 404 });
      expect(res.text).not.toContain('Hemmelig forklaring');
      expect(res.text).not.toContain('Alfa Skole');
    }
    // The other vendor's own product still works for it.
    expect((await otherVendor.agent.get('/api/assessments/answers').query({ productVersionId: versionB.id })).status).toBe(200);
    // Comparisons and the queue are not for vendors at all.
    expect((await otherVendor.agent.get('/api/assessments/comparison').query({ profileId: baseline.id })).status).toBe(403);
    expect((await otherVendor.agent.get('/api/assessments/queue')).status).toBe(403);
  });
});
