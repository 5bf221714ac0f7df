import { createHash } from 'node:crypto';
import type { Cell, CellValue, DataValidation, Style, Workbook, Worksheet } from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { loadExcelJs } from '../shared/exceljs';
import { AppError, type FieldError } from '../shared/errors';
import type { DocumentItem, DocumentLanguage, TenderDocumentModel } from './document-model';
import { setZipEntryDates } from './zip-entry-dates';

/**
 * The vendor response sheet ("svarskjema"): one row per requirement of a tender revision, the
 * requirement columns locked and the answer columns open. A very hidden metadata sheet ties the
 * file to its tender and revision, with a hash of each row's locked cells, so an uploaded sheet
 * can be checked against the revision it claims to answer.
 *
 * Sheet protection has no password: it keeps vendors from changing requirement text by
 * accident. It is not security; anyone can lift it, which is why the import compares every
 * locked cell with the tender again.
 */

export type ResponseAnswer = { key: string; answer: 'yes' | 'partly' | 'no'; explanation: string; documentation: string };
type AnswerValue = ResponseAnswer['answer'];

export const RESPONSE_SHEET_INVALID = 'tender.response_sheet_invalid';
export const MAX_EXPLANATION_LENGTH = 5000;
export const METADATA_SHEET = 'Datakrav';
const FORMAT = 'datakrav-response-sheet/1';

const HEADER_ROW = 4;
/** Name of the table of requirements and answers on the response sheet. */
export const RESPONSE_TABLE = 'Svarskjema';
export const FIRST_ROW = HEADER_ROW + 1;

const LOCKED_COLUMNS = ['key', 'requirement', 'type', 'weight', 'guidance'] as const;
type LockedColumn = (typeof LOCKED_COLUMNS)[number];
type ColumnId = LockedColumn | 'answer' | 'explanation' | 'documentation';

/** Column order and width in characters; the letter of a column is its position. */
const COLUMNS: { id: ColumnId; width: number }[] = [
  { id: 'key', width: 11 },
  { id: 'requirement', width: 62 },
  { id: 'type', width: 7 },
  { id: 'weight', width: 8 },
  { id: 'guidance', width: 42 },
  { id: 'answer', width: 11 },
  { id: 'explanation', width: 52 },
  { id: 'documentation', width: 36 },
];
const COLUMN_NUMBER = Object.fromEntries(COLUMNS.map((c, i) => [c.id, i + 1])) as Record<ColumnId, number>;
const columnLetter = (id: ColumnId) => String.fromCharCode(64 + COLUMN_NUMBER[id]);
const LAST_LETTER = String.fromCharCode(64 + COLUMNS.length);

type Labels = {
  sheet: string;
  columns: Record<ColumnId, string>;
  answers: Record<AnswerValue, string>;
  reference: string;
  revision: string;
  draft: string;
  date: string;
  deadline: string;
  instructions: string;
  answerPrompt: string;
  answerError: string;
};

const LABELS: Record<DocumentLanguage, Labels> = {
  nb: {
    sheet: 'Svarskjema',
    columns: {
      key: 'Nr.',
      requirement: 'Krav',
      type: 'Type',
      weight: 'Vekt',
      guidance: 'Krav til besvarelse',
      answer: 'Svar',
      explanation: 'Forklaring',
      documentation: 'Dokumentasjon',
    },
    answers: { yes: 'Ja', partly: 'Delvis', no: 'Nei' },
    reference: 'Referanse',
    revision: 'Revisjon',
    draft: 'Utkast, ikke kunngjort',
    date: 'Dato',
    deadline: 'Frist',
    instructions:
      'Fyll ut kolonnene Svar, Forklaring og Dokumentasjon for hvert krav. De andre kolonnene er låst. Ikke legg til, flytt eller slett rader, og last opp dette skjemaet, ikke en kopi av innholdet.',
    answerPrompt: 'Velg Ja, Delvis eller Nei.',
    answerError: 'Svaret må være Ja, Delvis eller Nei.',
  },
  en: {
    sheet: 'Response sheet',
    columns: {
      key: 'Key',
      requirement: 'Requirement',
      type: 'Type',
      weight: 'Weight',
      guidance: 'What to answer',
      answer: 'Answer',
      explanation: 'Explanation',
      documentation: 'Documentation',
    },
    answers: { yes: 'Yes', partly: 'Partly', no: 'No' },
    reference: 'Reference',
    revision: 'Revision',
    draft: 'Draft, not issued',
    date: 'Date',
    deadline: 'Deadline',
    instructions:
      'Fill in the Answer, Explanation and Documentation columns for every requirement. The other columns are locked. Do not add, move or delete rows, and upload this sheet, not a copy of its content.',
    answerPrompt: 'Choose Yes, Partly or No.',
    answerError: 'The answer must be Yes, Partly or No.',
  },
};

