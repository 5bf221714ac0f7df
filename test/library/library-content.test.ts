import { checkLibraryCompleteness, loadLibraryFiles, MIN_ITEMS_PER_DOMAIN, MIN_ITEMS_PER_THEME, newestVersions } from '../../server/library/library.files';
import { CATEGORIES, DOMAINS, SSA_AGREEMENTS, THEME_COUNT } from '../../server/library/library.codes';
import type { LoadedLibrary } from '../../server/library/library.files';
import { SHIPPED_LIBRARY } from '../helpers/library';

let library: LoadedLibrary;
beforeAll(async () => {
  library = await loadLibraryFiles(SHIPPED_LIBRARY);
});

const items = () => library.items.map((i) => i.item);
const published = () => [...newestVersions(library.items).values()].map((i) => i.item).filter((i) => i.status === 'published');
const clauseSections = () => new Set(published().filter((i) => i.kind === 'clause').flatMap((i) => i.references.filter((r) => r.source === 'eu-data-act').map((r) => r.section)));

describe('the shipped requirement library', () => {
  test('When the library is loaded, then every file is valid and there are items of both kinds, more requirements than clauses', () => {
    expect(items().length).toBeGreaterThanOrEqual(160);
    const requirements = items().filter((i) => i.kind === 'requirement').length;
    const clauses = items().filter((i) => i.kind === 'clause').length;
    expect(requirements).toBeGreaterThan(clauses);
    expect(clauses).toBeGreaterThanOrEqual(20);
  });

  test('When themes are counted, then all 30 themes are covered', () => {
    const themes = new Set(items().flatMap((i) => i.themes));
    expect([...themes].sort((a, b) => a - b)).toEqual(Array.from({ length: THEME_COUNT }, (_, i) => i + 1));
  });

  test('When categories are counted, then every category has items', () => {
    const categories = new Set(items().map((i) => i.category));
    expect([...categories].sort()).toEqual([...CATEGORIES].sort());
  });

  test('When references are checked, then every one points to a registered source and names an article or section', () => {
    const sources = new Set(library.sources.map((s) => s.id));
    for (const item of items()) {
      for (const ref of item.references) {
        expect(sources.has(ref.source)).toBe(true);
        expect(ref.section.trim().length).toBeGreaterThan(0);
      }
    }
  });

  test('When texts are checked, then both languages are present and differ, and parameters are all declared and used', () => {
    for (const item of items()) {
      for (const field of [item.title, item.text, item.rationale, item.responseGuidance, item.verification.text, ...item.evidence]) {
        expect(field.nb.trim()).not.toBe('');
        expect(field.en.trim()).not.toBe('');
      }
      expect(item.text.nb).not.toBe(item.text.en);
      const used = new Set([...`${item.text.nb} ${item.text.en} ${item.responseGuidance.nb} ${item.responseGuidance.en}`.matchAll(/\{\{[#/]?(?:if |unless )?([a-zA-Z0-9]+)\}\}/g)].map((m) => m[1]).filter((n) => n !== 'else'));
      expect([...used].sort()).toEqual(item.parameters.map((p) => p.name).sort());
    }
  });

  test('When the EU Data Act Art. 25(2) minimum content is checked, then clauses cite every point (a) to (i)', () => {
    const sections = clauseSections();
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].filter((point) => !sections.has(`Art. 25(2)(${point})`))).toEqual([]);
  });

  test('When the other switching rules of the issue are checked, then clauses cite Art. 25(1) and (4), 29 and 29(5), 30(3) and (4), 34(1), and an item cites 31(3)', () => {
    const sections = clauseSections();
    expect(['Art. 25(1)', 'Art. 25(4)', 'Art. 29(5)', 'Art. 30(3)', 'Art. 30(4)', 'Art. 34(1)'].filter((section) => !sections.has(section))).toEqual([]);
    expect([...sections].some((section) => section.startsWith('Art. 29'))).toBe(true);
    expect(published().some((i) => i.references.some((r) => r.source === 'eu-data-act' && r.section === 'Art. 31(3)'))).toBe(true);
  });

  test('When the issue\'s counts are checked, then there are at least 160 published items, six sector packs of at least eight, every theme and every domain covered', () => {
    expect(published().length).toBeGreaterThanOrEqual(160);
    expect(library.packs.map((p) => p.pack.domain).sort()).toEqual(['case-archive', 'health-care', 'planning-geodata', 'school', 'transport', 'water-sewer']);
    for (const { pack } of library.packs) expect(pack.items.length).toBeGreaterThanOrEqual(8);
    for (let theme = 1; theme <= THEME_COUNT; theme++) expect(published().filter((i) => i.themes.includes(theme)).length).toBeGreaterThanOrEqual(MIN_ITEMS_PER_THEME);
    for (const domain of DOMAINS.filter((d) => d !== 'all')) expect(published().filter((i) => i.domains.includes(domain)).length).toBeGreaterThanOrEqual(MIN_ITEMS_PER_DOMAIN);
    expect(checkLibraryCompleteness(library)).toEqual([]);
  });

  test('When the format is checked, then every item says when its check happens and every clause its SSA alignment, with every SSA agreement in use', () => {
    expect(published().filter((i) => !i.verification.phases).map((i) => i.key)).toEqual([]);
    const clauses = published().filter((i) => i.kind === 'clause');
    expect(clauses.filter((i) => !i.ssa).map((i) => i.key)).toEqual([]);
    const agreements = new Set(clauses.flatMap((i) => i.ssa?.agreements ?? []));
    expect([...agreements].sort()).toEqual([...SSA_AGREEMENTS].sort());
  });

  test('When the Commission\'s model terms are looked for, then clauses on switching, termination and product data refer to them', () => {
    const cited = new Set(published().filter((i) => i.kind === 'clause').flatMap((i) => i.references.filter((r) => r.source === 'eu-cloud-model-terms').map((r) => r.section)));
    expect(cited).toEqual(new Set(['SCC Switching and Exit', 'SCC Termination', 'MCT Data Holder to User']));
  });

  test('When the sector packs are opened, then each names published items written for its domain', () => {
    const byKey = new Map(published().map((i) => [i.key, i]));
    for (const { pack } of library.packs) {
      for (const key of pack.items) expect(byKey.get(key)?.domains).toContain(pack.domain);
    }
  });

  test('When domain-specific items are looked for, then health (FHIR, PLO), archive (Noark 5, Fiks arkiv), geodata (SOSI, OGC) and sensors are there', () => {
    const find = (domain: string, word: RegExp) => items().some((i) => i.domains.includes(domain as never) && word.test(`${i.title.en} ${i.text.en}`));
    expect(find('health-care', /FHIR/)).toBe(true);
    expect(find('health-care', /PLO/)).toBe(true);
    expect(find('case-archive', /Noark 5/)).toBe(true);
    expect(items().some((i) => /Fiks arkiv/.test(i.text.en))).toBe(true);
    expect(find('planning-geodata', /SOSI/)).toBe(true);
    expect(find('planning-geodata', /WMS|WFS|OGC/)).toBe(true);
    expect(find('water-sewer', /sensor/i)).toBe(true);
  });

  test('When verification is checked, then every item names a method and what the buyer checks, and the evidence to supply', () => {
    for (const item of items()) {
      expect(item.verification.text.nb.length).toBeGreaterThan(20);
      expect(item.evidence.length).toBeGreaterThan(0);
    }
  });
});
