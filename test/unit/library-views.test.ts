import type { Actor } from '../../server/auth/actor';
import type { LibraryListEntry } from '../../server/library/library.repository';
import type { LibrarySourceRow, LibraryVersionRow } from '../../server/library/library.table';
import { diffPage, editorPage, exportQueryString, itemPage, librarySummary, listPage, parameterField, previousVersion, versionBody } from '../../server/library/library.views';

const t = (key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key);

const CITY = '11111111-1111-4111-8111-111111111111';
const NEIGHBOUR = '22222222-2222-4222-8222-222222222222';

function version(overrides: Partial<LibraryVersionRow> = {}): LibraryVersionRow {
  return {
    id: 'aaaaaaaa-0000-4000-8000-000000000001',
    key: 'EXP-001',
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
    type: 'A',
    weight: 10,
    themes: [2],
    title: { nb: 'Fullt uttrekk', en: 'Full extract' },
    text: { nb: 'Uttrekk innen {{exportHours}} timer.', en: 'Extract within {{exportHours}} hours.' },
    rationale: { nb: 'Begrunnelse', en: 'Rationale' },
    responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' },
    parameters: [{ name: 'exportHours', type: 'integer', default: 72, min: 1, max: 720, label: { nb: 'Timer', en: 'Hours' } }],
    references: [{ source: 'eu-data-act', section: 'Art. 30', note: { nb: 'Eksport', en: 'Export' } }],
    verification: { method: 'sample-export', text: { nb: 'Be om et uttrekk.', en: 'Ask for an extract.' } },
    evidence: [{ nb: 'Eksempel', en: 'Sample' }],
    checks: [],
    domains: ['all'],
    tags: [],
    sourceIds: ['eu-data-act'],
    keywords: 'eu-data-act',
    supersedes: null,
    replacedBy: null,
    changeNote: { nb: 'Første utgave.', en: 'First edition.' },
    ssa: null,
    contentHash: 'hash',
    revision: 1,
    createdBy: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    publishedAt: new Date('2026-01-02T00:00:00Z'),
    ...overrides,
  };
}

const draftOf = (organisationId: string | null, id: string) => version({ id, version: null, major: null, minor: null, patch: null, status: 'draft', ownerOrganisationId: organisationId, baseVersion: '1.1.0', publishedAt: null, revision: 3 });

const source: LibrarySourceRow = { id: 'eu-data-act', title: 'EU Data Act', publisher: 'EU', url: 'https://eur-lex.europa.eu/eli/reg/2023/2854/oj', kind: 'regulation', updatedAt: new Date('2026-01-01T00:00:00Z') };

function actor(memberships: [string, string][]): Actor {
  return {
    userId: 'u1',
    email: 'leser@eksempelby.example',
    name: 'Leser',
    isAdmin: false,
    locale: 'nb',
    memberships: memberships.map(([organisationId, role]) => ({ organisationId, organisationName: organisationId, kind: 'buyer', role: role as Actor['memberships'][number]['role'], parentId: null })),
    activeOrganisationId: null,
    via: 'session',
    sessionId: null,
    csrfToken: null,
  };
}

describe('a version as the API and the pages show it', () => {
  test('When a released version is shown, then it has its number and publication time and no draft', () => {
    const body = versionBody(version());
    expect(body).toMatchObject({ key: 'EXP-001', version: '1.0.0', status: 'published', publishedAt: '2026-01-02T00:00:00.000Z', draft: null });
  });

  test('When a draft is shown, then it has no number and names its revision, base and organisation', () => {
    const body = versionBody(draftOf(CITY, 'dddddddd-0000-4000-8000-000000000001'));
    expect(body.version).toBeNull();
    expect(body.publishedAt).toBeNull();
    expect(body.draft).toEqual({ id: 'dddddddd-0000-4000-8000-000000000001', revision: 3, baseVersion: '1.1.0', organisationId: CITY });
  });

  test('When a search hit is a draft of a new item, then it links to its draft; a released hit does not', () => {
    const entry = (row: LibraryVersionRow): LibraryListEntry => row;
    expect(librarySummary(entry(draftOf(CITY, 'dddddddd-0000-4000-8000-000000000002'))).draftId).toBe('dddddddd-0000-4000-8000-000000000002');
    expect(librarySummary(entry(version()))).toMatchObject({ key: 'EXP-001', sources: ['eu-data-act'], draftId: null });
  });
});