/** Answers are accepted in either language, whatever the sheet's language, ignoring case. */
const ANSWER_VALUES = new Map<string, AnswerValue>(
  Object.values(LABELS).flatMap((labels) => (Object.entries(labels.answers) as [AnswerValue, string][]).map(([value, label]) => [label.toLowerCase(), value])),
);

const BORDER = { style: 'thin', color: { argb: 'FFBFBFBF' } } as const;
const BORDERS = { top: BORDER, left: BORDER, bottom: BORDER, right: BORDER };
const LOCKED_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } } as const;
const FONT = { name: 'Calibri', size: 11 };
const BOLD_FONT = { ...FONT, bold: true };

// One style object per kind of cell, shared by every cell of that kind, so exceljs registers
// each style once instead of building a new one per cell.
const STYLES = {
  title: { font: { ...FONT, size: 14, bold: true }, alignment: { vertical: 'middle' } },
  subtitle: { font: FONT, alignment: { vertical: 'middle' } },
  instructions: { font: { ...FONT, italic: true }, alignment: { vertical: 'top', wrapText: true } },
  header: {
    font: BOLD_FONT,
    alignment: { vertical: 'middle', wrapText: true },
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
    border: BORDERS,
  },
  locked: { font: FONT, alignment: { vertical: 'top', wrapText: true }, fill: LOCKED_FILL, border: BORDERS, protection: { locked: true } },
  lockedCentred: { font: FONT, alignment: { vertical: 'top', horizontal: 'center' }, fill: LOCKED_FILL, border: BORDERS, protection: { locked: true } },
  open: { font: FONT, alignment: { vertical: 'top', wrapText: true }, border: BORDERS, numFmt: '@', protection: { locked: false } },
} satisfies Record<string, Partial<Style>>;

const PROTECTION = { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true, autoFilter: true };

type LockedContent = Record<LockedColumn, string>;

function requirementsOf(model: TenderDocumentModel): DocumentItem[] {
  return model.sections.flatMap((section) => section.items.filter((item) => item.kind === 'requirement'));
}

function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

function lockedContent(item: DocumentItem): LockedContent {
  return {
    key: normaliseText(item.key),
    requirement: normaliseText(`${item.number} ${item.title}\n${item.text}`),
    type: item.type,
    weight: item.weight === null ? '' : String(item.weight),
    guidance: normaliseText(item.responseGuidance),
  };
}

function hashOf(content: LockedContent): string {
  return createHash('sha256')
    .update(JSON.stringify(LOCKED_COLUMNS.map((column) => content[column])))
    .digest('hex');
}

function subtitleOf(model: TenderDocumentModel, labels: Labels): string {
  const parts = [
    model.reference ? `${labels.reference}: ${model.reference}` : null,
    model.isDraft ? labels.draft : `${labels.revision} ${model.revision}`,
    `${labels.date}: ${model.date}`,
    model.deadline ? `${labels.deadline}: ${model.deadline}` : null,
  ];
  return parts.filter((part): part is string => part !== null).join('  ·  ');
}

function setCell(cell: Cell, value: CellValue, style: Partial<Style>): void {
  cell.value = value;
  cell.style = style;
}

