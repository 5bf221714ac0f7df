import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import JSZip from 'jszip';
import { auditLog } from '../../server/audit/audit.table';
import { createTestApp, type TestContext } from '../helpers/app';
import type { LoggedIn } from '../helpers/factories';
import { versionToPresent } from '../helpers/versioning';
import { adoptedSet, buildCities, draftSet, itemsOf, send, type Cities } from './fixtures';
import { binary } from '../helpers/http';

let ctx: TestContext;
let c: Cities;


/** A form post as the page sends it, with the version the page showed (read just before) where the form carries one. */
const form = async (who: LoggedIn, url: string, fields: Record<string, string> = {}) => {
  const version = 'version' in fields ? undefined : await versionToPresent(who, 'form', url);
  return who.agent.post(url).type('form').send({ _csrf: who.csrf, ...(version === undefined ? {} : { version: String(version) }), ...fields });
};

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  c = await buildCities(ctx);
});
afterAll(() => ctx.close());

describe('the joint-set pages', () => {
  test('When a coordinator starts a set with the form, then it opens with revision 1 as a draft; a title that is too short re-shows the form with 400', async () => {
    expect((await c.osloEditor.agent.get('/joint-sets/new')).status).toBe(200);
    const bad = await form(c.osloEditor, '/joint-sets', { title: 'X' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('ds-error-summary');
    const res = await form(c.osloEditor, '/joint-sets', { title: 'Felles krav til sak og arkiv', domain: 'case-archive', isPublic: 'true' });
    expect(res.status).toBe(303);
    const page = await c.osloEditor.agent.get(res.headers.location as string);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Felles krav til sak og arkiv');
    expect(page.text).toContain('Revisjon 1');
    expect(page.text).toContain('Utkast');
    const list = await c.osloViewer.agent.get('/joint-sets');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Felles krav til sak og arkiv');
    expect(list.text).toContain('href="/joint-sets"');
  });

  test('When the coordinator invites with the form and the invited buyer accepts on the set page, then both see it as taking part', async () => {
    const created = await send(c.osloEditor, 'post', '/api/joint-sets', { title: 'Felles krav til økonomisystemer' });
    const id = created.body.id as string;
    expect((await form(c.osloEditor, `/joint-sets/${id}/participants`, { organisationId: c.bergen.id })).status).toBe(303);
    const invited = await c.bergenEditor.agent.get(`/joint-sets/${id}`);
    expect(invited.text).toContain(`${c.bergen.name} er invitert til å delta i dette kravsettet.`);
    expect((await form(c.bergenEditor, `/joint-sets/${id}/invitation`, { response: 'accept', organisationId: c.bergen.id })).status).toBe(303);
    const page = await c.osloViewer.agent.get(`/joint-sets/${id}`);
    expect(page.text).toMatch(new RegExp(`${c.bergen.name}</td>\\s*<td>Deltar`));
  });

  test('When the coordinator works the draft through the forms, then items are added and changed, and garbage keys re-show the page with 400', async () => {
    const created = await send(c.osloEditor, 'post', '/api/joint-sets', { title: 'Felles krav til HR' });
    const id = created.body.id as string;
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/items`, { keys: 'EXP-001, API-003' })).status).toBe(303);
    const garbage = await form(c.osloEditor, `/joint-sets/${id}/revisions/1/items`, { keys: 'ikke en nøkkel' });
    expect(garbage.status).toBe(400);
    expect(garbage.text).toContain('Skriv én eller flere nøkler som EXP-001.');
    const [exp] = await itemsOf(c.osloEditor, id, 1);
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/items/${exp?.id}`, { type: 'A', weight: '0', 'values[exportHours]': '36', 'values[exportFormats]': 'CSV, JSON' })).status).toBe(303);
    expect((await itemsOf(c.osloEditor, id, 1))[0]?.parameterValues).toEqual({ exportHours: 36, exportFormats: ['CSV', 'JSON'] });
    const outOfRange = await form(c.osloEditor, `/joint-sets/${id}/revisions/1/items/${exp?.id}`, { type: 'A', weight: '0', 'values[exportHours]': '9999' });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.text).toContain('parameterValues.exportHours');
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/sections`, { title: 'Midlertidig' })).status).toBe(303);
    const sections = (await c.osloEditor.agent.get(`/api/joint-sets/${id}/revisions/1`)).body.sections as { id: string; title: string }[];
    const empty = sections.find((s) => s.title === 'Midlertidig') as { id: string };
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/sections/${sections[0]?.id}`, { title: 'Eksport av data' })).status).toBe(303);
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/sections/${empty.id}/remove`)).status).toBe(303);
    const notEmpty = await form(c.osloEditor, `/joint-sets/${id}/revisions/1/sections/${sections[0]?.id}/remove`);
    expect(notEmpty.status).toBe(409);
    expect(((await c.osloEditor.agent.get(`/api/joint-sets/${id}/revisions/1`)).body.sections as { title: string }[]).map((s) => s.title)).toEqual(['Eksport av data', 'API']);
    const api = (await itemsOf(c.osloEditor, id, 1)).find((i) => i.key === 'API-003');
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/items/${api?.id}`, { type: 'V', weight: '15' })).status).toBe(303);
    const page = await c.osloEditor.agent.get(`/joint-sets/${id}/revisions/1`);
    expect(page.text).toContain('EXP-001 – Full eksport av alle data når som helst');
    // A weight is shown where it counts: for the weighted requirement, not for the absolute one.
    expect(page.text).toContain('<span>Vekt: 15</span>');
    expect(page.text).not.toContain('<span>Vekt: 0</span>');
    expect(page.text).toContain('Send på høring');
    const bergenView = await c.osloViewer.agent.get(`/joint-sets/${id}/revisions/1`);
    expect(bergenView.text).not.toContain('Send på høring');
  });

  test('When a consultation runs through the pages, then comments and answers appear in the consultation report page and its DOCX', async () => {
    const { id } = await draftSet(c);
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/transition`, { to: 'consultation' })).status).toBe(303);
    const [item] = await itemsOf(c.osloEditor, id, 1);
    expect((await form(c.bergenEditor, `/joint-sets/${id}/revisions/1/comments`, { itemId: item?.id as string, position: 'change', text: 'Bergen foreslår 48 timer for full eksport.' })).status).toBe(303);
    const blocked = await form(c.osloEditor, `/joint-sets/${id}/revisions/1/transition`, { to: 'adopted' });
    expect(blocked.status).toBe(409);
    expect(blocked.text).toContain('not answered');
    const revision = await c.osloEditor.agent.get(`/joint-sets/${id}/revisions/1`);
    const commentId = /comments\/([0-9a-f-]{36})\/resolution/.exec(revision.text)?.[1] as string;
    expect((await form(c.osloEditor, `/joint-sets/${id}/revisions/1/comments/${commentId}/resolution`, { resolution: 'accepted', response: 'Vi endrer til 48 timer i neste revisjon.' })).status).toBe(303);

    const report = await c.bergenEditor.agent.get(`/joint-sets/${id}/revisions/1/consultation`);
    expect(report.status).toBe(200);
    expect(report.text).toContain('Bergen foreslår 48 timer for full eksport.');
    expect(report.text).toContain('Tatt til følge');
    expect(report.text).toContain('Vi endrer til 48 timer i neste revisjon.');
    const docx = await c.bergenEditor.agent.get(`/joint-sets/${id}/revisions/1/consultation.docx`).buffer(true).parse(binary);
    expect(docx.status).toBe(200);
    const xml = await (((await JSZip.loadAsync(docx.body as Buffer)).file('word/document.xml')) as JSZip.JSZipObject).async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('Høringsrapport');
    expect(text).toContain('Bergen foreslår 48 timer for full eksport.');
    expect(text).toContain('Tatt til følge');
    // The generated file is in the coordinator's audit log with its SHA-256.
    const sha256 = createHash('sha256').update(docx.body as Buffer).digest('hex');
    expect(docx.headers['x-content-sha256']).toBe(sha256);
    const logged = await ctx.services.database.db.select().from(auditLog).where(eq(auditLog.action, 'joint_set.report_generated'));
    expect(logged.map((e) => [e.organisationId, (e.after as { sha256: string }).sha256])).toContainEqual([c.oslo.id, sha256]);
    expect((await c.outsider.agent.get(`/joint-sets/${id}/revisions/1/consultation`)).status).toBe(404);
  });

  test('When owners sign on the sign-off page and participants document deviations in the forms, then the pages show signed, pending and every deviation by organisation', async () => {
    const { id } = await adoptedSet(c);
    const before = await c.osloViewer.agent.get(`/joint-sets/${id}/revisions/1/coordination`);
    expect(before.text).toContain('Venter');
    expect((await form(c.bergenOwner, `/joint-sets/${id}/revisions/1/signoffs`, { decision: 'signed', note: 'Vedtatt av kommunedirektøren.' })).status).toBe(303);
    const after = await c.osloViewer.agent.get(`/joint-sets/${id}/revisions/1/coordination`);
    expect(after.text).toMatch(new RegExp(`${c.bergen.name}</td><td><span class="ds-tag" data-color="success">Signert`));
    expect(after.text).toMatch(new RegExp(`${c.oslo.name}</td><td><span class="ds-tag" data-color="warning">Venter`));

    const missing = await form(c.bergenEditor, `/joint-sets/${id}/revisions/1/deviations/API-003`, { kind: 'exclude', justification: '' });
    expect(missing.status).toBe(400);
    expect((await form(c.bergenEditor, `/joint-sets/${id}/revisions/1/deviations/API-003`, { kind: 'exclude', justification: 'Bergen har ikke integrasjonsplattform ennå.' })).status).toBe(303);
    expect((await form(c.bergenEditor, `/joint-sets/${id}/revisions/1/deviations/EXP-001`, { kind: 'change', type: 'A', weight: '0', 'values[exportHours]': '72', 'values[exportFormats]': 'CSV, JSON', justification: 'Bergens arkiv tar tre døgn å eksportere.' })).status).toBe(303);
    const report = await c.osloViewer.agent.get(`/joint-sets/${id}/revisions/1/deviations`);
    expect(report.status).toBe(200);
    expect(report.text).toContain(c.bergen.name);
    expect(report.text).toContain('Tar ut kravet');
    expect(report.text).toContain('Bergen har ikke integrasjonsplattform ennå.');
    expect(report.text).toContain('exportHours: 72 i stedet for –');
    const deviations = (await c.bergenEditor.agent.get(`/api/joint-sets/${id}/revisions/1/deviations`)).body.items;
    expect(deviations.find((d: { key: string }) => d.key === 'EXP-001')).toMatchObject({ kind: 'change', type: null, weight: null, parameterValues: { exportHours: 72 } });
  });

  test('When a newer revision is adopted, then the draft tender and the profile made from the older one show a notice with the diff, and the old revision page says it is superseded', async () => {
    const { id } = await adoptedSet(c);
    const tender = await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/revisions/1/tenders`, { title: 'Skolesystem for Bergen', reference: `BGO-${Date.now()}`, language: 'nb' });
    const profile = await send(c.bergenEditor, 'post', `/api/joint-sets/${id}/revisions/1/profiles`, { name: 'Bergens profil fra kravsettet' });
    expect((await c.bergenEditor.agent.get(`/tenders/${tender.body.id}`)).text).toContain('Bygger på det felles kravsettet «Felles krav til skoleadministrative systemer», revisjon 1.');

    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions`, {}).expect(201);
    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/2/items`, { keys: ['EXP-002'] }).expect(201);
    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/2/transition`, { to: 'consultation' }).expect(200);
    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions/2/transition`, { to: 'adopted' }).expect(200);

    const tenderPage = await c.bergenEditor.agent.get(`/tenders/${tender.body.id}`);
    expect(tenderPage.text).toContain('Revisjon 2 av «Felles krav til skoleadministrative systemer» er vedtatt');
    expect(tenderPage.text).toContain('Anskaffelsen bygger på revisjon 1, men revisjon 2 er nå vedtatt.');
    expect(tenderPage.text).toMatch(/Lagt til<\/h3>\s*<ul class="ds-list"><li>EXP-002/);
    const profilePage = await c.bergenEditor.agent.get(`/assessments/profiles/${profile.body.id}`);
    expect(profilePage.text).toContain('Profilen bygger på revisjon 1, men revisjon 2 er nå vedtatt.');
    expect(profilePage.text).toContain('EXP-002');
    const old = await c.bergenEditor.agent.get(`/joint-sets/${id}/revisions/1`);
    expect(old.text).toContain('Denne revisjonen er erstattet av revisjon 2.');
    const diff = await c.bergenEditor.agent.get(`/joint-sets/${id}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.text).toContain('Endringer fra revisjon 1 til 2');
    expect(diff.text).toContain('EXP-002');

  });

  test('When a tender is started from the revision page form, then it opens the new tender; an exported package can be imported again through the import page only with a conflict-free library', async () => {
    const { id } = await adoptedSet(c);
    const res = await form(c.bergenEditor, `/joint-sets/${id}/revisions/1/tenders`, { title: 'Skolesystem fra skjema', reference: `BGO-SKJEMA-${Date.now()}`, language: 'nb' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/tenders\/[0-9a-f-]{36}$/);
    const pkg = await c.osloEditor.agent.get(`/joint-sets/${id}/revisions/1/package`).buffer(true).parse(binary);
    expect(pkg.status).toBe(200);
    expect((await c.osloEditor.agent.get('/joint-sets/import')).status).toBe(200);
    const again = await c.osloEditor.agent.post('/joint-sets/import').field('_csrf', c.osloEditor.csrf).attach('file', pkg.body as Buffer, 'pakke.zip');
    expect(again.status).toBe(409);
    expect(again.text).toContain('already in this installation');
    const garbage = await c.osloEditor.agent.post('/joint-sets/import').field('_csrf', c.osloEditor.csrf).attach('file', Buffer.from('tull'), 'pakke.zip');
    expect(garbage.status).toBe(422);
    expect(garbage.text).toContain('is not a zip file');
  });

  test('When every joint-set page is shown in bokmål and in English, then no text key is left untranslated', async () => {
    const { id } = await adoptedSet(c);
    await send(c.bergenEditor, 'put', `/api/joint-sets/${id}/revisions/1/deviations/DOC-002`, { kind: 'change', type: 'AV', weight: 20, justification: 'Dokumentasjon er avgjørende for oss.' }).expect(200);
    await send(c.bergenOwner, 'post', `/api/joint-sets/${id}/revisions/1/signoffs`, { decision: 'declined', note: 'Ikke behandlet ennå.' }).expect(204);
    await send(c.osloEditor, 'post', `/api/joint-sets/${id}/revisions`, {}).expect(201);
    const pages = ['/joint-sets', '/joint-sets/new', '/joint-sets/import', `/joint-sets/${id}`, `/joint-sets/${id}/revisions/1`, `/joint-sets/${id}/revisions/2`, `/joint-sets/${id}/revisions/1/consultation`, `/joint-sets/${id}/revisions/1/coordination`, `/joint-sets/${id}/revisions/1/deviations`, `/joint-sets/${id}/diff?from=1&to=2`];
    for (const lang of ['nb', 'en']) {
      await c.osloOwner.agent.post('/language').type('form').send({ _csrf: c.osloOwner.csrf, lang }).expect(303);
      for (const path of pages) {
        const res = await c.osloOwner.agent.get(path);
        expect({ lang, path, status: res.status }).toEqual({ lang, path, status: 200 });
        expect({ lang, path, keys: res.text.match(/\b(jointSets|tenders|library|common)\.[a-zA-Z.]+\b/g) ?? [] }).toEqual({ lang, path, keys: [] });
      }
    }
    const english = await c.osloOwner.agent.get(`/joint-sets/${id}/revisions/1/coordination`);
    expect(english.text).toContain('Declined');
    await c.osloOwner.agent.post('/language').type('form').send({ _csrf: c.osloOwner.csrf, lang: 'nb' }).expect(303);
  });
});

