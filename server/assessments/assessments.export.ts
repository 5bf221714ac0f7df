import { loadExcelJs } from '../shared/exceljs';
import type { Translator } from '../shared/i18n';
import type { Cell, ComparisonRow, ProfileItemView } from './assessments.cells';
import { VERDICTS, type Score } from './scoring';

/** The comparison as a table: one row per product, the scores, then one column per requirement. */
export type ExportTable = { header: string[]; rows: (string | number)[][] };

const STATES = ['verified', 'unverified', 'expired', 'rejected', 'change_requested', 'changed', 'lapsed'] as const;
const STATUSES = ['meets', 'partly', 'does_not_meet', 'not_applicable'] as const;

/** A cell as text: the status and how far it is verified, never colour alone. Labels are looked up once per table. */
export function cellTexts(t: Translator): (cell: Cell) => string {
  const status = Object.fromEntries(STATUSES.map((s) => [s, t(`assessments.statuses.${s}`)]));
  const state = Object.fromEntries(STATES.map((s) => [s, t(`assessments.exportState.${s}`)]));
  const unanswered = t('assessments.statuses.unanswered');
  const verdict = Object.fromEntries(VERDICTS.map((v) => [v, t(`assessments.verdict.${v}`)]));
  // The verdict, as the matrix colours it; the review's own state after it where it says more.
  return (cell) => {
    if (!cell.status) return unanswered;
    const detailState = cell.lapsed ? 'lapsed' : cell.verification === 'change_requested' || cell.verification === 'changed' ? cell.verification : null;
    const word = verdict[cell.verdict] ?? '';
    return `${status[cell.status]} (${detailState ? `${word}: ${state[detailState]}` : word})`;
  };
}

/** The findings of one basis as one text: each A or AV key with why it does not pass. */
export const findingsText = (score: Score, t: Translator) => score.findings.map((f) => t(`assessments.reason.${f.reason}`, { key: f.key })).join('; ');

export function comparisonTable(items: ProfileItemView[], rows: ComparisonRow[], t: Translator): ExportTable {
  const cellText = cellTexts(t);
  const qualification = (score: Score) => t(`assessments.qualification.${score.qualification}`);
  const header = [
    t('assessments.columns.rank'),
    t('assessments.columns.vendor'),
    t('assessments.columns.product'),
    t('assessments.columns.version'),
    t('assessments.columns.claimedScore'),
    t('assessments.scoring.claimedQualification'),
    t('assessments.scoring.claimedFindings'),
    t('assessments.columns.verifiedScore'),
    t('assessments.scoring.verifiedQualification'),
    t('assessments.scoring.verifiedFindings'),
    t('assessments.columns.coverage'),
    t('assessments.columns.verifiedShare'),
    ...items.map((i) => `${i.key} (${i.type}${i.type === 'A' ? '' : `, ${i.weight}`})`),
  ];
  return {
    header,
    rows: rows.map((row, n) => [
      n + 1,
      row.vendorName,
      row.name,
      row.versionLabel ?? '',
      row.score.claimed.score ?? '',
      qualification(row.score.claimed),
      findingsText(row.score.claimed, t),
      row.score.verified.score ?? '',
      qualification(row.score.verified),
      findingsText(row.score.verified, t),
      row.score.claimed.coverage,
      row.score.verifiedShare,
      ...row.cells.map(cellText),
    ]),
  };
}

/** A spreadsheet application must not read a cell as a formula: such text gets a leading apostrophe. */
function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV with a byte order mark and semicolons, as Norwegian Excel expects. */
export function toCsv(table: ExportTable): Buffer {
  const lines = [table.header, ...table.rows].map((row) => row.map(csvField).join(';'));
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
}

/**
 * Column names of a spreadsheet table must be unique and not empty; a repeated one gets its
 * position after it, so every column still says what it holds.
 */
function tableColumnNames(header: string[]): string[] {
  const seen = new Set<string>();
  return header.map((name, index) => {
    const text = name.trim() || String(index + 1);
    const unique = seen.has(text) ? `${text} (${index + 1})` : text;
    seen.add(unique);
    return unique;
  });
}

/**
 * The comparison as a workbook whose header row and products form a named table, so a screen
 * reader announces each cell with its column heading and the filter buttons sort and filter it.
 */
export async function toXlsx(table: ExportTable, sheetName: string): Promise<Buffer> {
  const workbook = new (await loadExcelJs()).Workbook();
  workbook.creator = 'Datakrav';
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', xSplit: 3, ySplit: 1 }] });
  const columns = tableColumnNames(table.header);
  if (table.rows.length > 0) {
    sheet.addTable({
      // A table name is one word of letters, digits and underscores that starts with a letter.
      name: sheetName.normalize('NFKD').replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z_]/, 'T'),
      ref: 'A1',
      headerRow: true,
      totalsRow: false,
      style: { theme: 'TableStyleLight1', showRowStripes: true },
      columns: columns.map((name) => ({ name, filterButton: true })),
      rows: table.rows,
    });
  } else {
    sheet.addRow(columns);
  }
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column, n) => {
    column.width = n < 3 ? 28 : 16;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
