import JSZip from 'jszip';
import { createTestApp, type TestContext } from '../helpers/app';
import type { LoggedIn } from '../helpers/factories';
import { adoptedSet, buildCities, draftSet, send, type Cities } from './fixtures';
import { binary } from '../helpers/http';

let ctx: TestContext;
let c: Cities;
let setId: string;


/** The text of the specification's word/document.xml, tags removed. */
async function specificationText(who: LoggedIn, tenderId: string): Promise<string> {
  const res = await who.agent.get(`/api/tenders/${tenderId}/documents/specification.docx`).buffer(true).parse(binary);
  expect(res.status).toBe(200);
  const zip = await JSZip.loadAsync(res.body as Buffer);
  const xml = await (zip.file('word/document.xml') as JSZip.JSZipObject).async('string');
  const entities: Record<string, string> = { '&quot;': '"', '&apos;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
  return xml
    .replace(/<w:p[ >]/g, '\n$&')
    .replace(/<[^>]+>/g, '')
    .replace(/&(quot|apos|lt|gt|amp);/g, (entity) => entities[entity] as string);
}

async function tenderFromSet(who: LoggedIn, reference: string, number = 1, overrides: Record<string, unknown> = {}) {
  return send(who, 'post', `/api/joint-sets/${setId}/revisions/${number}/tenders`, { title: 'Nytt skoleadministrativt system', reference, language: 'nb', contactEmail: 'innkjop@example.no', ...overrides });
}

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  c = await buildCities(ctx);
  ({ id: setId } = await adoptedSet(c, { title: 'Storbyenes felles skolekrav', isPublic: true }));
  const deviate = (key: string, body: object) => send(c.bergenEditor, 'put', `/api/joint-sets/${setId}/revisions/1/deviations/${key}`, body).expect(200);
  await deviate('API-003', { kind: 'exclude', justification: 'Bergen har ennå ingen integrasjonsplattform som kan bruke API-et.' });
  await deviate('DOC-002', { kind: 'change', type: 'AV', weight: 20, justification: 'Arkitekturrådet i Bergen krever dokumentert datamodell.' });
  await deviate('EXP-001', { kind: 'change', parameterValues: { exportHours: 72 }, justification: 'Bergens arkiv er så stort at full eksport tar tre døgn.' });
  await send(c.osloOwner, 'post', `/api/joint-sets/${setId}/revisions/1/signoffs`, { decision: 'signed' }).expect(204);
  await send(c.bergenOwner, 'post', `/api/joint-sets/${setId}/revisions/1/signoffs`, { decision: 'signed' }).expect(204);
});
afterAll(() => ctx.close());

