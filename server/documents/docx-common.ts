import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BookmarkEnd,
  BookmarkStart,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  InternalHyperlink,
  LeaderType,
  Packer,
  PageNumber,
  PageOrientation,
  PageReference,
  Paragraph,
  ShadingType,
  Tab,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type FileChild,
  type IRunOptions,
  type ParagraphChild,
  type ISectionOptions,
  type ITableCellBorders,
} from 'docx';
import Handlebars from 'handlebars';
import { formatList } from '../library/clause-template';
import { TEMPLATES_DIR } from '../shared/paths';
import type { DocumentItem, DocumentLanguage, TenderDocumentModel } from './document-model';
import { setZipEntryDates } from './zip-entry-dates';

/**
 * What the requirement specification and the contract annex share: page geometry, styles,
 * running header and footer, cover, prose from templates/documents, the traceability table and
 * the package's core properties.
 */

const FONT = 'Calibri';
export const COLOUR = { accent: '1F3864', muted: '595959', rule: 'A6A6A6', answer: 'EEF3FA', draft: 'C00000' } as const;
/** Font sizes in half-points. */
export const SIZE = { body: 21, table: 18, small: 16 } as const;
/** Paragraph style of table cells: the table text size lives in the style, not on every run. */
export const TABLE_TEXT_STYLE = 'TableText';
/** Character style of notes beside the text (a version, where an item comes from): small and grey. */
export const MUTED_TEXT_STYLE = 'MutedText';

const A4 = { width: 11906, height: 16838 };
const MARGIN = 1134;
export type Orientation = 'portrait' | 'landscape';
/** Width of the text area, in twips, between the page margins. */
export const TEXT_WIDTH: Record<Orientation, number> = { portrait: A4.width - 2 * MARGIN, landscape: A4.height - 2 * MARGIN };

type CommonLabels = {
  buyer: string;
  buyers: string;
  reference: string;
  revision: string;
  draft: string;
  date: string;
  deadline: string;
  contact: string;
  page: string;
  of: string;
  generatedFrom: string;
  traceability: string;
  traceabilityColumns: { key: string; requirement: string; clause: string; source: string };
  libraryVersion: (version: string) => string;
  writtenForTender: Record<DocumentItem['kind'], string>;
  locale: string;
};

export const COMMON_LABELS: Record<DocumentLanguage, CommonLabels> = {
  nb: {
    buyer: 'Oppdragsgiver',
    buyers: 'Oppdragsgivere',
    reference: 'Referanse',
    revision: 'Revisjon',
    draft: 'Utkast',
    date: 'Dato',
    deadline: 'Tilbudsfrist',
    contact: 'Kontaktperson',
    page: 'Side',
    of: 'av',
    generatedFrom: 'generert fra Datakrav',
    traceability: 'Sporbarhet',
    traceabilityColumns: { key: 'Nøkkel', requirement: 'Krav', clause: 'Klausul', source: 'Kilde' },
    libraryVersion: (version) => `Datakrav, versjon ${version}`,
    writtenForTender: { requirement: 'Eget krav i denne anskaffelsen', clause: 'Egen klausul i denne anskaffelsen' },
    locale: 'nb-NO',
  },
  en: {
    buyer: 'Contracting authority',
    buyers: 'Contracting authorities',
    reference: 'Reference',
    revision: 'Revision',
    draft: 'Draft',
    date: 'Date',
    deadline: 'Tender deadline',
    contact: 'Contact',
    page: 'Page',
    of: 'of',
    generatedFrom: 'generated from Datakrav',
    traceability: 'Traceability',
    traceabilityColumns: { key: 'Key', requirement: 'Requirement', clause: 'Clause', source: 'Source' },
    libraryVersion: (version) => `Datakrav, version ${version}`,
    writtenForTender: { requirement: 'Written for this tender', clause: 'Written for this tender' },
    locale: 'en-GB',
  },
};