function addTitleBlock(sheet: Worksheet, model: TenderDocumentModel, labels: Labels): void {
  const rows: [string, Partial<Style>, number][] = [
    [model.title, STYLES.title, 24],
    [subtitleOf(model, labels), STYLES.subtitle, 18],
    [labels.instructions, STYLES.instructions, 32],
  ];
  rows.forEach(([text, style, height], index) => {
    const row = sheet.getRow(index + 1);
    row.height = height;
    setCell(row.getCell(1), text, style);
    sheet.mergeCells(`A${index + 1}:${LAST_LETTER}${index + 1}`);
  });
}

// Neither Excel nor LibreOffice fits row heights to wrapped text when it opens a file, so each
// row gets a height estimated from its text: a Calibri 11 character averages a little less than
// the width unit (a "0"), and word wrapping wastes a few characters per line.
const LINE_HEIGHT = 15;
const MIN_LINES = 2;
/** Excel refuses taller rows. */
const MAX_ROW_HEIGHT = 409;

function linesFor(text: string, width: number, widthFactor = 1): number {
  const perLine = Math.max(1, Math.floor(width * 1.15 * widthFactor) - 2);
  return text.split('\n').reduce((lines, paragraph) => lines + Math.max(1, Math.ceil(paragraph.length / perLine)), 0);
}

function rowHeightFor(item: DocumentItem): number {
  const width = (id: ColumnId) => (COLUMNS[COLUMN_NUMBER[id] - 1] as { width: number }).width;
  const requirement = linesFor(`${item.number} ${item.title}`, width('requirement'), 0.9) + linesFor(item.text, width('requirement'));
  const lines = Math.max(MIN_LINES, requirement, linesFor(item.responseGuidance, width('guidance')));
  return Math.min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 4);
}

function addRequirementRow(sheet: Worksheet, rowNumber: number, item: DocumentItem): void {
  const row = sheet.getRow(rowNumber);
  row.height = rowHeightFor(item);
  setCell(row.getCell(COLUMN_NUMBER.key), item.key, STYLES.locked);
  setCell(
    row.getCell(COLUMN_NUMBER.requirement),
    { richText: [{ text: `${item.number} ${item.title}`, font: BOLD_FONT }, { text: `\n${item.text}`, font: FONT }] },
    STYLES.locked,
  );
  setCell(row.getCell(COLUMN_NUMBER.type), item.type, STYLES.lockedCentred);
  setCell(row.getCell(COLUMN_NUMBER.weight), item.weight, STYLES.lockedCentred);
  setCell(row.getCell(COLUMN_NUMBER.guidance), item.responseGuidance, STYLES.locked);
  for (const id of ['answer', 'explanation', 'documentation'] as const) setCell(row.getCell(COLUMN_NUMBER[id]), null, STYLES.open);
}

async function addMetadataSheet(workbook: Workbook, model: TenderDocumentModel, labels: Labels, items: DocumentItem[]): Promise<void> {
  const meta = workbook.addWorksheet(METADATA_SHEET, { state: 'veryHidden' });
  meta.addRows([
    ['format', FORMAT],
    ['tenderId', model.tenderId],
    ['reference', model.reference],
    ['revision', model.revision],
    ['language', model.language],
    ['date', model.date],
    ['sheet', labels.sheet],
    [],
    ['key', 'sha256'],
    ...items.map((item) => [item.key, hashOf(lockedContent(item))]),
  ]);
  // LibreOffice turns "very hidden" into plain hidden when it saves; protection still guards against edits.
  await meta.protect('', {});
}

const ANSWER_SHEET_PATH = 'xl/worksheets/sheet1.xml';
const CUSTOM_ROW_HEIGHT = /<row r="(\d+)" ht="([\d.]+)" customHeight="1"/g;

/**
 * Finishes the file exceljs wrote with its entries stored, not compressed: the requirement rows'
 * heights are marked as automatic rather than custom (exceljs marks every height custom), so Excel
 * grows a row when a vendor types a long answer; then every entry is compressed once, in exceljs's
 * order, and dated `isoDate`, so one revision always gives the same bytes. fflate compresses in
 * JavaScript, so the bytes do not depend on the zlib of the machine or of the Node.js version.
 */
