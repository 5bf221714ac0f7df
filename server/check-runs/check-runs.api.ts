import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { multiFileUpload, uploadedFiles } from '../shared/http/upload';
import { checkRunListQuerySchema, checkRunPageSchema, checkRunParams, checkRunSchema, checkRunStatusSchema, emptyFormSchema, tenderCheckFormSchema, tenderCheckParams } from './check-runs.schemas';
import type { CheckRunsService } from './check-runs.service';
import { checkRunBody, checkRunSummary, runStatus } from './check-runs.views';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Check runs'] });

/** How many files one check takes: an API description or an export with its schemas and data model. */
export const MAX_CHECK_FILES = 10;

export function checkRunsApi(deps: { checkRuns: CheckRunsService }, options: { uploadLimitBytes: number }): RouteDefinition[] {
  const { checkRuns } = deps;
  return [
    api({
      method: 'get',
      path: '/api/check-runs',
      summary: 'List machine check runs',
      description: 'Of an answer, a product version or a tender (newest first, paged); without a filter, the runs of your organisations. Runs you may not see are not listed.',
      query: checkRunListQuerySchema,
      responses: [{ status: 200, description: 'A page of check runs', schema: checkRunPageSchema }],
      handler: async ({ actor, query }) => {
        const { page, pageSize, ...filter } = query;
        const result = await checkRuns.list(actor, filter, { page, pageSize });
        return { items: result.rows.map(checkRunSummary), page, pageSize, total: result.total };
      },
    }),
    api({
      method: 'get',
      path: '/api/check-runs/:checkRunId',
      summary: 'A machine check run with its report',
      description: 'The report (per rule pass / fail / not applicable, findings with their location, messages in bokmål and English, rule versions, file SHA-256) once the run is done.',
      params: checkRunParams,
      responses: [{ status: 200, description: 'The check run', schema: checkRunSchema }],
      handler: async ({ actor, params }) => checkRunBody(await checkRuns.find(actor, params.checkRunId)),
    }),
    api({
      method: 'get',
      path: '/api/check-runs/:checkRunId/status',
      summary: 'The state and progress of a check run, for polling',
      params: checkRunParams,
      responses: [{ status: 200, description: 'State and progress', schema: checkRunStatusSchema }],
      handler: async ({ actor, params, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        const run = await checkRuns.find(actor, params.checkRunId);
        return { id: run.id, ...runStatus(run) };
      },
    }),
    api({
      method: 'post',
      path: '/api/check-runs/:checkRunId/rerun',
      summary: 'Run a finished check again',
      description: 'Over the same files, under today\'s rules: a new run and report; the old report stays as it was.',
      params: checkRunParams,
      body: emptyFormSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The new run, queued', schema: checkRunSchema }],
      handler: async ({ actor, params, audit }) => {
        const run = await checkRuns.rerun(actor, params.checkRunId, audit);
        return checkRunBody(await checkRuns.find(actor, run.id));
      },
    }),
    api({
      method: 'post',
      path: '/api/tenders/:tenderId/check-runs',
      summary: 'Check a bidder\'s files against the tender\'s requirements (multipart: bidder, files)',
      description: 'Runs the machine checks the tender\'s requirements declare over an API description or sample export a bidder sent with the response. Up to ten files of the evidence types, each within the upload limit.',
      params: tenderCheckParams,
      bodyType: 'multipart',
      body: tenderCheckFormSchema,
      middleware: [multiFileUpload(options.uploadLimitBytes, MAX_CHECK_FILES, 10)],
      successStatus: 201,
      responses: [{ status: 201, description: 'The run, queued', schema: checkRunSchema }],
      handler: async ({ actor, params, body, req, audit }) => {
        const run = await checkRuns.checkTenderFiles(actor, params.tenderId, { bidder: body.bidder, files: uploadedFiles(req) }, audit);
        return checkRunBody(await checkRuns.find(actor, run.id));
      },
    }),
  ];
}