const DATE_FORMATS: Record<DocumentLanguage, Intl.DateTimeFormat> = {
  nb: new Intl.DateTimeFormat(COMMON_LABELS.nb.locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat(COMMON_LABELS.en.locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
const NUMBER_FORMATS: Record<DocumentLanguage, Intl.NumberFormat> = {
  nb: new Intl.NumberFormat(COMMON_LABELS.nb.locale, { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat(COMMON_LABELS.en.locale, { maximumFractionDigits: 2 }),
};

/** "1. mars 2025" / "1 March 2025"; the model's dates are calendar dates, so no time zone applies. */
export function formatDate(isoDate: string, language: DocumentLanguage): string {
  const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  return DATE_FORMATS[language].format(new Date(Date.UTC(year, month - 1, day)));
}

export function formatNumber(value: number, language: DocumentLanguage): string {
  return NUMBER_FORMATS[language].format(value);
}

/** "Revisjon 3" or "Utkast". */
export function revisionLabel(model: TenderDocumentModel): string {
  const labels = COMMON_LABELS[model.language];
  return model.isDraft ? labels.draft : `${labels.revision} ${model.revision}`;
}

function contactText(contact: TenderDocumentModel['contact']): string | null {
  if (!contact || (!contact.name && !contact.email)) return null;
  if (!contact.name) return contact.email;
  return contact.email ? `${contact.name} (${contact.email})` : contact.name;
}

/**
 * Characters XML 1.0 cannot carry make Word refuse the file, and a tab in a text node is shown
 * as a space anyway, so texts from the model are cleaned before they reach a run.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\t/g, ' ')
    // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/**
 * The prose templates get a Handlebars instance of their own, like the clause templates: strict
 * (a field missing from the context is an error), no HTML escaping (the output goes into Word
 * runs, which are XML-escaped by docx), and only `if`, `unless` and `count`.
 */
const proseHandlebars = Handlebars.create();
proseHandlebars.registerHelper('count', (value: unknown, singular: unknown, plural: unknown) => `${String(value)} ${value === 1 ? String(singular) : String(plural)}`);

export type ProseName = 'specification-introduction' | 'specification-instructions' | 'specification-evaluation' | 'specification-coordination' | 'contract-annex-introduction' | 'traceability';
export type ProseContext = Record<string, string | number | boolean | null>;

const compiledProse = new Map<string, Promise<HandlebarsTemplateDelegate>>();

function proseTemplate(language: DocumentLanguage, name: ProseName): Promise<HandlebarsTemplateDelegate> {
  const file = path.join(TEMPLATES_DIR, 'documents', language, `${name}.hbs`);
  let template = compiledProse.get(file);
  if (!template) {
    template = readFile(file, 'utf8').then((source) =>
      proseHandlebars.compile(source, { strict: true, noEscape: true, knownHelpers: { if: true, unless: true, count: true }, knownHelpersOnly: true }),
    );
    template.catch(() => compiledProse.delete(file));
    compiledProse.set(file, template);
  }
  return template;
}

/** The fields every prose template may use, from the model; builders add their own counts. */
export function proseContext(model: TenderDocumentModel): ProseContext {
  const [buyer = '', ...coBuyers] = model.buyers;
  return {
    title: model.title,
    reference: model.reference,
    isDraft: model.isDraft,
    revisionNumber: model.revision,
    date: formatDate(model.date, model.language),
    buyer,
    buyers: formatList(model.buyers, model.language),
    hasCoBuyers: coBuyers.length > 0,
    deadline: model.deadline ? formatDate(model.deadline, model.language) : null,
    contact: contactText(model.contact),
    description: model.description.trim(),
    domain: model.domain,
  };
}

export async function renderProse(language: DocumentLanguage, name: ProseName, context: ProseContext): Promise<string> {
  const template = await proseTemplate(language, name);
  return template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}

/** `**text**` in a prose template becomes bold; everything else is plain. */
function inlineRuns(text: string): TextRun[] {
  return cleanText(text)
    .split(/\*\*(.+?)\*\*/)
    .map((part, index) => ({ part, bold: index % 2 === 1 }))
    .filter(({ part }) => part !== '')
    .map(({ part, bold }) => new TextRun(bold ? { text: part, bold } : part));
}

/**
 * Prose becomes Word paragraphs: blocks are separated by blank lines; a block whose lines all
 * start with "- " is a bulleted list; the lines of any other block are joined into one paragraph.
 */
export function proseParagraphs(text: string): Paragraph[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .flatMap((block) => {
      const lines = block.split('\n').map((line) => line.trim());
      if (lines.every((line) => line.startsWith('- '))) {
        return lines.map(
          (line, index) => new Paragraph({ bullet: { level: 0 }, spacing: { after: index === lines.length - 1 ? 200 : 80 }, children: inlineRuns(line.slice(2)) }),
        );
      }
      return [new Paragraph({ children: inlineRuns(lines.join(' ')) })];
    });
}

/** How a run differs from its paragraph's style: bold, italic, or a muted note (small and grey). */
export type RunStyle = { bold?: boolean; italics?: boolean; muted?: boolean };

/**
 * The options of one run. They are written out field by field: docx reads some forty optional
 * fields of every run's options, and on an object made with a spread each read is several times
 * slower, which for the thousands of runs of a large tender dominated building the document.
 */
function runOptions(text: string, style: RunStyle, lineBreak: boolean): IRunOptions {
  return { text: cleanText(text), bold: style.bold, italics: style.italics, style: style.muted ? MUTED_TEXT_STYLE : undefined, break: lineBreak ? 1 : undefined };
}

/** The lines of a block, each a run, joined by line breaks. */
function lineRuns(block: string, style: RunStyle): TextRun[] {
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, index) => new TextRun(runOptions(line, style, index > 0)));
}

/** A requirement or clause text: paragraphs on blank lines, line breaks kept within a paragraph. */
export function textParagraphs(text: string, style: RunStyle = {}, spacingAfter = 80, paragraphStyle?: string): Paragraph[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => new Paragraph({ style: paragraphStyle, spacing: { after: spacingAfter }, children: lineRuns(block, style) }));
}

/** Text in a table cell: paragraphs in the table text style. */
export function cellParagraphs(text: string, spacingAfter = 60): Paragraph[] {
  return textParagraphs(text, {}, spacingAfter, TABLE_TEXT_STYLE);
}

export type HeadingOptions = { pageBreakBefore?: boolean };

export function heading(text: string, level: 1 | 2, options: HeadingOptions = {}): Paragraph {
  return headingParagraph(level, options, [new TextRun(cleanText(text))]);
}

function headingParagraph(level: 1 | 2, options: HeadingOptions, children: ParagraphChild[]): Paragraph {
  return new Paragraph({
    heading: level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
    pageBreakBefore: options.pageBreakBefore,
    keepNext: true,
    children,
  });
}

/**
 * A heading's text between the start and end of a bookmark with the id given. docx's own
 * `Bookmark` takes its id from a counter shared by every document the process builds, so the id
 * would depend on what was built before; `BookmarkStart` and `BookmarkEnd` take the id from us,
 * and docx documents them as children of a paragraph although its children's type leaves them out.
 */
function bookmarked(name: string, id: number, text: string): ParagraphChild[] {
  return [new BookmarkStart(name, id) as unknown as ParagraphChild, new TextRun(cleanText(text)), new BookmarkEnd(id) as unknown as ParagraphChild];
}

/**
 * A document's table of contents, written by Datakrav from the headings it lists rather than as a
 * TOC field: LibreOffice shows a TOC field as it was written and does not update it when it opens
 * the file, while it does compute page references as it lays out the pages. Each entry links to
 * its heading's bookmark and shows the heading's page through a PAGEREF field of its own, which
 * LibreOffice fills on load and Word updates on open (the document asks Word to update its
 * fields). No page number is estimated here. The bookmarks are numbered from 1 in the order the
 * headings are made, which is their order in the document, so the same model gives the same bytes.
 */
export class Contents {
  private readonly headings: { title: string; level: 1 | 2; bookmark: string }[] = [];

  /** A heading listed in the contents. */
  heading(text: string, level: 1 | 2, options: HeadingOptions = {}): Paragraph {
    const id = this.headings.length + 1;
    const bookmark = `_Toc${id}`;
    this.headings.push({ title: cleanText(text), level, bookmark });
    return headingParagraph(level, options, bookmarked(bookmark, id, text));
  }

  /** One paragraph per heading made so far, in Word's TOC styles, the page number at the right margin. */
  entries(width: number): Paragraph[] {
    return this.headings.map(
      ({ title, level, bookmark }) =>
        new Paragraph({
          style: `TOC${level}`,
          tabStops: [{ type: TabStopType.RIGHT, position: width, leader: LeaderType.DOT }],
          children: [new InternalHyperlink({ anchor: bookmark, children: [new TextRun(title), new TextRun({ children: [new Tab()] }), new PageReference(bookmark, { hyperlink: true })] })],
        }),
    );
  }
}

const RULE = { style: BorderStyle.SINGLE, size: 4, color: COLOUR.rule };
const GRID_BORDERS = { top: RULE, bottom: RULE, left: RULE, right: RULE, insideHorizontal: RULE, insideVertical: RULE };

function headerCell(text: string, width: number): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    shading: { type: ShadingType.CLEAR, color: 'auto', fill: COLOUR.accent },
    verticalAlign: VerticalAlignTable.BOTTOM,
    children: [new Paragraph({ keepNext: true, children: [new TextRun({ text, bold: true, color: 'FFFFFF', size: SIZE.table })] })],
  });
}

