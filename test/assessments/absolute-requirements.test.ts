import { eq } from 'drizzle-orm';
import { verifications } from '../../server/assessments/assessments.table';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { buildProduct } from './fixtures';

/**
 * Every combination of what the vendor claims, where the council's verification stands, and the
 * requirement's type, through the API: the rule table in server/assessments/CONTEXT.md.
 */

let ctx: TestContext;
let editor: LoggedIn;
let assessor: LoggedIn;
let vendorOrg: OrganisationRow;
let vendor: LoggedIn;
let city: OrganisationRow;

type Claim = 'meets' | 'partly' | 'does_not_meet' | 'not_applicable' | null;
/** How the test brings the answer's verification about. */
type Setup = 'none' | 'accepted' | 'pending' | 'rejected' | 'expired' | 'change_requested' | 'changed' | 'lapsed';
/** An absolute item's outcome on one basis: passes, or the qualification and the reason. */
type Outcome = 'passes' | ['open' | 'disqualified', string];

const KEY = 'EXP-004';
const post = (who: LoggedIn, path: string, body: object) => who.agent.post(path).set('X-CSRF-Token', who.csrf).send(body);

/**
 * Each row: the claim, how the verification stands, then the absolute outcome on the claimed and
 * on the verified basis, and the score a V item gives on the claimed and on the verified basis.
 */
const TABLE: [Claim, Setup, Outcome, Outcome, number | null, number | null][] = [
  [null, 'none', ['open', 'unanswered'], ['open', 'unanswered'], 0, 0],
  ['meets', 'accepted', 'passes', 'passes', 100, 100],
  ['meets', 'pending', 'passes', ['open', 'pending'], 100, 0],
  ['meets', 'change_requested', 'passes', ['open', 'pending'], 100, 0],
  ['meets', 'changed', 'passes', ['open', 'pending'], 100, 0],
  ['meets', 'rejected', 'passes', ['disqualified', 'rejected'], 100, 0],
  ['meets', 'expired', 'passes', ['disqualified', 'expired'], 100, 0],
  ['meets', 'lapsed', ['open', 'expired'], ['disqualified', 'expired'], 0, 0],
  ['partly', 'accepted', ['disqualified', 'declared_partly'], ['disqualified', 'declared_partly'], 50, 50],
  ['partly', 'pending', ['disqualified', 'declared_partly'], ['disqualified', 'declared_partly'], 50, 0],
  ['partly', 'rejected', ['disqualified', 'declared_partly'], ['disqualified', 'declared_partly'], 50, 0],
  ['partly', 'expired', ['disqualified', 'declared_partly'], ['disqualified', 'declared_partly'], 50, 0],
  ['does_not_meet', 'accepted', ['disqualified', 'declared_no'], ['disqualified', 'declared_no'], 0, 0],
  ['does_not_meet', 'pending', ['disqualified', 'declared_no'], ['disqualified', 'declared_no'], 0, 0],
  ['does_not_meet', 'rejected', ['disqualified', 'declared_no'], ['disqualified', 'declared_no'], 0, 0],
  ['does_not_meet', 'expired', ['disqualified', 'declared_no'], ['disqualified', 'declared_no'], 0, 0],
  ['not_applicable', 'accepted', 'passes', 'passes', null, null],
  ['not_applicable', 'pending', 'passes', ['open', 'pending'], null, 0],
  ['not_applicable', 'rejected', 'passes', ['disqualified', 'rejected'], null, 0],
  ['not_applicable', 'expired', 'passes', ['disqualified', 'expired'], null, 0],
];

const versionByRow = new Map<number, ProductVersionRow>();
const profiles: Record<'A' | 'V' | 'AV', string> = { A: '', V: '', AV: '' };

/** The answer's current version, as the assessor reads it before reviewing. */
async function answerVersion(answerId: string) {
  const res = await assessor.agent.get(`/api/assessments/answers/${answerId}`);
  expect(res.status).toBe(200);
  return res.body.version as number;
}

