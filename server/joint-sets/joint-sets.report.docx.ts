import { Document, HeadingLevel, Packer, PageOrientation, Paragraph, TextRun, type FileChild } from 'docx';
import { bodyCell, cellText, cleanText, gridTable } from '../documents/docx-common';
import type { RevisionView } from './joint-sets.content';
import { renderTitle } from '../library/clause-template';

type Lang = 'nb' | 'en';

const LABELS = {
  nb: {
    title: 'Høringsrapport',
    subtitle: (set: string, revision: number) => `${set} – revisjon ${revision}`,
    coordinator: 'Koordinerende organisasjon',
    participants: 'Deltakere',
    status: 'Status',
    statuses: { draft: 'Utkast', consultation: 'På høring', adopted: 'Vedtatt', superseded: 'Erstattet' },
    summary: (comments: number, open: number) => `${comments} innspill, ${open} ikke besvart.`,
    noComments: 'Ingen innspill til dette kravet.',
    columns: ['Organisasjon', 'Innspill', 'Svar fra koordinator'],
    positions: { agree: 'Enig', change: 'Forslag til endring', object: 'Innsigelse' },
    resolutions: { accepted: 'Tatt til følge', rejected: 'Ikke tatt til følge', noted: 'Tatt til orientering' },
    unresolved: 'Ikke besvart ennå',
    version: 'versjon',
  },
  en: {
    title: 'Consultation report',
    subtitle: (set: string, revision: number) => `${set} – revision ${revision}`,
    coordinator: 'Coordinating organisation',
    participants: 'Participants',
    status: 'Status',
    statuses: { draft: 'Draft', consultation: 'In consultation', adopted: 'Adopted', superseded: 'Superseded' },
    summary: (comments: number, open: number) => `${comments} comment(s), ${open} not answered.`,
    noComments: 'No comments on this item.',
    columns: ['Organisation', 'Comment', "Coordinator's answer"],
    positions: { agree: 'Agrees', change: 'Proposes a change', object: 'Objects' },
    resolutions: { accepted: 'Accepted', rejected: 'Not accepted', noted: 'Noted' },
    unresolved: 'Not answered yet',
    version: 'version',
  },
} as const;

const WIDTHS = [2400, 3400, 3226];

/** The consultation report of a revision: every item with the comments on it and the coordinator's answers. */
export async function buildConsultationReportDocx(view: RevisionView, lang: Lang): Promise<Buffer> {
  const labels = LABELS[lang];
  const comments = view.comments ?? [];
  const body: FileChild[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(labels.title)] }),
    new Paragraph({ children: [new TextRun({ text: cleanText(labels.subtitle(view.set.title, view.revision.number)), bold: true })] }),
    new Paragraph({ children: [new TextRun(`${labels.coordinator}: ${cleanText(view.coordinatorName)}`)] }),
    new Paragraph({ children: [new TextRun(`${labels.participants}: ${cleanText(view.participants.filter((p) => p.status === 'accepted').map((p) => p.name).join(', '))}`)] }),
    new Paragraph({ children: [new TextRun(`${labels.status}: ${labels.statuses[view.revision.status]}`)] }),
    new Paragraph({ spacing: { after: 240 }, children: [new TextRun(labels.summary(comments.length, comments.filter((c) => !c.resolution).length))] }),
  ];
  for (const section of view.sections) {
    body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(cleanText(section.title))] }));
    for (const item of section.items) {
      body.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(cleanText(`${item.libraryKey} ${item.library ? renderTitle(item.library, item.parameterValues, lang) : ''} (${labels.version} ${item.libraryVersion})`))] }));
      const mine = comments.filter((c) => c.itemId === item.id);
      if (mine.length === 0) {
        body.push(new Paragraph({ children: [new TextRun({ text: labels.noComments, italics: true })] }));
        continue;
      }
      body.push(
        gridTable(
          labels.columns,
          WIDTHS,
          mine.map((c) => [
            bodyCell([cellText(c.organisationName, { bold: true }), cellText(c.authorName)], WIDTHS[0] as number),
            bodyCell([cellText(labels.positions[c.position], { bold: true }), cellText(c.text)], WIDTHS[1] as number),
            bodyCell(c.resolution ? [cellText(labels.resolutions[c.resolution], { bold: true }), cellText(c.response ?? '')] : [cellText(labels.unresolved, { italics: true })], WIDTHS[2] as number),
          ]),
        ),
      );
    }
  }
  const document = new Document({
    creator: 'Datakrav',
    title: `${labels.title}: ${view.set.title}`,
    // The document language lets screen readers and spelling checkers read the text as it is written.
    styles: { default: { document: { run: { language: { value: lang === 'nb' ? 'nb-NO' : 'en-GB' } } } } },
    sections: [{ properties: { page: { size: { orientation: PageOrientation.PORTRAIT } } }, children: body }],
  });
  return Packer.toBuffer(document);
}