export function bodyCell(children: Paragraph[], width: number, options: { fill?: string } = {}): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    shading: options.fill ? { type: ShadingType.CLEAR, color: 'auto', fill: options.fill } : undefined,
    children: children.length > 0 ? children : [new Paragraph({})],
  });
}

/** One paragraph in table type; the lines of the text become line breaks. */
export function cellText(text: string, style: RunStyle = {}): Paragraph {
  return new Paragraph({ style: TABLE_TEXT_STYLE, children: lineRuns(text, style) });
}

/**
 * A ruled table with fixed column widths whose first row is a header repeated on every page,
 * and whose rows are never split across pages, so a requirement and its answer stay together.
 */
export function gridTable(headers: readonly string[], widths: readonly number[], rows: readonly TableCell[][]): Table {
  return new Table({
    width: { size: widths.reduce((sum, w) => sum + w, 0), type: WidthType.DXA },
    columnWidths: [...widths],
    layout: TableLayoutType.FIXED,
    borders: GRID_BORDERS,
    margins: { top: 60, bottom: 60, left: 90, right: 90 },
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: headers.map((text, i) => headerCell(text, widths[i] as number)) }),
      ...rows.map((cells) => new TableRow({ cantSplit: true, children: cells })),
    ],
  });
}

/** Where an item comes from, as printed: "Datakrav, versjon 1.2.0" or "Eget krav i denne anskaffelsen". */
export function itemSource(item: DocumentItem, language: DocumentLanguage): string {
  const labels = COMMON_LABELS[language];
  return item.fromLibrary && item.version ? labels.libraryVersion(item.version) : labels.writtenForTender[item.kind];
}

