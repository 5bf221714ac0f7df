import { verdictOf, type Cell, type ComparisonRow, type ProfileItemView } from '../../server/assessments/assessments.cells';
import type { AnswerRow, AssessmentProfileRow } from '../../server/assessments/assessments.table';
import type { AnswerDetail } from '../../server/assessments/answers.service';
import {
  answerFormDefaults,
  answerFormValues,
  answerPage,
  cellLook,
  cellViews,
  chartText,
  comparisonLinkQuery,
  matrixCellsHtml,
  newProfileValues,
  profileFormItems,
  profilePage,
  profileText,
  rankedPage,
  vendorProductsView,
} from '../../server/assessments/assessments.views';
import type { ProfileView } from '../../server/assessments/profiles.service';
import { registerPage } from '../../server/assessments/register.views';
import { scoreProduct } from '../../server/assessments/scoring';
import { createI18n } from '../../server/shared/i18n';

const { translator } = createI18n();
const nb = translator('nb');
const en = translator('en');

const ANSWER_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const cell = (overrides: Partial<Cell> = {}): Cell => {
  const base = { key: 'EXP-001', major: 1, answerId: ANSWER_ID, status: 'meets' as const, verification: 'verified' as const, lapsed: false, claimed: 'meets' as const, verified: 'meets' as const, ...overrides };
  return { ...base, verdict: overrides.verdict ?? verdictOf(base.status, base.verification, base.lapsed) };
};
const unanswered = (key = 'API-003'): Cell => ({ key, major: 1, answerId: null, status: null, verification: null, lapsed: false, claimed: null, verified: null, verdict: 'unanswered' });

const profileRow = (overrides: Partial<AssessmentProfileRow> = {}): AssessmentProfileRow & { ownerName: string | null } => ({
  id: '6a2f41a0-9c1e-4f6b-8d4e-1f2a3b4c5d6e',
  ownerOrganisationId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
  slug: null,
  name: 'Skoleprofil',
  description: 'Krav til skolesystemer',
  visibility: 'shared',
  currentVersion: 2,
  jointSetRevisionId: null,
  createdBy: null,
  createdAt: new Date('2026-03-01T10:00:00Z'),
  updatedAt: new Date('2026-03-02T10:00:00Z'),
  ownerName: 'Eksempelby kommune',
  ...overrides,
});

const item = (key: string, type: ProfileItemView['type'], weight: number): ProfileItemView => ({ key, libraryVersion: '1.2.0', major: 1, type, weight, title: { nb: `${key} på bokmål`, en: `${key} in English` }, kind: 'requirement', category: 'export' });

const row = (name: string, statuses: ('meets' | 'partly' | 'does_not_meet' | null)[]): ComparisonRow => {
  const items = [item('EXP-001', 'V', 60), item('API-003', 'V', 40)];
  const cells = statuses.map((status, n) => (status ? cell({ key: items[n]?.key as string, status, claimed: status, verified: null, verification: 'unverified' }) : unanswered(items[n]?.key)));
  return {
    productId: `${name}-id`,
    name,
    domains: ['school'],
    deployment: 'saas',
    vendorOrganisationId: 'vendor-id',
    vendorName: `${name} AS`,
    versionId: `${name}-version`,
    versionLabel: '1.0',
    cells,
    score: scoreProduct(items.map((i, n) => ({ key: i.key, type: i.type, weight: i.weight, status: cells[n]?.status ?? null, lapsed: cells[n]?.lapsed ?? false, verdict: cells[n]?.verdict ?? 'unanswered' }))),
  };
};

describe('the cells of a product sheet', () => {
  const view = cellViews(nb);

  test('When an answer is verified, then the cell shows the short status and the verified marker', () => {
    expect(view(cell())).toMatchObject({ statusClass: 'meets', statusText: 'Ja', state: 'verified', markerText: '✓ verifisert' });
  });

  test('When the vendor\'s valid-until date has passed, then the cell is marked as no longer valid whatever the review said', () => {
    expect(view(cell({ status: 'partly', lapsed: true }))).toMatchObject({ statusClass: 'partly', statusText: 'Delvis', state: 'lapsed', markerText: '⚠ ikke gyldig' });
  });

  test('When a requirement is unanswered, then the cell says so with a dash and no marker', () => {
    expect(view(unanswered())).toMatchObject({ statusClass: 'unanswered', statusText: '–', state: 'none', markerText: '' });
  });
});