async function review(answerId: string, decision: 'accepted' | 'rejected' | 'change_requested', note: string) {
  const res = await post(assessor, `/api/assessments/answers/${answerId}/verifications`, { decision, noteForVendor: note, version: await answerVersion(answerId) });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

/** One product version per row, its answer to EXP-004 and the council's review brought to the row's state. */
async function arrange(n: number, claim: Claim, setup: Setup) {
  const version = (await buildProduct(ctx.services, vendorOrg, { name: `Kombinasjon ${String(n).padStart(2, '0')}` })).versions[0] as ProductVersionRow;
  versionByRow.set(n, version);
  if (claim === null) return;
  const validUntil = setup === 'lapsed' ? '2020-01-31' : null;
  const answer = await post(vendor, '/api/assessments/answers', { productVersionId: version.id, key: KEY, major: 1, status: claim, explanation: 'Manifestet følger hver eksport.', validUntil });
  expect(answer.status).toBe(201);
  const answerId = answer.body.id as string;
  if (setup === 'accepted' || setup === 'lapsed') await review(answerId, 'accepted', 'Manifestet er kontrollert mot en prøveeksport.');
  if (setup === 'rejected') await review(answerId, 'rejected', 'Manifestet mangler sjekksummer.');
  if (setup === 'change_requested') await review(answerId, 'change_requested', 'Legg ved et eksempel på manifestet.');
  if (setup === 'expired') {
    const accepted = await review(answerId, 'accepted', 'Manifestet er kontrollert mot en prøveeksport.');
    // The verification period has passed: the acceptance's expiry moved into the past.
    await ctx.services.database.db.update(verifications).set({ expiresAt: new Date(Date.now() - 24 * 3600 * 1000) }).where(eq(verifications.id, accepted.id));
  }
  if (setup === 'changed') {
    await review(answerId, 'accepted', 'Manifestet er kontrollert mot en prøveeksport.');
    const revised = await post(vendor, '/api/assessments/answers', { productVersionId: version.id, key: KEY, major: 1, status: claim, explanation: 'Manifestet har nå også antall poster.', version: await answerVersion(answerId) });
    expect(revised.status).toBe(201);
  }
}

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'baseline' });
  city = await buildOrganisation(ctx.services, { name: 'Kravby kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', name: 'Arkitekturrådet i Kravby', parentId: city.id });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  assessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  vendorOrg = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Kombinasjon AS' });
  vendor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[vendorOrg, 'owner']] }));
  for (const type of ['A', 'V', 'AV'] as const) {
    const created = await post(editor, '/api/profiles', { name: `EXP-004 som ${type}`, items: [{ key: KEY, type, weight: 10 }] });
    expect(created.status).toBe(201);
    profiles[type] = created.body.id;
  }
  for (const [n, [claim, setup]] of TABLE.entries()) await arrange(n, claim, setup);
}, 600_000);
afterAll(() => ctx.close());

type ScoreBody = { score: number | null; qualification: string; disqualified: boolean; findings: { key: string; reason: string; disqualifies: boolean }[]; unansweredAbsolute: string[]; failingAbsolute: string[] };

const expectedAbsolute = (outcome: Outcome) =>
  outcome === 'passes'
    ? { qualification: 'qualified', disqualified: false, findings: [] }
    : { qualification: outcome[0], disqualified: outcome[0] === 'disqualified', findings: [{ key: KEY, reason: outcome[1], disqualifies: outcome[0] === 'disqualified' }] };

async function scoresOf(n: number, type: 'A' | 'V' | 'AV') {
  const res = await editor.agent.get('/api/assessments/scores').query({ profileId: profiles[type], productVersionId: versionByRow.get(n)?.id });
  expect(res.status).toBe(200);
  return res.body.score as { claimed: ScoreBody; verified: ScoreBody };
}

const label = (claim: Claim, setup: Setup) => `${claim ?? 'no answer'} × ${setup}`;

describe('an A requirement, every claim × verification', () => {
  test.each(TABLE.map((row, n) => [label(row[0], row[1]), n, row] as const))('When the answer is %s, then claimed and verified qualification and reasons follow the rule table', async (_name, n, row) => {
    const [claim, , claimed, verified] = row;
    const score = await scoresOf(n, 'A');
    expect(score.claimed).toMatchObject({ ...expectedAbsolute(claimed), score: null });
    expect(score.verified).toMatchObject({ ...expectedAbsolute(verified), score: null });
    // An answered requirement is never listed as unanswered, whatever the council said.
    const unanswered = claim === null ? [KEY] : [];
    expect(score.claimed.unansweredAbsolute).toEqual(unanswered);
    expect(score.verified.unansweredAbsolute).toEqual(unanswered);
  });
});

