import type { Actor } from '../../server/auth/actor';
import type { Parameter } from '../../server/library/library.schemas';
import type { LibraryVersionRow } from '../../server/library/library.table';
import type { TenderView, TenderViewItem } from '../../server/tenders/tenders.access';
import type { TenderRow } from '../../server/tenders/tenders.table';
import { itemPage, newTenderForm, pickerItems, tenderList, tenderPage, type TenderPageSources } from '../../server/tenders/tenders.views';

const at = new Date('2027-01-15T09:00:00Z');
const TENDER_ID = '00000000-0000-4000-8000-000000000001';
const BUYER_ID = '00000000-0000-4000-8000-0000000000b1';

const exportHours: Parameter = { name: 'exportHours', label: { nb: 'Timer til eksport', en: 'Hours to export' }, type: 'integer', default: 24, min: 1, max: 168 };
const format: Parameter = { name: 'format', label: { nb: 'Format', en: 'Format' }, type: 'choice', values: ['CSV', 'JSON'], default: 'JSON' };
const channels: Parameter = { name: 'channels', label: { nb: 'Kanaler', en: 'Channels' }, type: 'choices', values: ['API', 'Fil'], default: ['API'] };

function tenderRow(overrides: Partial<TenderRow> = {}): TenderRow {
  return {
    id: TENDER_ID,
    buyerOrganisationId: BUYER_ID,
    title: 'Nytt skoleadministrativt system',
    reference: '2027/12',
    domain: 'school',
    description: '',
    language: 'nb',
    contactName: 'Ina Innkjøper',
    contactEmail: 'innkjop@eksempelby.kommune.no',
    deadline: null,
    status: 'draft',
    currentRevision: 0,
    hasUnissuedChanges: true,
    parameterDefaults: { format: 'CSV' },
    jointSetRevisionId: null,
    version: 3,
    createdBy: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function libraryVersion(key: string, title: string, text: string, parameters: Parameter[], overrides: Partial<LibraryVersionRow> = {}): LibraryVersionRow {
  const both = (nb: string) => ({ nb, en: nb });
  return {
    id: `00000000-0000-4000-8000-${key.replace(/\D/g, '').padStart(12, '0')}`,
    key,
    version: '1.0.0',
    major: 1,
    minor: 0,
    patch: 0,
    status: 'published',
    ownerOrganisationId: null,
    origin: 'file',
    baseVersion: null,
    kind: 'requirement',
    category: 'export',
    type: 'AV',
    weight: 10,
    themes: [],
    title: both(title),
    text: both(text),
    rationale: both(''),
    responseGuidance: both(''),
    parameters,
    references: [],
    verification: { method: 'document-review', text: both('') },
    evidence: [],
    checks: [],
    domains: [],
    tags: [],
    sourceIds: [],
    keywords: '',
    supersedes: null,
    replacedBy: null,
    changeNote: null,
    ssa: null,
    contentHash: key,
    revision: 1,
    createdBy: null,
    createdAt: at,
    updatedAt: at,
    publishedAt: at,
    ...overrides,
  };
}

let itemNumber = 0;
function item(sectionId: string, fields: Partial<TenderViewItem> & Pick<TenderViewItem, 'kind' | 'type'>): TenderViewItem {
  itemNumber += 1;
  return {
    id: `00000000-0000-4000-8000-1000000000${String(itemNumber).padStart(2, '0')}`,
    tenderId: TENDER_ID,
    sectionId,
    position: 0,
    libraryKey: null,
    libraryVersion: null,
    customKey: null,
    weight: 0,
    parameterValues: {},
    customTitle: null,
    customText: null,
    customGuidance: null,
    jointSetDeviationId: null,
    version: 1,
    library: null,
    effectiveValues: {},
    ...fields,
  };
}

const EXPORT = '00000000-0000-4000-8000-2000000000a1';
const EXIT = '00000000-0000-4000-8000-2000000000a2';
const EMPTY = '00000000-0000-4000-8000-2000000000a3';

const exp001 = item(EXPORT, {
  kind: 'requirement',
  type: 'AV',
  weight: 40,
  libraryKey: 'EXP-001',
  libraryVersion: '1.0.0',
  parameterValues: { exportHours: 12 },
  effectiveValues: { exportHours: 12, format: 'CSV' },
  library: libraryVersion('EXP-001', 'Full eksport av data', 'Eksport innen {{exportHours}} timer som {{format}}.', [exportHours, format]),
});
const t001 = item(EXPORT, { kind: 'requirement', type: 'A', customKey: 'T-001', customTitle: 'Integrasjon mot læringsplattformen', customText: 'Løsningen skal utveksle elevdata daglig.' });
const exit009 = item(EXIT, {
  kind: 'clause',
  type: 'A',
  libraryKey: 'EXIT-009',
  libraryVersion: '1.0.0',
  effectiveValues: { format: 'CSV' },
  library: libraryVersion('EXIT-009', 'Bistand ved overgang', 'Data leveres som {{format}} via {{channels}}.', [format, channels], { kind: 'clause', category: 'exit-transition', type: 'A' }),
});

function tenderView(tender: Partial<TenderRow> = {}): TenderView {
  return {
    tender: tenderRow(tender),
    buyerName: 'Eksempelby kommune',
    coBuyers: [],
    access: { canView: true, canEdit: true, isBuyer: true },
    sections: [
      { id: EXPORT, tenderId: TENDER_ID, position: 0, title: 'Eksport', category: 'export', version: 1, items: [exp001, t001] },
      { id: EXIT, tenderId: TENDER_ID, position: 1, title: 'Avslutning og overgang', category: 'exit-transition', version: 1, items: [exit009] },
      { id: EMPTY, tenderId: TENDER_ID, position: 2, title: 'Egne krav', category: null, version: 1, items: [] },
    ],
  };
}

function sources(overrides: Partial<TenderPageSources> = {}): TenderPageSources {
  return {
    view: tenderView(),
    checks: {
      ok: false,
      weightSum: 40,
      errors: [
        { code: 'parameter', itemId: exp001.id, key: 'EXP-001', path: 'EXP-001.exportHours', message: 'EXP-001: exportHours må være høyst 168' },
        { code: 'deprecated', itemId: exp001.id, key: 'EXP-001', path: 'EXP-001', message: 'EXP-001 1.0.0 er utgått' },
        { code: 'weights', path: 'weights', message: 'Vektene summerer til 40, ikke 100' },
      ],
      notices: [{ code: 'newer_version', itemId: exit009.id, key: 'EXIT-009', from: '1.0.0', to: '1.1.0', changes: [] }],
    },
    revisions: [],
    responses: [],
    selections: [],
    coBuyerOptions: [],
    origin: null,
    ...overrides,
  };
}

function origin(): NonNullable<TenderPageSources['origin']> {
  const revision = (id: string, number: number, status: 'adopted' | 'superseded') => ({
    id,
    jointSetId: 'set',
    number,
    status,
    basedOnNumber: null,
    changeNote: '',
    createdBy: null,
    createdAt: at,
    consultationStartedAt: null,
    adoptedAt: at,
    adoptedBy: null,
    supersededAt: null,
    importedAt: null,
    importedSignoffs: [],
    version: 1,
  });
  return {
    set: { id: 'set', title: 'Felles krav til skolesystemer', description: '', domain: 'school', coordinatorOrganisationId: BUYER_ID, isPublic: false, createdBy: null, createdAt: at, updatedAt: at, version: 1 },
    revision: revision('rev-1', 1, 'superseded'),
    newer: { to: revision('rev-2', 2, 'adopted'), diff: { added: [], removed: [], versionChanged: [], changed: [], unchanged: 3 } },
  };
}

const actor = (memberships: Actor['memberships']): Actor => ({
  userId: 'user',
  email: 'ina@eksempelby.kommune.no',
  name: 'Ina Innkjøper',
  isAdmin: false,
  locale: 'nb',
  memberships,
  activeOrganisationId: null,
  via: 'session',
  sessionId: null,
  csrfToken: null,
});

describe('the tender page', () => {
  test('When a tender has sections, then sections are numbered 1, 2, 3 and items 1.1, 1.2, 2.1, with first and last marked for the move buttons', () => {
    const page = tenderPage(sources());
    expect(page.sections.map((s) => ({ number: s.number, first: s.first, last: s.last }))).toEqual([
      { number: 1, first: true, last: false },
      { number: 2, first: false, last: false },
      { number: 3, first: false, last: true },
    ]);
    expect(page.sections.map((s) => s.items.map((i) => [i.number, i.key, i.first, i.last]))).toEqual([
      [
        ['1.1', 'EXP-001', true, false],
        ['1.2', 'T-001', false, true],
      ],
      [['2.1', 'EXIT-009', true, true]],
      [],
    ]);
  });

  test('When items come from the library or are written in the tender, then each shows its title, and only evaluated requirements are marked for weights', () => {
    const items = tenderPage(sources()).sections.flatMap((s) => s.items);
    expect(items.map((i) => ({ key: i.key, title: i.title, evaluated: i.evaluated }))).toEqual([
      { key: 'EXP-001', title: 'Full eksport av data', evaluated: true },
      { key: 'T-001', title: 'Integrasjon mot læringsplattformen', evaluated: false },
      { key: 'EXIT-009', title: 'Bistand ved overgang', evaluated: false },
    ]);
  });

  test('When the checks find problems and newer versions, then each item lists its own problems and its upgrade, and tender-wide problems stay off the items', () => {
    const items = tenderPage(sources()).sections.flatMap((s) => s.items);
    expect(items.map((i) => i.problems)).toEqual([['EXP-001: exportHours må være høyst 168', 'EXP-001 1.0.0 er utgått'], [], []]);
    expect(items.map((i) => i.upgrade?.to ?? null)).toEqual([null, null, '1.1.0']);
  });

  test('When items share a parameter, then it is offered once for the whole tender with the keys using it, its tender value or library default, and its kind of input', () => {
    const shared = tenderPage(sources()).sharedParameters;
    expect(shared.map((p) => ({ name: p.name, keys: p.keys, value: p.value, own: p.own, isNumber: p.isNumber, isChoice: p.isChoice, isList: p.isList }))).toEqual([
      { name: 'channels', keys: ['EXIT-009'], value: ['API'], own: false, isNumber: false, isChoice: true, isList: true },
      { name: 'exportHours', keys: ['EXP-001'], value: 24, own: false, isNumber: true, isChoice: false, isList: false },
      { name: 'format', keys: ['EXP-001', 'EXIT-009'], value: 'CSV', own: true, isNumber: false, isChoice: true, isList: false },
    ]);
  });

  test('When vendors\' responses are imported, then each shows how many answers are yes, partly and no', () => {
    const answer = (key: string, a: 'yes' | 'partly' | 'no') => ({ key, answer: a, explanation: '', documentation: '' });
    const page = tenderPage(sources({ responses: [{ id: 'r1', tenderId: TENDER_ID, revision: 1, vendorName: 'Leverandør AS', answers: [answer('EXP-001', 'yes'), answer('API-003', 'yes'), answer('DOC-002', 'no')], fileSha256: 'x', importedAt: at, importedBy: null }] }));
    expect(page.responses.map((r) => [r.vendorName, r.counts])).toEqual([['Leverandør AS', { yes: 2, partly: 0, no: 1 }]]);
  });

  test('When the tender started from a joint set with a newer adopted revision, then the draft shows the newer revision and an issued tender does not', () => {
    const draft = tenderPage(sources({ origin: origin() })).jointSetOrigin;
    expect(draft).toMatchObject({ setId: 'set', title: 'Felles krav til skolesystemer', number: 1, newer: { to: 2 } });
    const issued = tenderPage(sources({ view: tenderView({ status: 'issued', currentRevision: 1 }), origin: origin() })).jointSetOrigin;
    expect(issued).toEqual({ setId: 'set', title: 'Felles krav til skolesystemer', number: 1, newer: null });
    expect(tenderPage(sources()).jointSetOrigin).toBeNull();
  });
});

describe('the item page', () => {
  test('When an item is opened, then its parameters show its own values, the tender\'s and the library defaults, and its text is rendered with them', () => {
    const page = itemPage(tenderView(), exp001);
    expect(page.title).toBe('EXP-001 – Nytt skoleadministrativt system');
    expect(page.parameters.map((p) => ({ name: p.name, value: p.value, own: p.own }))).toEqual([
      { name: 'exportHours', value: 12, own: true },
      { name: 'format', value: 'CSV', own: false },
    ]);
    expect(page.preview).toBe('Eksport innen 12 timer som CSV.');
  });

  test('When a refused form is shown again, then the parameters and the text show what was typed', () => {
    const page = itemPage(tenderView(), exp001, { exportHours: 36, format: 'JSON' });
    expect(page.parameters.map((p) => p.value)).toEqual([36, 'JSON']);
    expect(page.preview).toBe('Eksport innen 36 timer som JSON.');
  });

  test('When the item was written in the tender, then it has no parameters and its own text is the preview', () => {
    const page = itemPage(tenderView(), t001);
    expect(page.item.title).toBe('Integrasjon mot læringsplattformen');
    expect(page.parameters).toEqual([]);
    expect(page.preview).toBe('Løsningen skal utveksle elevdata daglig.');
  });
});

describe('the picker, the tender list and the new tender form', () => {
  test('When library items are found, then those the tender already has are marked and titles are in the tender\'s language', () => {
    const found = [libraryVersion('EXP-001', 'Full eksport av data', '', []), libraryVersion('API-003', 'Dokumentert API', '', [])];
    expect(pickerItems(tenderView(), found).map((r) => [r.key, r.titleText, r.inTender])).toEqual([
      ['EXP-001', 'Full eksport av data', true],
      ['API-003', 'Dokumentert API', false],
    ]);
  });

  test('When the user is editor in a buyer, then they may start a tender there; a viewer or a vendor may not', () => {
    const membership = (organisationId: string, kind: 'buyer' | 'vendor', role: 'owner' | 'editor' | 'viewer') => ({ organisationId, organisationName: organisationId, kind, role, parentId: null });
    const editor = actor([membership('by', 'buyer', 'editor'), membership('leverandor', 'vendor', 'owner'), membership('annen-by', 'buyer', 'viewer')]);
    expect(tenderList(editor, [{ tender: tenderRow(), buyerName: 'Eksempelby kommune' }])).toMatchObject({ canCreate: true, tenders: [{ reference: '2027/12', buyerName: 'Eksempelby kommune', updatedAt: at.toISOString() }] });
    expect(newTenderForm(editor, {}, []).organisations.map((m) => m.organisationId)).toEqual(['by']);
    const viewer = actor([membership('annen-by', 'buyer', 'viewer'), membership('leverandor', 'vendor', 'owner')]);
    expect(tenderList(viewer, []).canCreate).toBe(false);
  });
});