describe('the library page', () => {
  const browse = {
    packs: [{ key: 'health-care', title: { nb: 'Helse og omsorg', en: 'Health and care' }, description: { nb: 'Krav for helse', en: 'Requirements for health' }, count: 11 }],
    themes: Array.from({ length: 30 }, (_, i) => ({ theme: i + 1, count: i === 2 ? 7 : 1 })),
  };
  const query = { q: 'uttrekk', kind: 'requirement' as const, category: undefined, type: undefined, domain: undefined, status: undefined, source: undefined, theme: 3, sort: undefined, page: 2, pageSize: 10 };

  test('When words are searched without a chosen sort, then the hits are sorted by relevance; without words, by key', () => {
    const page = listPage({ query, rows: [version()], total: 25, sources: [source], canEdit: false, t, browse, lang: 'nb' });
    expect(page.sort).toBe('relevance');
    expect(listPage({ query: { ...query, q: undefined }, rows: [], total: 0, sources: [], canEdit: false, t, browse, lang: 'nb' }).sort).toBe('key');
    expect(listPage({ query: { ...query, sort: 'title' }, rows: [], total: 0, sources: [], canEdit: false, t, browse, lang: 'nb' }).sort).toBe('title');
  });

  test('When the page is shown, then the download link keeps the filters but not paging or sort', () => {
    expect(exportQueryString({ ...query, sort: 'title' })).toBe('q=uttrekk&kind=requirement&theme=3');
    expect(listPage({ query, rows: [], total: 25, sources: [], canEdit: true, t, browse, lang: 'nb' }).exportQuery).toBe('q=uttrekk&kind=requirement&theme=3');
  });

  test('When a search has more hits than a page holds, then the pager counts them and links the neighbouring pages', () => {
    const page = listPage({ query, rows: [version()], total: 25, sources: [source], canEdit: true, t, browse, lang: 'nb' });
    expect(page.pager).toMatchObject({ page: 2, pages: 3, from: 11, to: 20, total: 25 });
    expect(page.pager.previous).toBe('/library?q=uttrekk&kind=requirement&theme=3&pageSize=10&page=1');
    expect(page.pager.next).toBe('/library?q=uttrekk&kind=requirement&theme=3&pageSize=10&page=3');
    expect(page.items.map((i) => i.key)).toEqual(['EXP-001']);
    expect(page.canEdit).toBe(true);
  });

  test('When a sector pack is chosen, then the page names it with its description and marks it current; themes show their names and counts', () => {
    const page = listPage({ query: { ...query, pack: 'health-care' }, rows: [], total: 0, sources: [], canEdit: false, t, browse, lang: 'en' });
    expect(page.activePack).toEqual({ title: 'Health and care', description: 'Requirements for health', count: 11 });
    expect(page.packs).toEqual([{ key: 'health-care', title: 'Health and care', description: 'Requirements for health', count: 11, href: '/library?pack=health-care', isCurrent: true }]);
    expect(page.themeOptions[2]).toEqual({ value: 3, label: '3. library.themeNames.3 (7)', selected: true });
    expect(page.exportQuery).toBe('q=uttrekk&kind=requirement&theme=3&pack=health-care');
  });

  test('When the filters are offered, then every theme from 1 to 30 and every status can be chosen', () => {
    const { codes } = listPage({ query, rows: [], total: 0, sources: [], canEdit: false, t, browse, lang: 'nb' });
    expect(codes.themes).toHaveLength(30);
    expect(codes.themes[0]).toBe(1);
    expect(codes.themes[29]).toBe(30);
    expect(codes.statuses).toEqual(['draft', 'published', 'deprecated']);
  });
});

