import { buildContractAnnexDocx } from './contract-annex.docx';
import type { TenderDocumentModel } from './document-model';
import { toOcdsRelease } from './ocds';
import { buildResponseSheet } from './response-sheet.xlsx';
import { buildSpecificationDocx } from './specification.docx';

export const TENDER_DOCUMENTS = ['specification.docx', 'contract-annex.docx', 'response-sheet.xlsx', 'requirements.json', 'ocds.json'] as const;
export type TenderDocumentName = (typeof TENDER_DOCUMENTS)[number];

const CONTENT_TYPES: Record<TenderDocumentName, string> = {
  'specification.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'contract-annex.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'response-sheet.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'requirements.json': 'application/json',
  'ocds.json': 'application/json',
};

/** A safe file name: the tender reference, the document and the revision. */
export function documentFilename(model: TenderDocumentModel, name: TenderDocumentName): string {
  const reference = model.reference.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'anskaffelse';
  const [base, extension] = name.split('.') as [string, string];
  return `${reference}-${base}-${model.isDraft ? 'utkast' : `rev${model.revision}`}.${extension}`;
}

export async function generateDocument(name: TenderDocumentName, model: TenderDocumentModel, requirementSet: Record<string, unknown>): Promise<{ bytes: Buffer; contentType: string; filename: string }> {
  let bytes: Buffer;
  switch (name) {
    case 'specification.docx':
      bytes = await buildSpecificationDocx(model);
      break;
    case 'contract-annex.docx':
      bytes = await buildContractAnnexDocx(model);
      break;
    case 'response-sheet.xlsx':
      bytes = await buildResponseSheet(model);
      break;
    case 'requirements.json':
      bytes = Buffer.from(JSON.stringify(requirementSet, null, 2));
      break;
    case 'ocds.json':
      bytes = Buffer.from(JSON.stringify(toOcdsRelease(model), null, 2));
      break;
  }
  return { bytes, contentType: CONTENT_TYPES[name], filename: documentFilename(model, name) };
}
