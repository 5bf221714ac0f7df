import type { RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { generateDocument, TENDER_DOCUMENTS, type TenderDocumentName } from '../documents/documents';
import { readResponseSheet } from '../documents/response-sheet.xlsx';
import { checkParameterValues, defaultValue, renderTemplate } from '../library/clause-template';
import { CATEGORIES, DOMAINS, ITEM_KINDS, REQUIREMENT_TYPES, type Category } from '../library/library.codes';
import { coerceFormValues } from '../library/library.forms';
import { jointSetOriginView } from '../joint-sets/joint-sets.views';
import { librarySearchQuerySchema, type Parameter } from '../library/library.schemas';
import type { Services } from '../services';
import { AppError, badRequest, isAppError, type FieldError } from '../shared/errors';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { fieldErrors } from '../shared/http/validate';
import { pagination } from '../shared/pagination';
import {
  addItemsSchema,
  checkResultSchema,
  coBuyerSchema,
  customItemSchema,
  documentParams,
  itemUpdateSchema,
  moveSchema,
  responseUploadSchema,
  revisionQuerySchema,
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
  tenderUpdateSchema,
} from './tenders.schemas';
import { buyerRequired } from './tenders.errors';
import type { TenderView } from './tenders.service';
import type { TenderRow } from './tenders.table';

type Ctx<P = unknown> = RouteContext<P, unknown, unknown, 'user'>;

/**
 * Reads the uploaded file. Multer hands busboy's errors for a broken multipart body (no
 * boundary, cut off in the middle) on as plain errors; they are the client's, not the server's.
 */
function singleFile(upload: multer.Multer): RequestHandler {
  const read = upload.single('file');
  return (req, res, next) =>
    read(req, res, (error?: unknown) => {
      if (!error || error instanceof multer.MulterError || isAppError(error)) return next(error);
      next(new AppError('upload.malformed', 400, 'The upload is not a well-formed multipart/form-data body.', { cause: error }));
    });
}

const XLSX_TYPES = new Set(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'application/zip']);

function summaryBody(tender: TenderRow, buyerName: string) {
  return {
    id: tender.id,
    title: tender.title,
    reference: tender.reference,
    buyerOrganisationId: tender.buyerOrganisationId,
    buyerName,
    status: tender.status,
    language: tender.language,
    domain: tender.domain,
    deadline: tender.deadline,
    currentRevision: tender.currentRevision,
    hasUnissuedChanges: tender.hasUnissuedChanges,
    version: tender.version,
    updatedAt: tender.updatedAt.toISOString(),
  };
}

function tenderBody(view: TenderView) {
  const lang = view.tender.language;
  return {
    ...summaryBody(view.tender, view.buyerName),
    description: view.tender.description,
    contactName: view.tender.contactName,
    contactEmail: view.tender.contactEmail,
    parameterDefaults: view.tender.parameterDefaults,
    coBuyers: view.coBuyers,
    canEdit: view.access.canEdit,
    sections: view.sections.map((s) => ({
      id: s.id,
      title: s.title,
      position: s.position,
      category: s.category,
      items: s.items.map((i) => ({
        id: i.id,
        key: i.libraryKey ?? i.customKey ?? '',
        fromLibrary: Boolean(i.libraryKey),
        libraryVersion: i.libraryVersion,
        kind: i.kind,
        type: i.type,
        weight: i.weight,
        title: i.library ? i.library.title[lang] : (i.customTitle ?? ''),
        parameterValues: i.parameterValues,
        effectiveValues: i.effectiveValues,
        position: i.position,
      })),
    })),
  };
}

