import type { Actor, ActorMembership } from '../../server/auth/actor';
import type { JointSetAccess } from '../../server/joint-sets/joint-sets.access';
import type { CommentView, DeviationView, ItemView, RevisionView } from '../../server/joint-sets/joint-sets.content';
import type { JointSetRevisionRow, RevisionStatus } from '../../server/joint-sets/joint-sets.table';
import { coordinationPage, deviationsPage, listText, revisionBody, revisionPage, setListPage, setPage } from '../../server/joint-sets/joint-sets.views';
import type { LibraryVersionRow } from '../../server/library/library.table';
import type { Parameter } from '../../server/library/library.schemas';

const AT = new Date('2025-03-01T10:00:00.000Z');
const SET_ID = '11111111-1111-4111-8111-111111111111';
const COORDINATOR = '22222222-2222-4222-8222-222222222222';
const PARTNER = '33333333-3333-4333-8333-333333333333';
const OUTSIDER = '44444444-4444-4444-8444-444444444444';

const t = (key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key);

const membership = (organisationId: string, role: ActorMembership['role'], kind: ActorMembership['kind'] = 'buyer'): ActorMembership => ({ organisationId, organisationName: `Org ${organisationId.slice(0, 4)}`, kind, role, parentId: null });

function actor(memberships: ActorMembership[]): Actor {
  return { userId: 'user-1', email: 'kari@example.no', name: 'Kari', isAdmin: false, locale: 'nb', memberships, activeOrganisationId: null, via: 'session', sessionId: null, csrfToken: null };
}

function access(overrides: Partial<JointSetAccess> = {}): JointSetAccess {
  return { isParticipant: true, isCoordinator: false, actingOrganisations: [], signingOrganisations: [], invitedOrganisations: [], ...overrides };
}

function revision(number: number, status: RevisionStatus): JointSetRevisionRow {
  return { id: `rev-${number}`, jointSetId: SET_ID, number, status, basedOnNumber: number > 1 ? number - 1 : null, changeNote: '', createdBy: null, createdAt: AT, consultationStartedAt: null, adoptedAt: status === 'adopted' ? AT : null, adoptedBy: null, supersededAt: null, importedAt: null, importedSignoffs: [], version: 1 };
}

const exportHours: Parameter = { name: 'exportHours', label: { nb: 'Timer til eksport', en: 'Hours to export' }, type: 'integer', default: 24 };
const formats: Parameter = { name: 'formats', label: { nb: 'Formater', en: 'Formats' }, type: 'choices', values: ['CSV', 'JSON', 'XML'], default: ['CSV', 'JSON'] };

function libraryVersion(key: string, parameters: Parameter[]): LibraryVersionRow {
  const text = { nb: `${key} på bokmål`, en: `${key} in English` };
  return {
    id: `lib-${key}`, key, version: '1.0.0', major: 1, minor: 0, patch: 0, status: 'published', ownerOrganisationId: null, origin: 'file', baseVersion: null,
    kind: 'requirement', category: 'export', type: 'V', weight: 10, themes: [], title: text, text, rationale: text, responseGuidance: text, parameters, references: [],
    verification: { method: 'document-review', text }, evidence: [], checks: [], domains: ['all'], tags: [], sourceIds: [], keywords: '', supersedes: null, replacedBy: null, changeNote: null,
    ssa: null, contentHash: 'hash', revision: 1, createdBy: null, createdAt: AT, updatedAt: AT, publishedAt: AT,
  };
}

function item(id: string, sectionId: string, key: string, parameters: Parameter[], parameterValues: Record<string, unknown> = {}): ItemView {
  return { id, revisionId: 'rev-1', sectionId, position: 0, libraryKey: key, libraryVersion: '1.0.0', type: 'V', weight: 10, parameterValues, version: 1, library: libraryVersion(key, parameters) };
}

