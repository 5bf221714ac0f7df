import { loadLibraryFiles } from '../../server/library/library.files';
import { CATEGORIES, THEME_COUNT } from '../../server/library/library.codes';
import type { LoadedLibrary } from '../../server/library/library.files';
import { SHIPPED_LIBRARY } from '../helpers/library';

let library: LoadedLibrary;
beforeAll(async () => {
  library = await loadLibraryFiles(SHIPPED_LIBRARY);
});

const items = () => library.items.map((i) => i.item);

describe('the shipped requirement library', () => {
  test('When the library is loaded, then every file is valid and there are at least 60 items of both kinds', () => {
    expect(items().length).toBeGreaterThanOrEqual(60);
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

  test('When the EU Data Act Art. 25(2) minimum content is checked, then clauses cover every point (a) to (i)', () => {
    const clauseSections = new Set(items().filter((i) => i.kind === 'clause').flatMap((i) => i.references.filter((r) => r.source === 'eu-data-act').map((r) => r.section.replace(/\s+/g, ''))));
    for (const point of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) expect(clauseSections.has(`Art.25(2)(${point})`)).toBe(true);
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
