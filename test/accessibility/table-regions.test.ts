import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/*
 * At 320 CSS px a data table may scroll sideways only inside its own labelled region
 * (`.dk-table-scroll`, or the comparison matrix's `.dk-matrix-wrap`). The browser crawl checks the
 * layout of one page of each shape, and that page may happen to hold no wide table; this test
 * reads every template, so a table that is never wrapped fails whatever data a crawl meets.
 */

const TEMPLATES = path.join(__dirname, '../../templates');
const REGION = /\bclass="[^"]*\b(dk-table-scroll|dk-matrix-wrap)\b/;

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templates(full);
    return entry.name.endsWith('.hbs') ? [full] : [];
  });
}

type Finding = { file: string; line: number; problem: string };

/** The tables of one template that sit in no scroll region (a table inside another table's cell is inside that one's region). */
function tablesOutsideRegions(file: string, source: string): Finding[] {
  const findings: Finding[] = [];
  const open: { tag: string; region: boolean }[] = [];
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  for (const match of source.matchAll(/<(\/?)(div|table)\b([^>]*)>/g)) {
    const [, closing, tag, attributes] = match as unknown as [string, string, 'div' | 'table', string];
    if (closing) {
      const at = open.map((e) => e.tag).lastIndexOf(tag);
      if (at < 0) findings.push({ file, line: lineOf(match.index ?? 0), problem: `</${tag}> closes nothing` });
      else open.splice(at);
      continue;
    }
    if (tag === 'table' && !open.some((e) => e.region || e.tag === 'table')) findings.push({ file, line: lineOf(match.index ?? 0), problem: 'table outside a scroll region' });
    open.push({ tag, region: REGION.test(attributes) });
  }
  return findings;
}

test('When any template shows a table, then it sits in a labelled scroll region, so no page scrolls sideways at 320 px whatever the data', () => {
  const files = templates(TEMPLATES);
  const withTables = files.filter((file) => readFileSync(file, 'utf8').includes('<table'));
  expect(withTables.length).toBeGreaterThan(20);
  const findings = files.flatMap((file) => tablesOutsideRegions(path.relative(TEMPLATES, file), readFileSync(file, 'utf8')));
  expect(findings).toEqual([]);
});

test('When a template holds a table outside a region, then the check names its file and line', () => {
  const source = ['<section>', '  <div class="dk-table-scroll" role="region" aria-label="x" tabindex="0"><table><tr><td><table></table></td></tr></table></div>', '  <table class="ds-table">', '  </table>', '</section>'].join('\n');
  expect(tablesOutsideRegions('example.hbs', source)).toEqual([{ file: 'example.hbs', line: 3, problem: 'table outside a scroll region' }]);
});