describe('the comparison matrix cells', () => {
  test('When cells have every verdict, then colour class, icon and word follow the verdict and answered cells link to the answer', () => {
    const html = matrixCellsHtml(en)([
      cell(),
      cell({ status: 'meets', verification: 'rejected' }),
      cell({ status: 'partly', verification: 'expired' }),
      cell({ status: 'does_not_meet', verification: 'unverified' }),
      unanswered(),
    ]).toHTML();
    const link = `<a href="/assessments/answers/${ANSWER_ID}">`;
    expect(html).toBe(
      `<td class="dk-cell dk-cell--ok" data-verdict="accepted">${link}<span class="dk-claim">Yes</span><span class="dk-verdict"><span aria-hidden="true">✓</span> accepted</span></a></td>` +
        `<td class="dk-cell dk-cell--rejected" data-verdict="rejected">${link}<span class="dk-claim">Yes</span><span class="dk-verdict"><span aria-hidden="true">✗</span> rejected</span></a></td>` +
        `<td class="dk-cell dk-cell--expired" data-verdict="expired">${link}<span class="dk-claim">Partly</span><span class="dk-verdict"><span aria-hidden="true">⌛</span> expired</span></a></td>` +
        `<td class="dk-cell dk-cell--pending" data-verdict="pending">${link}<span class="dk-claim">No</span><span class="dk-verdict"><span aria-hidden="true">?</span> not verified</span></a></td>` +
        '<td class="dk-cell dk-cell--none" data-verdict="unanswered"><span class="dk-verdict"><span aria-hidden="true">–</span> not answered</span></td>',
    );
  });

  test('When an accepted answer says partly or does not meet, then the cell is coloured as what was confirmed, never green', () => {
    expect(cellLook(cell({ status: 'partly' })).tone).toBe('partly');
    expect(cellLook(cell({ status: 'does_not_meet' })).tone).toBe('fail');
    expect(cellLook(cell({ status: 'meets', lapsed: true })).tone).toBe('expired');
  });

  test('When a label holds markup, then it is escaped in the cell', () => {
    const html = matrixCellsHtml((key) => (key === 'assessments.short.meets' ? '<script>x</script>' : key))([cell()]).toHTML();
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });
});

describe('profiles as pages show them', () => {
  test('When a profile is shipped with the installation, then it is named in the reader\'s language; a buyer\'s own keeps its name', () => {
    expect(profileText(profileRow({ slug: 'baseline', name: 'Grunnprofil for datatilgang' }), en).name).toBe('Baseline data-access profile');
    expect(profileText(profileRow(), en)).toEqual({ name: 'Skoleprofil', description: 'Krav til skolesystemer' });
  });

  test('When a profile has absolute and evaluated items, then only the evaluated items\' weight is summed, and an earlier version is flagged', () => {
    const view: ProfileView = {
      profile: profileRow(),
      version: { id: 'v1', profileId: 'p', version: 1, items: [], changeNote: '', createdBy: null, createdAt: new Date('2026-03-01T10:00:00Z') },
      items: [item('EXP-001', 'A', 50), item('API-003', 'V', 60), item('SEC-001', 'AV', 40)],
      versions: [],
      canEdit: true,
    };
    const page = profilePage(view, nb, 'nb');
    expect(page.evaluatedWeight).toBe(100);
    expect(page.isCurrentVersion).toBe(false);
    expect(page.title).toBe('Skoleprofil');
    expect(page.profile.items.map((i) => i.title)).toEqual(['EXP-001 på bokmål', 'API-003 på bokmål', 'SEC-001 på bokmål']);
  });

  test('When the profile form removes one item and adds keys, then the removed item is left out and a key already kept is not added twice', () => {
    const items = profileFormItems({
      items: [
        { key: 'EXP-001', version: '1.0.0', type: 'A', weight: 0 },
        { key: 'API-003', version: '1.2.0', type: 'V', weight: 60, remove: true },
      ],
      addKeys: ['EXP-001', 'SEC-001'],
    });
    expect(items).toEqual([{ key: 'EXP-001', version: '1.0.0', type: 'A', weight: 0 }, { key: 'SEC-001' }]);
  });

  test('When the new-profile form is shown again, then the keys read as they were typed', () => {
    expect(newProfileValues({ name: 'Ny', keys: ['EXP-001', 'API-003'] })).toEqual({ name: 'Ny', keys: 'EXP-001 API-003' });
    expect(newProfileValues({ name: 'N', keys: 'exp-001, api-003' })).toEqual({ name: 'N', keys: 'exp-001, api-003' });
  });

  test('When a vendor\'s product was asked to answer a profile, then its sheet offers that profile first and each public profile once', () => {
    const baseline = profileRow({ id: 'baseline-id', slug: 'baseline', visibility: 'public' });
    const requested = profileRow({ id: 'requested-id', name: 'Forespurt profil', visibility: 'public' });
    const [product] = vendorProductsView([{ name: 'Elevportalen', profiles: [{ profileId: 'requested-id', profileName: 'Forespurt profil' }] }], [baseline, requested, profileRow({ id: 'private-id', visibility: 'private' })], nb);
    expect(product?.sheetProfiles).toEqual([
      { id: 'requested-id', name: 'Forespurt profil' },
      { id: 'baseline-id', name: 'Grunnprofil for datatilgang' },
    ]);
  });
});