function deviation(organisationId: string, key: string, overrides: Partial<DeviationView> = {}): DeviationView {
  return { id: `dev-${organisationId.slice(0, 4)}-${key}`, revisionId: 'rev-1', organisationId, organisationName: `Org ${organisationId.slice(0, 4)}`, libraryKey: key, kind: 'change', type: null, weight: null, parameterValues: null, justification: 'Vi har store datamengder.', createdBy: null, updatedAt: AT, version: 1, ...overrides };
}

function comment(id: string, itemId: string, resolved: boolean): CommentView {
  return { id, revisionId: 'rev-1', itemId, organisationId: PARTNER, organisationName: 'Partnerby', authorId: null, authorName: 'Ola', position: 'change', text: 'Forslag', createdAt: AT, resolution: resolved ? 'accepted' : null, response: resolved ? 'Tatt inn' : null, resolvedBy: null, resolvedAt: resolved ? AT : null, version: 1 };
}

function revisionView(status: RevisionStatus, overrides: Partial<RevisionView> = {}): RevisionView {
  const current = revision(1, status);
  return {
    set: { id: SET_ID, title: 'Felles skykrav', description: '', domain: null, coordinatorOrganisationId: COORDINATOR, isPublic: false, createdBy: null, createdAt: AT, updatedAt: AT, version: 1 },
    coordinatorName: 'Koordinatorby',
    participants: [
      { organisationId: COORDINATOR, name: 'Koordinatorby', status: 'accepted', invitedAt: AT, respondedAt: AT },
      { organisationId: PARTNER, name: 'Partnerby', status: 'accepted', invitedAt: AT, respondedAt: AT },
    ],
    revisions: [current],
    access: access(),
    revision: current,
    sections: [
      { id: 'sec-1', revisionId: 'rev-1', position: 0, title: 'Eksport', version: 1, items: [item('item-1', 'sec-1', 'EXP-001', [exportHours], { exportHours: 36 }), item('item-2', 'sec-1', 'EXP-002', [formats])] },
      { id: 'sec-2', revisionId: 'rev-1', position: 1, title: 'Sletting', version: 1, items: [item('item-3', 'sec-2', 'DEL-001', [])] },
    ],
    comments: [comment('c-1', 'item-1', false), comment('c-2', 'item-1', true), comment('c-3', 'item-3', false)],
    deviations: [deviation(PARTNER, 'EXP-001', { parameterValues: { exportHours: 48 } }), deviation(COORDINATOR, 'DEL-001', { kind: 'exclude' })],
    coordination: { signed: [], declined: [], pending: [], imported: [] },
    ...overrides,
  };
}