function finishFile(stored: Buffer, isoDate: string): Buffer {
  const files = unzipSync(stored, { filter: (entry) => !entry.name.endsWith('/') });
  const sheet = files[ANSWER_SHEET_PATH];
  if (sheet) {
    files[ANSWER_SHEET_PATH] = strToU8(
      strFromU8(sheet).replace(CUSTOM_ROW_HEIGHT, (row: string, number: string, height: string) => (Number(number) >= FIRST_ROW ? `<row r="${number}" ht="${height}"` : row)),
    );
  }
  const zip = zipSync(files, { level: 6 });
  const file = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  setZipEntryDates(file, isoDate);
  return file;
}

/** The response sheet as an exceljs workbook, before it is written; the benchmark writes it on its own. */
export async function createResponseWorkbook(model: TenderDocumentModel): Promise<Workbook> {
  const labels = LABELS[model.language];
  const items = requirementsOf(model);
  const date = modelDate(model);
  const lastRow = HEADER_ROW + items.length;

  const workbook = new (await loadExcelJs()).Workbook();
  workbook.creator = 'Datakrav';
  workbook.lastModifiedBy = 'Datakrav';
  workbook.created = date;
  workbook.modified = date;
  workbook.title = `${labels.sheet}: ${model.title}`;
  workbook.subject = model.reference;

  const sheet = workbook.addWorksheet(labels.sheet, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW, topLeftCell: `A${FIRST_ROW}`, activeCell: `${columnLetter('answer')}${FIRST_ROW}` }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}` },
  });
  sheet.columns = COLUMNS.map((column) => ({ width: column.width }));
  addTitleBlock(sheet, model, labels);

  // A named table tells screen readers and Excel where the header row and the answers are; it
  // also carries the filter buttons. The cells are styled below, over the table's own values.
  sheet.addTable({
    name: RESPONSE_TABLE,
    ref: `A${HEADER_ROW}`,
    headerRow: true,
    totalsRow: false,
    style: { theme: 'TableStyleLight1', showRowStripes: false },
    columns: COLUMNS.map((column) => ({ name: labels.columns[column.id], filterButton: true })),
    rows: items.map(() => COLUMNS.map(() => '')),
  });
  const header = sheet.getRow(HEADER_ROW);
  header.height = 20;
  COLUMNS.forEach((column, index) => setCell(header.getCell(index + 1), labels.columns[column.id], STYLES.header));
  items.forEach((item, index) => addRequirementRow(sheet, FIRST_ROW + index, item));

  const answers = Object.values(labels.answers);
  const validation: DataValidation = {
    type: 'list',
    allowBlank: true,
    formulae: [`"${answers.join(',')}"`],
    showInputMessage: true,
    prompt: labels.answerPrompt,
    showErrorMessage: true,
    errorStyle: 'stop',
    error: labels.answerError,
  };
  // Set per cell with one shared object; exceljs writes them as a single range.
  for (let row = FIRST_ROW; row <= lastRow; row++) sheet.getCell(row, COLUMN_NUMBER.answer).dataValidation = validation;
  await sheet.protect('', PROTECTION);

  await addMetadataSheet(workbook, model, labels, items);
  return workbook;
}

function modelDate(model: TenderDocumentModel): Date {
  return new Date(`${model.date}T00:00:00Z`);
}

export async function buildResponseSheet(model: TenderDocumentModel): Promise<Buffer> {
  const workbook = await createResponseWorkbook(model);
  return finishFile(Buffer.from(await workbook.xlsx.writeBuffer({ zip: { compression: 'STORE' } })), model.date);
}

// ---------------------------------------------------------------------------------------------
// Import

type Metadata = { format: string; tenderId: string; reference: string; revision: string; language: string; sheet: string; hashes: Map<string, string> };

function plainText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) {
    const text = plainText(value.text as CellValue);
    return !text || text === value.hyperlink || text.includes(value.hyperlink) ? text || value.hyperlink : `${text} (${value.hyperlink})`;
  }
  if ('formula' in value || 'sharedFormula' in value) return plainText(value.result as CellValue);
  if ('error' in value) return value.error;
  return '';
}

const cellText = (cell: Cell) => normaliseText(plainText(cell.value));

function invalid(errors: FieldError[]): AppError {
  const shown = errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`);
  if (errors.length > shown.length) shown.push(`(${errors.length - shown.length} more)`);
  return new AppError(RESPONSE_SHEET_INVALID, 422, `The response sheet cannot be imported (${errors.length} problem${errors.length === 1 ? '' : 's'}). ${shown.join(' ')}`, { errors });
}

