import { Paragraph, TextRun, type Document, type FileChild } from 'docx';
import type { DocumentItem, DocumentLanguage, TenderDocumentModel } from './document-model';
import {
  MUTED_TEXT_STYLE,
  coverBlock,
  createDocument,
  documentProperties,
  heading,
  itemSource,
  packDocument,
  pageSection,
  proseContext,
  proseParagraphs,
  renderProse,
  textParagraphs,
  traceabilityChapter,
  type DocumentProperties,
} from './docx-common';

/**
 * The contract clause annex: the tender's clauses (items of kind 'clause'), numbered 1, 2, 3 in
 * the order of the tender, after an introduction that places the annex in an SSA contract, and
 * followed by the traceability chapter. Portrait A4, ready to attach to the contract.
 */

type AnnexLabels = {
  annexLabel: string;
  documentTitle: string;
  documentName: string;
  subject: string;
  coverNote: string;
  introduction: string;
  noClauses: string;
  count: (clauses: number) => string;
  keywords: string[];
};

const LABELS: Record<DocumentLanguage, AnnexLabels> = {
  nb: {
    annexLabel: 'SSA · Bilag til avtalen',
    documentTitle: 'Kontraktsklausuler',
    documentName: 'Bilag – Kontraktsklausuler',
    subject: 'Bilag til SSA-avtale: kontraktsklausuler',
    coverNote: 'Generert fra Datakrav. Nøkkel og versjon for hver klausul står under klausulen og i kapitlet «Sporbarhet» sist i bilaget.',
    introduction: 'Om dette bilaget',
    noClauses: 'Anskaffelsen har ingen kontraktsklausuler.',
    count: (clauses) => `${clauses} ${clauses === 1 ? 'klausul' : 'klausuler'}`,
    keywords: ['kontraktsklausuler', 'SSA', 'bilag', 'Datakrav'],
  },
  en: {
    annexLabel: 'SSA · Annex to the contract',
    documentTitle: 'Contract clauses',
    documentName: 'Annex – Contract clauses',
    subject: 'Annex to an SSA contract: contract clauses',
    coverNote: 'Generated from Datakrav. The key and version of every clause are given below the clause and in the chapter "Traceability" at the end of the annex.',
    introduction: 'About this annex',
    noClauses: 'The tender has no contract clauses.',
    count: (clauses) => `${clauses} ${clauses === 1 ? 'clause' : 'clauses'}`,
    keywords: ['contract clauses', 'SSA', 'annex', 'Datakrav'],
  },
};

function clauseBlock(clause: DocumentItem, language: DocumentLanguage): FileChild[] {
  const source = `${clause.key} · ${itemSource(clause, language)}`;
  return [
    heading(`${clause.number} ${clause.title}`, 2),
    ...textParagraphs(clause.text),
    new Paragraph({
      spacing: { after: 240 },
      keepLines: true,
      children: [new TextRun({ text: source, style: MUTED_TEXT_STYLE, italics: !clause.fromLibrary })],
    }),
  ];
}

/** The annex as a docx Document, before packing. */
export async function createContractAnnexDocument(model: TenderDocumentModel): Promise<{ document: Document; properties: DocumentProperties }> {
  const labels = LABELS[model.language];
  // Clauses are numbered within the annex, so a contract reads 1, 2, 3 whatever the tender's sections hold.
  const clauses = model.sections
    .flatMap((section) => section.items.filter((item) => item.kind === 'clause'))
    .map((clause, index) => ({ ...clause, number: String(index + 1) }));
  const introduction = await renderProse(model.language, 'contract-annex-introduction', proseContext(model));

  const body: FileChild[] = [
    ...coverBlock(model, { annexLabel: labels.annexLabel, documentTitle: labels.documentTitle, withDeadline: false, note: labels.coverNote }),
    heading(labels.introduction, 1, { pageBreakBefore: true }),
    ...proseParagraphs(introduction),
    heading(labels.documentTitle, 1),
    ...(clauses.length > 0 ? clauses.flatMap((clause) => clauseBlock(clause, model.language)) : [new Paragraph({ children: [new TextRun(labels.noClauses)] })]),
    ...(await traceabilityChapter(model, 'clause', clauses, 'portrait')),
  ];

  const properties = documentProperties(model, { title: labels.documentTitle, subject: labels.subject, contents: labels.count(clauses.length), keywords: labels.keywords });
  return { document: createDocument(model, [pageSection(model, labels.documentName, 'portrait', body, { cover: true })]), properties };
}

export async function buildContractAnnexDocx(model: TenderDocumentModel): Promise<Buffer> {
  const { document, properties } = await createContractAnnexDocument(model);
  return packDocument(document, model, properties);
}