describe('a V requirement, every claim × verification', () => {
  test.each(TABLE.map((row, n) => [label(row[0], row[1]), n, row] as const))('When the answer is %s, then the product stays qualified and the claimed and verified scores follow the rule table', async (_name, n, row) => {
    const [, , , , claimedScore, verifiedScore] = row;
    const score = await scoresOf(n, 'V');
    expect(score.claimed).toMatchObject({ qualification: 'qualified', findings: [], score: claimedScore });
    expect(score.verified).toMatchObject({ qualification: 'qualified', findings: [], score: verifiedScore });
  });
});

describe('an AV requirement, every claim × verification', () => {
  test.each(TABLE.map((row, n) => [label(row[0], row[1]), n, row] as const))('When the answer is %s, then it qualifies like an A requirement and scores like a V requirement', async (_name, n, row) => {
    const [, , claimed, verified, claimedScore, verifiedScore] = row;
    const score = await scoresOf(n, 'AV');
    expect(score.claimed).toMatchObject({ ...expectedAbsolute(claimed), score: claimedScore });
    expect(score.verified).toMatchObject({ ...expectedAbsolute(verified), score: verifiedScore });
  });
});

describe('the matrix colours follow the verification', () => {
  test('When the council rejected an answer the vendor says meets, then its matrix cell is coloured and marked as rejected, not as accepted', async () => {
    const rejected = TABLE.findIndex(([claim, setup]) => claim === 'meets' && setup === 'rejected');
    const accepted = TABLE.findIndex(([claim, setup]) => claim === 'meets' && setup === 'accepted');
    const res = await editor.agent.get('/assessments/compare').query({ profileId: profiles.A, q: `Kombinasjon ${String(rejected).padStart(2, '0')}` });
    expect(res.status).toBe(200);
    const cell = res.text.match(/<td class="dk-cell [^"]*" data-verdict="[^"]+">.*?<\/td>/)?.[0] ?? '';
    expect(cell).toContain('class="dk-cell dk-cell--rejected" data-verdict="rejected"');
    expect(cell).not.toContain('dk-cell--ok');
    expect(cell).toContain('<span aria-hidden="true">✗</span> avvist');
    expect(res.text).toContain('EXP-004: svaret er avvist');
    const api = await editor.agent.get('/api/assessments/comparison').query({ profileId: profiles.A, q: 'Kombinasjon' });
    const verdictOf = (n: number) => api.body.products.find((p: { versionId: string }) => p.versionId === versionByRow.get(n)?.id)?.cells[0]?.verdict;
    expect([verdictOf(rejected), verdictOf(accepted)]).toEqual(['rejected', 'accepted']);
  });

  test('When the page is shown in English, then the rejected cell says so in English', async () => {
    const rejected = TABLE.findIndex(([claim, setup]) => claim === 'meets' && setup === 'rejected');
    const reader = await loginAs(ctx, await buildUser(ctx.services, { locale: 'en', memberships: [[city, 'viewer']] }));
    const res = await reader.agent.get('/assessments/compare').query({ profileId: profiles.A, q: `Kombinasjon ${String(rejected).padStart(2, '0')}` });
    expect(res.text).toContain('<span aria-hidden="true">✗</span> rejected');
    expect(res.text).toContain('EXP-004: answer rejected');
  });
});