/**
 * The last chapter of both documents, on a page of its own: every item's key, number, title and
 * the library version it is pinned to, so a printed copy can be traced back to the library.
 */
export async function traceabilityChapter(
  model: TenderDocumentModel,
  kind: DocumentItem['kind'],
  items: readonly DocumentItem[],
  orientation: Orientation,
  contents?: Contents,
): Promise<FileChild[]> {
  const labels = COMMON_LABELS[model.language];
  const prose = await renderProse(model.language, 'traceability', { ...proseContext(model), clauses: kind === 'clause' });
  const [keyWidth, sourceWidth] = [1500, 3600];
  const titleWidth = TEXT_WIDTH[orientation] - keyWidth - sourceWidth;
  return [
    contents ? contents.heading(labels.traceability, 1, { pageBreakBefore: true }) : heading(labels.traceability, 1, { pageBreakBefore: true }),
    ...proseParagraphs(prose),
    gridTable(
      [labels.traceabilityColumns.key, labels.traceabilityColumns[kind], labels.traceabilityColumns.source],
      [keyWidth, titleWidth, sourceWidth],
      items.map((item) => [
        bodyCell([cellText(item.key, { bold: true })], keyWidth),
        bodyCell([cellText(`${item.number} ${item.title}`)], titleWidth),
        bodyCell([cellText(itemSource(item, model.language), { italics: !item.fromLibrary })], sourceWidth),
      ]),
    ),
  ];
}

export type CoverOptions = { annexLabel: string; documentTitle: string; withDeadline: boolean; note: string };

