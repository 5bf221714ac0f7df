import { z } from 'zod';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { singleFileUpload, uploadedFile } from '../shared/http/upload';
import { responseFileMissing } from './tenders.errors';
import {
  addItemsSchema,
  checkResultSchema,
  coBuyerSchema,
  documentParams,
  itemUpdateSchema,
  moveSchema,
  responseUploadSchema,
  revisionQuerySchema,
  sectionRenameSchema,
  sectionSchema,
  selectionCreateSchema,
  selectionParams,
  tenderCoBuyerParams,
  tenderCreateSchema,
  tenderItemParams,
  tenderListQuerySchema,
  tenderParams,
  tenderSchema,
  tenderSectionParams,
  tenderSummarySchema,
  tenderItemSchema,
  tenderUpdateSchema,
  versionOnlySchema,
} from './tenders.schemas';
import type { TendersService } from './tenders.service';
import { tenderBody, tenderItemBody, tenderSummary } from './tenders.views';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Tenders'] });

export function tendersApi(deps: { tenders: TendersService; uploadLimitBytes: number }): RouteDefinition[] {
  const { tenders } = deps;
  return [
    api({
      method: 'get',
      path: '/api/tenders',
      summary: 'List tenders of your organisations (as buyer or co-buyer)',
      query: tenderListQuerySchema,
      responses: [{ status: 200, description: 'A page of tenders', schema: z.object({ items: z.array(tenderSummarySchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await tenders.list(actor, query, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        return { items: rows.map((r) => tenderSummary(r.tender, r.buyerName)), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    api({
      method: 'post',
      path: '/api/tenders',
      summary: 'Create a tender in a buyer organisation',
      body: tenderCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: tenderSchema }],
      handler: async ({ actor, body, audit }) => {
        const created = await tenders.create(actor, body, audit);
        return tenderBody(await tenders.view(actor, created.id));
      },
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId',
      summary: 'Read a tender with its sections and items',
      params: tenderParams,
      etag: true,
      responses: [{ status: 200, description: 'The tender', schema: tenderSchema }],
      handler: async ({ actor, params }) => tenderBody(await tenders.view(actor, params.tenderId)),
    }),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId',
      summary: 'Change a tender\'s details and tender-wide parameter values',
      description: 'Send the version you read (body `version` or If-Match); a stale version gives 409 conflict.stale_version with who changed the tender last, and nothing is changed.',
      params: tenderParams,
      body: tenderUpdateSchema,
      versioned: true,
      etag: true,
      responses: [{ status: 200, description: 'The tender', schema: tenderSchema }],
      handler: async ({ actor, params, body, audit }) => {
        await tenders.update(actor, params.tenderId, body, audit);
        return tenderBody(await tenders.view(actor, params.tenderId));
      },
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/items',
      summary: 'The tender\'s items by section',
      params: tenderParams,
      responses: [{ status: 200, description: 'Sections with items', schema: z.object({ sections: tenderSchema.shape.sections }) }],
      handler: async ({ actor, params }) => ({ sections: tenderBody(await tenders.view(actor, params.tenderId)).sections }),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/items',
      summary: 'Add items: library keys, a quick pick, a saved selection, or an item written for this tender',
      params: tenderParams,
      body: addItemsSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'What was added and what was already there', schema: z.object({ added: z.array(z.string()), skipped: z.array(z.string()) }) }],
      handler: ({ actor, params, body, audit }) => tenders.addItems(actor, params.tenderId, body, audit),
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/items/:itemId',
      summary: 'Read one item of the tender, with the version to change it by',
      params: tenderItemParams,
      etag: true,
      responses: [{ status: 200, description: 'The item', schema: tenderItemSchema }],
      handler: async ({ actor, params }) => {
        const { view, item } = await tenders.item(actor, params.tenderId, params.itemId);
        return tenderItemBody(item, view.tender.language);
      },
    }),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId/items/:itemId',
      summary: 'Change an item: type, weight, parameter values, section, or the text of an item written for this tender',
      description: 'Send the item\'s version (body `version` or If-Match); a stale version gives 409 conflict.stale_version, and nothing is changed.',
      params: tenderItemParams,
      body: itemUpdateSchema,
      versioned: true,
      successStatus: 204,
      responses: [{ status: 204, description: 'Changed' }],
      handler: async ({ actor, params, body, audit }) => {
        await tenders.updateItem(actor, params.tenderId, params.itemId, body, audit);
      },
    }),
    api({
      method: 'delete',
      path: '/api/tenders/:tenderId/items/:itemId',
      summary: 'Remove an item',
      params: tenderItemParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: ({ actor, params, audit }) => tenders.removeItem(actor, params.tenderId, params.itemId, audit),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/items/:itemId/move',
      summary: 'Move an item up or down in its section',
      params: tenderItemParams,
      body: moveSchema,
      versioned: true,
      successStatus: 204,
      responses: [{ status: 204, description: 'Moved' }],
      handler: ({ actor, params, body, audit }) => tenders.moveItem(actor, params.tenderId, params.itemId, body.direction, body.version, audit),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/items/:itemId/upgrade',
      summary: 'Pin an item to the newest published library version',
      params: tenderItemParams,
      body: versionOnlySchema,
      versioned: true,
      successStatus: 204,
      responses: [{ status: 204, description: 'Upgraded' }],
      handler: async ({ actor, params, body, audit }) => {
        await tenders.upgradeItem(actor, params.tenderId, params.itemId, body.version, audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/weights/normalise',
      summary: 'Scale the weights of evaluated items so they sum to 100',
      params: tenderParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Normalised' }],
      handler: ({ actor, params, audit }) => tenders.normaliseWeights(actor, params.tenderId, audit),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/sections',
      summary: 'Add a section',
      params: tenderParams,
      body: sectionSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: z.object({ id: z.uuid(), title: z.string() }) }],
      handler: async ({ actor, params, body, audit }) => {
        const section = await tenders.addSection(actor, params.tenderId, body.title, audit);
        return { id: section.id, title: section.title };
      },
    }),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId/sections/:sectionId',
      summary: 'Rename a section',
      params: tenderSectionParams,
      body: sectionRenameSchema,
      versioned: true,
      successStatus: 204,
      responses: [{ status: 204, description: 'Renamed' }],
      handler: ({ actor, params, body, audit }) => tenders.renameSection(actor, params.tenderId, params.sectionId, body.title, body.version, audit),
    }),
    api({
      method: 'delete',
      path: '/api/tenders/:tenderId/sections/:sectionId',
      summary: 'Remove an empty section',
      params: tenderSectionParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: ({ actor, params, audit }) => tenders.removeSection(actor, params.tenderId, params.sectionId, audit),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/sections/:sectionId/move',
      summary: 'Move a section up or down',
      params: tenderSectionParams,
      body: moveSchema,
      versioned: true,
      successStatus: 204,
      responses: [{ status: 204, description: 'Moved' }],
      handler: ({ actor, params, body, audit }) => tenders.moveSection(actor, params.tenderId, params.sectionId, body.direction, body.version, audit),
    }),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId/co-buyers/:organisationId',
      summary: 'Share the tender with a co-buyer organisation (view, or edit if granted)',
      description: 'The co-buyers are part of the tender: send the tender\'s version (body `version` or If-Match).',
      params: tenderCoBuyerParams,
      body: coBuyerSchema,
      versioned: true,
      successStatus: 204,
      responses: [{ status: 204, description: 'Shared' }],
      handler: ({ actor, params, body, audit }) => tenders.setCoBuyer(actor, params.tenderId, params.organisationId, body.canEdit, body.version, audit),
    }),
    api({
      method: 'delete',
      path: '/api/tenders/:tenderId/co-buyers/:organisationId',
      summary: 'Stop sharing the tender with a co-buyer',
      params: tenderCoBuyerParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: ({ actor, params, audit }) => tenders.removeCoBuyer(actor, params.tenderId, params.organisationId, audit),
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/checks',
      summary: 'Checks before issue: parameter values, weights, deprecated versions, newer versions',
      params: tenderParams,
      responses: [{ status: 200, description: 'The checks', schema: checkResultSchema }],
      handler: async ({ actor, params }) => tenders.checks(await tenders.view(actor, params.tenderId)),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/issue',
      summary: 'Issue the tender: freeze the working copy as the next revision',
      description: 'Refused with 422 tender.checks_failed, listing every problem, when a check fails.',
      params: tenderParams,
      responses: [{ status: 200, description: 'Issued', schema: z.object({ revision: z.number() }) }],
      handler: ({ actor, params, audit }) => tenders.issue(actor, params.tenderId, audit),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/close',
      summary: 'Close the tender; it can no longer change',
      params: tenderParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Closed' }],
      handler: ({ actor, params, audit }) => tenders.close(actor, params.tenderId, audit),
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/revisions',
      summary: 'Issued revisions',
      params: tenderParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Revisions, newest first', schema: pagedListSchema(z.object({ revision: z.number(), issuedAt: z.string() })) }],
      handler: async ({ actor, params, query }) => pageOf((await tenders.revisions(actor, params.tenderId)).map((r) => ({ revision: r.revision, issuedAt: r.issuedAt.toISOString() })), query),
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/documents/:document',
      summary: 'Generate a tender document: specification.docx, contract-annex.docx, response-sheet.xlsx, requirements.json or ocds.json',
      description: 'Without ?revision= the newest issued revision when nothing changed since, else the working copy marked as draft. Every generation is audited with the file\'s SHA-256 (also in the X-Content-SHA256 header).',
      params: documentParams,
      query: revisionQuerySchema,
      responses: [
        { status: 200, description: 'The file', contentType: 'application/octet-stream', schema: z.string() },
        { status: 200, description: 'The file; requirements.json and ocds.json are JSON', contentType: 'application/json', schema: z.record(z.string(), z.unknown()) },
      ],
      handler: async ({ actor, params, query, audit, res }) => {
        const file = await tenders.documentFile(actor, params.tenderId, params.document, query.revision, audit);
        res.set('X-Content-SHA256', file.sha256).type(file.contentType).attachment(file.filename).send(file.bytes);
      },
    }),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/responses',
      summary: 'Imported vendor responses',
      params: tenderParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Responses', schema: pagedListSchema(z.object({ id: z.uuid(), vendorName: z.string(), revision: z.number(), importedAt: z.string(), answers: z.array(z.object({ key: z.string(), answer: z.string(), explanation: z.string(), documentation: z.string() })) })) }],
      handler: async ({ actor, params, query }) => pageOf((await tenders.responses(actor, params.tenderId)).map((r) => ({ id: r.id, vendorName: r.vendorName, revision: r.revision, importedAt: r.importedAt.toISOString(), answers: r.answers })), query),
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/responses',
      summary: 'Import a vendor\'s filled response sheet (multipart: file, vendorName, revision)',
      description: 'A sheet for another tender or revision, edited locked cells, missing or unknown rows or invalid answers are refused with 422 listing each problem; nothing is stored then.',
      params: tenderParams,
      bodyType: 'multipart',
      body: responseUploadSchema,
      middleware: [singleFileUpload(deps.uploadLimitBytes)],
      successStatus: 201,
      responses: [{ status: 201, description: 'Stored', schema: z.object({ id: z.uuid(), vendorName: z.string(), revision: z.number(), answers: z.number() }) }],
      handler: async ({ actor, params, body, audit, req }) => {
        const file = uploadedFile(req, responseFileMissing);
        const saved = await tenders.importResponse(actor, params.tenderId, { ...body, file: { name: file.originalname, mediaType: file.mimetype, bytes: file.buffer } }, audit);
        return { id: saved.id, vendorName: saved.vendorName, revision: saved.revision, answers: saved.answers.length };
      },
    }),
    api({
      method: 'get',
      path: '/api/library/selections',
      summary: 'Saved selections of library items of your organisations',
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Selections', schema: pagedListSchema(z.object({ id: z.uuid(), name: z.string(), organisationId: z.uuid(), keys: z.array(z.string()) })) }],
      handler: async ({ actor, query }) => pageOf((await tenders.selections(actor)).map((s) => ({ id: s.id, name: s.name, organisationId: s.organisationId, keys: s.keys })), query),
    }),
    api({
      method: 'post',
      path: '/api/library/selections',
      summary: 'Save a selection of library items for reuse in tenders',
      body: selectionCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Saved', schema: z.object({ id: z.uuid(), name: z.string(), keys: z.array(z.string()) }) }],
      handler: async ({ actor, body, audit }) => {
        const row = await tenders.createSelection(actor, body, audit);
        return { id: row.id, name: row.name, keys: row.keys };
      },
    }),
    api({
      method: 'delete',
      path: '/api/library/selections/:selectionId',
      summary: 'Delete a saved selection',
      params: selectionParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Deleted' }],
      handler: ({ actor, params, audit }) => tenders.deleteSelection(actor, params.selectionId, audit),
    }),
  ];
}