export function tenderRoutes(services: Services, uploadLimitBytes: number): RouteDefinition[] {
  const tenders = services.tenders;
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: uploadLimitBytes, files: 1, fields: 20 } });

  async function download(ctx: Ctx<{ tenderId: string; document: TenderDocumentName }>, revision: number | undefined) {
    const { model, requirementSet } = await tenders.documentModel(ctx.actor, ctx.params.tenderId, revision);
    const file = await generateDocument(ctx.params.document, model, requirementSet);
    const sha256 = await tenders.recordGeneration(ctx.actor, ctx.params.tenderId, { name: ctx.params.document, revision: model.revision, isDraft: model.isDraft, bytes: file.bytes }, ctx.audit);
    ctx.res.set('X-Content-SHA256', sha256).type(file.contentType).attachment(file.filename).send(file.bytes);
  }

  async function importResponses(ctx: Ctx<{ tenderId: string }>, input: { vendorName: string; revision?: number | undefined }) {
    const file = ctx.req.file;
    if (!file) throw badRequest('tender.response_file_missing', 'Attach the filled response sheet as the field "file".', [{ path: 'file', message: 'is required' }]);
    if (!XLSX_TYPES.has(file.mimetype) && !file.originalname.toLowerCase().endsWith('.xlsx')) {
      throw new AppError('tender.response_sheet_invalid', 415, 'The response sheet must be the .xlsx file generated for this tender.', { errors: [{ path: 'file', message: 'must be an .xlsx file' }] });
    }
    const tender = (await tenders.view(ctx.actor, ctx.params.tenderId)).tender;
    const revision = input.revision ?? tender.currentRevision;
    if (revision < 1) throw new AppError('tender.not_issued', 409, 'Responses can be imported once the tender has been issued.');
    const { model } = await tenders.documentModel(ctx.actor, ctx.params.tenderId, revision);
    const answers = await readResponseSheet(file.buffer, model);
    const { createHash } = await import('node:crypto');
    return tenders.saveResponse(ctx.actor, ctx.params.tenderId, { revision, vendorName: input.vendorName, answers, fileSha256: createHash('sha256').update(file.buffer).digest('hex') }, ctx.audit);
  }

  async function renderTender(ctx: Ctx<{ tenderId: string }>, extra: Record<string, unknown> = {}, status = 200) {
    const view = await tenders.view(ctx.actor, ctx.params.tenderId);
    const [checks, revisions, responses, selections] = await Promise.all([tenders.checks(view), tenders.revisions(ctx.actor, view.tender.id), tenders.responses(ctx.actor, view.tender.id), tenders.selections(ctx.actor)]);
    const origin = jointSetOriginView(await services.jointSets.origin(ctx.actor, view.tender.jointSetRevisionId));
    const buyerOrgs = view.access.isBuyer ? await services.organisations.list({ ...ctx.actor, isAdmin: true }, { kind: 'buyer' }, { limit: 500, offset: 0 }) : { rows: [] };
    const lang = view.tender.language;
    const upgrades = new Map(checks.notices.map((n) => [n.itemId, n]));
    const sharedParameters = sharedParametersOf(view).map(({ parameter, keys }) => ({
      ...parameter,
      keys,
      value: view.tender.parameterDefaults[parameter.name] ?? defaultValue(parameter, lang),
      own: parameter.name in view.tender.parameterDefaults,
      isList: parameter.type === 'choices',
      isChoice: parameter.type === 'choice' || parameter.type === 'choices',
      isNumber: parameter.type === 'integer' || parameter.type === 'number',
    }));
    const problems = new Map<string, string[]>();
    for (const e of checks.errors) if (e.itemId) problems.set(e.itemId, [...(problems.get(e.itemId) ?? []), e.message]);
    ctx.render(
      'tenders/show',
      {
        title: view.tender.title,
        nav: 'tenders',
        tender: tenderBody(view),
        access: view.access,
        sections: view.sections.map((s, sIndex) => ({
          ...s,
          number: sIndex + 1,
          first: sIndex === 0,
          last: sIndex === view.sections.length - 1,
          items: s.items.map((i, iIndex) => ({
            ...i,
            number: `${sIndex + 1}.${iIndex + 1}`,
            key: i.libraryKey ?? i.customKey,
            title: i.library ? i.library.title[lang] : i.customTitle,
            evaluated: i.kind === 'requirement' && i.type !== 'A',
            first: iIndex === 0,
            last: iIndex === s.items.length - 1,
            upgrade: upgrades.get(i.id) ?? null,
            problems: problems.get(i.id) ?? [],
          })),
        })),
        checks,
        revisions,
        responses: responses.map((r) => ({ ...r, counts: { yes: r.answers.filter((a) => a.answer === 'yes').length, partly: r.answers.filter((a) => a.answer === 'partly').length, no: r.answers.filter((a) => a.answer === 'no').length } })),
        documents: TENDER_DOCUMENTS,
        selections,
        categories: CATEGORIES,
        domains: DOMAINS,
        kinds: ITEM_KINDS,
        types: REQUIREMENT_TYPES,
        sharedParameters,
        jointSetOrigin: origin && view.tender.status !== 'draft' ? { ...origin, newer: null } : origin,
        coBuyerOptions: buyerOrgs.rows.filter((o) => o.id !== view.tender.buyerOrganisationId && !view.coBuyers.some((c) => c.organisationId === o.id)),
        ...extra,
      },
      status,
    );
  }

  async function renderItem(ctx: Ctx<{ tenderId: string; itemId: string }>, extra: Record<string, unknown> = {}, status = 200) {
    const view = await tenders.view(ctx.actor, ctx.params.tenderId);
    const item = view.sections.flatMap((s) => s.items).find((i) => i.id === ctx.params.itemId);
    if (!item) throw new AppError('tender.item_not_found', 404, 'No such item in this tender.');
    const lang = view.tender.language;
    const lib = item.library;
    const values = (extra.values as Record<string, unknown> | undefined) ?? item.effectiveValues;
    let preview = item.customText ?? '';
    if (lib) {
      try {
        preview = renderTemplate(lib.text[lang], lib.parameters, values as never, lang);
      } catch {
        preview = renderTemplate(lib.text[lang], lib.parameters, {}, lang);
      }
    }
    ctx.render(
      'tenders/item',
      {
        title: `${item.libraryKey ?? item.customKey} – ${view.tender.title}`,
        nav: 'tenders',
        tender: tenderBody(view),
        access: view.access,
        item: { ...item, key: item.libraryKey ?? item.customKey, title: lib ? lib.title[lang] : item.customTitle },
        parameters: (lib?.parameters ?? []).map((p) => ({
          ...p,
          value: values[p.name] ?? defaultValue(p, lang),
          own: p.name in item.parameterValues,
          isList: p.type === 'choices',
          isChoice: p.type === 'choice' || p.type === 'choices',
          isNumber: p.type === 'integer' || p.type === 'number',
        })),
        preview,
        sections: view.sections.map((s) => ({ id: s.id, title: s.title })),
        types: REQUIREMENT_TYPES,
        ...extra,
      },
      status,
    );
  }

  const back = (ctx: Ctx<{ tenderId: string }>, message: string, anchor = '') => ctx.redirect(`/tenders/${ctx.params.tenderId}${anchor}`, { kind: 'success', message });

  async function onFormError(ctx: Ctx<{ tenderId: string }>, error: unknown): Promise<void> {
    if (isAppError(error) && error.status < 500) {
      await renderTender(ctx, { formErrors: error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }] }, error.status);
      return;
    }
    throw error;
  }

  const api = (spec: Parameters<typeof defineRoute>[0]) => defineRoute({ ...spec, surface: 'api', access: 'user', tags: ['Tenders'] } as never);

  return [
    api({
      method: 'get',
      path: '/api/tenders',
      summary: 'List tenders of your organisations (as buyer or co-buyer)',
      query: tenderListQuerySchema,
      responses: [{ status: 200, description: 'A page of tenders', schema: z.object({ items: z.array(tenderSummarySchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
      handler: async (ctx: RouteContext<unknown, z.infer<typeof tenderListQuerySchema>, unknown, 'user'>) => {
        const { rows, total } = await tenders.list(ctx.actor, ctx.query, { limit: ctx.query.pageSize, offset: (ctx.query.page - 1) * ctx.query.pageSize });
        return { items: rows.map((r) => summaryBody(r.tender, r.buyerName)), page: ctx.query.page, pageSize: ctx.query.pageSize, total };
      },
    } as never),
    api({
      method: 'post',
      path: '/api/tenders',
      summary: 'Create a tender in a buyer organisation',
      body: tenderCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: tenderSchema }],
      handler: async (ctx: RouteContext<unknown, unknown, z.infer<typeof tenderCreateSchema>, 'user'>) => {
        const created = await tenders.create(ctx.actor, ctx.body, ctx.audit);
        return tenderBody(await tenders.view(ctx.actor, created.id));
      },
    } as never),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId',
      summary: 'Read a tender with its sections and items',
      params: tenderParams,
      responses: [{ status: 200, description: 'The tender', schema: tenderSchema }],
      handler: async (ctx: Ctx<{ tenderId: string }>) => tenderBody(await tenders.view(ctx.actor, ctx.params.tenderId)),
    } as never),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId',
      summary: 'Change a tender\'s details and tender-wide parameter values',
      description: 'Send the version you read; a stale version gives 409 tender.conflict.',
      params: tenderParams,
      body: tenderUpdateSchema,
      responses: [{ status: 200, description: 'The tender', schema: tenderSchema }],
      handler: async (ctx: RouteContext<{ tenderId: string }, unknown, z.infer<typeof tenderUpdateSchema>, 'user'>) => {
        await tenders.update(ctx.actor, ctx.params.tenderId, ctx.body, ctx.audit);
        return tenderBody(await tenders.view(ctx.actor, ctx.params.tenderId));
      },
    } as never),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/items',
      summary: 'The tender\'s items by section',
      params: tenderParams,
      responses: [{ status: 200, description: 'Sections with items', schema: z.object({ sections: tenderSchema.shape.sections }) }],
      handler: async (ctx: Ctx<{ tenderId: string }>) => ({ sections: tenderBody(await tenders.view(ctx.actor, ctx.params.tenderId)).sections }),
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/items',
      summary: 'Add items: library keys, a quick pick, a saved selection, or an item written for this tender',
      params: tenderParams,
      body: addItemsSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'What was added and what was already there', schema: z.object({ added: z.array(z.string()), skipped: z.array(z.string()) }) }],
      handler: async (ctx: RouteContext<{ tenderId: string }, unknown, z.infer<typeof addItemsSchema>, 'user'>) => {
        const body = ctx.body;
        if (body.keys) return tenders.addLibraryItems(ctx.actor, ctx.params.tenderId, body.keys, ctx.audit);
        if (body.pick) return tenders.quickPick(ctx.actor, ctx.params.tenderId, { domain: true }, ctx.audit);
        if (body.clausesOf) return tenders.quickPick(ctx.actor, ctx.params.tenderId, { clausesOf: body.clausesOf }, ctx.audit);
        if (body.selectionId) return tenders.quickPick(ctx.actor, ctx.params.tenderId, { selectionId: body.selectionId }, ctx.audit);
        const created = await tenders.addCustomItem(ctx.actor, ctx.params.tenderId, body.custom as z.infer<typeof customItemSchema>, ctx.audit);
        return { added: [created.customKey as string], skipped: [] };
      },
    } as never),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId/items/:itemId',
      summary: 'Change an item: type, weight, parameter values, section, or the text of an item written for this tender',
      params: tenderItemParams,
      body: itemUpdateSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Changed' }],
      handler: async (ctx: RouteContext<{ tenderId: string; itemId: string }, unknown, z.infer<typeof itemUpdateSchema>, 'user'>) => {
        await tenders.updateItem(ctx.actor, ctx.params.tenderId, ctx.params.itemId, ctx.body, ctx.audit);
      },
    } as never),
    api({
      method: 'delete',
      path: '/api/tenders/:tenderId/items/:itemId',
      summary: 'Remove an item',
      params: tenderItemParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async (ctx: Ctx<{ tenderId: string; itemId: string }>) => {
        await tenders.removeItem(ctx.actor, ctx.params.tenderId, ctx.params.itemId, ctx.audit);
      },
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/items/:itemId/move',
      summary: 'Move an item up or down in its section',
      params: tenderItemParams,
      body: moveSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Moved' }],
      handler: async (ctx: RouteContext<{ tenderId: string; itemId: string }, unknown, z.infer<typeof moveSchema>, 'user'>) => {
        await tenders.moveItem(ctx.actor, ctx.params.tenderId, ctx.params.itemId, ctx.body.direction, ctx.audit);
      },
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/items/:itemId/upgrade',
      summary: 'Pin an item to the newest published library version',
      params: tenderItemParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Upgraded' }],
      handler: async (ctx: Ctx<{ tenderId: string; itemId: string }>) => {
        await tenders.upgradeItem(ctx.actor, ctx.params.tenderId, ctx.params.itemId, ctx.audit);
      },
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/weights/normalise',
      summary: 'Scale the weights of evaluated items so they sum to 100',
      params: tenderParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Normalised' }],
      handler: async (ctx: Ctx<{ tenderId: string }>) => {
        await tenders.normaliseWeights(ctx.actor, ctx.params.tenderId, ctx.audit);
      },
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/sections',
      summary: 'Add a section',
      params: tenderParams,
      body: sectionSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: z.object({ id: z.uuid(), title: z.string() }) }],
      handler: async (ctx: RouteContext<{ tenderId: string }, unknown, z.infer<typeof sectionSchema>, 'user'>) => {
        const section = await tenders.addSection(ctx.actor, ctx.params.tenderId, ctx.body.title, ctx.audit);
        return { id: section.id, title: section.title };
      },
    } as never),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId/sections/:sectionId',
      summary: 'Rename a section',
      params: tenderSectionParams,
      body: sectionSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Renamed' }],
      handler: async (ctx: RouteContext<{ tenderId: string; sectionId: string }, unknown, z.infer<typeof sectionSchema>, 'user'>) => {
        await tenders.renameSection(ctx.actor, ctx.params.tenderId, ctx.params.sectionId, ctx.body.title, ctx.audit);
      },
    } as never),
    api({
      method: 'delete',
      path: '/api/tenders/:tenderId/sections/:sectionId',
      summary: 'Remove an empty section',
      params: tenderSectionParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async (ctx: Ctx<{ tenderId: string; sectionId: string }>) => {
        await tenders.removeSection(ctx.actor, ctx.params.tenderId, ctx.params.sectionId, ctx.audit);
      },
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/sections/:sectionId/move',
      summary: 'Move a section up or down',
      params: tenderSectionParams,
      body: moveSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Moved' }],
      handler: async (ctx: RouteContext<{ tenderId: string; sectionId: string }, unknown, z.infer<typeof moveSchema>, 'user'>) => {
        await tenders.moveSection(ctx.actor, ctx.params.tenderId, ctx.params.sectionId, ctx.body.direction, ctx.audit);
      },
    } as never),
    api({
      method: 'put',
      path: '/api/tenders/:tenderId/co-buyers/:organisationId',
      summary: 'Share the tender with a co-buyer organisation (view, or edit if granted)',
      params: tenderCoBuyerParams,
      body: coBuyerSchema,
      successStatus: 204,
      responses: [{ status: 204, description: 'Shared' }],
      handler: async (ctx: RouteContext<{ tenderId: string; organisationId: string }, unknown, z.infer<typeof coBuyerSchema>, 'user'>) => {
        await tenders.setCoBuyer(ctx.actor, ctx.params.tenderId, ctx.params.organisationId, ctx.body.canEdit, ctx.audit);
      },
    } as never),
    api({
      method: 'delete',
      path: '/api/tenders/:tenderId/co-buyers/:organisationId',
      summary: 'Stop sharing the tender with a co-buyer',
      params: tenderCoBuyerParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Removed' }],
      handler: async (ctx: Ctx<{ tenderId: string; organisationId: string }>) => {
        await tenders.removeCoBuyer(ctx.actor, ctx.params.tenderId, ctx.params.organisationId, ctx.audit);
      },
    } as never),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/checks',
      summary: 'Checks before issue: parameter values, weights, deprecated versions, newer versions',
      params: tenderParams,
      responses: [{ status: 200, description: 'The checks', schema: checkResultSchema }],
      handler: async (ctx: Ctx<{ tenderId: string }>) => tenders.checks(await tenders.view(ctx.actor, ctx.params.tenderId)),
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/issue',
      summary: 'Issue the tender: freeze the working copy as the next revision',
      description: 'Refused with 422 tender.checks_failed, listing every problem, when a check fails.',
      params: tenderParams,
      responses: [{ status: 200, description: 'Issued', schema: z.object({ revision: z.number() }) }],
      handler: (ctx: Ctx<{ tenderId: string }>) => tenders.issue(ctx.actor, ctx.params.tenderId, ctx.audit),
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/close',
      summary: 'Close the tender; it can no longer change',
      params: tenderParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Closed' }],
      handler: async (ctx: Ctx<{ tenderId: string }>) => {
        await tenders.close(ctx.actor, ctx.params.tenderId, ctx.audit);
      },
    } as never),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/revisions',
      summary: 'Issued revisions',
      params: tenderParams,
      responses: [{ status: 200, description: 'Revisions, newest first', schema: z.object({ items: z.array(z.object({ revision: z.number(), issuedAt: z.string() })) }) }],
      handler: async (ctx: Ctx<{ tenderId: string }>) => ({ items: (await tenders.revisions(ctx.actor, ctx.params.tenderId)).map((r) => ({ revision: r.revision, issuedAt: r.issuedAt.toISOString() })) }),
    } as never),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/documents/:document',
      summary: 'Generate a tender document: specification.docx, contract-annex.docx, response-sheet.xlsx, requirements.json or ocds.json',
      description: 'Without ?revision= the newest issued revision when nothing changed since, else the working copy marked as draft. Every generation is audited with the file\'s SHA-256 (also in the X-Content-SHA256 header).',
      params: documentParams,
      query: revisionQuerySchema,
      responses: [{ status: 200, description: 'The file', contentType: 'application/octet-stream', schema: z.string() }],
      handler: (ctx: RouteContext<{ tenderId: string; document: TenderDocumentName }, z.infer<typeof revisionQuerySchema>, unknown, 'user'>) => download(ctx as never, ctx.query.revision),
    } as never),
    api({
      method: 'get',
      path: '/api/tenders/:tenderId/responses',
      summary: 'Imported vendor responses',
      params: tenderParams,
      responses: [{ status: 200, description: 'Responses', schema: z.object({ items: z.array(z.object({ id: z.uuid(), vendorName: z.string(), revision: z.number(), importedAt: z.string(), answers: z.array(z.object({ key: z.string(), answer: z.string(), explanation: z.string(), documentation: z.string() })) })) }) }],
      handler: async (ctx: Ctx<{ tenderId: string }>) => ({
        items: (await tenders.responses(ctx.actor, ctx.params.tenderId)).map((r) => ({ id: r.id, vendorName: r.vendorName, revision: r.revision, importedAt: r.importedAt.toISOString(), answers: r.answers })),
      }),
    } as never),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/responses',
      summary: 'Import a vendor\'s filled response sheet (multipart: file, vendorName, revision)',
      description: 'A sheet for another tender or revision, edited locked cells, missing or unknown rows or invalid answers are refused with 422 listing each problem; nothing is stored then.',
      params: tenderParams,
      bodyType: 'multipart',
      body: responseUploadSchema,
      middleware: [singleFile(upload)],
      successStatus: 201,
      responses: [{ status: 201, description: 'Stored', schema: z.object({ id: z.uuid(), vendorName: z.string(), revision: z.number(), answers: z.number() }) }],
      handler: async (ctx: RouteContext<{ tenderId: string }, unknown, z.infer<typeof responseUploadSchema>, 'user'>) => {
        const saved = await importResponses(ctx as never, ctx.body);
        return { id: saved.id, vendorName: saved.vendorName, revision: saved.revision, answers: saved.answers.length };
      },
    } as never),
    api({
      method: 'get',
      path: '/api/library/selections',
      summary: 'Saved selections of library items of your organisations',
      responses: [{ status: 200, description: 'Selections', schema: z.object({ items: z.array(z.object({ id: z.uuid(), name: z.string(), organisationId: z.uuid(), keys: z.array(z.string()) })) }) }],
      handler: async (ctx: Ctx) => ({ items: (await tenders.selections(ctx.actor)).map((s) => ({ id: s.id, name: s.name, organisationId: s.organisationId, keys: s.keys })) }),
    } as never),
    api({
      method: 'post',
      path: '/api/library/selections',
      summary: 'Save a selection of library items for reuse in tenders',
      body: selectionCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Saved', schema: z.object({ id: z.uuid(), name: z.string(), keys: z.array(z.string()) }) }],
      handler: async (ctx: RouteContext<unknown, unknown, z.infer<typeof selectionCreateSchema>, 'user'>) => {
        const row = await tenders.createSelection(ctx.actor, ctx.body, ctx.audit);
        return { id: row.id, name: row.name, keys: row.keys };
      },
    } as never),
    api({
      method: 'delete',
      path: '/api/library/selections/:selectionId',
      summary: 'Delete a saved selection',
      params: selectionParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Deleted' }],
      handler: async (ctx: Ctx<{ selectionId: string }>) => {
        await tenders.deleteSelection(ctx.actor, ctx.params.selectionId, ctx.audit);
      },
    } as never),

    ...tenderPageRoutes({ services, upload, renderTender, renderItem, download, importResponses, back, onFormError }),
  ];
}

