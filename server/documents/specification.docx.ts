import { AlignmentType, Paragraph, TextRun, type Document, type FileChild } from 'docx';
import { formatList } from '../library/clause-template';
import type { DocumentCoordination, DocumentItem, DocumentLanguage, DocumentSection, TenderDocumentModel } from './document-model';
import {
  COLOUR,
  COMMON_LABELS,
  Contents,
  TEXT_WIDTH,
  TABLE_TEXT_STYLE,
  bodyCell,
  cellParagraphs,
  cellText,
  coverBlock,
  createDocument,
  documentProperties,
  formatDate,
  formatNumber,
  gridTable,
  packDocument,
  pageSection,
  proseContext,
  proseParagraphs,
  renderProse,
  traceabilityChapter,
  type DocumentProperties,
} from './docx-common';

/**
 * The requirement specification in the form of SSA annex 1 ("Kundens kravspesifikasjon"): cover,
 * contents, introduction, instructions to bidders, the evaluation model, one response table per
 * section, and the traceability chapter. Only items of kind 'requirement' are included.
 */

type SpecificationLabels = {
  annexLabel: string;
  documentTitle: string;
  documentName: string;
  subject: string;
  coverNote: string;
  contents: string;
  introduction: string;
  instructions: string;
  evaluation: string;
  noRequirements: string;
  count: (requirements: number) => string;
  coordination: string;
  deviationsAnnex: string;
  noDeviations: string;
  deviationColumns: [requirement: string, deviation: string, justification: string];
  excluded: string;
  field: (field: string) => string;
  insteadOf: (to: string, from: string) => string;
  columns: [number: string, key: string, requirement: string, type: string, weight: string, guidance: string, answer: string, documentation: string];
  keywords: string[];
};

const LABELS: Record<DocumentLanguage, SpecificationLabels> = {
  nb: {
    annexLabel: 'SSA · Bilag 1',
    documentTitle: 'Kundens kravspesifikasjon',
    documentName: 'Bilag 1 – Kundens kravspesifikasjon',
    subject: 'SSA bilag 1: Kundens kravspesifikasjon',
    coverNote: 'Generert fra Datakrav. Nøkkel og versjon for hvert krav står i kapitlet «Sporbarhet» sist i dokumentet.',
    contents: 'Innhold',
    introduction: 'Innledning',
    instructions: 'Instruksjoner til leverandøren',
    evaluation: 'Kravtyper og evalueringsmodell',
    noRequirements: 'Anskaffelsen har ingen krav ennå.',
    count: (requirements) => `${requirements} krav`,
    coordination: 'Samordnede krav',
    deviationsAnnex: 'Vedlegg: Lokale avvik',
    noDeviations: 'Oppdragsgiver har ingen lokale avvik fra det felles kravsettet.',
    deviationColumns: ['Krav', 'Avvik', 'Begrunnelse'],
    excluded: 'Kravet er tatt ut av denne anskaffelsen.',
    field: (field) => (field === 'type' ? 'Kravtype' : field === 'weight' ? 'Vekt' : `Parameter ${field}`),
    insteadOf: (to, from) => `${to} i stedet for ${from}`,
    columns: ['Nr.', 'Krav-ID', 'Krav', 'Type', 'Vekt', 'Krav til besvarelse', 'Leverandørens svar', 'Dokumentasjon/\u200Breferanse'],
    keywords: ['kravspesifikasjon', 'SSA', 'bilag 1', 'Datakrav'],
  },
  en: {
    annexLabel: 'SSA · Annex 1',
    documentTitle: "Customer's requirement specification",
    documentName: "Annex 1 – Customer's requirement specification",
    subject: "SSA annex 1: Customer's requirement specification",
    coverNote: 'Generated from Datakrav. The key and version of every requirement are listed in the chapter "Traceability" at the end of the document.',
    contents: 'Contents',
    introduction: 'Introduction',
    instructions: 'Instructions to suppliers',
    evaluation: 'Requirement types and evaluation model',
    noRequirements: 'The tender has no requirements yet.',
    count: (requirements) => `${requirements} ${requirements === 1 ? 'requirement' : 'requirements'}`,
    coordination: 'Coordinated requirements',
    deviationsAnnex: 'Annex: Local deviations',
    noDeviations: 'The contracting authority has no local deviations from the joint requirement set.',
    deviationColumns: ['Requirement', 'Deviation', 'Justification'],
    excluded: 'The requirement is left out of this tender.',
    field: (field) => (field === 'type' ? 'Requirement type' : field === 'weight' ? 'Weight' : `Parameter ${field}`),
    insteadOf: (to, from) => `${to} instead of ${from}`,
    columns: ['No.', 'Requirement ID', 'Requirement', 'Type', 'Weight', 'Required response', "Supplier's response", 'Documentation/\u200Breference'],
    keywords: ['requirement specification', 'SSA', 'annex 1', 'Datakrav'],
  },
};