describe('tenders from a joint set', () => {
  test('When a participant starts a tender from the adopted revision, then its own deviations are applied and linked: excluded items left out, its type, weight and values used', async () => {
    const res = await tenderFromSet(c.bergenEditor, 'BGO-2027/1');
    expect(res.status).toBe(201);
    const tender = await c.bergenEditor.agent.get(`/api/tenders/${res.body.id}`);
    expect(tender.body).toMatchObject({ buyerOrganisationId: c.bergen.id, domain: 'school', status: 'draft' });
    const items = (tender.body.sections as { title: string; items: { key: string; type: string; weight: number; parameterValues: object; libraryVersion: string }[] }[]).flatMap((s) => s.items.map((i) => ({ section: s.title, ...i })));
    expect(items.map((i) => i.key)).toEqual(['EXP-001', 'DOC-002', 'EXIT-009']);
    expect(items.find((i) => i.key === 'EXP-001')).toMatchObject({ section: 'Eksport', type: 'A', parameterValues: { exportHours: 72 }, libraryVersion: '1.2.0' });
    expect(items.find((i) => i.key === 'DOC-002')).toMatchObject({ type: 'AV', weight: 20 });

    const rows = await ctx.services.repositories.tenders.items(ctx.services.database.db, res.body.id);
    const deviations = (await ctx.services.repositories.jointSets.deviations(ctx.services.database.db, (await ctx.services.repositories.tenders.findById(ctx.services.database.db, res.body.id))?.jointSetRevisionId as string)).filter((d) => d.organisationId === c.bergen.id);
    expect(Object.fromEntries(rows.map((r) => [r.libraryKey, r.jointSetDeviationId]))).toEqual({ 'EXP-001': deviations.find((d) => d.libraryKey === 'EXP-001')?.id, 'DOC-002': deviations.find((d) => d.libraryKey === 'DOC-002')?.id, 'EXIT-009': null });
    // The tender page marks the two items that carry the buyer's deviation.
    const page = await c.bergenEditor.agent.get(`/tenders/${res.body.id}`);
    expect(page.text.match(/lokalt avvik<\/span>/g)).toHaveLength(2);
  });

  test('When a tender is started from a joint set, then the answer is the documented tender, and the tender, requirements.json and the OCDS release name the revision, its signatories and the buyer\'s deviations', async () => {
    const res = await tenderFromSet(c.bergenEditor, 'BGO-2027/api');
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('createdBy');
    const tender = await c.bergenEditor.agent.get(`/api/tenders/${res.body.id}`);
    expect(res.body).toEqual(tender.body);
    const signatories = [{ organisationId: c.oslo.id, name: c.oslo.name }, { organisationId: c.bergen.id, name: c.bergen.name }];
    expect(tender.body.jointSet).toMatchObject({ setId, title: 'Storbyenes felles skolekrav', revision: 1, adoptedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), href: `/api/joint-sets/${setId}/revisions/1`, deviationsHref: `/api/joint-sets/${setId}/revisions/1/deviations` });
    expect(tender.body.jointSet.signatories).toEqual(expect.arrayContaining(signatories));
    expect(tender.body.jointSet.signatories).toHaveLength(2);
    expect(tender.body.jointSet.deviations.map((d: { key: string; excluded: boolean }) => [d.key, d.excluded]).sort()).toEqual([['API-003', true], ['DOC-002', false], ['EXP-001', false]]);
    const linked = (tender.body.sections as { items: { key: string; jointSetDeviationId: string | null }[] }[]).flatMap((s) => s.items).find((i) => i.key === 'EXP-001');
    expect(linked?.jointSetDeviationId).toBe(tender.body.jointSet.deviations.find((d: { key: string }) => d.key === 'EXP-001').id);
    const deviationList = await c.bergenEditor.agent.get(tender.body.jointSet.deviationsHref);
    expect(deviationList.status).toBe(200);

    const set = await c.bergenEditor.agent.get(`/api/tenders/${res.body.id}/documents/requirements.json`);
    expect(set.body.jointSet).toEqual(tender.body.jointSet);
    const exp = (set.body.sections as { items: { key: string; jointSetDeviationId: string | null }[] }[]).flatMap((s) => s.items).find((i) => i.key === 'EXP-001');
    expect(exp?.jointSetDeviationId).toBe(linked?.jointSetDeviationId);

    const ocds = await c.bergenEditor.agent.get(`/api/tenders/${res.body.id}/documents/ocds.json`);
    expect(ocds.body.buyer).toEqual({ id: c.bergen.id, name: c.bergen.name });
    expect(ocds.body.tender.procuringEntity).toEqual({ id: c.bergen.id, name: c.bergen.name });
    const parties = ocds.body.parties as { id: string; name: string; roles: string[]; details?: { jointSet?: { title: string; revision: number; signatory: boolean } } }[];
    expect(parties.find((p) => p.id === c.bergen.id)).toMatchObject({ roles: ['buyer', 'procuringEntity'], details: { jointSet: { title: 'Storbyenes felles skolekrav', revision: 1, signatory: true } } });
    expect(parties.find((p) => p.id === c.oslo.id)).toMatchObject({ name: c.oslo.name, roles: ['interestedParty'], details: { jointSet: { revision: 1, signatory: true } } });
  });

  test('When the specification is generated, then it states the coordination with the signing organisations, revision and date, and lists the buyer\'s deviations in an annex', async () => {
    const res = await tenderFromSet(c.bergenEditor, 'BGO-2027/2');
    const text = await specificationText(c.bergenEditor, res.body.id);
    expect(text).toContain('Samordnede krav');
    expect(text).toContain('det felles kravsettet «Storbyenes felles skolekrav», revisjon 1, vedtatt');
    expect(text).toMatch(new RegExp(`signert av (${c.oslo.name} og ${c.bergen.name}|${c.bergen.name} og ${c.oslo.name})`));
    expect(text).toContain(`${c.bergen.name} har 3 lokale avvik fra det felles kravsettet`);
    expect(text).toContain('Vedlegg: Lokale avvik');
    expect(text).toContain('Kravet er tatt ut av denne anskaffelsen.');
    expect(text).toContain('Bergen har ennå ingen integrasjonsplattform som kan bruke API-et.');
    expect(text).toContain('Kravtype: AV i stedet for V');
    expect(text).toContain('Vekt: 20 i stedet for 8');
    expect(text).toContain('Parameter exportHours: 72 i stedet for –');
  });

  test('When a buyer without deviations starts a tender in English, then the statement says so and the annex says there are none', async () => {
    const res = await tenderFromSet(c.osloEditor, 'OSL-2027/1', 1, { language: 'en' });
    expect(res.status).toBe(201);
    const text = await specificationText(c.osloEditor, res.body.id);
    expect(text).toContain('coordinated with other municipalities through the joint requirement set "Storbyenes felles skolekrav", revision 1');
    expect(text).toContain(`${c.oslo.name} has no local deviations from the joint requirement set.`);
    expect(text).toContain('Annex: Local deviations');
    const tender = await c.osloEditor.agent.get(`/api/tenders/${res.body.id}`);
    expect((tender.body.sections as { items: { key: string }[] }[]).flatMap((s) => s.items.map((i) => i.key))).toEqual(['EXP-001', 'API-003', 'DOC-002', 'EXIT-009']);
  });

  test('When a tender is started from a revision that is not adopted, or from a private set one does not take part in, then it is refused', async () => {
    const draft = await draftSet(c);
    const refused = await send(c.osloEditor, 'post', `/api/joint-sets/${draft.id}/revisions/1/tenders`, { title: 'Anskaffelse fra utkast', reference: 'OSL-UTKAST', language: 'nb' });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'joint_set.wrong_state' });
    const outsider = await send(c.outsider, 'post', `/api/joint-sets/${draft.id}/revisions/1/tenders`, { title: 'Anskaffelse fra utkast', reference: 'TOS-1', language: 'nb' });
    expect(outsider.status).toBe(404);
    const vendor = await send(c.vendor, 'post', `/api/joint-sets/${setId}/revisions/1/tenders`, { title: 'Leverandørens anskaffelse', reference: 'LEV-1', language: 'nb' });
    expect(vendor.status).toBe(404);
  });

  test('When a buyer outside a public set starts a tender from it, then it gets the joint content without anybody\'s deviations', async () => {
    const res = await tenderFromSet(c.outsider, 'TOS-2027/1');
    expect(res.status).toBe(201);
    const text = await specificationText(c.outsider, res.body.id);
    expect(text).toContain(`${c.tromso.name} har ingen lokale avvik fra det felles kravsettet.`);
    expect(text).not.toContain('integrasjonsplattform');
  });

  test('When a participant makes an assessment profile from the revision, then it holds the requirements with its deviations, without clauses or excluded items', async () => {
    const res = await send(c.bergenEditor, 'post', `/api/joint-sets/${setId}/revisions/1/profiles`, { name: 'Bergens skoleprofil', visibility: 'private' });
    expect(res.status).toBe(201);
    const profile = await c.bergenEditor.agent.get(`/api/profiles/${res.body.id}`);
    expect(profile.status).toBe(200);
    const items = (profile.body.items as { key: string; type: string; weight: number }[]).map((i) => ({ key: i.key, type: i.type, weight: i.weight }));
    expect(items.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'DOC-002', type: 'AV', weight: 20 },
      { key: 'EXP-001', type: 'A', weight: 0 },
    ]);
  });
});
