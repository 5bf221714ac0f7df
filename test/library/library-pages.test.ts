import { rowToForm } from '../../server/library/library.forms';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { syncLibraryFrom } from '../helpers/library';

let ctx: TestContext;
let city: OrganisationRow;
let editor: LoggedIn;
let viewer: LoggedIn;
let otherEditor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp();
  await syncLibraryFrom(ctx.services);
  city = await buildOrganisation(ctx.services, { name: 'Skjemaby kommune' });
  const otherCity = await buildOrganisation(ctx.services, { name: 'Nabobyen kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  otherEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[otherCity, 'editor']] }));
});
afterAll(() => ctx.close());

/** Nested form values as the browser sends them: `title[nb]=…`, `references[0][source]=…`. */
function formFields(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || value === undefined) return prefix ? { [prefix]: '' } : {};
  if (typeof value !== 'object') return { [prefix]: String(value) };
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return Object.assign({}, ...entries.map(([k, v]) => formFields(v, prefix ? `${prefix}[${k}]` : k)));
}

/** The editor's fields for a valid requirement, as the page sends them. */
function itemForm(title = 'Kvartalsvis uttrekk av barnehagedata') {
  return formFields(
    rowToForm({
      kind: 'requirement',
      category: 'export',
      type: 'V',
      weight: 10,
      themes: [2],
      title: { nb: title, en: 'Quarterly extract of kindergarten data' },
      text: { nb: 'Leverandøren skal levere et fullt uttrekk hvert kvartal.', en: 'The supplier shall deliver a full extract every quarter.' },
      rationale: { nb: 'Barnehagen trenger ferske data.', en: 'The kindergarten needs fresh data.' },
      responseGuidance: { nb: 'Beskriv uttrekket.', en: 'Describe the extract.' },
      parameters: [],
      references: [{ source: 'eu-data-act', section: 'Art. 30(5)', note: { nb: 'Eksport i maskinlesbart format.', en: 'Export in a machine-readable format.' } }],
      verification: { method: 'sample-export', text: { nb: 'Kunden ber om et uttrekk.', en: 'The customer requests an extract.' } },
      evidence: [{ nb: 'Eksempel på uttrekk', en: 'Sample extract' }],
      domains: ['kindergarten'],
      tags: [],
      supersedes: null,
    }),
  );
}

const EDITOR_FORM = 'action="/library/items"';

describe('the form for a new item', () => {
  test('When the key and the title are wrong, then the form is shown again with 400, each problem named and what was typed kept', async () => {
    const res = await editor.agent.post('/library/items').type('form').send({ ...itemForm(''), key: 'feil', _csrf: editor.csrf });
    expect(res.status).toBe(400);
    expect(res.text).toContain(EDITOR_FORM);
    expect(res.text).toContain('href="#field-key"');
    expect(res.text).toContain('href="#field-title.nb"');
    expect(res.text).toContain('value="feil"');
    expect(res.text).toContain('Leverandøren skal levere et fullt uttrekk hvert kvartal.');
  });

  test('When the key is already used, then the form is shown again with 409 naming the key', async () => {
    const res = await editor.agent.post('/library/items').type('form').send({ ...itemForm(), key: 'EXP-001', _csrf: editor.csrf });
    expect(res.status).toBe(409);
    expect(res.text).toContain(EDITOR_FORM);
    expect(res.text).toContain('key: is already used');
  });

  test('When a viewer sends the form, then the answer is the 403 error page, not the form', async () => {
    const res = await viewer.agent.post('/library/items').type('form').send({ ...itemForm(), key: 'PGV-001', _csrf: viewer.csrf });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(EDITOR_FORM);
    expect(res.text).toContain('Bare redaktører og eiere i en kommune, et fylke eller et arkitekturråd kan endre biblioteket.');
  });

  test('When the form is valid, then the draft is created and the editor goes to it with a message', async () => {
    const res = await editor.agent.post('/library/items').type('form').send({ ...itemForm(), key: 'PGS-001', _csrf: editor.csrf });
    expect(res.status).toBe(303);
    const page = await editor.agent.get(res.headers.location as string);
    expect(page.text).toContain('Utkastet er opprettet.');
    const draft = await editor.agent.get('/api/library/items/PGS-001');
    expect(draft.body.draft.organisationId).toBe(city.id);
    expect(res.headers.location).toBe(`/library/drafts/${draft.body.draft.id}`);
  });
});

describe('saving and publishing a draft in the editor', () => {
  async function startDraft(who: LoggedIn, key: string): Promise<{ id: string; revision: number }> {
    const res = await who.agent.post(`/api/library/items/${key}/drafts`).set('X-CSRF-Token', who.csrf).send({});
    expect(res.status).toBe(201);
    return res.body.draft;
  }

  test('When someone else saved the draft since it was opened, then the editor shows the conflict notice with 409, and the typed text is kept but not saved', async () => {
    const draft = await startDraft(editor, 'EXP-002');
    const first = await editor.agent.post(`/library/drafts/${draft.id}`).type('form').send({ ...itemForm('Første lagring'), version: String(draft.revision), _csrf: editor.csrf });
    expect(first.status).toBe(303);
    const stale = await editor.agent.post(`/library/drafts/${draft.id}`).type('form').send({ ...itemForm('Andre lagring'), version: String(draft.revision), _csrf: editor.csrf });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Noen andre har endret dette etter at du åpnet det');
    expect(stale.text).toContain(editor.user.email);
    expect(stale.text).toMatch(/<td>Første lagring[^<]*<\/td><td>Andre lagring[^<]*<\/td>/);
    expect(stale.text).toContain('value="Andre lagring"');
    expect(stale.text).toContain(`name="version" value="${draft.revision + 1}"`);
    expect(stale.text).not.toContain('ds-error-summary');
    const stored = await editor.agent.get(`/api/library/drafts/${draft.id}`);
    expect(stored.body.title.nb).toBe('Første lagring');
  });

  test('When a draft is published after another draft of the same version was, then the editor names the problem under "publish" with 409', async () => {
    const mine = await startDraft(editor, 'EXP-003');
    const theirs = await startDraft(otherEditor, 'EXP-003');
    const published = await otherEditor.agent.post(`/api/library/drafts/${theirs.id}/publish`).set('X-CSRF-Token', otherEditor.csrf).send({ level: 'minor', changeNote: { nb: 'Ny tekst.', en: 'New text.' }, version: theirs.revision });
    expect(published.status).toBe(200);
    const res = await editor.agent.post(`/library/drafts/${mine.id}/publish`).type('form').send({ level: 'minor', 'changeNote[nb]': 'Min endring.', 'changeNote[en]': 'My change.', version: String(mine.revision), _csrf: editor.csrf });
    expect(res.status).toBe(409);
    expect(res.text).toContain('href="#field-publish"');
    expect(res.text).toContain(`has been published since`);
    const still = await editor.agent.get(`/api/library/drafts/${mine.id}`);
    expect(still.body.draft.id).toBe(mine.id);
  });

  test('When the publish form lacks the change note, then the editor is shown again with 400 naming it', async () => {
    const draft = await startDraft(editor, 'EXP-004');
    const res = await editor.agent.post(`/library/drafts/${draft.id}/publish`).type('form').send({ level: 'patch', version: String(draft.revision), _csrf: editor.csrf });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#field-changeNote"');
  });
});