/** Column widths in twips on landscape A4; the requirement text takes what the others leave. */
const OTHER_COLUMNS = { nr: 620, key: 1180, type: 700, weight: 760, guidance: 2600, answer: 2350, documentation: 1850 };
const COLUMN_WIDTHS = [
  OTHER_COLUMNS.nr,
  OTHER_COLUMNS.key,
  TEXT_WIDTH.landscape - Object.values(OTHER_COLUMNS).reduce((sum, width) => sum + width, 0),
  OTHER_COLUMNS.type,
  OTHER_COLUMNS.weight,
  OTHER_COLUMNS.guidance,
  OTHER_COLUMNS.answer,
  OTHER_COLUMNS.documentation,
];

function requirementsOf(section: DocumentSection): DocumentItem[] {
  return section.items.filter((item) => item.kind === 'requirement');
}

function requirementRow(item: DocumentItem, language: DocumentLanguage) {
  const [nr, key, requirement, type, weight, guidance, answer, documentation] = COLUMN_WIDTHS as [number, number, number, number, number, number, number, number];
  const keyCell = [cellText(item.key, { bold: true })];
  if (item.fromLibrary && item.version) keyCell.push(cellText(`v${item.version}`, { muted: true }));
  const requirementCell = [cellText(item.title, { bold: true }), ...cellParagraphs(item.text)];
  if (!item.fromLibrary) requirementCell.push(cellText(COMMON_LABELS[language].writtenForTender.requirement, { italics: true, muted: true }));
  const centred = (text: string) => new Paragraph({ style: TABLE_TEXT_STYLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text, bold: true })] });
  return [
    bodyCell([cellText(item.number, { bold: true })], nr),
    bodyCell(keyCell, key),
    bodyCell(requirementCell, requirement),
    bodyCell([centred(item.type)], type),
    bodyCell([centred(item.weight === null ? '–' : formatNumber(item.weight, language))], weight),
    bodyCell(cellParagraphs(item.responseGuidance), guidance),
    bodyCell([], answer, { fill: COLOUR.answer }),
    bodyCell([], documentation, { fill: COLOUR.answer }),
  ];
}

function requirementTables(sections: DocumentSection[], language: DocumentLanguage, contents: Contents): FileChild[] {
  const labels = LABELS[language];
  if (sections.length === 0) return [new Paragraph({ children: [new TextRun(labels.noRequirements)] })];
  return sections.flatMap((section) => [
    contents.heading(`${section.number} ${section.title}`, 1),
    gridTable(
      labels.columns,
      COLUMN_WIDTHS,
      requirementsOf(section).map((item) => requirementRow(item, language)),
    ),
  ]);
}

const DEVIATION_WIDTHS = [3200, TEXT_WIDTH.landscape - 3200 - 4800, 4800];

/** The annex listing the buyer's documented local deviations from the joint set the tender started from. */
function deviationsAnnex(coordination: DocumentCoordination, language: DocumentLanguage, contents: Contents): FileChild[] {
  const labels = LABELS[language];
  const [requirement, deviation, justification] = DEVIATION_WIDTHS as [number, number, number];
  const title = contents.heading(labels.deviationsAnnex, 1, { pageBreakBefore: true });
  if (coordination.deviations.length === 0) return [title, new Paragraph({ children: [new TextRun(labels.noDeviations)] })];
  return [
    title,
    gridTable(
      labels.deviationColumns,
      DEVIATION_WIDTHS,
      coordination.deviations.map((d) => [
        bodyCell([cellText(d.key, { bold: true }), cellText(d.title)], requirement),
        bodyCell(d.excluded ? [cellText(labels.excluded)] : d.changes.map((c) => cellText(`${labels.field(c.field)}: ${labels.insteadOf(c.to, c.from)}`)), deviation),
        bodyCell(cellParagraphs(d.justification), justification),
      ]),
    ),
  ];
}

