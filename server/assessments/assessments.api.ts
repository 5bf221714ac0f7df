import type { Response } from 'express';
import { z } from 'zod';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { singleFileUpload } from '../shared/http/upload';
import { versionFromIfMatch } from '../shared/versioning';
import { comparisonTable, toCsv, toXlsx } from './assessments.export';
import {
  answerDetailSchema,
  answerParams,
  answerSaveSchema,
  answerSchema,
  answersQuerySchema,
  chartQuerySchema,
  comparisonQuerySchema,
  comparisonSchema,
  evidenceParams,
  evidenceSchema,
  evidenceUploadSchema,
  exportQuerySchema,
  feedbackQuerySchema,
  feedbackSchema,
  messageCreateSchema,
  messageSchema,
  profileCreateSchema,
  profileListQuerySchema,
  profileParams,
  profileSchema,
  profileSummarySchema,
  profileUpdateSchema,
  profileVersionQuerySchema,
  queueQuerySchema,
  queueSchema,
  rankingQuerySchema,
  rankingSchema,
  requestCreateSchema,
  requestListSchema,
  scoreDetailSchema,
  scoreQuerySchema,
  verificationCreateSchema,
  verificationSchema,
} from './assessments.schemas';
import type { AssessmentsService } from './assessments.service';
import {
  answerBody,
  answerDetailBody,
  cellBody,
  chartBars,
  chartText,
  evidenceBody,
  exportName,
  feedbackBody,
  messageBody,
  productRef,
  profileBody,
  profileRef,
  profileSummaryBody,
  profileText,
  rankedPage,
  requestBody,
  requirementBody,
  threadBody,
  verificationBody,
} from './assessments.views';
import { scoreChartSvg } from './chart';
import { sendDownload } from '../shared/http/download';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const profilesApi = routeFamily({ surface: 'api', access: 'user', tags: ['Assessment profiles'] });
const api = routeFamily({ surface: 'api', access: 'user', tags: ['Assessments'] });

