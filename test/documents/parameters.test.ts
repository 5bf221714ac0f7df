import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { renderItemTexts, templatesIn, type ParameterValue } from '../../server/library/clause-template';
import { loadLibraryFiles, newestVersions } from '../../server/library/library.files';
import type { ItemFile, Parameter } from '../../server/library/library.schemas';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { SHIPPED_LIBRARY } from '../helpers/library';
import { binary } from '../helpers/http';

jest.setTimeout(600_000);

type Language = 'nb' | 'en';
type DocumentName = 'specification.docx' | 'contract-annex.docx' | 'response-sheet.xlsx' | 'requirements.json' | 'ocds.json';

let ctx: TestContext;
let city: OrganisationRow;
let editor: LoggedIn;
let items: ItemFile[];

beforeAll(async () => {
  ctx = await createTestApp({}, { seed: 'library' });
  city = await buildOrganisation(ctx.services, { name: 'Parameterby kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));
  const library = await loadLibraryFiles(SHIPPED_LIBRARY);
  items = [...newestVersions(library.items).values()].map((l) => l.item).filter((i) => i.status === 'published' && i.parameters.length > 0);
});
afterAll(() => ctx.close());

/** A value the buyer may choose that is not the parameter's default. */
function otherValue(parameter: Parameter): ParameterValue {
  switch (parameter.type) {
    case 'integer':
    case 'number': {
      const step = parameter.type === 'integer' ? 1 : 0.5;
      const candidates = [parameter.max, parameter.min, parameter.default + step, parameter.default - step].filter((v): v is number => v !== undefined);
      const fits = (v: number) => v !== parameter.default && (parameter.min === undefined || v >= parameter.min) && (parameter.max === undefined || v <= parameter.max);
      const value = candidates.find(fits);
      if (value === undefined) throw new Error(`parameter ${parameter.name} allows no value but its default`);
      return value;
    }
    case 'text':
      return 'Verdi valgt av anskaffelsen';
    case 'choice':
      return parameter.values.find((v) => v !== parameter.default) as string;
    case 'choices': {
      const outside = parameter.values.filter((v) => !parameter.default.includes(v));
      return outside.length > 0 ? outside : parameter.default.slice(0, 1);
    }
  }
}

const valuesOf = (item: ItemFile): Record<string, ParameterValue> => Object.fromEntries(item.parameters.map((p) => [p.name, otherValue(p)]));

const send = (method: 'post' | 'put', url: string, body: object) => editor.agent[method](url).set('X-CSRF-Token', editor.csrf).send(body);


/** Whitespace as one space, so text folded into lines, cells and paragraphs compares as written. */
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

async function xlsxText(bytes: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const texts: string[] = [];
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        const value = cell.value;
        if (value && typeof value === 'object' && 'richText' in value) texts.push(value.richText.map((r) => r.text).join(''));
        else if (value !== null && value !== undefined) texts.push(String(value as string | number));
      }),
    );
  }
  return texts.join('\n');
}