async function loadWorkbook(file: Buffer): Promise<Workbook> {
  const notXlsx = () => invalid([{ path: 'file', message: 'The file is not an Excel workbook (.xlsx). Upload the response sheet downloaded from Datakrav, saved as .xlsx.' }]);
  // Every xlsx is a zip; checking the signature first gives a clear answer for PDFs, CSVs and old .xls files.
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50) throw notXlsx();
  const workbook = new (await loadExcelJs()).Workbook();
  try {
    // exceljs declares its own Buffer type; a Node Buffer is what it reads.
    await workbook.xlsx.load(file as unknown as Parameters<Workbook['xlsx']['load']>[0]);
  } catch (cause) {
    throw new AppError(RESPONSE_SHEET_INVALID, 422, notXlsx().message, { errors: notXlsx().errors, cause });
  }
  if (workbook.worksheets.length === 0) throw notXlsx();
  return workbook;
}

function readMetadata(sheet: Worksheet): Metadata {
  const properties = new Map<string, string>();
  const hashes = new Map<string, string>();
  let inRows = false;
  sheet.eachRow((row) => {
    const name = cellText(row.getCell(1));
    const value = cellText(row.getCell(2));
    if (inRows) hashes.set(name, value);
    else if (name === 'key') inRows = true;
    else properties.set(name, value);
  });
  const get = (name: string) => properties.get(name) ?? '';
  return { format: get('format'), tenderId: get('tenderId'), reference: get('reference'), revision: get('revision'), language: get('language'), sheet: get('sheet'), hashes };
}

function answerSheetOf(workbook: Workbook, metadata: Metadata | null, expected: TenderDocumentModel): Worksheet | undefined {
  const named = workbook.getWorksheet(metadata?.sheet || LABELS[expected.language].sheet);
  return named ?? workbook.worksheets.find((sheet) => sheet.name !== METADATA_SHEET && sheet.state === 'visible');
}

/** Problems with the file as a whole; returns true when its rows are not worth checking. */
function checkMetadata(metadata: Metadata | null, expected: TenderDocumentModel, problems: FieldError[]): boolean {
  if (!metadata) {
    problems.push({ path: 'sheet', message: `The hidden metadata sheet "${METADATA_SHEET}" is missing, so the file cannot be tied to a tender. Download the response sheet again and answer in it.` });
    return false;
  }
  if (metadata.format !== FORMAT) {
    problems.push({ path: 'sheet', message: `The metadata sheet has an unknown format "${metadata.format}". Download the response sheet again and answer in it.` });
    return true;
  }
  if (metadata.tenderId !== expected.tenderId) {
    const other = metadata.reference ? ` (reference ${metadata.reference})` : '';
    problems.push({ path: 'sheet', message: `This response sheet belongs to another tender${other}, not to ${expected.reference || expected.title}.` });
    return true;
  }
  if (metadata.revision !== String(expected.revision)) {
    problems.push({
      path: 'sheet',
      message: `This response sheet was made for revision ${metadata.revision} of the tender, but the answers are for revision ${expected.revision}. Download the sheet for revision ${expected.revision} and answer in it.`,
    });
  }
  if (metadata.language !== expected.language) {
    problems.push({ path: 'sheet', message: `This response sheet is in language "${metadata.language}", but the tender is in "${expected.language}".` });
  }
  return false;
}

function checkHeader(sheet: Worksheet, problems: FieldError[]): boolean {
  const header = sheet.getRow(HEADER_ROW);
  const wrong = COLUMNS.filter((column, index) => !Object.values(LABELS).some((labels) => labels.columns[column.id] === cellText(header.getCell(index + 1))));
  if (wrong.length === 0) return true;
  problems.push({
    path: `row ${HEADER_ROW}`,
    message: `The column headings were changed or columns were moved (column ${wrong.map((c) => columnLetter(c.id)).join(', ')}). Columns cannot be added, moved or deleted.`,
  });
  return false;
}