describe('the issue\'s reproduction: a rejected A answer of the best-scoring product', () => {
  let profileId: string;
  const top: Record<string, string> = {};

  beforeAll(async () => {
    const created = await post(editor, '/api/profiles', {
      name: 'Åtte skolesystemer',
      items: [{ key: 'API-005', type: 'A' }, { key: 'EXP-004', type: 'A' }, { key: 'ARK-001', type: 'A' }, { key: 'API-003', type: 'V', weight: 60 }, { key: 'SEC-001', type: 'V', weight: 40 }],
    });
    profileId = created.body.id;
    const majors = new Map((created.body.items as { key: string; major: number }[]).map((i) => [i.key, i.major]));
    // Eight products: Toppskår claims and has verified the most, but the council rejected its EXP-004.
    const plan: [string, string, string][] = [
      ['Toppskår Skole', 'meets', 'meets'],
      ['Bra Skole', 'meets', 'partly'],
      ['Middels Skole', 'partly', 'partly'],
      ['Svak Skole', 'partly', 'does_not_meet'],
      ['Grei Skole', 'meets', 'does_not_meet'],
      ['Enkel Skole', 'does_not_meet', 'partly'],
      ['Liten Skole', 'does_not_meet', 'does_not_meet'],
      ['Ny Skole', 'partly', 'meets'],
    ];
    const org = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Skolesystemer AS' });
    const owner = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[org, 'owner']] }));
    for (const [name, api, sec] of plan) {
      const version = (await buildProduct(ctx.services, org, { name })).versions[0] as ProductVersionRow;
      top[name] = version.id;
      for (const [key, status] of [['API-005', 'meets'], ['EXP-004', 'meets'], ['ARK-001', 'meets'], ['API-003', api], ['SEC-001', sec]] as const) {
        const res = await post(owner, '/api/assessments/answers', { productVersionId: version.id, key, major: majors.get(key), status });
        expect(res.status).toBe(201);
        const decision = name === 'Toppskår Skole' && key === 'EXP-004' ? 'rejected' : 'accepted';
        await review(res.body.id, decision, decision === 'rejected' ? 'Manifestet mangler sjekksummer for vedleggsfilene.' : 'Kontrollert.');
      }
    }
  }, 600_000);

  test('When the assessor rejects EXP-004 (type A), then the scores endpoint says disqualified on the verified basis, names the reason, and does not count it as unanswered', async () => {
    const res = await editor.agent.get('/api/assessments/scores').query({ profileId, productVersionId: top['Toppskår Skole'] });
    expect(res.body.score.claimed).toMatchObject({ score: 100, qualification: 'qualified', failingAbsolute: [] });
    expect(res.body.score.verified).toMatchObject({
      score: 100,
      qualification: 'disqualified',
      disqualified: true,
      failingAbsolute: ['EXP-004'],
      rejectedAbsolute: ['EXP-004'],
      unansweredAbsolute: [],
      pendingAbsolute: [],
      findings: [{ key: 'EXP-004', reason: 'rejected', disqualifies: true }],
    });
  });

  test('When the products are ranked on the verified basis, then the product with the rejected A answer is last, not first, and every product above it is qualified', async () => {
    const res = await editor.agent.get('/api/assessments/ranking').query({ profileId, basis: 'verified', q: 'Skole' });
    const rows = res.body.items as { name: string; score: { verified: { qualification: string; score: number } } }[];
    expect(rows.map((r) => r.name)).toEqual(['Bra Skole', 'Ny Skole', 'Grei Skole', 'Middels Skole', 'Svak Skole', 'Enkel Skole', 'Liten Skole', 'Toppskår Skole']);
    expect(rows.slice(0, 7).every((r) => r.score.verified.qualification === 'qualified')).toBe(true);
    expect(rows[7]?.score.verified.qualification).toBe('disqualified');
  });

  test('When the ranking page and the product page are shown, then the disqualified product says which A requirement disqualifies it and why, beside separately labelled scores', async () => {
    const ranking = await editor.agent.get('/assessments/compare').query({ profileId, view: 'ranking', basis: 'verified', q: 'Toppskår' });
    expect(ranking.text).toContain('<span aria-hidden="true">✗</span> Diskvalifisert</span><ul class="dk-findings"><li class="dk-finding--fails">EXP-004: svaret er avvist</li></ul>');
    const sheet = await editor.agent.get(`/assessments/products/${top['Toppskår Skole']}`).query({ profileId });
    expect(sheet.text).toContain('Påstått (leverandørens egne svar)');
    expect(sheet.text).toContain('Verifisert (godkjent av rådet)');
    expect(sheet.text).toContain('EXP-004: svaret er avvist');
  });

  test('When the chart is drawn on the verified basis, then the disqualified product has no verified bar, only the reason', async () => {
    const res = await editor.agent.get('/api/assessments/chart').query({ profileId, basis: 'verified', q: 'Toppskår' }).buffer(true);
    const svg = res.body instanceof Buffer ? res.body.toString('utf8') : String(res.text);
    expect(svg).toContain('>Verifisert poeng: Diskvalifisert (EXP-004)<');
    expect(svg.match(/<rect [^>]*fill="#1e6b3a"\/>/g) ?? []).toHaveLength(1);
  });
});
