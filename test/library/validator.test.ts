import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  checkLibraryCompleteness,
  checkParameterNumbers,
  LibraryFilesError,
  loadLibraryFiles,
  numberWords,
  type LibraryProblem,
  type LoadedLibrary,
} from '../../server/library/library.files';
import { copyOfLibrary, SHIPPED_LIBRARY } from '../helpers/library';

let copy: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  copy = await copyOfLibrary();
});
afterEach(() => copy.remove());

const file = (...parts: string[]) => path.join(copy.dir, ...parts);

async function edit(relative: string, change: (text: string) => string): Promise<void> {
  const text = await readFile(file(relative), 'utf8');
  const changed = change(text);
  expect(changed).not.toBe(text);
  await writeFile(file(relative), changed);
}

/** The problems the library folder is refused with; fails the test if it is accepted. */
async function problems(): Promise<LibraryProblem[]> {
  const error = await loadLibraryFiles(copy.dir).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LibraryFilesError);
  return (error as LibraryFilesError).problems;
}

const EXIT_002 = path.join('exit-transition', 'EXIT-002.yaml');
const EXP_001 = path.join('export', 'EXP-001.yaml');
const HEALTH_PACK = path.join('packs', 'health-care.yaml');

describe('the validator of the current format', () => {
  test('When an item does not say when its check happens, then it is refused at verification.phases', async () => {
    await edit(EXP_001, (t) => t.replace(/\n {2}phases: \[[^\]]*\]/, ''));
    expect(await problems()).toEqual([{ file: EXP_001, path: 'verification.phases', message: expect.stringMatching(/tender, acceptance, operation/) }]);
  });

  test('When a phase is unknown or named twice, then the schema refuses it at verification.phases', async () => {
    await edit(EXP_001, (t) => t.replace(/phases: \[[^\]]*\]/, 'phases: [tender, tender, review]'));
    expect(await problems()).toEqual(expect.arrayContaining([expect.objectContaining({ file: EXP_001, path: 'verification.phases[2]' })]));
    await edit(EXP_001, (t) => t.replace('phases: [tender, tender, review]', 'phases: [tender, tender]'));
    expect(await problems()).toEqual([{ file: EXP_001, path: 'verification.phases', message: 'phase tender is named twice' }]);
  });

  test('When a clause has no SSA alignment, then it is refused at ssa', async () => {
    await edit(EXIT_002, (t) => t.replace(/\nssa:\n(?: {2}.*\n)+/, '\n'));
    expect(await problems()).toEqual([{ file: EXIT_002, path: 'ssa', message: expect.stringMatching(/a clause needs its SSA alignment/) }]);
  });

  test('When a requirement carries an SSA alignment, then it is refused at ssa', async () => {
    const ssa = (await readFile(file(EXIT_002), 'utf8')).match(/\nssa:\n(?: {2}.*\n)+/)?.[0] ?? '';
    await edit(EXP_001, (t) => t.replace('\ndomains:', `${ssa}domains:`));
    expect(await problems()).toEqual([{ file: EXP_001, path: 'ssa', message: expect.stringMatching(/only a clause carries an SSA alignment/) }]);
  });

  test('When an SSA alignment names an agreement that is not registered as a contract template, then it is refused at the agreement', async () => {
    await edit('sources.yaml', (t) => t.replace(/(- id: ssa-v\n(?: {2}.*\n)*? {2}kind: )contract-template/, '$1guidance'));
    expect(await problems()).toEqual(expect.arrayContaining([{ file: EXIT_002.replace('002', '001'), path: 'ssa.agreements[3]', message: 'ssa-v is registered as a guidance, not as a contract template' }]));
  });

  test('When a section does not follow its source\'s format, then it is refused at the section, with the format\'s example', async () => {
    await edit(EXP_001, (t) => t.replace('section: Prinsipp 4.5', 'section: "4.5"'));
    expect(await problems()).toEqual([{ file: EXP_001, path: 'references[1].section', message: '"4.5" does not follow the section format of digdir-arkitekturprinsipper, for example "Prinsipp 4.5"' }]);
  });

  test('When a title spells out a parameter default in digits, then it is refused at the title', async () => {
    await edit(EXIT_002, (t) => t.replace('nb: Overgangsperiode med full drift', 'nb: Overgangsperiode på høyst 30 dager med full drift'));
    expect(await problems()).toEqual([{ file: EXIT_002, path: 'title.nb', message: 'spells out "30", the default of parameter transitionDays; write {{transitionDays}} instead' }]);
  });

  test('When a title spells out a parameter default as a Norwegian or English number word, then it is refused at the title in that language', async () => {
    const relative = path.join('exit-transition', 'EXIT-003.yaml');
    await edit(relative, (t) => t.replace('nb: Alternativ overgangsperiode på høyst {{alternativeTransitionMonths}} måneder', 'nb: Alternativ overgangsperiode på høyst sju måneder').replace('en: Alternative transitional period of at most {{alternativeTransitionMonths}} months', 'en: Alternative transitional period of at most seven months'));
    expect(await problems()).toEqual([
      { file: relative, path: 'title.nb', message: expect.stringMatching(/^spells out "sju", the default of parameter alternativeTransitionMonths/) },
      { file: relative, path: 'title.en', message: expect.stringMatching(/^spells out "seven", the default of parameter alternativeTransitionMonths/) },
    ]);
  });

  test('When response guidance writes a parameter default instead of the parameter, then it is refused at the guidance', async () => {
    await edit(EXIT_002, (t) => t.replace('calendar days for the offered solution', 'calendar days for the offered solution, that is thirty days'));
    expect(await problems()).toEqual([{ file: EXIT_002, path: 'responseGuidance.en', message: 'spells out "thirty", the default of parameter transitionDays; write {{transitionDays}} instead' }]);
  });

  test('When the verification text or a piece of evidence writes a parameter default instead of the parameter, then it is refused at that text', async () => {
    const relative = path.join('exit-transition', 'EXIT-003.yaml');
    await edit(relative, (t) => t.replace('exceed\n      {{alternativeTransitionMonths}} months', 'exceed seven months').replace('nb: Kontraktsutkast med klausulen og eventuelle forbehold markert', 'nb: Kontraktsutkast med en alternativ periode på høyst 7 måneder'));
    expect(await problems()).toEqual([
      { file: relative, path: 'evidence[0].nb', message: 'spells out "7", the default of parameter alternativeTransitionMonths; write {{alternativeTransitionMonths}} instead' },
      { file: relative, path: 'verification.text.en', message: 'spells out "seven", the default of parameter alternativeTransitionMonths; write {{alternativeTransitionMonths}} instead' },
    ]);
  });

  test('When a title uses a parameter, then it is accepted as a template like the clause text', async () => {
    await edit(EXIT_002, (t) => t.replace('nb: Overgangsperiode med full drift', 'nb: Overgangsperiode på høyst {{transitionDays}} dager med full drift'));
    const library = await loadLibraryFiles(copy.dir);
    expect(library.items.find((i) => i.item.key === 'EXIT-002')?.item.title.nb).toBe('Overgangsperiode på høyst {{transitionDays}} dager med full drift');
  });

  test('When an older version in the same file predates the current format, then only the newest version is held to it', async () => {
    const text = await readFile(file(EXP_001), 'utf8');
    const older = text.replace(/^version: .*$/m, 'version: 1.0.0').replace(/\n {2}phases: \[[^\]]*\]/, '').replace('section: Prinsipp 4.5', 'section: "4.5"');
    await writeFile(file(EXP_001), `${older}---\n${text}`);
    const library = await loadLibraryFiles(copy.dir);
    expect(library.items.filter((i) => i.item.key === 'EXP-001').map((i) => i.item.version)).toEqual(['1.0.0', '1.2.0']);
  });
});