describe('the answer form and the answer page', () => {
  const current = { status: 'partly', explanation: 'Eksport via API', links: [{ url: 'https://example.org/api', title: 'API-dokumentasjon' }, { url: 'https://example.org/x', title: '' }], validUntil: '2027-03-31', revision: 3, version: 4 } as AnswerRow;

  test('When a requirement has a current answer, then the form starts from it with its links one per line', () => {
    expect(answerFormDefaults('EXP-001', 1, current, 'profile-id')).toEqual({ key: 'EXP-001', major: 1, status: 'partly', explanation: 'Eksport via API', links: 'https://example.org/api API-dokumentasjon\nhttps://example.org/x', validUntil: '2027-03-31', version: 4, profileId: 'profile-id' });
  });

  test('When a requirement is unanswered, then the form is empty, with no version to present', () => {
    expect(answerFormDefaults('EXP-001', 1, undefined, undefined)).toEqual({ key: 'EXP-001', major: 1, status: undefined, explanation: '', links: '', validUntil: '', version: '', profileId: undefined });
  });

  test('When the service refuses a saved answer, then the form shows the links again as lines; raw form text is kept as typed', () => {
    expect(answerFormValues({ key: 'EXP-001', links: [{ url: 'https://a.example', title: 'Tittel' }] })).toEqual({ key: 'EXP-001', links: 'https://a.example Tittel' });
    expect(answerFormValues({ key: 'EXP-001', links: 'ftp://b' })).toEqual({ key: 'EXP-001', links: 'ftp://b' });
  });

  test('When an answer has been revised since, then the page offers neither answering nor reviewing it, and a lapsed answer shows as lapsed', () => {
    const detail = {
      answer: { id: ANSWER_ID, libraryKey: 'EXP-001', libraryMajor: 1, isCurrent: false, createdAt: new Date('2026-03-01T10:00:00Z'), links: [], status: 'meets', explanation: '', validUntil: '2026-01-01', revision: 1, productVersionId: 'pv' },
      context: { product: { id: 'p', name: 'Elevportalen', vendorOrganisationId: 'v' }, version: { label: '2.0' }, vendorName: 'Fiktiv AS' },
      verification: 'verified',
      lapsed: true,
      isVendor: false,
      canAnswer: true,
      canReview: true,
      canReply: true,
      library: null,
      history: [],
      verifications: [],
      evidence: [],
      messages: [],
    } as unknown as AnswerDetail;
    const page = answerPage(detail, 'nb', 10 * 1024 * 1024 + 1, []);
    expect(page).toMatchObject({ title: 'EXP-001 – Elevportalen', state: 'lapsed', canAnswer: false, canReview: false, canReply: true, uploadLimit: 10, requirement: null });
  });
});

describe('the ranking and the chart', () => {
  test('When the second page of a ranking is shown, then its rows carry their rank in the whole list', () => {
    expect(rankedPage(['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })), 2, 2)).toEqual([
      { name: 'c', rank: 3 },
      { name: 'd', rank: 4 },
    ]);
  });

  test('When the filter has empty fields, then the link query leaves them out', () => {
    expect(comparisonLinkQuery({ profileId: 'p1', domain: undefined, q: '', basis: 'verified' })).toBe('profileId=p1&basis=verified');
    expect(comparisonLinkQuery({ profileId: 'p1', domain: 'school', q: 'elev portal', basis: 'claimed' })).toBe('profileId=p1&domain=school&q=elev+portal&basis=claimed');
  });

  test('When products are ranked, then the chart is described in words with the number of products, the basis and the best product\'s score', () => {
    expect(chartText(nb, 'claimed', 'Skoleprofil', [row('Alfa', ['meets', 'partly']), row('Bravo', [null, null])]).description).toBe('2 produkter, rangert etter påstått poeng. Best: Alfa med 80 poeng.');
    expect(chartText(nb, 'verified', 'Skoleprofil', [row('Alfa', ['meets', 'partly']), row('Bravo', [null, null])]).description).toBe('2 produkter, rangert etter verifisert poeng. Best: Alfa med 0 poeng.');
    expect(chartText(en, 'claimed', 'School', []).description).toBe('No products to show.');
  });
});

describe('the public register page', () => {
  test('When a requirement has no verified answer, then its cell says "not verified"; a verified one shows its status', () => {
    const page = registerPage(
      {
        profiles: [profileRow({ visibility: 'public' })],
        profile: profileRow({ visibility: 'public' }),
        version: { id: 'v2', profileId: 'p', version: 2, items: [], changeNote: '', createdBy: null, createdAt: new Date() },
        items: [item('EXP-001', 'V', 60), item('API-003', 'V', 40)],
        rows: [{ ...row('Alfa', ['meets', null]), cells: [{ key: 'EXP-001', major: 1, status: 'meets' }, { key: 'API-003', major: 1, status: null }] }],
        total: 1,
      },
      en,
      'en',
    );
    expect(page.profile).toEqual({ id: '6a2f41a0-9c1e-4f6b-8d4e-1f2a3b4c5d6e', name: 'Skoleprofil', version: 2, description: 'Krav til skolesystemer' });
    expect(page.products[0]?.cells).toEqual([
      { key: 'EXP-001', major: 1, status: 'meets', statusClass: 'meets', text: 'Yes' },
      { key: 'API-003', major: 1, status: null, statusClass: 'unanswered', text: 'not verified' },
    ]);
  });
});
