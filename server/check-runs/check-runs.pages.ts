import { formRoute } from '../shared/http/forms';
import { routeFamily, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { multiFileUpload, uploadedFiles } from '../shared/http/upload';
import { MAX_CHECK_FILES } from './check-runs.api';
import { checkRunParams, emptyFormSchema, tenderCheckFormSchema, tenderCheckParams } from './check-runs.schemas';
import type { CheckRunsService } from './check-runs.service';
import { checkRunListItem, checkRunPage } from './check-runs.views';

const page = routeFamily({ surface: 'page', access: 'user' });
type PageContext = Pick<RouteContext<unknown, unknown, unknown, 'user'>, 'actor' | 't' | 'locale' | 'render'>;

export function checkRunsPages(deps: { checkRuns: CheckRunsService }, options: { uploadLimitBytes: number }): RouteDefinition[] {
  const { checkRuns } = deps;

  async function renderRun(ctx: PageContext, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const run = await checkRuns.find(ctx.actor, id);
    const backLink = run.answerId
      ? { href: `/assessments/answers/${run.answerId}#checks`, label: ctx.t('checkRuns.backToAnswer') }
      : run.tenderId
        ? { href: `/tenders/${run.tenderId}#responses`, label: ctx.t('checkRuns.backToTender') }
        : null;
    const model = checkRunPage(run, ctx.locale, { canRerun: checkRuns.mayRerun(ctx.actor, run), backLink });
    ctx.render('check-runs/show', { title: ctx.t('checkRuns.title'), nav: 'assessments', ...model, ...extra }, status);
  }

  async function renderTenderChecks(ctx: PageContext, tenderId: string, extra: Record<string, unknown> = {}, status = 200) {
    const { tender, runs } = await checkRuns.tenderChecks(ctx.actor, tenderId);
    ctx.render('check-runs/tender', { title: ctx.t('checkRuns.tender.title'), nav: 'tenders', tender: { id: tender.id, title: tender.title, reference: tender.reference }, runs: runs.map(checkRunListItem), uploadLimit: Math.round(options.uploadLimitBytes / (1024 * 1024)), maxFiles: MAX_CHECK_FILES, ...extra }, status);
  }

  return [
    page({
      method: 'get',
      path: '/tenders/:tenderId/check-runs',
      summary: 'Machine checks of bidders\' files for a tender: the upload form and the reports',
      params: tenderCheckParams,
      handler: (ctx) => renderTenderChecks(ctx, ctx.params.tenderId),
    }),
    page({
      method: 'get',
      path: '/assessments/check-runs/:checkRunId',
      summary: 'A machine check report: state and progress, per rule pass / fail / not applicable, findings',
      params: checkRunParams,
      handler: (ctx) => renderRun(ctx, ctx.params.checkRunId),
    }),
    formRoute({
      path: '/assessments/check-runs/:checkRunId/rerun',
      summary: 'Run a finished check again (a new report)',
      access: 'user',
      params: checkRunParams,
      body: emptyFormSchema,
      rerender: (ctx, { formErrors }, status) => renderRun(ctx, ctx.params.checkRunId, { formErrors }, status),
      run: async ({ actor, params, audit, t }) => {
        const run = await checkRuns.rerun(actor, params.checkRunId, audit);
        return { to: `/assessments/check-runs/${run.id}`, flash: { kind: 'success', message: t('checkRuns.rerunQueued') } };
      },
    }),
    formRoute({
      path: '/tenders/:tenderId/check-runs',
      summary: 'Check a bidder\'s files against the tender\'s requirements',
      access: 'user',
      params: tenderCheckParams,
      bodyType: 'multipart',
      body: tenderCheckFormSchema,
      middleware: [multiFileUpload(options.uploadLimitBytes, MAX_CHECK_FILES, 10)],
      rerender: (ctx, { formErrors, values }, status) => renderTenderChecks(ctx, ctx.params.tenderId, { formErrors, values }, status),
      run: async ({ actor, params, body, req, audit, t }) => {
        const run = await checkRuns.checkTenderFiles(actor, params.tenderId, { bidder: body.bidder, files: uploadedFiles(req) }, audit);
        return { to: `/assessments/check-runs/${run.id}`, flash: { kind: 'success', message: t('checkRuns.queued') } };
      },
    }),
  ];
}