/** Parameters that several items of the tender declare under the same name: set once for the whole tender. */
export function sharedParametersOf(view: TenderView): { parameter: Parameter; keys: string[] }[] {
  const byName = new Map<string, { parameter: Parameter; keys: string[] }>();
  for (const item of view.sections.flatMap((s) => s.items)) {
    for (const parameter of item.library?.parameters ?? []) {
      const entry = byName.get(parameter.name) ?? { parameter, keys: [] };
      entry.keys.push(item.libraryKey as string);
      byName.set(parameter.name, entry);
    }
  }
  return [...byName.values()].sort((a, b) => a.parameter.name.localeCompare(b.parameter.name));
}

type PageDeps = {
  services: Services;
  upload: multer.Multer;
  renderTender: (ctx: Ctx<{ tenderId: string }>, extra?: Record<string, unknown>, status?: number) => Promise<void>;
  renderItem: (ctx: Ctx<{ tenderId: string; itemId: string }>, extra?: Record<string, unknown>, status?: number) => Promise<void>;
  download: (ctx: Ctx<{ tenderId: string; document: TenderDocumentName }>, revision: number | undefined) => Promise<void>;
  importResponses: (ctx: Ctx<{ tenderId: string }>, input: { vendorName: string; revision?: number | undefined }) => Promise<unknown>;
  back: (ctx: Ctx<{ tenderId: string }>, message: string, anchor?: string) => void;
  onFormError: (ctx: Ctx<{ tenderId: string }>, error: unknown) => Promise<void>;
};