describe('the revision page', () => {
  test('When a revision has two sections, then sections are numbered 1, 2 and items 1.1, 1.2, 2.1, with their titles in the reader\'s language', () => {
    const data = revisionPage(revisionView('draft'), actor([]), 'en', t);
    expect(data.sections.map((s) => s.number)).toEqual([1, 2]);
    expect(data.sections.flatMap((s) => s.items.map((i) => `${i.number} ${i.title}`))).toEqual(['1.1 EXP-001 in English', '1.2 EXP-002 in English', '2.1 DEL-001 in English']);
    expect(data.title).toBe('Felles skykrav – jointSets.revision.title {"number":1}');
  });

  test('When an item has its own parameter value, then it is shown and marked as the set\'s own; else the default is shown, lists as comma-separated text', () => {
    const [first, second] = revisionPage(revisionView('draft'), actor([]), 'nb', t).sections[0]?.items ?? [];
    expect(first?.parameters).toEqual([{ name: 'exportHours', label: 'Timer til eksport', value: '36', own: true }]);
    expect(second?.parameters).toEqual([{ name: 'formats', label: 'Formater', value: 'CSV, JSON', own: false }]);
  });

  test('When comments and deviations exist, then each item carries its own, the reader\'s deviations are marked, and open comments are counted', () => {
    const view = revisionView('consultation', { access: access({ actingOrganisations: [membership(PARTNER, 'editor')] }) });
    const data = revisionPage(view, actor([membership(PARTNER, 'editor')]), 'nb', t);
    const items = data.sections.flatMap((s) => s.items);
    expect(items.map((i) => i.comments.map((c) => c.id))).toEqual([['c-1', 'c-2'], [], ['c-3']]);
    expect(items[0]?.deviations.map((d) => ({ organisation: d.organisationId, mine: d.mine }))).toEqual([{ organisation: PARTNER, mine: true }]);
    expect(items[2]?.deviations.map((d) => d.mine)).toEqual([false]);
    expect(data.openComments).toBe(2);
  });

  test('When the coordinator reads a draft, then it is editable and nobody comments or deviates', () => {
    const data = revisionPage(revisionView('draft', { access: access({ isCoordinator: true, actingOrganisations: [membership(COORDINATOR, 'owner')] }) }), actor([membership(COORDINATOR, 'owner')]), 'nb', t);
    expect({ editable: data.editable, canComment: data.canComment, canDeviate: data.canDeviate, isPublished: data.isPublished }).toEqual({ editable: true, canComment: false, canDeviate: false, isPublished: false });
  });

  test('When an acting participant reads a revision in consultation, then it may comment and deviate but not edit', () => {
    const data = revisionPage(revisionView('consultation', { access: access({ actingOrganisations: [membership(PARTNER, 'editor')] }) }), actor([membership(PARTNER, 'editor')]), 'nb', t);
    expect({ editable: data.editable, inConsultation: data.inConsultation, canComment: data.canComment, canDeviate: data.canDeviate }).toEqual({ editable: false, inConsultation: true, canComment: true, canDeviate: true });
  });

  test('When the revision is adopted, then participants may deviate but no longer comment, and it counts as published', () => {
    const data = revisionPage(revisionView('adopted', { access: access({ actingOrganisations: [membership(PARTNER, 'editor')] }) }), actor([membership(PARTNER, 'editor')]), 'nb', t);
    expect({ isAdopted: data.isAdopted, isPublished: data.isPublished, canComment: data.canComment, canDeviate: data.canDeviate }).toEqual({ isAdopted: true, isPublished: true, canComment: false, canDeviate: true });
  });

  test('When the reader is owner or editor of buyers and viewer of another, then only the buyers where it edits are offered for a tender', () => {
    const reader = actor([membership(PARTNER, 'owner'), membership(OUTSIDER, 'viewer'), membership(COORDINATOR, 'editor', 'council')]);
    expect(revisionPage(revisionView('adopted'), reader, 'nb', t).buyerOrganisations.map((m) => m.organisationId)).toEqual([PARTNER]);
  });
});

describe('the set pages', () => {
  test('When the coordinator reads a set with an adopted revision and no open one, then it may start a new revision and the diff compares the two newest', () => {
    const view = { ...revisionView('adopted'), revisions: [revision(3, 'adopted'), revision(2, 'superseded'), revision(1, 'superseded')], access: access({ isCoordinator: true }) };
    const data = setPage(view, []);
    expect(data.canStartRevision).toBe(true);
    expect(data.diffDefaults).toEqual({ from: 2, to: 3 });
    expect(data.adopted?.number).toBe(3);
    expect(data.participants.map((p) => p.isCoordinator)).toEqual([true, false]);
  });

  test('When a revision is open, or the reader is not the coordinator, then no new revision can be started; with one revision the diff compares it with itself', () => {
    expect(setPage({ ...revisionView('draft'), access: access({ isCoordinator: true }) }, []).canStartRevision).toBe(false);
    const reader = setPage(revisionView('adopted'), []);
    expect(reader.canStartRevision).toBe(false);
    expect(reader.diffDefaults).toEqual({ from: 1, to: 1 });
  });

  test('When sets are listed, then each shows its newest and adopted revision, and only owners or editors of a buyer may start one', () => {
    const set = { ...revisionView('draft').set, coordinatorName: 'Koordinatorby', revisions: [revision(2, 'draft'), revision(1, 'adopted')] };
    const page = setListPage([set, { ...set, id: 'other', revisions: [] }], actor([membership(PARTNER, 'editor')]));
    expect(page.sets.map((s) => [s.newest?.number ?? null, s.adopted?.number ?? null])).toEqual([[2, 1], [null, null]]);
    expect(page.canCreate).toBe(true);
    expect(setListPage([], actor([membership(PARTNER, 'viewer'), membership(OUTSIDER, 'owner', 'vendor')])).canCreate).toBe(false);
  });
});