/** The title block: annex label, document title, tender title, and a table of the tender's facts. */
export function coverBlock(model: TenderDocumentModel, options: CoverOptions): FileChild[] {
  const labels = COMMON_LABELS[model.language];
  const contact = contactText(model.contact);
  const facts: [string, string][] = [
    [model.buyers.length > 1 ? labels.buyers : labels.buyer, model.buyers.join('\n')],
    [labels.reference, model.reference],
    [labels.revision, model.isDraft ? labels.draft : String(model.revision)],
    [labels.date, formatDate(model.date, model.language)],
  ];
  if (options.withDeadline && model.deadline) facts.push([labels.deadline, formatDate(model.deadline, model.language)]);
  if (contact) facts.push([labels.contact, contact]);

  const labelWidth = 2600;
  const valueWidth = TEXT_WIDTH.portrait - labelWidth;
  const line = { style: BorderStyle.SINGLE, size: 4, color: COLOUR.rule };
  const none = { style: BorderStyle.NONE, size: 0, color: 'auto' };
  const borders: ITableCellBorders = { top: line, bottom: line, left: none, right: none };
  const factCell = (text: string, width: number, bold: boolean) =>
    new TableCell({ width: { size: width, type: WidthType.DXA }, borders, children: textParagraphs(text, { bold }, 0) });

  return [
    new Paragraph({
      spacing: { before: 1800, after: 240 },
      children: [new TextRun({ text: options.annexLabel.toUpperCase(), color: COLOUR.accent, bold: true, size: 24, characterSpacing: 20 })],
    }),
    new Paragraph({ spacing: { after: 200 }, children: [new TextRun({ text: options.documentTitle, bold: true, size: 52, color: COLOUR.accent })] }),
    new Paragraph({
      spacing: { after: model.isDraft ? 200 : 600 },
      border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: COLOUR.accent, space: 8 } },
      children: [new TextRun({ text: cleanText(model.title), size: 34 })],
    }),
    ...(model.isDraft
      ? [new Paragraph({ spacing: { after: 600 }, children: [new TextRun({ text: labels.draft.toUpperCase(), bold: true, color: COLOUR.draft, size: 28 })] })]
      : []),
    new Table({
      width: { size: TEXT_WIDTH.portrait, type: WidthType.DXA },
      columnWidths: [labelWidth, valueWidth],
      layout: TableLayoutType.FIXED,
      borders: { top: line, bottom: line, left: none, right: none, insideHorizontal: line, insideVertical: none },
      margins: { top: 80, bottom: 80, left: 0, right: 120 },
      rows: facts.map(([label, value]) => new TableRow({ cantSplit: true, children: [factCell(label, labelWidth, true), factCell(value, valueWidth, false)] })),
    }),
    new Paragraph({ spacing: { before: 600 }, children: [new TextRun({ text: options.note, color: COLOUR.muted, size: SIZE.small })] }),
  ];
}

function runningHeader(model: TenderDocumentModel, documentName: string, width: number): Header {
  return new Header({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: width }],
        border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: COLOUR.rule, space: 4 } },
        children: [
          new TextRun({ text: documentName, size: SIZE.small, color: COLOUR.muted }),
          new TextRun({ children: [new Tab(), cleanText(`${model.reference} · ${revisionLabel(model)}`)], size: SIZE.small, color: COLOUR.muted }),
        ],
      }),
    ],
  });
}

function runningFooter(model: TenderDocumentModel, width: number): Footer {
  const labels = COMMON_LABELS[model.language];
  const trace = `${revisionLabel(model)}, ${formatDate(model.date, model.language)} · ${labels.generatedFrom}`;
  return new Footer({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: width }],
        children: [
          new TextRun({ text: trace, size: SIZE.small, color: COLOUR.muted }),
          new TextRun({ children: [new Tab(), `${labels.page} `, PageNumber.CURRENT, ` ${labels.of} `, PageNumber.TOTAL_PAGES], size: SIZE.small, color: COLOUR.muted }),
        ],
      }),
    ],
  });
}

/**
 * A section of the document on A4 paper. The first section's first page is the cover, without
 * header and footer; every other page carries them.
 */