type ReadRow = { rowNumber: number; answer: ResponseAnswer | null };

export async function readResponseSheet(file: Buffer, expected: TenderDocumentModel): Promise<ResponseAnswer[]> {
  const workbook = await loadWorkbook(file);
  const problems: FieldError[] = [];
  const metadataSheet = workbook.getWorksheet(METADATA_SHEET);
  const metadata = metadataSheet ? readMetadata(metadataSheet) : null;
  if (checkMetadata(metadata, expected, problems)) throw invalid(problems);

  const sheet = answerSheetOf(workbook, metadata, expected);
  if (!sheet) {
    problems.push({ path: 'sheet', message: `The sheet "${LABELS[expected.language].sheet}" with the answers is missing.` });
    throw invalid(problems);
  }
  if (!checkHeader(sheet, problems)) throw invalid(problems);

  const labels = LABELS[expected.language];
  const column = (id: ColumnId) => `column ${columnLetter(id)} (${labels.columns[id]})`;
  const allowed = Object.values(labels.answers).join(', ');
  const items = requirementsOf(expected);
  const byKey = new Map(items.map((item) => [item.key, item]));
  const found = new Map<string, ReadRow>();

  sheet.eachRow((row, rowNumber) => {
    if (rowNumber < FIRST_ROW) return;
    const path = `row ${rowNumber}`;
    const problem = (message: string) => problems.push({ path, message });
    const text = (id: ColumnId) => cellText(row.getCell(COLUMN_NUMBER[id]));
    const key = text('key');
    if (!key) {
      if (COLUMNS.some((c) => text(c.id) !== '')) problem(`This row has no requirement key in ${column('key')}. Rows cannot be added to the sheet.`);
      return;
    }
    const item = byKey.get(key);
    if (!item) {
      problem(`Unknown requirement "${key}" in ${column('key')}; it is not a requirement of this tender. Rows cannot be added, and keys cannot be changed.`);
      return;
    }
    const earlier = found.get(key);
    if (earlier) {
      problem(`${key} appears more than once (also in row ${earlier.rowNumber}). Each requirement has exactly one row.`);
      return;
    }
    const read: ReadRow = { rowNumber, answer: null };
    found.set(key, read);

    const expectedContent = lockedContent(item);
    const content = Object.fromEntries(LOCKED_COLUMNS.map((id) => [id, text(id)])) as LockedContent;
    const changed = LOCKED_COLUMNS.filter((id) => content[id] !== expectedContent[id]);
    if (changed.length > 0) {
      const unchangedSinceMade = metadata?.hashes.get(key) === hashOf(content);
      const columns = changed.map(column).join(', ');
      problem(
        unchangedSinceMade
          ? `The text of ${key} has changed since this sheet was made (${columns}). Download the sheet again and answer in it.`
          : `${key}: the locked ${columns} ${changed.length === 1 ? 'was' : 'were'} changed. Locked cells must keep the text of the tender.`,
      );
    }

    let valid = changed.length === 0;
    const answerText = text('answer');
    const answer = ANSWER_VALUES.get(answerText.toLowerCase());
    if (!answerText) {
      problem(`No answer for ${key} in ${column('answer')}; choose one of ${allowed}.`);
      valid = false;
    } else if (!answer) {
      problem(`The answer "${answerText}" for ${key} in ${column('answer')} is not one of ${allowed}.`);
      valid = false;
    }
    const explanation = text('explanation');
    const explanationLength = [...explanation].length;
    if (explanationLength > MAX_EXPLANATION_LENGTH) {
      problem(`The explanation for ${key} in ${column('explanation')} has ${explanationLength} characters; at most ${MAX_EXPLANATION_LENGTH} are allowed.`);
      valid = false;
    }
    if (valid && answer) read.answer = { key, answer, explanation, documentation: text('documentation') };
  });

  for (const item of items) {
    if (!found.has(item.key)) problems.push({ path: 'sheet', message: `The row for requirement ${item.key} (${item.number}) is missing. Every requirement must have its row.` });
  }
  if (problems.length > 0) throw invalid(problems);
  return items.map((item) => found.get(item.key)?.answer as ResponseAnswer);
}