describe('the sign-off and deviations pages', () => {
  test('When the revision is adopted, then the reader\'s organisations that have not signed yet may sign; otherwise none', () => {
    const signing = [membership(COORDINATOR, 'owner'), membership(PARTNER, 'owner')];
    const signed = { revisionId: 'rev-1', organisationId: COORDINATOR, organisationName: 'Koordinatorby', decision: 'signed' as const, note: '', userId: null, userName: 'Kari', decidedAt: AT };
    const adopted = revisionView('adopted', { access: access({ signingOrganisations: signing }), coordination: { signed: [signed], declined: [], pending: [], imported: [] } });
    expect(coordinationPage(adopted, t).signingOrganisations.map((m) => m.organisationId)).toEqual([PARTNER]);
    expect(coordinationPage({ ...adopted, revision: revision(1, 'superseded') }, t).signingOrganisations).toEqual([]);
  });

  test('When participants deviate, then the deviations are grouped by organisation, each value beside the set\'s, a missing set value shown as a dash', () => {
    const view = revisionView('adopted');
    const page = deviationsPage({ ...view, deviations: [deviation(PARTNER, 'EXP-001', { parameterValues: { exportHours: 48 } }), deviation(PARTNER, 'EXP-002', { parameterValues: { formats: ['XML'] } }), deviation(COORDINATOR, 'DEL-001', { kind: 'exclude' })] }, 'nb', t);
    expect(page.organisations.map((o) => [o.name, o.deviations.length])).toEqual([['Org 3333', 2], ['Org 2222', 1]]);
    expect(page.organisations[0]?.deviations).toEqual([
      expect.objectContaining({ title: 'EXP-001 på bokmål', setType: 'V', setWeight: 10, values: [{ name: 'exportHours', value: '48', setValue: '36' }] }),
      expect.objectContaining({ title: 'EXP-002 på bokmål', values: [{ name: 'formats', value: 'XML', setValue: '–' }] }),
    ]);
    expect(page.organisations[1]?.deviations).toEqual([expect.objectContaining({ kind: 'exclude', values: [] })]);
  });
});

describe('the API body of a revision', () => {
  test('When a participant reads it, then comments name the item\'s key and dates are ISO text; for other readers comments and deviations are null', () => {
    const body = revisionBody(revisionView('consultation'), 'en');
    expect(body.sections[0]?.items[0]).toEqual({ id: 'item-1', key: 'EXP-001', libraryVersion: '1.0.0', version: 1, title: 'EXP-001 in English', kind: 'requirement', type: 'V', weight: 10, parameterValues: { exportHours: 36 } });
    expect(body.comments?.map((c) => [c.key, c.resolvedAt])).toEqual([['EXP-001', null], ['EXP-001', AT.toISOString()], ['DEL-001', null]]);
    expect(revisionBody(revisionView('adopted', { comments: null, deviations: null }), 'en')).toMatchObject({ comments: null, deviations: null, adoptedAt: AT.toISOString() });
  });

  test('When a value is a list, nothing or a number, then it is shown as one line of text', () => {
    expect([listText(['CSV', 'JSON']), listText(undefined), listText(null), listText(36)]).toEqual(['CSV, JSON', '', '', '36']);
  });
});
