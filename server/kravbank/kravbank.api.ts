import { z } from 'zod';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { singleFileUpload, uploadedFile } from '../shared/http/upload';
import { tenderParams } from '../tenders/tenders.schemas';
import { kravbankFileMissing } from './kravbank.errors';
import { exportQuerySchema, libraryImportResultSchema, libraryImportSchema, tenderImportResultSchema, tenderImportSchema } from './kravbank.schemas';
import type { KravbankService } from './kravbank.service';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Kravbank'] });

/** Kravbank interchange as JSON: a bank into the library or a tender, a tender out as a specification. */
export function kravbankApi(deps: { kravbank: KravbankService; uploadLimitBytes: number }): RouteDefinition[] {
  const { kravbank } = deps;
  return [
    api({
      method: 'post',
      path: '/api/library/kravbank/import',
      summary: 'Import a Kravbank bank or specification (JSON) as drafts of new library items',
      description:
        'Multipart: file (the Kravbank JSON), category, themes, domains, keyPrefix (default KRB), organisationId. Each requirement variant becomes a draft of your organisation for an editor to review, translate and publish; code lists become choice parameters. Requirements that name a released Datakrav version are not imported again. Nothing is written if any requirement cannot become an item.',
      bodyType: 'multipart',
      middleware: [singleFileUpload(deps.uploadLimitBytes)],
      body: libraryImportSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The drafts made, what was already in the library, and what could not be mapped', schema: libraryImportResultSchema }],
      handler: async ({ actor, body, audit, req }) => kravbank.importToLibrary(actor, uploadedFile(req, kravbankFileMissing).buffer, body, audit),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/kravbank',
      summary: 'Import a Kravbank bank or specification (JSON) into a tender: each need a section',
      description: 'Multipart: file. A requirement that names a released Datakrav library version is pinned to it; any other becomes an item written for this tender, with its code lists filled in.',
      params: tenderParams,
      bodyType: 'multipart',
      middleware: [singleFileUpload(deps.uploadLimitBytes)],
      body: tenderImportSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The sections and items added', schema: tenderImportResultSchema }],
      handler: async ({ actor, params, audit, req }) => kravbank.importToTender(actor, params.tenderId, uploadedFile(req, kravbankFileMissing).buffer, audit),
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/kravbank',
      summary: 'The tender\'s requirement set as a Kravbank specification (JSON)',
      description: 'Without ?revision= the newest issued revision when nothing changed since, else the working copy. Each requirement names the Datakrav library version it came from (sourceOriginal), so importing the file again finds the same items. Audited with the file\'s SHA-256 (also in X-Content-SHA256).',
      params: tenderParams,
      query: exportQuerySchema,
      responses: [{ status: 200, description: 'The specification', contentType: 'application/json', schema: z.object({ title: z.string(), bank: z.object({ needs: z.array(z.unknown()) }).loose(), requirementAnswers: z.array(z.unknown()) }).loose() }],
      handler: async ({ actor, params, query, audit, res }) => {
        const file = await kravbank.exportTender(actor, params.tenderId, query.revision, audit);
        res.set('X-Content-SHA256', file.sha256).type('application/json').attachment(file.filename).send(file.bytes);
      },
    }),
  ];
}