async function documentText(tenderId: string, name: DocumentName): Promise<string> {
  const res = await editor.agent.get(`/api/tenders/${tenderId}/documents/${name}`).buffer(true).parse(binary);
  expect(res.status).toBe(200);
  const bytes = res.body as Buffer;
  if (name.endsWith('.docx')) return flat((await mammoth.extractRawText({ buffer: bytes })).value);
  if (name.endsWith('.xlsx')) return flat(await xlsxText(bytes));
  return flat(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
}

/** Which texts each document shows, and of which items. */
const SHOWN: Record<DocumentName, { kinds: ItemFile['kind'][]; fields: ('title' | 'text' | 'responseGuidance')[] }> = {
  'specification.docx': { kinds: ['requirement'], fields: ['title', 'text', 'responseGuidance'] },
  'contract-annex.docx': { kinds: ['clause'], fields: ['title', 'text'] },
  'response-sheet.xlsx': { kinds: ['requirement'], fields: ['title', 'text', 'responseGuidance'] },
  'requirements.json': { kinds: ['requirement', 'clause'], fields: ['title', 'text', 'responseGuidance'] },
  'ocds.json': { kinds: ['requirement', 'clause'], fields: ['title', 'text', 'responseGuidance'] },
};

/** JSON escapes quotes and backslashes; a text is looked for as the document stores it. */
const asStored = (name: DocumentName, text: string) => (name.endsWith('.json') ? JSON.stringify(flat(text)).slice(1, -1) : flat(text));

describe('parameter values in every tender document', () => {
  test.each(['nb', 'en'] as const)(
    'When every library item with parameters is in a %s tender with values other than the defaults, then all five documents show the chosen values and no default where a parameter applies',
    async (language: Language) => {
      expect(items.length).toBeGreaterThan(20);
      const created = await send('post', '/api/tenders', { title: `Parametre ${language}`, reference: `PAR-${language}`, language, contactEmail: 'innkjop@parameterby.no' });
      expect(created.status).toBe(201);
      const tenderId = created.body.id as string;
      const added = await send('post', `/api/tenders/${tenderId}/items`, { keys: items.map((i) => i.key) });
      expect(added.body.added).toHaveLength(items.length);
      const tender = await editor.agent.get(`/api/tenders/${tenderId}`);
      const tenderItems = (tender.body.sections as { items: { id: string; key: string; version?: number }[] }[]).flatMap((s) => s.items);
      for (const item of items) {
        const row = tenderItems.find((i) => i.key === item.key);
        const res = await send('put', `/api/tenders/${tenderId}/items/${row?.id}`, { parameterValues: valuesOf(item), ...(row?.version !== undefined ? { version: row.version } : {}) });
        expect({ key: item.key, status: res.status }).toEqual({ key: item.key, status: 204 });
      }

      const misses: string[] = [];
      for (const name of Object.keys(SHOWN) as DocumentName[]) {
        const text = await documentText(tenderId, name);
        for (const item of items.filter((i) => SHOWN[name].kinds.includes(i.kind))) {
          const chosen = renderItemTexts(templatesIn(item, language), item.parameters, valuesOf(item), language);
          const defaults = renderItemTexts(templatesIn(item, language), item.parameters, {}, language);
          for (const field of SHOWN[name].fields) {
            if (flat(chosen[field]) === flat(defaults[field])) continue;
            if (!text.includes(asStored(name, chosen[field]))) misses.push(`${name}: ${item.key} ${field} lacks the chosen values`);
            if (text.includes(asStored(name, defaults[field]))) misses.push(`${name}: ${item.key} ${field} states the defaults`);
          }
        }
      }
      expect(misses).toEqual([]);
    },
  );

  test('When an item\'s title uses a parameter, then the tender page, the item page and the tender\'s JSON show the title with the tender\'s value', async () => {
    const created = await send('post', '/api/tenders', { title: 'Overgang', reference: 'PAR-title', language: 'nb', contactEmail: 'innkjop@parameterby.no' });
    const tenderId = created.body.id as string;
    await send('post', `/api/tenders/${tenderId}/items`, { keys: ['EXIT-003'] }).expect(201);
    const before = await editor.agent.get(`/api/tenders/${tenderId}`);
    const row = before.body.sections[0].items[0] as { id: string; version?: number };
    await send('put', `/api/tenders/${tenderId}/items/${row.id}`, { parameterValues: { alternativeTransitionMonths: 6 }, ...(row.version !== undefined ? { version: row.version } : {}) }).expect(204);
    const title = 'Alternativ overgangsperiode på høyst 6 måneder ved teknisk umulighet';
    const json = await editor.agent.get(`/api/tenders/${tenderId}`);
    expect(json.body.sections[0].items[0].title).toBe(title);
    const page = await editor.agent.get(`/tenders/${tenderId}`);
    expect(page.text).toContain(title);
    expect(page.text).not.toContain('{{alternativeTransitionMonths}}');
    const itemPage = await editor.agent.get(`/tenders/${tenderId}/items/${row.id}`);
    expect(itemPage.text).toContain(title);
    expect(itemPage.text).toContain('ikke kan overstige 6 måneder');
    expect(itemPage.text).not.toContain('sju måneder');
  });
});