/** Evidence is sent as a download only, never rendered by the browser in the application's origin. */
function sendEvidence(res: Response, file: { filename: string; contentType: string; content: Buffer; sha256: string }) {
  res
    .set({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox", 'Cache-Control': 'private, no-store', 'X-Content-SHA256': file.sha256 })
    .type(file.contentType)
    .attachment(file.filename)
    .send(file.content);
}

export function assessmentsApi(deps: { assessments: AssessmentsService }, options: { uploadLimitBytes: number }): RouteDefinition[] {
  const { assessments } = deps;
  return [
    // ---------- profiles ----------
    profilesApi({
      method: 'get',
      path: '/api/profiles',
      summary: 'Assessment profiles you may see: your organisations\' own, shared and public ones, and those you were asked to answer',
      query: profileListQuerySchema,
      responses: [{ status: 200, description: 'A page of profiles', schema: z.object({ items: z.array(profileSummarySchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
      handler: async ({ actor, query, t }) => {
        const { rows, total } = await assessments.listProfiles(actor, { q: query.q }, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        return { items: rows.map((p) => profileSummaryBody(p, t)), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    profilesApi({
      method: 'post',
      path: '/api/profiles',
      summary: 'Create a profile from library items (pinned to a version, newest published by default), or from a tender\'s set',
      description: 'With tenderId the tender\'s library items are copied with their pinned versions, types and weights. Owners, editors and assessors of a buyer or council.',
      body: profileCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Created', schema: profileSchema }],
      handler: async ({ actor, body, audit, t, locale }) => profileBody(await assessments.createProfile(actor, body, audit), t, locale),
    }),
    profilesApi({
      method: 'get',
      path: '/api/profiles/:profileId',
      summary: 'A profile with the items of its current version, or of ?version=',
      description: 'The ETag is the version read; send it as If-Match (or `version` in the body) to change the profile.',
      etag: true,
      params: profileParams,
      query: profileVersionQuerySchema,
      responses: [{ status: 200, description: 'The profile', schema: profileSchema }],
      handler: async ({ actor, params, query, t, locale }) => profileBody(await assessments.getProfile(actor, params.profileId, query.version), t, locale),
    }),
    profilesApi({
      method: 'put',
      path: '/api/profiles/:profileId',
      summary: 'Change a profile; changed items make a new version',
      description: 'Every change makes a new version. Send the version you read as `version` or If-Match: without it 428, a stale one 409 with the current version and who changed it. Shipped profiles cannot be changed.',
      versioned: true,
      params: profileParams,
      body: profileUpdateSchema,
      responses: [{ status: 200, description: 'The profile', schema: profileSchema }],
      handler: async ({ actor, params, body, audit, t, locale }) => profileBody(await assessments.updateProfile(actor, params.profileId, body, audit), t, locale),
    }),
    profilesApi({
      method: 'delete',
      path: '/api/profiles/:profileId',
      summary: 'Delete a profile',
      params: profileParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Deleted' }],
      handler: async ({ actor, params, audit }) => {
        await assessments.deleteProfile(actor, params.profileId, audit);
      },
    }),
    profilesApi({
      method: 'get',
      path: '/api/profiles/:profileId/requests',
      summary: 'Products asked to answer the profile, by your organisations or of your vendor',
      params: profileParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Requests', schema: requestListSchema }],
      handler: async ({ actor, params, query }) => pageOf((await assessments.requests(actor, params.profileId)).map(requestBody), query),
    }),
    profilesApi({
      method: 'post',
      path: '/api/profiles/:profileId/requests',
      summary: 'Ask the vendor of a product to answer the profile',
      params: profileParams,
      body: requestCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Requested (created false when it already was)', schema: z.object({ created: z.boolean() }) }],
      handler: ({ actor, params, body, audit }) => assessments.requestAnswers(actor, params.profileId, body, audit),
    }),

    // ---------- answers and evidence ----------
    api({
      method: 'get',
      path: '/api/assessments/answers',
      summary: 'Current answers of a product version, to a profile\'s requirements or all',
      query: answersQuerySchema,
      responses: [{ status: 200, description: 'Answers', schema: pagedListSchema(answerSchema) }],
      handler: async ({ actor, query }) => {
        const { context, answers } = await assessments.answersOf(actor, query.productVersionId, query.profileId);
        return pageOf(answers.map((a) => answerBody(a.answer, context, a.verification, a.lapsed)), query);
      },
    }),
    api({
      method: 'post',
      path: '/api/assessments/answers',
      summary: 'Answer a requirement (key and major version) for a product version; a change is a new revision',
      description:
        'Owners and editors of the product\'s vendor. The answer counts wherever the same key and major version is assessed. A first answer needs no version; changing an existing one needs the version you read, as `version` or If-Match (428 without; 409 when it was revised or reviewed since).',
      body: answerSaveSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The current answer', schema: answerDetailSchema }],
      handler: async ({ actor, body, audit, req }) => {
        const version = body.version ?? versionFromIfMatch(req.get('if-match'));
        const { answer } = await assessments.saveAnswer(actor, { ...body, version }, audit);
        return answerDetailBody(await assessments.answerDetail(actor, answer.id));
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/answers/:answerId',
      summary: 'An answer with its history, reviews, evidence and thread',
      etag: true,
      description: 'Internal notes of reviews are included only for members of the reviewing organisation.',
      params: answerParams,
      responses: [{ status: 200, description: 'The answer', schema: answerDetailSchema }],
      handler: async ({ actor, params }) => answerDetailBody(await assessments.answerDetail(actor, params.answerId)),
    }),
    api({
      method: 'post',
      path: '/api/assessments/answers/:answerId/evidence',
      summary: 'Attach an evidence file to the current answer (multipart: file)',
      description: 'PDF, PNG, JPEG, TXT, CSV, JSON, YAML, XML, XSD, DOCX, XLSX or ZIP, up to the upload limit; the content must match the file name\'s type.',
      params: answerParams,
      bodyType: 'multipart',
      body: evidenceUploadSchema,
      middleware: [singleFileUpload(options.uploadLimitBytes, 10)],
      successStatus: 201,
      responses: [{ status: 201, description: 'Stored', schema: evidenceSchema }],
      handler: async ({ actor, params, req, audit }) => evidenceBody(await assessments.addEvidence(actor, params.answerId, req.file, audit)),
    }),
    api({
      method: 'get',
      path: '/api/assessments/evidence/:evidenceId',
      summary: 'Download an evidence file',
      params: evidenceParams,
      responses: [{ status: 200, description: 'The file, as an attachment', contentType: 'application/octet-stream', schema: z.string() }],
      handler: async ({ actor, params, res }) => sendEvidence(res, await assessments.evidenceFile(actor, params.evidenceId)),
    }),

    // ---------- verification ----------
    api({
      method: 'post',
      path: '/api/assessments/answers/:answerId/verifications',
      summary: 'Review the current answer: accepted, rejected or change requested',
      description:
        'Owners, editors and assessors of a buyer or council. noteForVendor is shown to the vendor; internalNote never is. An acceptance expires after the configured number of months. Send the answer\'s version you read (`version` or If-Match): a revision or another review since gives 409.',
      versioned: true,
      params: answerParams,
      body: verificationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Recorded', schema: verificationSchema }],
      handler: async ({ actor, params, body, audit }) => verificationBody(await assessments.verify(actor, params.answerId, body, audit)),
    }),
    api({
      method: 'get',
      path: '/api/assessments/answers/:answerId/messages',
      summary: 'The thread of an answer: vendor replies and reviewers\' messages',
      params: answerParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Messages, oldest first', schema: pagedListSchema(messageSchema) }],
      handler: async ({ actor, params, query }) => pageOf((await assessments.answerDetail(actor, params.answerId)).messages.map(messageBody), query),
    }),
    api({
      method: 'post',
      path: '/api/assessments/answers/:answerId/messages',
      summary: 'Reply in the thread of an answer',
      params: answerParams,
      body: messageCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Posted', schema: messageSchema }],
      handler: async ({ actor, params, body, audit }) => messageBody(await assessments.postMessage(actor, params.answerId, body, audit)),
    }),

    // ---------- scores and comparison ----------
    api({
      method: 'get',
      path: '/api/assessments/scores',
      summary: 'Claimed and verified score of a product version against a profile, with the cells behind them',
      query: scoreQuerySchema,
      responses: [{ status: 200, description: 'The score', schema: scoreDetailSchema }],
      handler: async ({ actor, query, t }) => {
        const result = await assessments.score(actor, query.productVersionId, query.profileId);
        return { profile: profileRef(result.profile, result.version.version, t), productVersionId: query.productVersionId, score: result.score, cells: result.cells.map(cellBody) };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/comparison',
      summary: 'One page of the products × requirements matrix of a profile (newest version of each product)',
      query: comparisonQuerySchema,
      responses: [{ status: 200, description: 'The matrix page', schema: comparisonSchema }],
      handler: async ({ actor, query, t, locale }) => {
        const result = await assessments.comparison(actor, query);
        return {
          profile: profileRef(result.profile, result.version.version, t),
          requirements: result.items.map((i) => requirementBody(i, locale)),
          products: result.rows.map((r) => ({ ...productRef(r), score: r.score, cells: r.cells.map(cellBody) })),
          page: query.page,
          pageSize: query.pageSize,
          total: result.total,
        };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/ranking',
      summary: 'Products ranked by claimed or verified score: qualified first, then not yet verified (open), then disqualified; within each by score',
      query: rankingQuerySchema,
      responses: [{ status: 200, description: 'The ranking page', schema: rankingSchema }],
      handler: async ({ actor, query, t }) => {
        const result = await assessments.ranking(actor, query);
        return {
          profile: profileRef(result.profile, result.version.version, t),
          basis: query.basis,
          items: rankedPage(result.rows, query.page, query.pageSize).map((r) => ({ rank: r.rank, ...productRef(r), score: r.score })),
          page: query.page,
          pageSize: query.pageSize,
          total: result.rows.length,
        };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/comparison/export',
      summary: 'The ranked comparison as CSV or XLSX: scores and every requirement\'s status with its verification',
      query: exportQuerySchema,
      responses: [{ status: 200, description: 'The file', contentType: 'application/octet-stream', schema: z.string() }],
      handler: async ({ actor, query, t, audit, res }) => {
        const result = await assessments.ranking(actor, query);
        const table = comparisonTable(result.items, result.rows, t);
        const name = exportName(result.profile);
        const file =
          query.format === 'csv'
            ? { bytes: toCsv(table), filename: `${name}.csv`, contentType: 'text/csv; charset=utf-8' }
            : { bytes: await toXlsx(table, t('assessments.compare.sheetName')), filename: `${name}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
        sendDownload(res, await assessments.recordDownload(actor, audit, { profileId: query.profileId, basis: query.basis, kind: 'comparison_export', format: query.format }, file));
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/chart',
      summary: 'Bar chart (SVG) of the best-ranked products\' claimed and verified scores',
      query: chartQuerySchema,
      responses: [{ status: 200, description: 'The chart', contentType: 'image/svg+xml', schema: z.string() }],
      handler: async ({ actor, query, t, audit, res }) => {
        const result = await assessments.ranking(actor, query);
        const rows = result.rows.slice(0, query.limit);
        const svg = scoreChartSvg(chartBars(rows), chartText(t, query.basis, profileText(result.profile, t).name, rows));
        const file = await assessments.recordDownload(actor, audit, { profileId: query.profileId, basis: query.basis, kind: 'chart', format: 'svg' }, { bytes: Buffer.from(svg, 'utf8'), filename: 'chart.svg', contentType: 'image/svg+xml' });
        res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store', 'X-Content-SHA256': file.sha256 }).type(file.contentType).send(file.bytes);
      },
    }),

    // ---------- review queue and feedback ----------
    api({
      method: 'get',
      path: '/api/assessments/queue',
      summary: 'Answers to review again: verification expired, answer revised since review, or (reason=unverified) never reviewed',
      query: queueQuerySchema,
      responses: [{ status: 200, description: 'The queue, oldest first', schema: queueSchema }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await assessments.queue(actor, query);
        return { items: rows.map(threadBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/feedback',
      summary: 'For vendors: your answers a reviewer rejected or asked to change, with the note meant for you',
      query: feedbackQuerySchema,
      responses: [{ status: 200, description: 'Feedback', schema: feedbackSchema }],
      handler: async ({ actor, query }) => {
        const { rows, total } = await assessments.feedback(actor, query);
        return { items: rows.map(feedbackBody), page: query.page, pageSize: query.pageSize, total };
      },
    }),
  ];
}