describe('the item page', () => {
  const v100 = version({ id: 'aaaaaaaa-0000-4000-8000-000000000100', version: '1.0.0' });
  const v110 = version({ id: 'aaaaaaaa-0000-4000-8000-000000000110', version: '1.1.0', minor: 1, changeNote: { nb: 'Kortere frist.', en: 'Shorter deadline.' } });
  const v200 = version({ id: 'aaaaaaaa-0000-4000-8000-000000000200', version: '2.0.0', major: 2, minor: 0 });
  const versions = [v200, v110, v100];
  const preview = { rendered: { text: { nb: 'Uttrekk innen 48 timer.', en: 'Extract within 48 hours.' }, responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' } }, problems: [] };

  function showing(current: LibraryVersionRow, extra: { drafts?: LibraryVersionRow[]; reader?: Actor; values?: Record<string, unknown> } = {}) {
    return itemPage({ item: { current, versions, drafts: extra.drafts ?? [] }, preview, values: extra.values ?? {}, sources: [source], actor: extra.reader ?? actor([]), canEdit: false, lang: 'nb' });
  }

  test('When the newest version is shown, then it is marked current and latest, and compared with the one before', () => {
    const page = showing(v200);
    expect(page.title).toBe('EXP-001 Fullt uttrekk');
    expect(page.isLatest).toBe(true);
    expect(page.previousVersion).toBe('1.1.0');
    expect(page.versions.map((v) => [v.version, v.isCurrent])).toEqual([['2.0.0', true], ['1.1.0', false], ['1.0.0', false]]);
  });

  test('When an older version is shown, then it is not the latest, and the first version has nothing to compare with', () => {
    expect(showing(v110)).toMatchObject({ isLatest: false, previousVersion: '1.0.0' });
    expect(showing(v100).previousVersion).toBeNull();
    expect(previousVersion(versions, draftOf(CITY, 'dddddddd-0000-4000-8000-000000000003'))).toBeNull();
  });

  test('When the item has parameters, then each gets the typed value or its default and the kind of field it needs', () => {
    expect(showing(v200, { values: { exportHours: 48 } }).parameters[0]).toMatchObject({ name: 'exportHours', value: 48, isNumber: true, isChoice: false, isList: false });
    expect(showing(v200).parameters[0]?.value).toBe(72);
    const choices = { name: 'formats', type: 'choices' as const, values: ['CSV', 'JSON'], default: ['CSV'], label: { nb: 'Formater', en: 'Formats' } };
    expect(parameterField(choices, undefined, 'nb')).toMatchObject({ value: ['CSV'], isList: true, isChoice: true, isNumber: false });
    const text = { name: 'system', type: 'text' as const, default: { nb: 'fagsystemet', en: 'the system' }, label: { nb: 'System', en: 'System' } };
    expect(parameterField(text, undefined, 'en')).toMatchObject({ value: 'the system', isList: false, isChoice: false, isNumber: false });
  });

  test('When a reference cites a registered source, then it shows its title and link; an unknown source shows its id without a link', () => {
    const page = showing(version({ references: [{ source: 'eu-data-act', section: 'Art. 30', note: { nb: '', en: '' } }, { source: 'gone-source', section: '§ 1', note: { nb: '', en: '' } }] }));
    expect(page.references.map((r) => [r.sourceTitle, r.url])).toEqual([['EU Data Act', 'https://eur-lex.europa.eu/eli/reg/2023/2854/oj'], ['gone-source', null]]);
  });

  test('When the item has drafts, then only those of the reader\'s own organisations are offered for editing', () => {
    const own = draftOf(CITY, 'dddddddd-0000-4000-8000-000000000004');
    const shared = draftOf(null, 'dddddddd-0000-4000-8000-000000000005');
    const other = draftOf(NEIGHBOUR, 'dddddddd-0000-4000-8000-000000000006');
    const page = showing(v200, { drafts: [own, shared, other], reader: actor([[CITY, 'editor']]) });
    expect(page.ownDrafts.map((d) => d.id)).toEqual([own.id]);
  });
});

describe('the version comparison and the editor', () => {
  test('When two versions are compared, then the page names the item and offers every released version', () => {
    const changes = [{ field: 'weight', from: 10, to: 20 }];
    const page = diffPage({ key: 'EXP-001', from: '1.0.0', to: '1.1.0', changes, versions: [version({ version: '1.1.0' }), version({ version: '1.0.0' })], t });
    expect(page).toMatchObject({ title: 'library.diff.title {"key":"EXP-001"}', key: 'EXP-001', from: '1.0.0', to: '1.1.0', changes, versions: ['1.1.0', '1.0.0'] });
  });

  const context = { sources: [source], preview: null, changes: [], base: null, organisations: actor([[CITY, 'editor']]).memberships };

  test('When the form for a new item is shown, then it is titled as new and shows no problems or conflict', () => {
    const page = editorPage({ draft: null, isNew: true, form: {} }, context, t);
    expect(page).toMatchObject({ title: 'library.edit.newTitle', isNew: true, conflict: null, errors: [], draft: null });
    expect(page.codes.methods).toContain('sample-export');
  });

  test('When a draft is shown again after a conflict or with problems, then the title names its key and the problems are listed', () => {
    const draft = draftOf(CITY, 'dddddddd-0000-4000-8000-000000000007');
    const conflict = { currentVersion: 3, changedBy: 'kari@example.no', changedAt: '2026-12-06T20:00:00.000Z', fields: [{ label: 'Tittel', stored: 'Hennes', typed: 'Min' }] };
    expect(editorPage({ draft, form: {}, conflict }, context, t)).toMatchObject({ title: 'library.edit.title {"key":"EXP-001"}', conflict, errors: [], key: 'EXP-001' });
    const errors = [{ path: 'title.nb', message: 'is required' }];
    expect(editorPage({ draft, form: {}, errors }, context, t).errors).toEqual(errors);
  });

  test('When a new item\'s form is shown again, then the title stays "new" and the typed key is kept', () => {
    expect(editorPage({ draft: null, isNew: true, key: 'NEW-001', form: {} }, context, t)).toMatchObject({ title: 'library.edit.newTitle', key: 'NEW-001' });
  });
});
