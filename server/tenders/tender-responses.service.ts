import { createHash } from 'node:crypto';
import type { Actor, AuditContext } from '../auth/actor';
import { readResponseSheet, type ResponseAnswer } from '../documents/response-sheet.xlsx';
import type { TenderLoaders, TendersServiceDeps } from './tenders.access';
import type { TenderIssuing } from './tender-issuing.service';
import { responseSheetNotXlsx, tenderEditorRequired, tenderNotIssued } from './tenders.errors';

/** An uploaded response sheet: its name and media type as the browser sent them, and its bytes. */
export type ResponseSheetUpload = { name: string; mediaType: string; bytes: Buffer };

const XLSX_TYPES = new Set(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'application/zip']);

/** Vendors' filled response sheets: importing one for an issued revision, and listing those imported. */
export function createTenderResponses(deps: TendersServiceDeps, loaders: TenderLoaders, issuing: Pick<TenderIssuing, 'documentModel'>) {
  const { db, tendersRepository: repo, auditRepository: audit } = deps;
  const { load } = loaders;
  const now = deps.now ?? (() => new Date());

  async function save(actor: Actor, id: string, input: { revision: number; vendorName: string; answers: ResponseAnswer[]; fileSha256: string }, context: AuditContext) {
    const { tender, access } = await load(actor, id);
    if (!access.canEdit && !actor.isAdmin) throw tenderEditorRequired();
    return db.transaction(async (tx) => {
      const existing = await repo.findResponse(tx, id, input.revision, input.vendorName);
      const saved = await repo.saveResponse(tx, { tenderId: id, revision: input.revision, vendorName: input.vendorName, answers: input.answers, fileSha256: input.fileSha256, importedAt: now(), importedBy: actor.userId }, existing?.id ?? null);
      await audit.record(tx, context, {
        organisationId: tender.buyerOrganisationId,
        action: existing ? 'tender.response_replaced' : 'tender.response_imported',
        entityType: 'tender_response',
        entityId: saved.id,
        before: existing ? { fileSha256: existing.fileSha256, answers: existing.answers.length } : null,
        after: { vendorName: input.vendorName, revision: input.revision, fileSha256: input.fileSha256, answers: input.answers.length },
      });
      return saved;
    });
  }

  return {
    /**
     * Imports a vendor's filled response sheet for an issued revision (the newest without one):
     * the sheet must be the one generated for that revision; a second import for the same vendor
     * and revision replaces the first.
     */
    async importResponse(actor: Actor, id: string, input: { vendorName: string; revision?: number | undefined; file: ResponseSheetUpload }, context: AuditContext) {
      if (!XLSX_TYPES.has(input.file.mediaType) && !input.file.name.toLowerCase().endsWith('.xlsx')) throw responseSheetNotXlsx();
      const { tender } = await load(actor, id);
      const revision = input.revision ?? tender.currentRevision;
      if (revision < 1) throw tenderNotIssued();
      const { model } = await issuing.documentModel(actor, id, revision);
      const answers = await readResponseSheet(input.file.bytes, model);
      return save(actor, id, { revision, vendorName: input.vendorName, answers, fileSha256: createHash('sha256').update(input.file.bytes).digest('hex') }, context);
    },

    responses: async (actor: Actor, id: string) => {
      await load(actor, id);
      return repo.responses(db, id);
    },
  };
}