async function coordinationStatement(model: TenderDocumentModel, coordination: DocumentCoordination, contents: Contents): Promise<FileChild[]> {
  const text = await renderProse(model.language, 'specification-coordination', {
    ...proseContext(model),
    jointSet: coordination.setTitle,
    jointRevision: coordination.revision,
    adoptedOn: coordination.adoptedOn ? formatDate(coordination.adoptedOn, model.language) : null,
    organisations: formatList(coordination.organisations, model.language),
    organisationCount: coordination.organisations.length,
    deviationCount: coordination.deviations.length,
  });
  return [contents.heading(LABELS[model.language].coordination, 1), ...proseParagraphs(text)];
}

/** The specification as a docx Document, before packing; the benchmark packs it on its own. */
export async function createSpecificationDocument(model: TenderDocumentModel): Promise<{ document: Document; properties: DocumentProperties }> {
  const labels = LABELS[model.language];
  const sections = model.sections.filter((section) => requirementsOf(section).length > 0);
  const requirements = sections.flatMap(requirementsOf);
  const evaluated = requirements.filter((item) => item.type !== 'A');
  const context = {
    ...proseContext(model),
    requirementCount: requirements.length,
    sectionCount: sections.length,
    libraryCount: requirements.filter((item) => item.fromLibrary).length,
    ownCount: requirements.filter((item) => !item.fromLibrary).length,
    evaluatedCount: evaluated.length,
    totalWeight: formatNumber(
      evaluated.reduce((sum, item) => sum + (item.weight ?? 0), 0),
      model.language,
    ),
  };
  const [introduction, instructions, evaluation] = await Promise.all([
    renderProse(model.language, 'specification-introduction', context),
    renderProse(model.language, 'specification-instructions', context),
    renderProse(model.language, 'specification-evaluation', context),
  ]);

  // The headings are made in the order they appear, and the contents listing them last.
  const contents = new Contents();
  const chapters: FileChild[] = [
    contents.heading(labels.introduction, 1, { pageBreakBefore: true }),
    ...proseParagraphs(introduction),
    ...(model.coordination ? await coordinationStatement(model, model.coordination, contents) : []),
    contents.heading(labels.instructions, 1),
    ...proseParagraphs(instructions),
    contents.heading(labels.evaluation, 1),
    ...proseParagraphs(evaluation),
  ];
  const tables: FileChild[] = [
    ...requirementTables(sections, model.language, contents),
    ...(await traceabilityChapter(model, 'requirement', requirements, 'landscape', contents)),
    ...(model.coordination ? deviationsAnnex(model.coordination, model.language, contents) : []),
  ];
  const front: FileChild[] = [
    ...coverBlock(model, { annexLabel: labels.annexLabel, documentTitle: labels.documentTitle, withDeadline: true, note: labels.coverNote }),
    new Paragraph({ pageBreakBefore: true, spacing: { after: 240 }, children: [new TextRun({ text: labels.contents, bold: true, size: 30, color: COLOUR.accent })] }),
    ...contents.entries(TEXT_WIDTH.portrait),
    ...chapters,
  ];

  const document = createDocument(model, [
    pageSection(model, labels.documentName, 'portrait', front, { cover: true }),
    pageSection(model, labels.documentName, 'landscape', tables),
  ]);
  return { document, properties: documentProperties(model, { title: labels.documentTitle, subject: labels.subject, contents: labels.count(requirements.length), keywords: labels.keywords }) };
}

export async function buildSpecificationDocx(model: TenderDocumentModel): Promise<Buffer> {
  const { document, properties } = await createSpecificationDocument(model);
  return packDocument(document, model, properties);
}
