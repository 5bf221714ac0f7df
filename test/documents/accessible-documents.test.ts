import JSZip from 'jszip';
import type supertest from 'supertest';
import { DEMO_PASSWORD } from '../../server/demo/demo.seed';
import { createTestApp, type TestContext } from '../helpers/app';
import { binary } from '../helpers/http';

/*
 * Documents that public bodies publish must be accessible too: real heading styles, a repeating
 * table header, the document language, and for the response sheet a header row in a named table.
 * Each file is downloaded as a buyer does and read back.
 */

let ctx: TestContext;
let agent: supertest.Agent;
let tenderId: string;
let setId: string;
let csrf: string;


async function download(path: string): Promise<JSZip> {
  const res = await agent.get(path).buffer(true).parse(binary).expect(200);
  return JSZip.loadAsync(res.body as Buffer);
}

async function part(zip: JSZip, name: string): Promise<string> {
  const file = zip.file(name);
  if (!file) throw new Error(`${name} is missing`);
  return file.async('string');
}

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'demo' });
  agent = ctx.request();
  const session = await agent.post('/api/session').send({ email: 'innkjoper@eksempelby.example', password: DEMO_PASSWORD }).expect(201);
  csrf = session.body.csrfToken;
  const tenders = await agent.get('/api/tenders').expect(200);
  tenderId = tenders.body.items.find((t: { reference: string }) => t.reference === 'DEMO-2026/17').id;
  const sets = await agent.get('/api/joint-sets').expect(200);
  setId = (sets.body.items ?? sets.body)[0].id;
}, 300_000);
afterAll(async () => {
  await ctx.close();
});

test.each(['specification.docx', 'contract-annex.docx'])('When the %s of a tender is downloaded, then its headings use Word heading styles (Heading 1 and below), its tables repeat their header row and its language is Norwegian', async (name) => {
  const zip = await download(`/tenders/${tenderId}/documents/${name}`);
  const document = await part(zip, 'word/document.xml');
  const styles = await part(zip, 'word/styles.xml');
  expect(document).toMatch(/<w:pStyle w:val="Heading1"\/>/);
  expect(styles).toMatch(/<w:style w:type="paragraph" w:styleId="Heading1">/);
  const tables = document.split('<w:tbl>').slice(1);
  const dataTables = tables.filter((t) => t.includes('<w:tblHeader/>') || t.split('<w:tr>').length > 3);
  expect(dataTables.length).toBeGreaterThan(0);
  expect(dataTables.some((t) => /^[\s\S]*?<w:tr>\s*<w:trPr>[\s\S]*?<w:tblHeader\/>/.test(t))).toBe(true);
  expect(styles).toMatch(/<w:docDefaults>[\s\S]*<w:lang w:val="nb-NO"\/>[\s\S]*<\/w:docDefaults>/);
  // No picture without a text alternative: every drawing carries a description.
  for (const drawing of document.match(/<wp:docPr [^>]*>/g) ?? []) expect(drawing).toMatch(/descr="[^"]+"/);
});

test.each([
  ['nb', 'nb-NO'],
  ['en', 'en-GB'],
])('When the consultation report of a joint requirement set is downloaded in %s, then it has heading styles, the comment tables repeat their header row, and its language is %s', async (lang, locale) => {
  await agent.post('/language').type('form').send({ _csrf: csrf, lang, returnTo: '/' }).expect(303);
  try {
    const zip = await download(`/joint-sets/${setId}/revisions/1/consultation.docx`);
    const document = await part(zip, 'word/document.xml');
    const styles = await part(zip, 'word/styles.xml');
    expect(document).toMatch(/<w:pStyle w:val="Heading1"\/>/);
    expect(document).toMatch(/<w:pStyle w:val="Heading2"\/>/);
    expect(styles).toMatch(/<w:style w:type="paragraph" w:styleId="Heading1">/);
    expect(styles).toMatch(new RegExp(`<w:docDefaults>[\\s\\S]*<w:lang w:val="${locale}"/>[\\s\\S]*</w:docDefaults>`));
    // Revision 1 of the demo set has an answered comment, so there is at least one table.
    const tables = document.split('<w:tbl>').slice(1);
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) expect(table).toMatch(/^[\s\S]*?<w:tr>\s*<w:trPr>[\s\S]*?<w:tblHeader\/>/);
    for (const drawing of document.match(/<wp:docPr [^>]*>/g) ?? []) expect(drawing).toMatch(/descr="[^"]+"/);
  } finally {
    await agent.post('/language').type('form').send({ _csrf: csrf, lang: 'nb', returnTo: '/' }).expect(303);
  }
});

test('When the response sheet is downloaded, then its header row and requirements form a named table with filter buttons', async () => {
  const zip = await download(`/tenders/${tenderId}/documents/response-sheet.xlsx`);
  const tableFiles = Object.keys(zip.files).filter((n) => /^xl\/tables\/table\d+\.xml$/.test(n));
  expect(tableFiles).toHaveLength(1);
  const table = await part(zip, tableFiles[0] as string);
  expect(table).toMatch(/name="Svarskjema"/);
  expect(table).toMatch(/displayName="Svarskjema"/);
  expect(table).toMatch(/ref="A4:H\d+"/);
  expect(table).toContain('<autoFilter');
  expect(table).toMatch(/<tableColumn id="1" name="[^"]+"/);
  const sheet = await part(zip, 'xl/worksheets/sheet1.xml');
  expect(sheet).toContain('<tablePart ');
  expect(sheet).not.toContain('<autoFilter');
});

test('When the comparison is exported as XLSX, then its header row and products form a named table with filter buttons', async () => {
  const profiles = await agent.get('/api/profiles').expect(200);
  const profileId = (profiles.body.items ?? profiles.body)[0].id;
  const res = await agent.get('/api/assessments/comparison/export').query({ profileId, format: 'xlsx' }).buffer(true).parse(binary).expect(200);
  const zip = await JSZip.loadAsync(res.body as Buffer);
  const tableFiles = Object.keys(zip.files).filter((n) => /^xl\/tables\/table\d+\.xml$/.test(n));
  expect(tableFiles).toHaveLength(1);
  const table = await part(zip, tableFiles[0] as string);
  expect(table).toMatch(/ name="Sammenligning"/);
  expect(table).toMatch(/displayName="Sammenligning"/);
  expect(table).toMatch(/ref="A1:[A-Z]+\d+"/);
  expect(table).toContain('<autoFilter');
  expect(table).toMatch(/<tableColumn id="1" name="Plass"/);
  expect(table).toMatch(/<tableColumn id="3" name="Produkt"/);
  const sheet = await part(zip, 'xl/worksheets/sheet1.xml');
  expect(sheet).toContain('<tablePart ');
});
