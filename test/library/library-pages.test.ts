import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../server/audit/audit.table';
import { rowToForm } from '../../server/library/library.forms';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';

let ctx: TestContext;
let city: OrganisationRow;
let editor: LoggedIn;
let viewer: LoggedIn;
let otherEditor: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
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

describe('the machine checks in the editor', () => {
  type StoredDraft = Parameters<typeof rowToForm>[0] & { key: string; draft: { id: string; revision: number } };

  async function startDraft(key: string): Promise<StoredDraft> {
    const res = await editor.agent.post(`/api/library/items/${key}/drafts`).set('X-CSRF-Token', editor.csrf).send({});
    expect(res.status).toBe(201);
    return res.body;
  }

  /** The editor's fields for a stored draft, as the page fills them in, with `changes` typed over them. */
  function draftFields(draft: StoredDraft, changes: Record<string, string> = {}) {
    return { ...formFields(rowToForm(draft)), ...changes, version: String(draft.draft.revision), _csrf: editor.csrf };
  }

  async function updates(key: string) {
    return ctx.services.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'library.draft_updated'), eq(auditLog.entityId, key)));
  }

  test('When a draft with checks is opened and saved through the form, then its checks are in the field and kept', async () => {
    const draft = await startDraft('EXP-001');
    expect(draft.checks).toEqual([{ rule: 'export.parses', params: { csv: { encoding: 'utf-8' } } }, { rule: 'export.utf8', params: {} }, { rule: 'export.data-model', params: {} }, { rule: 'export.records', params: {} }]);
    const page = await editor.agent.get(`/library/drafts/${draft.draft.id}`);
    expect(page.text).toMatch(/<textarea[^>]*id="field-checks"[^>]*>[^<]*- rule: export\.parses[^<]*- rule: export\.records/);

    const saved = await editor.agent.post(`/library/drafts/${draft.draft.id}`).type('form').send(draftFields(draft, { 'title[nb]': 'Fullt uttrekk når som helst, med kontroller' }));
    expect(saved.status).toBe(303);
    const stored = await editor.agent.get(`/api/library/drafts/${draft.draft.id}`);
    expect(stored.body.title.nb).toBe('Fullt uttrekk når som helst, med kontroller');
    expect(stored.body.checks).toEqual(draft.checks);
  });

  test('When a draft with an SSA alignment and verification phases is saved through the form, then both are kept though the form has no fields for them', async () => {
    for (const key of ['FMT-004', 'HEL-004']) {
      const draft = (await startDraft(key)) as StoredDraft & { ssa: unknown; verification: { phases?: string[] } };
      const stored = await editor.agent.get(`/api/library/drafts/${draft.draft.id}`);
      expect(key === 'FMT-004' ? stored.body.ssa : stored.body.verification.phases).toBeTruthy();
      const saved = await editor.agent.post(`/library/drafts/${draft.draft.id}`).type('form').send(draftFields(draft, { 'title[nb]': `${draft.title.nb} (lagret i skjemaet)` }));
      expect(saved.status).toBe(303);
      const after = await editor.agent.get(`/api/library/drafts/${draft.draft.id}`);
      expect(after.body.title.nb).toBe(`${draft.title.nb} (lagret i skjemaet)`);
      expect(after.body.ssa).toEqual(stored.body.ssa);
      expect(after.body.verification.phases).toEqual(stored.body.verification.phases);
    }
    expect((await editor.agent.get('/api/library/items/FMT-004')).body.ssa).toMatchObject({ annex: 'general-terms-changes' });
  });

  test('When the checks are edited in the form, then the draft has the new checks and the change is audited before and after', async () => {
    const draft = await startDraft('API-001');
    const checksYaml = ['- rule: openapi.parses', '- rule: openapi.read-operations', '  params:', '    objectTypes: [Elev, Skole]', '- rule: openapi.pagination'].join('\n');
    const saved = await editor.agent.post(`/library/drafts/${draft.draft.id}`).type('form').send(draftFields(draft, { checksYaml }));
    expect(saved.status).toBe(303);

    const stored = await editor.agent.get(`/api/library/drafts/${draft.draft.id}`);
    expect(stored.body.checks).toEqual([
      { rule: 'openapi.parses', params: {} },
      { rule: 'openapi.read-operations', params: { objectTypes: ['Elev', 'Skole'] } },
      { rule: 'openapi.pagination', params: { extraParameterNames: [] } },
    ]);
    const page = await editor.agent.get(`/library/drafts/${draft.draft.id}`);
    expect(page.text).toContain('- Elev');
    const [audit] = await updates('API-001');
    expect(audit?.before?.checks).toEqual(draft.checks);
    expect(audit?.after?.checks).toEqual(stored.body.checks);

    const emptied = await editor.agent.post(`/library/drafts/${draft.draft.id}`).type('form').send({ ...draftFields(stored.body, { checksYaml: '' }) });
    expect(emptied.status).toBe(303);
    expect((await editor.agent.get(`/api/library/drafts/${draft.draft.id}`)).body.checks).toEqual([]);
  });

  test('When the checks name an unknown rule or a wrong parameter, then the form is shown again with 400 naming each problem in bokmål, and nothing is saved', async () => {
    const draft = await startDraft('EXP-005');
    const checksYaml = ['- rule: export.parses', '- rule: openapi.nope', '- rule: openapi.read-operations', '  params:', '    objectTypes: all-schemas', '    extra: 1'].join('\n');
    const res = await editor.agent.post(`/library/drafts/${draft.draft.id}`).type('form').send(draftFields(draft, { checksYaml }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#field-checks" lang="nb"');
    expect(res.text).toContain('kontroll 2, felt rule: regelen «openapi.nope» finnes ikke. Kjente regler: openapi.parses,');
    expect(res.text).toContain('kontroll 3, felt params: Ukjent nøkkel: &quot;extra&quot;');
    expect(res.text).toContain('- rule: openapi.nope');

    const stored = await editor.agent.get(`/api/library/drafts/${draft.draft.id}`);
    expect(stored.body.draft.revision).toBe(draft.draft.revision);
    expect(stored.body.checks).toEqual(draft.checks);
    expect(await updates('EXP-005')).toEqual([]);
  });

  test('When the checks are not YAML or name a rule twice, then the problem is named in English on an English page, and nothing is saved', async () => {
    await editor.agent.post('/language').type('form').send({ _csrf: editor.csrf, lang: 'en', returnTo: '/library' }).expect(303);
    try {
      const draft = await startDraft('EXP-006');
      const broken = await editor.agent.post(`/library/drafts/${draft.draft.id}`).type('form').send(draftFields(draft, { checksYaml: '- rule: export.parses\n  params: [unclosed' }));
      expect(broken.status).toBe(400);
      expect(broken.text).toMatch(/href="#field-checks" lang="en">checks: is not valid YAML \(line \d+, column \d+\)/);

      const twice = await editor.agent.post(`/library/drafts/${draft.draft.id}`).type('form').send(draftFields(draft, { checksYaml: '- rule: export.utf8\n- rule: export.utf8' }));
      expect(twice.status).toBe(400);
      expect(twice.text).toContain('check 2, field rule: the rule &quot;export.utf8&quot; is listed more than once');
      expect((await editor.agent.get(`/api/library/drafts/${draft.draft.id}`)).body.draft.revision).toBe(draft.draft.revision);
      expect(await updates('EXP-006')).toEqual([]);
    } finally {
      await editor.agent.post('/language').type('form').send({ _csrf: editor.csrf, lang: 'nb', returnTo: '/library' }).expect(303);
    }
  });

  test('When a new item is created through the form with checks, then the draft has them; with an unknown rule, nothing is created', async () => {
    const refused = await editor.agent.post('/library/items').type('form').send({ ...itemForm(), key: 'PGC-001', checksYaml: '- rule: export.nope', _csrf: editor.csrf });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('regelen «export.nope» finnes ikke');
    expect((await editor.agent.get('/api/library/items/PGC-001')).status).toBe(404);

    const created = await editor.agent.post('/library/items').type('form').send({ ...itemForm(), key: 'PGC-002', checksYaml: '- rule: export.iso-dates\n  params: { requireTimeZone: false }', _csrf: editor.csrf });
    expect(created.status).toBe(303);
    const draft = await editor.agent.get('/api/library/items/PGC-002');
    expect(draft.body.checks).toEqual([{ rule: 'export.iso-dates', params: { requireTimeZone: false } }]);
  });

  test('When a draft is saved through the API with checks, then they are kept; an unknown rule is refused with 400 naming its path', async () => {
    const draft = await startDraft('EXP-007');
    const { key: _key, draft: meta, ...content } = (await editor.agent.get(`/api/library/drafts/${draft.draft.id}`)).body;
    const body = Object.fromEntries(Object.entries(content).filter(([field]) => !['version', 'status', 'replacedBy', 'publishedAt'].includes(field)));
    const saved = await editor.agent.put(`/api/library/drafts/${draft.draft.id}`).set('X-CSRF-Token', editor.csrf).send({ ...body, checks: [{ rule: 'export.records' }], version: meta.revision });
    expect(saved.status).toBe(200);
    expect(saved.body.checks).toEqual([{ rule: 'export.records', params: {} }]);

    const refused = await editor.agent.put(`/api/library/drafts/${draft.draft.id}`).set('X-CSRF-Token', editor.csrf).send({ ...body, checks: [{ rule: 'export.nope' }], version: saved.body.draft.revision });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toContainEqual(expect.objectContaining({ path: 'checks.0.rule' }));
    expect((await editor.agent.get(`/api/library/drafts/${draft.draft.id}`)).body.checks).toEqual([{ rule: 'export.records', params: {} }]);
  });
});