const formObject = z.record(z.string(), z.unknown());

function tenderPageRoutes(deps: PageDeps): RouteDefinition[] {
  const { services, renderTender, renderItem, back, onFormError } = deps;
  const tenders = services.tenders;
  const page = (spec: Record<string, unknown>) => defineRoute({ ...spec, surface: 'page', access: 'user' } as never);
  const post = (path: string, summary: string, params: z.ZodType, body: z.ZodType | undefined, run: (ctx: Ctx<never> & { body: never }) => Promise<string>, anchor = '') =>
    page({
      method: 'post',
      path,
      summary,
      params,
      bodyType: 'form',
      ...(body ? { body } : {}),
      onInvalid: (ctx: Ctx<{ tenderId: string }>, errors: FieldError[]) => renderTender(ctx, { formErrors: errors }, 400),
      handler: async (ctx: Ctx<{ tenderId: string }>) => {
        try {
          const message = await run(ctx as never);
          back(ctx, message, anchor);
        } catch (error) {
          await onFormError(ctx, error);
        }
      },
    });

  const newForm = async (ctx: Ctx, values: Record<string, unknown>, errors: FieldError[], status: number) => {
    const organisations = ctx.actor.memberships.filter((m) => m.kind === 'buyer' && (m.role === 'owner' || m.role === 'editor'));
    ctx.render('tenders/new', { title: ctx.t('tenders.new.title'), nav: 'tenders', values, errors, organisations, domains: DOMAINS }, status);
  };

  return [
    page({
      method: 'get',
      path: '/tenders',
      summary: 'Tender list',
      query: tenderListQuerySchema,
      handler: async (ctx: RouteContext<unknown, z.infer<typeof tenderListQuerySchema>, unknown, 'user'>) => {
        const { rows, total } = await tenders.list(ctx.actor, ctx.query, { limit: ctx.query.pageSize, offset: (ctx.query.page - 1) * ctx.query.pageSize });
        ctx.render('tenders/list', {
          title: ctx.t('tenders.title'),
          nav: 'tenders',
          tenders: rows.map((r) => summaryBody(r.tender, r.buyerName)),
          filter: ctx.query,
          canCreate: ctx.actor.memberships.some((m) => m.kind === 'buyer' && (m.role === 'owner' || m.role === 'editor')),
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/tenders', query: ctx.query }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/tenders/new',
      summary: 'Form for a new tender',
      handler: (ctx: Ctx) => {
        if (!ctx.actor.memberships.some((m) => m.kind === 'buyer' && (m.role === 'owner' || m.role === 'editor'))) throw buyerRequired();
        return newForm(ctx, { language: ctx.locale, contactName: ctx.actor.name, contactEmail: ctx.actor.email }, [], 200);
      },
    }),
    page({
      method: 'post',
      path: '/tenders',
      summary: 'Create a tender',
      bodyType: 'form',
      body: tenderCreateSchema,
      onInvalid: (ctx: RouteContext<unknown, unknown, Record<string, unknown>, 'user'>, errors: FieldError[]) => newForm(ctx as never, ctx.body, errors, 400),
      handler: async (ctx: RouteContext<unknown, unknown, z.infer<typeof tenderCreateSchema>, 'user'>) => {
        try {
          const created = await tenders.create(ctx.actor, ctx.body, ctx.audit);
          ctx.redirect(`/tenders/${created.id}`, { kind: 'success', message: ctx.t('tenders.created') });
        } catch (error) {
          if (isAppError(error) && error.status < 500) return newForm(ctx as never, ctx.body, error.errors.length > 0 ? error.errors : [{ path: 'organisationId', message: error.message }], error.status);
          throw error;
        }
      },
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId',
      summary: 'Tender page: details, items, checks, documents, revisions, responses',
      params: tenderParams,
      handler: (ctx: Ctx<{ tenderId: string }>) => renderTender(ctx),
    }),
    post('/tenders/:tenderId', 'Save tender details', tenderParams, tenderUpdateSchema.omit({ parameterDefaults: true }).extend({ version: z.coerce.number().int().min(1) }), async (ctx: Ctx<never>) => {
      const c = ctx as unknown as RouteContext<{ tenderId: string }, unknown, z.infer<typeof tenderUpdateSchema>, 'user'>;
      await tenders.update(c.actor, c.params.tenderId, { ...c.body, domain: c.body.domain ?? null, deadline: c.body.deadline ?? null }, c.audit);
      return c.t('tenders.saved');
    }),
    page({
      method: 'post',
      path: '/tenders/:tenderId/parameters',
      summary: 'Set parameter values for the whole tender',
      params: tenderParams,
      bodyType: 'form',
      body: formObject,
      handler: async (ctx: RouteContext<{ tenderId: string }, unknown, Record<string, unknown>, 'user'>) => {
        const view = await tenders.view(ctx.actor, ctx.params.tenderId);
        const shared = sharedParametersOf(view).map((s) => s.parameter);
        const values = coerceFormValues(shared, ctx.body.values);
        const problems = checkParameterValues(shared, values);
        if (problems.length > 0) return renderTender(ctx as never, { formErrors: problems.map((p) => ({ path: `values.${p.parameter}`, message: p.message })) }, 400);
        try {
          await tenders.update(ctx.actor, ctx.params.tenderId, { parameterDefaults: values as Record<string, number | string | string[]>, version: Number(ctx.body.version) || undefined }, ctx.audit);
        } catch (error) {
          await onFormError(ctx as never, error);
          return;
        }
        back(ctx as never, ctx.t('tenders.parameters.saved'), '#parameters');
      },
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/picker',
      summary: 'Pick library items for the tender',
      params: tenderParams,
      query: librarySearchQuerySchema,
      handler: async (ctx: RouteContext<{ tenderId: string }, z.infer<typeof librarySearchQuerySchema>, unknown, 'user'>) => {
        const view = await tenders.view(ctx.actor, ctx.params.tenderId);
        const lang = view.tender.language;
        const query = { ...ctx.query, domain: ctx.query.domain };
        const { rows, total } = await services.library.search(ctx.actor, { ...query, status: 'published', sort: query.sort ?? (query.q ? 'relevance' : 'key'), lang, limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        const inTender = new Set(view.sections.flatMap((s) => s.items.map((i) => i.libraryKey)));
        ctx.render('tenders/picker', {
          title: ctx.t('tenders.picker.title', { title: view.tender.title }),
          nav: 'tenders',
          tender: tenderBody(view),
          access: view.access,
          items: rows.map((r) => ({ ...r, titleText: r.title[lang], inTender: inTender.has(r.key) })),
          filter: ctx.query,
          codes: { kinds: ITEM_KINDS, categories: CATEGORIES, types: REQUIREMENT_TYPES, domains: DOMAINS },
          selections: await tenders.selections(ctx.actor),
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: `/tenders/${view.tender.id}/picker`, query: ctx.query }),
        });
      },
    }),
    page({
      method: 'post',
      path: '/tenders/:tenderId/items',
      summary: 'Add items to the tender',
      params: tenderParams,
      bodyType: 'form',
      body: formObject,
      handler: async (ctx: RouteContext<{ tenderId: string }, unknown, Record<string, unknown>, 'user'>) => {
        const body = ctx.body;
        const returnTo = typeof body.returnTo === 'string' && body.returnTo.startsWith(`/tenders/${ctx.params.tenderId}`) ? body.returnTo : `/tenders/${ctx.params.tenderId}`;
        try {
          let result: { added: string[]; skipped: string[] };
          if (body.pick === 'domain') result = await tenders.quickPick(ctx.actor, ctx.params.tenderId, { domain: true }, ctx.audit);
          else if (typeof body.clausesOf === 'string' && (CATEGORIES as readonly string[]).includes(body.clausesOf)) result = await tenders.quickPick(ctx.actor, ctx.params.tenderId, { clausesOf: body.clausesOf as Category }, ctx.audit);
          else if (typeof body.selectionId === 'string' && z.uuid().safeParse(body.selectionId).success) result = await tenders.quickPick(ctx.actor, ctx.params.tenderId, { selectionId: body.selectionId }, ctx.audit);
          else {
            const keys = z.array(z.string().regex(/^[A-Z]{2,5}-[0-9]{3}$/)).min(1).safeParse([body.keys ?? body.key].flat().filter(Boolean));
            if (!keys.success) throw badRequest('validation.failed', ctx.t('tenders.picker.nothingChosen'), [{ path: 'keys', message: ctx.t('tenders.picker.nothingChosen') }]);
            result = await tenders.addLibraryItems(ctx.actor, ctx.params.tenderId, keys.data, ctx.audit);
          }
          ctx.redirect(returnTo, { kind: 'success', message: ctx.t('tenders.picker.added', { added: result.added.length, skipped: result.skipped.length }) });
        } catch (error) {
          await onFormError(ctx as never, error);
        }
      },
    }),
    post('/tenders/:tenderId/custom-items', 'Write an item for this tender', tenderParams, customItemSchema, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as RouteContext<{ tenderId: string }, unknown, z.infer<typeof customItemSchema>, 'user'>;
      const item = await tenders.addCustomItem(c.actor, c.params.tenderId, c.body, c.audit);
      return c.t('tenders.customAdded', { key: item.customKey });
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/items/:itemId',
      summary: 'Edit an item of the tender',
      params: tenderItemParams,
      handler: (ctx: Ctx<{ tenderId: string; itemId: string }>) => renderItem(ctx),
    }),
    page({
      method: 'post',
      path: '/tenders/:tenderId/items/:itemId',
      summary: 'Save an item of the tender',
      params: tenderItemParams,
      bodyType: 'form',
      body: formObject,
      handler: async (ctx: RouteContext<{ tenderId: string; itemId: string }, unknown, Record<string, unknown>, 'user'>) => {
        const view = await tenders.view(ctx.actor, ctx.params.tenderId);
        const item = view.sections.flatMap((s) => s.items).find((i) => i.id === ctx.params.itemId);
        const values = coerceFormValues(item?.library?.parameters ?? [], ctx.body.values);
        const parsed = itemUpdateSchema.safeParse({
          type: ctx.body.type,
          weight: typeof ctx.body.weight === 'string' && ctx.body.weight !== '' ? Number(ctx.body.weight) : undefined,
          sectionId: ctx.body.sectionId || undefined,
          parameterValues: item?.library ? values : undefined,
          ...(item && !item.library ? { title: ctx.body.title, text: ctx.body.text, responseGuidance: ctx.body.responseGuidance } : {}),
        });
        if (!parsed.success) return renderItem(ctx as never, { errors: fieldErrors(parsed.error), values }, 400);
        try {
          await tenders.updateItem(ctx.actor, ctx.params.tenderId, ctx.params.itemId, parsed.data, ctx.audit);
        } catch (error) {
          if (isAppError(error) && error.status < 500) return renderItem(ctx as never, { errors: error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }], values }, error.status);
          throw error;
        }
        ctx.redirect(`/tenders/${ctx.params.tenderId}#item-${ctx.params.itemId}`, { kind: 'success', message: ctx.t('tenders.itemSaved') });
      },
    }),
    post('/tenders/:tenderId/items/:itemId/move', 'Move an item', tenderItemParams, moveSchema, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as RouteContext<{ tenderId: string; itemId: string }, unknown, z.infer<typeof moveSchema>, 'user'>;
      await tenders.moveItem(c.actor, c.params.tenderId, c.params.itemId, c.body.direction, c.audit);
      return c.t('tenders.moved');
    }, '#items'),
    post('/tenders/:tenderId/items/:itemId/upgrade', 'Upgrade an item to the newest version', tenderItemParams, undefined, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as Ctx<{ tenderId: string; itemId: string }>;
      await tenders.upgradeItem(c.actor, c.params.tenderId, c.params.itemId, c.audit);
      return c.t('tenders.upgraded');
    }, '#items'),
    post('/tenders/:tenderId/items/:itemId/remove', 'Remove an item', tenderItemParams, undefined, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as Ctx<{ tenderId: string; itemId: string }>;
      await tenders.removeItem(c.actor, c.params.tenderId, c.params.itemId, c.audit);
      return c.t('tenders.removed');
    }, '#items'),
    post('/tenders/:tenderId/weights/normalise', 'Scale weights to 100', tenderParams, undefined, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as Ctx<{ tenderId: string }>;
      await tenders.normaliseWeights(c.actor, c.params.tenderId, c.audit);
      return c.t('tenders.normalised');
    }, '#checks'),
    post('/tenders/:tenderId/sections', 'Add a section', tenderParams, sectionSchema, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as RouteContext<{ tenderId: string }, unknown, z.infer<typeof sectionSchema>, 'user'>;
      await tenders.addSection(c.actor, c.params.tenderId, c.body.title, c.audit);
      return c.t('tenders.sectionAdded');
    }, '#items'),
    post('/tenders/:tenderId/sections/:sectionId', 'Rename a section', tenderSectionParams, sectionSchema, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as RouteContext<{ tenderId: string; sectionId: string }, unknown, z.infer<typeof sectionSchema>, 'user'>;
      await tenders.renameSection(c.actor, c.params.tenderId, c.params.sectionId, c.body.title, c.audit);
      return c.t('tenders.sectionRenamed');
    }, '#items'),
    post('/tenders/:tenderId/sections/:sectionId/move', 'Move a section', tenderSectionParams, moveSchema, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as RouteContext<{ tenderId: string; sectionId: string }, unknown, z.infer<typeof moveSchema>, 'user'>;
      await tenders.moveSection(c.actor, c.params.tenderId, c.params.sectionId, c.body.direction, c.audit);
      return c.t('tenders.moved');
    }, '#items'),
    post('/tenders/:tenderId/sections/:sectionId/remove', 'Remove an empty section', tenderSectionParams, undefined, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as Ctx<{ tenderId: string; sectionId: string }>;
      await tenders.removeSection(c.actor, c.params.tenderId, c.params.sectionId, c.audit);
      return c.t('tenders.sectionRemoved');
    }, '#items'),
    post('/tenders/:tenderId/co-buyers', 'Share with a co-buyer', tenderParams, z.object({ organisationId: z.uuid('choose an organisation'), canEdit: z.preprocess((v) => v === 'true' || v === 'on', z.boolean()).default(false) }), async (ctx: Ctx<never>) => {
      const c = ctx as unknown as RouteContext<{ tenderId: string }, unknown, { organisationId: string; canEdit: boolean }, 'user'>;
      await tenders.setCoBuyer(c.actor, c.params.tenderId, c.body.organisationId, c.body.canEdit, c.audit);
      return c.t('tenders.coBuyerAdded');
    }, '#co-buyers'),
    post('/tenders/:tenderId/co-buyers/:organisationId/remove', 'Stop sharing with a co-buyer', tenderCoBuyerParams, undefined, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as Ctx<{ tenderId: string; organisationId: string }>;
      await tenders.removeCoBuyer(c.actor, c.params.tenderId, c.params.organisationId, c.audit);
      return c.t('tenders.coBuyerRemoved');
    }, '#co-buyers'),
    post('/tenders/:tenderId/issue', 'Issue the tender', tenderParams, undefined, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as Ctx<{ tenderId: string }>;
      const { revision } = await tenders.issue(c.actor, c.params.tenderId, c.audit);
      return c.t('tenders.issued', { revision });
    }),
    post('/tenders/:tenderId/close', 'Close the tender', tenderParams, undefined, async (ctx: Ctx<never>) => {
      const c = ctx as unknown as Ctx<{ tenderId: string }>;
      await tenders.close(c.actor, c.params.tenderId, c.audit);
      return c.t('tenders.closedMessage');
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/documents/:document',
      summary: 'Download a tender document',
      params: documentParams,
      query: revisionQuerySchema,
      handler: (ctx: RouteContext<{ tenderId: string; document: TenderDocumentName }, z.infer<typeof revisionQuerySchema>, unknown, 'user'>) => deps.download(ctx as never, ctx.query.revision),
    }),
    page({
      method: 'post',
      path: '/library/selections',
      summary: 'Save the library items of the current search as a selection',
      bodyType: 'form',
      body: librarySearchQuerySchema.omit({ page: true, pageSize: true, sort: true }).extend({ name: z.string().trim().min(1, 'is required').max(200) }).strip(),
      onInvalid: (ctx: Ctx, errors: FieldError[]) => ctx.redirect('/library', { kind: 'danger', message: errors.map((e) => `${e.path}: ${e.message}`).join('; ') }),
      handler: async (ctx: RouteContext<unknown, unknown, z.infer<typeof librarySearchQuerySchema> & { name: string }, 'user'>) => {
        const { name, ...filter } = ctx.body;
        const { rows } = await services.library.search(ctx.actor, { ...filter, status: 'published', sort: 'key', lang: ctx.locale, limit: 1000, offset: 0 });
        try {
          if (rows.length === 0) throw badRequest('validation.failed', ctx.t('library.selection.empty'));
          const saved = await tenders.createSelection(ctx.actor, { name, keys: rows.map((r) => r.key) }, ctx.audit);
          ctx.redirect('/library', { kind: 'success', message: ctx.t('library.selection.saved', { name: saved.name, count: saved.keys.length }) });
        } catch (error) {
          if (isAppError(error) && error.status < 500) return ctx.redirect('/library', { kind: 'danger', message: error.status === 409 ? ctx.t('library.selection.duplicate') : error.message });
          throw error;
        }
      },
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/preview',
      summary: 'Preview of the requirement specification and clauses',
      params: tenderParams,
      query: revisionQuerySchema,
      handler: async (ctx: RouteContext<{ tenderId: string }, z.infer<typeof revisionQuerySchema>, unknown, 'user'>) => {
        const { model } = await tenders.documentModel(ctx.actor, ctx.params.tenderId, ctx.query.revision);
        ctx.render('tenders/preview', { title: ctx.t('tenders.preview.title', { title: model.title }), nav: 'tenders', model, tenderId: ctx.params.tenderId });
      },
    }),
    page({
      method: 'post',
      path: '/tenders/:tenderId/responses',
      summary: 'Import a filled response sheet',
      params: tenderParams,
      bodyType: 'multipart',
      body: responseUploadSchema,
      middleware: [singleFile(deps.upload)],
      onInvalid: (ctx: Ctx<{ tenderId: string }>, errors: FieldError[]) => renderTender(ctx, { responseErrors: errors }, 400),
      handler: async (ctx: RouteContext<{ tenderId: string }, unknown, z.infer<typeof responseUploadSchema>, 'user'>) => {
        try {
          await deps.importResponses(ctx as never, ctx.body);
        } catch (error) {
          if (isAppError(error) && error.status < 500) return renderTender(ctx as never, { responseErrors: error.errors.length > 0 ? error.errors : [{ path: 'file', message: error.message }] }, error.status);
          throw error;
        }
        back(ctx as never, ctx.t('tenders.responses.imported', { vendor: ctx.body.vendorName }), '#responses');
      },
    }),
  ];
}

