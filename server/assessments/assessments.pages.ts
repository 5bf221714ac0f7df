import type { JointSetsService } from '../joint-sets/joint-sets.service';
import { jointSetOriginView } from '../joint-sets/joint-sets.views';
import { DOMAINS, REQUIREMENT_TYPES } from '../library/library.codes';
import { AppError, type FieldError } from '../shared/errors';
import { formRoute, type FormConflict, type FormValues } from '../shared/http/forms';
import { routeFamily, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { multiFileUpload, singleFileUpload, uploadedFiles } from '../shared/http/upload';
import type { CheckRunsService } from '../check-runs/check-runs.service';
import { answerChecksView, markMachineChecked } from '../check-runs/check-runs.views';
import { pagination } from '../shared/pagination';
import type { TendersService } from '../tenders/tenders.service';
import {
  answerFormPageQuerySchema,
  answerFormQuerySchema,
  answerFormSchema,
  answerParams,
  comparePageQuerySchema,
  evidenceUploadSchema,
  messageFormSchema,
  productVersionParams,
  profileCreateFormSchema,
  profileListQuerySchema,
  profileParams,
  profileUpdateFormSchema,
  profileVersionQuerySchema,
  queueQuerySchema,
  requestFormSchema,
  sheetQuerySchema,
  verificationFormSchema,
} from './assessments.schemas';
import type { AssessmentsService } from './assessments.service';
import {
  type ProfileFormTyped,
  answerFormDefaults,
  answerFormPage,
  answerFormValues,
  answerPage,
  comparisonLinkQuery,
  feedbackBody,
  matrixCellsHtml,
  matrixRows,
  newProfileValues,
  profileFormItems,
  profileFormTyped,
  profileOption,
  profilePage,
  profileRef,
  productRef,
  profileSummaryBody,
  rankedPage,
  requirementBody,
  scoreView,
  sheetPage,
  tenderOptions,
  threadBody,
  vendorProductsView,
} from './assessments.views';

export type AssessmentPageDeps = { assessments: AssessmentsService; tenders: TendersService; jointSets: JointSetsService; checkRuns: CheckRunsService };

/** What the page builders below use of a handler's context. */
/** How many files the answer form takes at once: an API description, or an export with its schemas and data model. */
const MAX_ANSWER_FILES = 10;

type PageContext = Pick<RouteContext<unknown, unknown, unknown, 'user'>, 'actor' | 't' | 'locale' | 'render'>;

const page = routeFamily({ surface: 'page', access: 'user' });
/** How many profiles or tenders a page offers to choose from. */
const CHOICES = { limit: 200, offset: 0 };
/** Products per matrix page: the products are the columns, and eight fit a 1280 px screen. */
const MATRIX_PRODUCTS = 8;

export function assessmentsPages(deps: AssessmentPageDeps, options: { uploadLimitBytes: number }): RouteDefinition[] {
  const { assessments } = deps;
  const upload = singleFileUpload(options.uploadLimitBytes, 10);
  const answerUpload = multiFileUpload(options.uploadLimitBytes, MAX_ANSWER_FILES, 20);

  async function renderNewProfile(ctx: PageContext, values: FormValues, errors: FieldError[], status: number) {
    const organisations = assessments.assessingMemberships(ctx.actor);
    const tenders = organisations.length > 0 ? tenderOptions((await deps.tenders.list(ctx.actor, {}, CHOICES)).rows) : [];
    ctx.render('assessments/new-profile', { title: ctx.t('assessments.profiles.new'), nav: 'assessments', values, errors, organisations, tenders }, status);
  }

  async function renderProfile(ctx: PageContext, profileId: string, version: number | undefined, extra: Record<string, unknown> & { typed?: ProfileFormTyped } = {}, status = 200) {
    const { typed, ...rest } = extra;
    const view = await assessments.getProfile(ctx.actor, profileId, version);
    const [requests, products] = await Promise.all([assessments.requests(ctx.actor, profileId), assessments.productOptions(ctx.actor)]);
    const origin = jointSetOriginView(await deps.jointSets.origin(ctx.actor, view.profile.jointSetRevisionId));
    ctx.render(
      'assessments/profile',
      {
        ...profilePage(view, ctx.t, ctx.locale, typed),
        jointSetOrigin: origin,
        nav: 'assessments',
        buyerSide: assessments.seesAllProducts(ctx.actor),
        requests,
        products,
        organisations: assessments.assessingMemberships(ctx.actor),
        types: REQUIREMENT_TYPES,
        ...rest,
      },
      status,
    );
  }

  async function renderAnswerForm(ctx: PageContext, productVersionId: string, requirement: { key: string; major: number }, values: FormValues | null, errors: FieldError[], status: number, profileId?: string, conflict?: FormConflict) {
    const found = await assessments.currentAnswer(ctx.actor, productVersionId, requirement.key, requirement.major);
    ctx.render(
      'assessments/answer-form',
      {
        ...answerFormPage(found, requirement.key, ctx.locale),
        evidenceAsked: found.library.evidence.map((e) => e[ctx.locale]),
        machineChecks: answerChecksView([], found.library.checks, ctx.locale).declared,
        uploadLimit: Math.floor(options.uploadLimitBytes / (1024 * 1024)),
        maxFiles: MAX_ANSWER_FILES,
        nav: 'assessments',
        values: values ?? answerFormDefaults(requirement.key, requirement.major, found.answer, profileId),
        errors,
        conflict,
      },
      status,
    );
  }

  async function renderAnswer(ctx: PageContext, answerId: string, extra: Record<string, unknown> = {}, status = 200) {
    const detail = await assessments.answerDetail(ctx.actor, answerId);
    const runs = await deps.checkRuns.forRequirement(ctx.actor, detail.answer.productVersionId, detail.answer.libraryKey);
    const checks = answerChecksView(runs, detail.library?.checks ?? [], ctx.locale);
    ctx.render('assessments/answer', { ...answerPage(detail, ctx.locale, options.uploadLimitBytes, assessments.assessingMemberships(ctx.actor)), checks, nav: 'assessments', ...extra }, status);
  }

  return [
    page({
      method: 'get',
      path: '/assessments',
      summary: 'Assessments: profiles, comparison and review queue; for vendors their products and feedback',
      query: profileListQuerySchema,
      handler: async (ctx) => {
        const { actor, query, t } = ctx;
        const [{ rows, total }, vendorProducts, feedback] = await Promise.all([
          assessments.listProfiles(actor, { q: query.q }, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
          assessments.vendorProducts(actor),
          assessments.feedback(actor, { page: 1, pageSize: 50 }),
        ]);
        ctx.render('assessments/index', {
          title: t('assessments.title'),
          nav: 'assessments',
          buyerSide: assessments.seesAllProducts(actor),
          canCreate: assessments.assessingMemberships(actor).length > 0,
          profiles: rows.map((p) => profileSummaryBody(p, t)),
          filter: query,
          pager: pagination({ page: query.page, pageSize: query.pageSize, total, basePath: '/assessments', query }),
          vendorProducts: vendorProductsView(vendorProducts, rows, t),
          feedback: feedback.rows.map(feedbackBody),
        });
      },
    }),
    page({
      method: 'get',
      path: '/assessments/profiles/new',
      summary: 'Form for a new assessment profile',
      handler: (ctx) => renderNewProfile(ctx, { visibility: 'private' }, [], 200),
    }),
    formRoute({
      path: '/assessments/profiles',
      summary: 'Create an assessment profile',
      access: 'user',
      body: profileCreateFormSchema,
      rerender: (ctx, { formErrors, values }, status) => renderNewProfile(ctx, newProfileValues(values), formErrors, status),
      run: async ({ actor, body, audit, t }) => {
        const { keys, tenderId, ...rest } = body;
        const view = await assessments.createProfile(actor, { ...rest, ...(tenderId ? { tenderId } : { items: keys.map((key) => ({ key })) }) }, audit);
        return { to: `/assessments/profiles/${view.profile.id}`, flash: { kind: 'success', message: t('assessments.profiles.created') } };
      },
    }),
    page({
      method: 'get',
      path: '/assessments/profiles/:profileId',
      summary: 'An assessment profile: items, weights, versions and requests',
      params: profileParams,
      query: profileVersionQuerySchema,
      handler: (ctx) => renderProfile(ctx, ctx.params.profileId, ctx.query.version),
    }),
    formRoute({
      path: '/assessments/profiles/:profileId',
      summary: 'Save an assessment profile',
      access: 'user',
      params: profileParams,
      body: profileUpdateFormSchema,
      rerender: (ctx, { formErrors, values, conflict }, status) => renderProfile(ctx, ctx.params.profileId, undefined, { formErrors, conflict, typed: profileFormTyped(values) }, status),
      run: async ({ actor, params, body, audit, t }) => {
        const { name, description, visibility, changeNote, version } = body;
        const view = await assessments.updateProfile(actor, params.profileId, { name, description, visibility, changeNote, version, items: profileFormItems(body) }, audit);
        return { to: `/assessments/profiles/${params.profileId}`, flash: { kind: 'success', message: t('assessments.profiles.saved', { version: view.profile.currentVersion }) } };
      },
    }),
    formRoute({
      path: '/assessments/profiles/:profileId/delete',
      summary: 'Delete an assessment profile',
      access: 'user',
      params: profileParams,
      rerender: (ctx, { formErrors }, status) => renderProfile(ctx, ctx.params.profileId, undefined, { formErrors }, status),
      run: async ({ actor, params, audit, t }) => {
        await assessments.deleteProfile(actor, params.profileId, audit);
        return { to: '/assessments', flash: { kind: 'success', message: t('assessments.profiles.deleted') } };
      },
    }),
    formRoute({
      path: '/assessments/profiles/:profileId/requests',
      summary: 'Ask a product\'s vendor to answer the profile',
      access: 'user',
      params: profileParams,
      body: requestFormSchema,
      rerender: (ctx, { formErrors }, status) => renderProfile(ctx, ctx.params.profileId, undefined, { formErrors }, status),
      run: async ({ actor, params, body, audit, t }) => {
        const { created } = await assessments.requestAnswers(actor, params.profileId, body, audit);
        return { to: `/assessments/profiles/${params.profileId}#requests`, flash: { kind: 'success', message: t(created ? 'assessments.requests.created' : 'assessments.requests.exists') } };
      },
    }),
    page({
      method: 'get',
      path: '/assessments/compare',
      summary: 'Comparison: products × requirements matrix, ranking and score chart',
      query: comparePageQuerySchema,
      handler: async (ctx) => {
        const { actor, query, t, locale } = ctx;
        const profileId = query.profileId ?? (await assessments.defaultProfileId(actor));
        const { rows: profiles } = await assessments.listProfiles(actor, {}, CHOICES);
        const base = { title: t('assessments.compare.title'), nav: 'assessments', filter: { ...query, profileId }, profiles: profiles.map((p) => profileOption(p, t)), domains: DOMAINS };
        if (!profileId) return ctx.render('assessments/compare', { ...base, noProfile: true });
        const filter = { profileId, domain: query.domain, q: query.q };
        const linkQuery = comparisonLinkQuery({ ...filter, basis: query.basis });
        const pager = (total: number, pageSize: number) => pagination({ page: query.page, pageSize, total, basePath: '/assessments/compare', query: { ...query, profileId } });
        if (query.view === 'ranking') {
          const result = await assessments.ranking(actor, { ...filter, basis: query.basis });
          return ctx.render('assessments/compare', {
            ...base,
            profile: profileRef(result.profile, result.version.version, t),
            ranking: rankedPage(result.rows, query.page, query.pageSize).map((r) => ({ ...r, score: scoreView(r.score, t) })),
            linkQuery,
            chartSrc: `/api/assessments/chart?${linkQuery}&limit=${Math.min(query.pageSize, 100)}`,
            pager: pager(result.rows.length, query.pageSize),
          });
        }
        const result = await assessments.comparison(actor, { ...filter, page: query.page, pageSize: MATRIX_PRODUCTS });
        const cellsHtml = matrixCellsHtml(t);
        const passing = await deps.checkRuns.passingChecks(result.rows.flatMap((r) => (r.versionId ? [r.versionId] : [])));
        const checkedLabel = { text: t('checkRuns.machineChecked'), title: t('checkRuns.machineCheckedTitle') };
        return ctx.render('assessments/compare', {
          ...base,
          profile: profileRef(result.profile, result.version.version, t),
          matrix: {
            products: result.rows.map((r) => ({ ...productRef(r), score: scoreView(r.score, t) })),
            rows: matrixRows(result.items.map((i) => requirementBody(i, locale)), result.rows, cellsHtml).map((row, n) => ({
              ...row,
              cellsHtml: markMachineChecked(row.cellsHtml, result.rows.filter((r) => r.cells[n] !== undefined).map((r) => passing.has(`${r.versionId}:${result.items[n]?.key}`)), checkedLabel),
            })),
          },
          linkQuery,
          chartSrc: `/api/assessments/chart?${linkQuery}&limit=25`,
          pager: pager(result.total, MATRIX_PRODUCTS),
        });
      },
    }),
    page({
      method: 'get',
      path: '/assessments/queue',
      summary: 'Review queue: answers whose verification expired or that changed since review',
      query: queueQuerySchema,
      handler: async (ctx) => {
        const { actor, query, t } = ctx;
        const { rows, total } = await assessments.queue(actor, query);
        const { rows: profiles } = await assessments.listProfiles(actor, {}, CHOICES);
        ctx.render('assessments/queue', {
          title: t('assessments.queue.title'),
          nav: 'assessments',
          items: rows.map(threadBody),
          filter: query,
          profiles: profiles.map((p) => profileOption(p, t)),
          pager: pagination({ page: query.page, pageSize: query.pageSize, total, basePath: '/assessments/queue', query }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/assessments/products/:productVersionId',
      summary: 'A product version\'s answers to a profile, with its scores',
      params: productVersionParams,
      query: sheetQuerySchema,
      handler: async (ctx) => {
        const { actor, params, query, t, locale } = ctx;
        const profileId = query.profileId ?? (await assessments.defaultProfileId(actor));
        if (!profileId) {
          const context = await assessments.loadProductVersion(actor, params.productVersionId);
          return ctx.render('assessments/sheet', { title: context.product.name, nav: 'assessments', context, noProfile: true });
        }
        const sheet = await assessments.productSheet(actor, params.productVersionId, profileId);
        const { rows: profiles } = await assessments.listProfiles(actor, {}, CHOICES);
        const passing = await deps.checkRuns.passingChecks([params.productVersionId]);
        const sheetView = sheetPage(sheet, t, locale);
        ctx.render('assessments/sheet', {
          ...sheetView,
          items: sheetView.items.map((item) => ({ ...item, machineChecked: passing.has(`${params.productVersionId}:${item.key}`) })),
          nav: 'assessments',
          context: sheet.context,
          siblings: sheet.siblings,
          profiles: profiles.map((p) => profileOption(p, t)),
          score: scoreView(sheet.score, t),
          canAnswer: sheet.canAnswer,
        });
      },
    }),
    page({
      method: 'get',
      path: '/assessments/products/:productVersionId/answer',
      summary: 'Form for answering one requirement for a product version',
      params: productVersionParams,
      query: answerFormPageQuerySchema,
      handler: (ctx) => renderAnswerForm(ctx, ctx.params.productVersionId, ctx.query, null, [], 200, ctx.query.profileId),
    }),
    formRoute({
      path: '/assessments/products/:productVersionId/answers',
      summary: 'Save an answer for a product version',
      access: 'user',
      params: productVersionParams,
      bodyType: 'multipart',
      body: answerFormSchema,
      middleware: [answerUpload],
      problemPath: 'files',
      rerender: (ctx, { formErrors, values, conflict }, status) => {
        const requirement = answerFormQuerySchema.safeParse({ key: values.key, major: values.major });
        if (!requirement.success) throw new AppError('validation.failed', 400, `The answer form is incomplete: ${formErrors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, { errors: formErrors });
        return renderAnswerForm(ctx, ctx.params.productVersionId, requirement.data, answerFormValues(values), formErrors, status, undefined, conflict);
      },
      run: async ({ actor, params, body, req, audit, t }) => {
        const { profileId, ...input } = body;
        const files = uploadedFiles(req);
        const { answer, created, checkRunId } = await assessments.saveAnswerWithEvidence(actor, { ...input, productVersionId: params.productVersionId, validUntil: input.validUntil ?? null }, files, audit);
        const back = checkRunId ? `/assessments/check-runs/${checkRunId}` : profileId ? `/assessments/products/${params.productVersionId}?profileId=${profileId}` : `/assessments/answers/${answer.id}`;
        const saved = t(created || files.length > 0 ? 'assessments.answers.saved' : 'assessments.answers.unchanged', { key: answer.libraryKey });
        return { to: back, flash: { kind: 'success', message: checkRunId ? `${saved} ${t('checkRuns.queued')}` : saved } };
      },
    }),
    page({
      method: 'get',
      path: '/assessments/answers/:answerId',
      summary: 'An answer: history, evidence, reviews and thread',
      params: answerParams,
      handler: (ctx) => renderAnswer(ctx, ctx.params.answerId),
    }),
    formRoute({
      path: '/assessments/answers/:answerId/evidence',
      summary: 'Attach an evidence file to an answer',
      access: 'user',
      params: answerParams,
      bodyType: 'multipart',
      body: evidenceUploadSchema,
      middleware: [upload],
      rerender: (ctx, { formErrors }, status) => renderAnswer(ctx, ctx.params.answerId, { formErrors }, status),
      run: async ({ actor, params, req, audit, t }) => {
        const file = await assessments.addEvidence(actor, params.answerId, req.file, audit);
        const added = t('assessments.evidence.added', { filename: file.filename });
        if (file.checkRunId) return { to: `/assessments/check-runs/${file.checkRunId}`, flash: { kind: 'success', message: `${added} ${t('checkRuns.queued')}` } };
        return { to: `/assessments/answers/${params.answerId}#evidence`, flash: { kind: 'success', message: added } };
      },
    }),
    formRoute({
      path: '/assessments/answers/:answerId/verifications',
      summary: 'Review an answer',
      access: 'user',
      params: answerParams,
      body: verificationFormSchema,
      // A review of a revision that is no longer current is refused like a stale one: the page keeps the typed review.
      rerender: (ctx, { formErrors, values, conflict, refusal }, status) =>
        renderAnswer(ctx, ctx.params.answerId, { formErrors, reviewValues: values, reviewConflict: conflict ?? (refusal?.code === 'answer.not_current' ? { currentVersion: 0, changedBy: null, changedAt: null } : undefined) }, status),
      run: async ({ actor, params, body, audit, t }) => {
        await assessments.verify(actor, params.answerId, body, audit);
        return { to: `/assessments/answers/${params.answerId}#reviews`, flash: { kind: 'success', message: t('assessments.reviews.saved') } };
      },
    }),
    formRoute({
      path: '/assessments/answers/:answerId/messages',
      summary: 'Reply in an answer\'s thread',
      access: 'user',
      params: answerParams,
      body: messageFormSchema,
      rerender: (ctx, { formErrors }, status) => renderAnswer(ctx, ctx.params.answerId, { formErrors }, status),
      run: async ({ actor, params, body, audit, t }) => {
        await assessments.postMessage(actor, params.answerId, body, audit);
        return { to: `/assessments/answers/${params.answerId}#thread`, flash: { kind: 'success', message: t('assessments.thread.posted') } };
      },
    }),
  ];
}