export function pageSection(model: TenderDocumentModel, documentName: string, orientation: Orientation, children: FileChild[], options: { cover?: boolean } = {}): ISectionOptions {
  const width = TEXT_WIDTH[orientation];
  const header = runningHeader(model, documentName, width);
  const footer = runningFooter(model, width);
  const empty = { header: new Header({ children: [new Paragraph({})] }), footer: new Footer({ children: [new Paragraph({})] }) };
  return {
    properties: {
      titlePage: options.cover === true,
      page: {
        size: { width: A4.width, height: A4.height, orientation: orientation === 'landscape' ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT },
        margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN, header: 567, footer: 567 },
      },
    },
    headers: options.cover ? { default: header, first: empty.header } : { default: header },
    footers: options.cover ? { default: footer, first: empty.footer } : { default: footer },
    children,
  };
}

export type DocumentProperties = { title: string; subject: string; description: string; keywords: string[] };

/** Title, subject, a one-line description and keywords, as Word shows them under File > Info. */
export function documentProperties(model: TenderDocumentModel, document: { title: string; subject: string; contents: string; keywords: string[] }): DocumentProperties {
  const summary = `${document.title}: ${model.title} (${model.reference}), ${revisionLabel(model).toLowerCase()}, ${formatDate(model.date, model.language)}, ${document.contents}.`;
  return {
    title: `${document.title} – ${model.title}`,
    subject: document.subject,
    description: [summary, model.description.trim()].filter(Boolean).join(' '),
    keywords: [...document.keywords, model.reference, ...(model.domain ? [model.domain] : [])],
  };
}

export function createDocument(model: TenderDocumentModel, sections: ISectionOptions[]): Document {
  const heading = (size: number, before: number) => ({
    run: { font: FONT, size, bold: true, color: COLOUR.accent },
    paragraph: { spacing: { before, after: 120 }, keepNext: true, keepLines: true },
  });
  return new Document({
    features: { updateFields: true },
    styles: {
      default: {
        document: {
          run: { font: FONT, size: SIZE.body, language: { value: COMMON_LABELS[model.language].locale } },
          paragraph: { spacing: { after: 140, line: 264 } },
        },
        heading1: heading(30, 360),
        heading2: heading(24, 240),
      },
      paragraphStyles: [{ id: TABLE_TEXT_STYLE, name: 'Table text', basedOn: 'Normal', quickFormat: true, run: { size: SIZE.table }, paragraph: { spacing: { after: 0, line: 252 } } }],
      characterStyles: [{ id: MUTED_TEXT_STYLE, name: 'Muted text', basedOn: 'DefaultParagraphFont', quickFormat: true, run: { size: SIZE.small, color: COLOUR.muted } }],
    },
    sections,
  });
}

function xmlEscape(text: string): string {
  return cleanText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * docx stamps docProps/core.xml with the time of packing; this part replaces it so that the
 * properties, including the creation date, come from the model alone.
 */
function corePropertiesXml(model: TenderDocumentModel, properties: DocumentProperties): string {
  const timestamp = `${model.date.slice(0, 10)}T00:00:00Z`;
  const element = (name: string, value: string) => (value ? `<${name}>${xmlEscape(value)}</${name}>` : '');
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    element('dc:title', properties.title),
    element('dc:subject', properties.subject),
    element('dc:creator', 'Datakrav'),
    element('cp:keywords', properties.keywords.join('; ')),
    element('dc:description', properties.description),
    element('dc:language', COMMON_LABELS[model.language].locale),
    element('cp:lastModifiedBy', 'Datakrav'),
    element('cp:contentStatus', revisionLabel(model)),
    `<dcterms:created xsi:type="dcterms:W3CDTF">${timestamp}</dcterms:created>`,
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${timestamp}</dcterms:modified>`,
    '</cp:coreProperties>',
  ].join('');
}

/**
 * Packs the document so that the same model always gives the same bytes: the core properties come
 * from the model, bookmarks are numbered per document (see `Contents`), and the zip entries carry
 * the document's date instead of the time of packing, so an issued revision downloaded today, or in
 * another installation it was exported to, has the SHA-256 it had when it was issued. docx packs
 * the file once; nothing is unpacked or compressed again.
 */
export async function packDocument(document: Document, model: TenderDocumentModel, properties: DocumentProperties): Promise<Buffer> {
  const packed = await Packer.toBuffer(document, false, [{ path: 'docProps/core.xml', data: corePropertiesXml(model, properties) }]);
  setZipEntryDates(packed, model.date);
  return packed;
}