describe('the validator across files', () => {
  test('When supersedes or replacedBy names a key no item has, then it is refused at that field', async () => {
    await edit(EXP_001, (t) => t.replace('\ndomains:', '\nsupersedes: EXP-999\ndomains:'));
    await edit(EXIT_002, (t) => t.replace('status: published', 'status: deprecated\nreplacedBy: EXIT-999'));
    expect(await problems()).toEqual(
      expect.arrayContaining([
        { file: EXP_001, path: 'supersedes', message: 'no library item has the key EXP-999' },
        { file: EXIT_002, path: 'replacedBy', message: 'no library item has the key EXIT-999' },
      ]),
    );
  });

  test('When a reference cites a source that is not registered, then it is refused at the source', async () => {
    await edit(EXP_001, (t) => t.replace('source: digdir-arkitekturprinsipper', 'source: digdir-principles'));
    expect(await problems()).toEqual([{ file: EXP_001, path: 'references[1].source', message: 'unknown source "digdir-principles"; register it in sources.yaml' }]);
  });

  test('When a source declares a section format whose example does not match its pattern, then sources.yaml is refused at the example', async () => {
    await edit('sources.yaml', (t) => t.replace("example: 'Prinsipp 4.5'", "example: 'Principle 4.5'"));
    expect(await problems()).toEqual([{ file: 'sources.yaml', path: expect.stringMatching(/^\[\d+\]\.sectionFormat\.example$/), message: expect.stringMatching(/does not match the pattern/) }]);
  });
});

describe('the validator of sector packs', () => {
  test('When a pack names an unknown item, a deprecated item or an item not written for its domain, then each is refused at its place in items', async () => {
    await edit(EXIT_002, (t) => t.replace('status: published', 'status: deprecated'));
    await edit(HEALTH_PACK, (t) => t.replace('items: [STD-001,', 'items: [HEL-999, EXIT-002, EXP-001, STD-001,'));
    expect(await problems()).toEqual([
      { file: HEALTH_PACK, path: 'items[0]', message: 'no library item has the key HEL-999' },
      { file: HEALTH_PACK, path: 'items[1]', message: 'EXIT-002 is deprecated; a pack holds published items only' },
      { file: HEALTH_PACK, path: 'items[2]', message: expect.stringMatching(/^EXP-001 is not written for the domain health-care/) },
    ]);
  });

  test('When a pack holds fewer than eight items or one item twice, then it is refused at items', async () => {
    await edit(HEALTH_PACK, (t) => t.replace(/items: \[.*\]/, 'items: [STD-001, STD-001, STD-002]'));
    expect(await problems()).toEqual(
      expect.arrayContaining([
        { file: HEALTH_PACK, path: 'items', message: 'a pack holds at least 8 items' },
        { file: HEALTH_PACK, path: 'items', message: 'STD-001 is listed twice' },
      ]),
    );
  });

  test('When a pack is for all domains or its file is named after another key, then it is refused at domain and key', async () => {
    await edit(HEALTH_PACK, (t) => t.replace('domain: health-care', 'domain: all'));
    await writeFile(file('packs', 'helse.yaml'), await readFile(file(HEALTH_PACK), 'utf8'));
    await rm(file(HEALTH_PACK));
    expect(await problems()).toEqual(
      expect.arrayContaining([
        { file: path.join('packs', 'helse.yaml'), path: 'domain', message: 'must be one domain, not "all"' },
      ]),
    );
    await edit(path.join('packs', 'helse.yaml'), (t) => t.replace('domain: all', 'domain: health-care'));
    expect(await problems()).toEqual([{ file: path.join('packs', 'helse.yaml'), path: 'key', message: 'the file of pack health-care must be named health-care.yaml' }]);
  });
});

describe('the completeness of the library as a whole', () => {
  let shipped: LoadedLibrary;
  beforeAll(async () => {
    shipped = await loadLibraryFiles(SHIPPED_LIBRARY);
  });

  test('When the shipped library is checked, then it has no completeness problem', () => {
    expect(checkLibraryCompleteness(shipped)).toEqual([]);
  });

  test('When a theme loses items, then it is reported with the items that remain', () => {
    const items = shipped.items.map((i) => (i.item.key === 'ARK-003' ? i : { ...i, item: { ...i.item, themes: i.item.themes.filter((t) => t !== 15) } }));
    expect(checkLibraryCompleteness({ ...shipped, items })).toEqual([{ file: '(all items)', path: 'themes', message: 'theme 15 is covered by 1 published item(s) (ARK-003); each theme needs at least 3' }]);
  });

  test('When a domain has fewer than five published items written for it, then it is reported; items for all domains do not count', () => {
    const cultureDeprecated = { ...shipped, items: shipped.items.map((i) => (i.item.key === 'KUL-001' ? { ...i, item: { ...i.item, status: 'deprecated' as const } } : i)) };
    expect(checkLibraryCompleteness(cultureDeprecated)).toEqual([{ file: '(all items)', path: 'domains', message: expect.stringMatching(/^domain culture has 4 published item\(s\) written for it \(.*\); each domain needs at least 5$/) }]);
  });

  test('When a source declares no section format, then sources.yaml is reported at that source', () => {
    const [first, ...rest] = shipped.sources;
    const sources = [{ ...first!, sectionFormat: undefined }, ...rest];
    expect(checkLibraryCompleteness({ ...shipped, sources })).toEqual([{ file: 'sources.yaml', path: '[0].sectionFormat', message: `source ${first!.id} declares no section format` }]);
  });
});

describe('the number rule', () => {
  test('When numbers are written out, then both bokmål and English forms are known, compound ones too', () => {
    expect(numberWords(7, 'nb')).toEqual(['sju', 'syv']);
    expect(numberWords(30, 'nb')).toEqual(['tretti', 'tredve']);
    expect(numberWords(24, 'nb')).toEqual(expect.arrayContaining(['tjuefire', 'fire og tjue', 'tyvefire']));
    expect(numberWords(30, 'en')).toEqual(['thirty']);
    expect(numberWords(21, 'en')).toEqual(['twenty-one', 'twenty one']);
    expect(numberWords(1, 'nb')).toEqual([]);
  });

  test('When a text holds a number only as part of another number, a template or a bracketed point, then it is not taken for the default', () => {
    const item = (title: string, guidance = 'Beskriv {{days}} dager.') => ({
      title: { nb: title, en: 'Title' },
      responseGuidance: { nb: guidance, en: 'Describe {{days}} days.' },
      verification: { text: { nb: 'Kunden kontrollerer fristen.', en: 'The Customer checks the deadline.' } },
      evidence: [{ nb: 'Kontrakten', en: 'The contract' }],
      parameters: [{ name: 'days', type: 'integer' as const, default: 30, label: { nb: 'Dager', en: 'Days' } }],
    });
    expect(checkParameterNumbers(item('Frist etter art. 25 nr. 2 i 2030 (30)'), 'x.yaml')).toEqual([]);
    expect(checkParameterNumbers(item('Frist på 30 dager'), 'x.yaml')).toEqual([expect.objectContaining({ path: 'title.nb' })]);
    expect(checkParameterNumbers(item('Frist på tretti dager'), 'x.yaml')).toEqual([expect.objectContaining({ path: 'title.nb' })]);
    expect(checkParameterNumbers(item('Frist', 'Fristen er 30,0 dager.'), 'x.yaml')).toEqual([]);
  });
});
