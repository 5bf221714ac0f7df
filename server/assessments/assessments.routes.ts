import type { RequestHandler, Response } from 'express';
import Handlebars from 'handlebars';
import multer from 'multer';
import { z } from 'zod';
import { renderTemplate } from '../library/clause-template';
import { DOMAINS, REQUIREMENT_TYPES } from '../library/library.codes';
import { jointSetOriginView } from '../joint-sets/joint-sets.views';
import type { Services } from '../services';
import { AppError, isAppError, type FieldError } from '../shared/errors';
import type { Translator } from '../shared/i18n';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import { registerClosed } from './assessments.errors';
import { comparisonTable, toCsv, toXlsx } from './assessments.export';
import type { EvidenceMeta, ThreadRow } from './assessments.repository';
import {
  answerDetailSchema,
  answerFormQuerySchema,
  answerFormSchema,
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
  messageFormSchema,
  messageSchema,
  productVersionParams,
  profileCreateFormSchema,
  profileCreateSchema,
  profileListQuerySchema,
  profileParams,
  profileSchema,
  profileSummarySchema,
  profileUpdateFormSchema,
  profileUpdateSchema,
  profileVersionQuerySchema,
  queueQuerySchema,
  queueSchema,
  rankingQuerySchema,
  rankingSchema,
  registerQuerySchema,
  registerSchema,
  requestCreateSchema,
  requestFormSchema,
  requestListSchema,
  scoreDetailSchema,
  scoreQuerySchema,
  sheetQuerySchema,
  verificationCreateSchema,
  verificationFormSchema,
  verificationSchema,
} from './assessments.schemas';
import { BASELINE_SLUG, type AnswerDetail, type Cell, type ComparisonRow, type ProductVersionContext, type ProfileItemView, type ProfileView, type QueueReason, type VerificationState } from './assessments.service';
import type { AnswerRow, AssessmentProfileRow } from './assessments.table';
import { scoreChartSvg } from './chart';

type Ctx<P = unknown, Q = unknown, B = unknown> = RouteContext<P, Q, B, 'user'>;
type Lang = 'nb' | 'en';

export type AssessmentRouteOptions = { uploadLimitBytes: number; publicRegister: boolean };

/** Reads the uploaded file; a broken multipart body is the client's error, not the server's. */
function singleFile(upload: multer.Multer): RequestHandler {
  const read = upload.single('file');
  return (req, res, next) =>
    read(req, res, (error?: unknown) => {
      if (!error || error instanceof multer.MulterError || isAppError(error)) return next(error);
      next(new AppError('upload.malformed', 400, 'The upload is not a well-formed multipart/form-data body.', { cause: error }));
    });
}

/** Shipped profiles are named in the reader's language. */
function profileText(profile: Pick<AssessmentProfileRow, 'slug' | 'name' | 'description'>, t: Translator) {
  if (!profile.slug) return { name: profile.name, description: profile.description };
  return { name: t(`assessments.shipped.${profile.slug}.name`, { defaultValue: profile.name }), description: t(`assessments.shipped.${profile.slug}.description`, { defaultValue: profile.description }) };
}

function profileSummaryBody(profile: AssessmentProfileRow & { ownerName: string | null }, t: Translator) {
  return {
    id: profile.id,
    slug: profile.slug,
    ...profileText(profile, t),
    visibility: profile.visibility,
    ownerOrganisationId: profile.ownerOrganisationId,
    ownerName: profile.ownerName,
    currentVersion: profile.currentVersion,
    updatedAt: profile.updatedAt.toISOString(),
  };
}

const itemBody = (item: ProfileItemView, lang: Lang) => ({ key: item.key, libraryVersion: item.libraryVersion, major: item.major, type: item.type, weight: item.weight, title: item.title[lang], kind: item.kind, category: item.category });

function profileBody(view: ProfileView, t: Translator, lang: Lang) {
  return {
    ...profileSummaryBody(view.profile, t),
    version: view.version.version,
    items: view.items.map((i) => itemBody(i, lang)),
    versions: view.versions.map((v) => ({ version: v.version, changeNote: v.changeNote, createdAt: v.createdAt.toISOString() })),
    canEdit: view.canEdit,
  };
}

function answerBody(answer: AnswerRow, context: ProductVersionContext, verification: VerificationState, lapsed: boolean) {
  return {
    id: answer.id,
    productVersionId: answer.productVersionId,
    productId: context.product.id,
    productName: context.product.name,
    versionLabel: context.version.label,
    vendorOrganisationId: context.product.vendorOrganisationId,
    vendorName: context.vendorName,
    key: answer.libraryKey,
    major: answer.libraryMajor,
    status: answer.status,
    explanation: answer.explanation,
    links: answer.links,
    validUntil: answer.validUntil,
    revision: answer.revision,
    isCurrent: answer.isCurrent,
    answeredAt: answer.createdAt.toISOString(),
    verification,
    lapsed,
  };
}

const evidenceBody = (e: EvidenceMeta & { answerRevision?: number }) => ({ id: e.id, answerId: e.answerId, ...(e.answerRevision !== undefined ? { answerRevision: e.answerRevision } : {}), filename: e.filename, contentType: e.contentType, size: e.size, sha256: e.sha256, uploadedAt: e.createdAt.toISOString() });

function answerDetailBody(detail: AnswerDetail) {
  return {
    ...answerBody(detail.answer, detail.context, detail.verification, detail.lapsed),
    history: detail.history.map((h) => ({ id: h.id, revision: h.revision, status: h.status, explanation: h.explanation, links: h.links, validUntil: h.validUntil, answeredAt: h.createdAt.toISOString() })),
    verifications: detail.verifications.map((v) => ({ ...v, decidedAt: v.decidedAt.toISOString(), expiresAt: v.expiresAt.toISOString() })),
    evidence: detail.evidence.map(evidenceBody),
    messages: detail.messages.map((m) => ({ id: m.id, body: m.body, authorName: m.authorName, createdAt: m.createdAt.toISOString() })),
  };
}

const cellBody = (c: Cell) => ({ key: c.key, major: c.major, answerId: c.answerId, status: c.status, verification: c.verification, lapsed: c.lapsed });
const productRef = (r: ComparisonRow) => ({ productId: r.productId, name: r.name, vendorName: r.vendorName, versionId: r.versionId, versionLabel: r.versionLabel });
const profileRef = (profile: AssessmentProfileRow, version: number, t: Translator) => ({ id: profile.id, name: profileText(profile, t).name, version });
const requirementBody = (i: ProfileItemView, lang: Lang) => ({ key: i.key, libraryVersion: i.libraryVersion, major: i.major, type: i.type, weight: i.weight, title: i.title[lang] });

const threadBody = (r: ThreadRow & { reason: string }) => ({
  answerId: r.answerId,
  productVersionId: r.productVersionId,
  productId: r.productId,
  productName: r.productName,
  versionLabel: r.versionLabel,
  vendorName: r.vendorName,
  key: r.libraryKey,
  major: r.libraryMajor,
  status: r.status,
  revision: r.revision,
  answeredAt: r.answeredAt.toISOString(),
  reason: r.reason,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  expiresAt: r.expiresAt?.toISOString() ?? null,
});

/** Evidence is sent as a download only, never rendered by the browser in the application's origin. */
function sendEvidence(res: Response, file: { filename: string; contentType: string; content: Buffer; sha256: string }) {
  res
    .set({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox", 'Cache-Control': 'private, no-store', 'X-Content-SHA256': file.sha256 })
    .type(file.contentType)
    .attachment(file.filename)
    .send(file.content);
}

function chartText(t: Translator, basis: 'claimed' | 'verified', profileName: string, rows: ComparisonRow[]) {
  const best = rows[0];
  return {
    title: t('assessments.chart.title', { profile: profileName }),
    description: best
      ? t('assessments.chart.description', { n: rows.length, basis: t(`assessments.basis.${basis}`), best: best.name, score: best.score[basis].score ?? t('assessments.noScore') })
      : t('assessments.chart.empty'),
    claimed: t('assessments.basis.claimed'),
    verified: t('assessments.basis.verified'),
    disqualified: t('assessments.disqualified'),
    noScore: t('assessments.noScore'),
  };
}

const CELL_STATUSES = ['meets', 'partly', 'does_not_meet', 'not_applicable', 'unanswered'] as const;
const CELL_STATES = ['verified', 'unverified', 'expired', 'rejected', 'change_requested', 'changed', 'lapsed'] as const;

/**
 * Visible marker text of a cell: a symbol and a word, so colour is never the only signal. The
 * labels are looked up once per page; a matrix page has thousands of cells.
 */
function cellViews(t: Translator) {
  const statusText = Object.fromEntries(CELL_STATUSES.map((s) => [s, t(`assessments.short.${s}`)]));
  const markerText = Object.fromEntries(CELL_STATES.map((s) => [s, t(`assessments.marker.${s}`)]));
  return (cell: Cell) => {
    const state = cell.status ? (cell.lapsed ? 'lapsed' : (cell.verification as VerificationState)) : 'none';
    const statusClass = cell.status ?? 'unanswered';
    return { ...cell, state, statusClass, statusText: statusText[statusClass], markerText: cell.status ? markerText[state] : '' };
  };
}

/**
 * The matrix cells of a row as one pre-built HTML string. A matrix page holds up to 500 × 100
 * cells, and building them in the template costs more than the rest of the page; every part of a
 * cell is an enum value looked up in an escaped table or a database uuid, so no user text is in it.
 */
function matrixCellsHtml(t: Translator) {
  const escape = Handlebars.escapeExpression;
  const statusText = Object.fromEntries(CELL_STATUSES.map((s) => [s, escape(t(`assessments.short.${s}`))]));
  const markerText = Object.fromEntries(CELL_STATES.map((s) => [s, escape(t(`assessments.marker.${s}`))]));
  // Compact markup, styled by the matrix's CSS: <b> a verified marker, <i> one that no longer counts, <small> the rest.
  const markerTag: Record<string, string> = { verified: 'b', expired: 'i', lapsed: 'i', rejected: 'i' };
  // Per status and state, the cell's markup before and after the answer id (a database uuid, safe in a URL).
  const parts = new Map<string, { before: string; after: string; plain: string }>();
  return (cells: Cell[]): { toHTML: () => string } => {
    let html = '';
    for (const cell of cells) {
      const statusClass = cell.status ?? 'unanswered';
      const state = cell.status ? (cell.lapsed ? 'lapsed' : (cell.verification as VerificationState)) : 'none';
      const memo = `${statusClass}|${state}`;
      let part = parts.get(memo);
      if (part === undefined) {
        const tag = markerTag[state] ?? 'small';
        const body = `${statusText[statusClass] ?? ''}${cell.status ? `<${tag}>${markerText[state] ?? ''}</${tag}>` : ''}`;
        part = { before: `<td class="dk-cell--${statusClass}"><a href="/assessments/answers/`, after: `">${body}</a></td>`, plain: `<td class="dk-cell--${statusClass}">${body}</td>` };
        parts.set(memo, part);
      }
      html += cell.answerId ? part.before + cell.answerId + part.after : part.plain;
    }
    return { toHTML: () => html };
  };
}

export function assessmentRoutes(services: Services, options: AssessmentRouteOptions): RouteDefinition[] {
  const assessments = services.assessments;
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: options.uploadLimitBytes, files: 1, fields: 10 } });
  const api = (spec: Record<string, unknown>, tag = 'Assessments') => defineRoute({ surface: 'api', access: 'user', tags: [tag], ...spec } as never);
  const page = (spec: Record<string, unknown>) => defineRoute({ surface: 'page', access: 'user', ...spec } as never);

  async function defaultProfileId(ctx: Ctx): Promise<string | undefined> {
    const { rows } = await assessments.listProfiles(ctx.actor, {}, { limit: 1, offset: 0 });
    return rows.find((p) => p.slug === BASELINE_SLUG)?.id ?? rows[0]?.id;
  }

  // ---------- pages ----------

  async function renderOverview(ctx: Ctx<unknown, z.infer<typeof profileListQuerySchema>>) {
    const buyerSide = assessments.seesAllProducts(ctx.actor);
    const [{ rows, total }, vendorProducts, feedback] = await Promise.all([
      assessments.listProfiles(ctx.actor, { q: ctx.query.q }, { limit: ctx.query.pageSize, offset: (ctx.query.page - 1) * ctx.query.pageSize }),
      assessments.vendorProducts(ctx.actor),
      assessments.feedback(ctx.actor, { page: 1, pageSize: 50 }),
    ]);
    const publicProfiles = rows.filter((p) => p.visibility === 'public');
    ctx.render('assessments/index', {
      title: ctx.t('assessments.title'),
      nav: 'assessments',
      buyerSide,
      canCreate: assessments.assessingMemberships(ctx.actor).length > 0,
      profiles: rows.map((p) => profileSummaryBody(p, ctx.t)),
      filter: ctx.query,
      pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/assessments', query: ctx.query }),
      vendorProducts: vendorProducts.map((p) => ({
        ...p,
        sheetProfiles: [...p.profiles.map((r) => ({ id: r.profileId, name: r.profileName })), ...publicProfiles.filter((pp) => !p.profiles.some((r) => r.profileId === pp.id)).map((pp) => ({ id: pp.id, name: profileText(pp, ctx.t).name }))],
      })),
      feedback: feedback.rows.map((r) => ({ ...threadBody(r), noteForVendor: r.noteForVendor ?? '' })),
    });
  }

  async function renderNewProfile(ctx: Ctx, values: Record<string, unknown>, errors: FieldError[], status: number) {
    const organisations = assessments.assessingMemberships(ctx.actor);
    const tenders = organisations.length > 0 ? (await services.tenders.list(ctx.actor, {}, { limit: 200, offset: 0 })).rows.map((r) => ({ id: r.tender.id, title: r.tender.title, reference: r.tender.reference })) : [];
    ctx.render('assessments/new-profile', { title: ctx.t('assessments.profiles.new'), nav: 'assessments', values, errors, organisations, tenders }, status);
  }

  async function renderProfile(ctx: Ctx<{ profileId: string }, { version?: number | undefined }>, extra: Record<string, unknown> = {}, status = 200) {
    const view = await assessments.getProfile(ctx.actor, ctx.params.profileId, ctx.query?.version);
    const buyerSide = assessments.seesAllProducts(ctx.actor);
    const [requests, products] = await Promise.all([
      assessments.requests(ctx.actor, ctx.params.profileId),
      buyerSide ? assessments.productOptions(ctx.actor) : Promise.resolve([]),
    ]);
    const body = profileBody(view, ctx.t, ctx.locale);
    const origin = jointSetOriginView(await services.jointSets.origin(ctx.actor, view.profile.jointSetRevisionId));
    ctx.render(
      'assessments/profile',
      {
        jointSetOrigin: origin,
        title: body.name,
        nav: 'assessments',
        profile: body,
        isCurrentVersion: view.version.version === view.profile.currentVersion,
        evaluatedWeight: view.items.filter((i) => i.type !== 'A').reduce((sum, i) => sum + i.weight, 0),
        buyerSide,
        requests,
        products,
        organisations: assessments.assessingMemberships(ctx.actor),
        types: REQUIREMENT_TYPES,
        ...extra,
      },
      status,
    );
  }

  async function renderSheet(ctx: Ctx<{ productVersionId: string }, { profileId?: string | undefined }>, status = 200) {
    const profileId = ctx.query.profileId ?? (await defaultProfileId(ctx));
    if (!profileId) {
      const context = await assessments.loadProductVersion(ctx.actor, ctx.params.productVersionId);
      ctx.render('assessments/sheet', { title: context.product.name, nav: 'assessments', context, noProfile: true }, status);
      return;
    }
    const sheet = await assessments.productSheet(ctx.actor, ctx.params.productVersionId, profileId);
    const cellView = cellViews(ctx.t);
    const { rows } = await assessments.listProfiles(ctx.actor, {}, { limit: 200, offset: 0 });
    ctx.render(
      'assessments/sheet',
      {
        title: `${sheet.context.product.name} ${sheet.context.version.label}`,
        nav: 'assessments',
        context: sheet.context,
        siblings: sheet.siblings,
        profile: profileRef(sheet.profile, sheet.profileVersion.version, ctx.t),
        profiles: rows.map((p) => ({ id: p.id, name: profileText(p, ctx.t).name })),
        items: sheet.items.map(({ item, cell }) => ({ ...itemBody(item, ctx.locale), cell: cellView(cell) })),
        score: sheet.score,
        canAnswer: sheet.canAnswer,
      },
      status,
    );
  }

  async function renderAnswerForm(ctx: Ctx<{ productVersionId: string }, { key: string; major: number }>, values: Record<string, unknown> | null, errors: FieldError[], status: number, profileId?: string) {
    const found = await assessments.currentAnswer(ctx.actor, ctx.params.productVersionId, ctx.query.key, ctx.query.major);
    const lib = found.library;
    const current = found.answer;
    ctx.render(
      'assessments/answer-form',
      {
        title: `${ctx.query.key} – ${found.context.product.name}`,
        nav: 'assessments',
        context: found.context,
        requirement: { key: lib.key, version: lib.version, type: lib.type, title: lib.title[ctx.locale], text: renderTemplate(lib.text[ctx.locale], lib.parameters, {}, ctx.locale), guidance: renderTemplate(lib.responseGuidance[ctx.locale], lib.parameters, {}, ctx.locale) },
        current,
        canAnswer: found.canAnswer,
        values: values ?? {
          key: ctx.query.key,
          major: ctx.query.major,
          status: current?.status,
          explanation: current?.explanation ?? '',
          links: (current?.links ?? []).map((l) => `${l.url} ${l.title}`.trim()).join('\n'),
          validUntil: current?.validUntil ?? '',
          revision: current?.revision ?? 0,
          profileId,
        },
        errors,
      },
      status,
    );
  }

  async function renderAnswer(ctx: Ctx<{ answerId: string }>, extra: Record<string, unknown> = {}, status = 200) {
    const detail = await assessments.answerDetail(ctx.actor, ctx.params.answerId);
    const lang = ctx.locale;
    ctx.render(
      'assessments/answer',
      {
        title: `${detail.answer.libraryKey} – ${detail.context.product.name}`,
        nav: 'assessments',
        answer: answerDetailBody(detail),
        state: detail.lapsed ? 'lapsed' : detail.verification,
        requirement: detail.library ? { title: detail.library.title[lang], version: detail.library.version, type: detail.library.type } : null,
        context: detail.context,
        isVendor: detail.isVendor,
        canAnswer: detail.canAnswer && detail.answer.isCurrent,
        canReview: detail.canReview && detail.answer.isCurrent,
        canReply: detail.canReply,
        organisations: assessments.assessingMemberships(ctx.actor),
        uploadLimit: Math.floor(options.uploadLimitBytes / (1024 * 1024)),
        ...extra,
      },
      status,
    );
  }

  /** Runs a page form's change; a refusal re-shows the page with the problem and the right status. */
  function formAction<P>(render: (ctx: Ctx<P>, extra: Record<string, unknown>, status: number) => Promise<void>, run: (ctx: Ctx<P, unknown, never>) => Promise<void>) {
    return async (ctx: Ctx<P, unknown, never>) => {
      try {
        await run(ctx);
      } catch (error) {
        if (isAppError(error) && error.status < 500) return render(ctx as never, { formErrors: error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }] }, error.status);
        throw error;
      }
    };
  }

  const onProfileInvalid = (ctx: Ctx<{ profileId: string }>, errors: FieldError[]) => renderProfile(ctx as never, { formErrors: errors }, 400);
  const onAnswerInvalid = (ctx: Ctx<{ answerId: string }>, errors: FieldError[]) => renderAnswer(ctx, { formErrors: errors }, 400);

  return [
    // ---------- profiles API ----------
    api(
      {
        method: 'get',
        path: '/api/profiles',
        summary: 'Assessment profiles you may see: your organisations\' own, shared and public ones, and those you were asked to answer',
        query: profileListQuerySchema,
        responses: [{ status: 200, description: 'A page of profiles', schema: z.object({ items: z.array(profileSummarySchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
        handler: async (ctx: Ctx<unknown, z.infer<typeof profileListQuerySchema>>) => {
          const { rows, total } = await assessments.listProfiles(ctx.actor, { q: ctx.query.q }, { limit: ctx.query.pageSize, offset: (ctx.query.page - 1) * ctx.query.pageSize });
          return { items: rows.map((p) => profileSummaryBody(p, ctx.t)), page: ctx.query.page, pageSize: ctx.query.pageSize, total };
        },
      },
      'Assessment profiles',
    ),
    api(
      {
        method: 'post',
        path: '/api/profiles',
        summary: 'Create a profile from library items (pinned to a version, newest published by default), or from a tender\'s set',
        description: 'With tenderId the tender\'s library items are copied with their pinned versions, types and weights. Owners, editors and assessors of a buyer or council.',
        body: profileCreateSchema,
        successStatus: 201,
        responses: [{ status: 201, description: 'Created', schema: profileSchema }],
        handler: async (ctx: Ctx<unknown, unknown, z.infer<typeof profileCreateSchema>>) => profileBody(await assessments.createProfile(ctx.actor, ctx.body, ctx.audit), ctx.t, ctx.locale),
      },
      'Assessment profiles',
    ),
    api(
      {
        method: 'get',
        path: '/api/profiles/:profileId',
        summary: 'A profile with the items of its current version, or of ?version=',
        params: profileParams,
        query: profileVersionQuerySchema,
        responses: [{ status: 200, description: 'The profile', schema: profileSchema }],
        handler: async (ctx: Ctx<{ profileId: string }, z.infer<typeof profileVersionQuerySchema>>) => profileBody(await assessments.getProfile(ctx.actor, ctx.params.profileId, ctx.query.version), ctx.t, ctx.locale),
      },
      'Assessment profiles',
    ),
    api(
      {
        method: 'put',
        path: '/api/profiles/:profileId',
        summary: 'Change a profile; changed items make a new version',
        description: 'Send currentVersion as read; a stale one gives 409 profile.conflict. Shipped profiles cannot be changed.',
        params: profileParams,
        body: profileUpdateSchema,
        responses: [{ status: 200, description: 'The profile', schema: profileSchema }],
        handler: async (ctx: Ctx<{ profileId: string }, unknown, z.infer<typeof profileUpdateSchema>>) => profileBody(await assessments.updateProfile(ctx.actor, ctx.params.profileId, ctx.body, ctx.audit), ctx.t, ctx.locale),
      },
      'Assessment profiles',
    ),
    api(
      {
        method: 'delete',
        path: '/api/profiles/:profileId',
        summary: 'Delete a profile',
        params: profileParams,
        successStatus: 204,
        responses: [{ status: 204, description: 'Deleted' }],
        handler: async (ctx: Ctx<{ profileId: string }>) => {
          await assessments.deleteProfile(ctx.actor, ctx.params.profileId, ctx.audit);
        },
      },
      'Assessment profiles',
    ),
    api(
      {
        method: 'get',
        path: '/api/profiles/:profileId/requests',
        summary: 'Products asked to answer the profile, by your organisations or of your vendor',
        params: profileParams,
        responses: [{ status: 200, description: 'Requests', schema: requestListSchema }],
        handler: async (ctx: Ctx<{ profileId: string }>) => ({
          items: (await assessments.requests(ctx.actor, ctx.params.profileId)).map((r) => ({ productId: r.productId, productName: r.productName, requestedByOrganisationId: r.requestedByOrganisationId, createdAt: r.createdAt.toISOString() })),
        }),
      },
      'Assessment profiles',
    ),
    api(
      {
        method: 'post',
        path: '/api/profiles/:profileId/requests',
        summary: 'Ask the vendor of a product to answer the profile',
        params: profileParams,
        body: requestCreateSchema,
        successStatus: 201,
        responses: [{ status: 201, description: 'Requested (created false when it already was)', schema: z.object({ created: z.boolean() }) }],
        handler: (ctx: Ctx<{ profileId: string }, unknown, z.infer<typeof requestCreateSchema>>) => assessments.requestAnswers(ctx.actor, ctx.params.profileId, ctx.body, ctx.audit),
      },
      'Assessment profiles',
    ),

    // ---------- answers API ----------
    api({
      method: 'get',
      path: '/api/assessments/answers',
      summary: 'Current answers of a product version, to a profile\'s requirements or all',
      query: answersQuerySchema,
      responses: [{ status: 200, description: 'Answers', schema: z.object({ items: z.array(answerSchema) }) }],
      handler: async (ctx: Ctx<unknown, z.infer<typeof answersQuerySchema>>) => {
        const keys = ctx.query.profileId ? (await assessments.getProfile(ctx.actor, ctx.query.profileId)).items.map((i) => i.key) : undefined;
        const { context, answers } = await assessments.answersOf(ctx.actor, ctx.query.productVersionId, keys);
        return { items: answers.map((a) => answerBody(a.answer, context, a.verification, a.lapsed)) };
      },
    }),
    api({
      method: 'post',
      path: '/api/assessments/answers',
      summary: 'Answer a requirement (key and major version) for a product version; a change is a new revision',
      description: 'Owners and editors of the product\'s vendor. The answer counts wherever the same key and major version is assessed. Send revision (0 for a first answer) to guard against lost updates.',
      body: answerSaveSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The current answer', schema: answerDetailSchema }],
      handler: async (ctx: Ctx<unknown, unknown, z.infer<typeof answerSaveSchema>>) => {
        const { answer } = await assessments.saveAnswer(ctx.actor, ctx.body, ctx.audit);
        return answerDetailBody(await assessments.answerDetail(ctx.actor, answer.id));
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/answers/:answerId',
      summary: 'An answer with its history, reviews, evidence and thread',
      description: 'Internal notes of reviews are included only for members of the reviewing organisation.',
      params: answerParams,
      responses: [{ status: 200, description: 'The answer', schema: answerDetailSchema }],
      handler: async (ctx: Ctx<{ answerId: string }>) => answerDetailBody(await assessments.answerDetail(ctx.actor, ctx.params.answerId)),
    }),
    api({
      method: 'post',
      path: '/api/assessments/answers/:answerId/evidence',
      summary: 'Attach an evidence file to the current answer (multipart: file)',
      description: 'PDF, PNG, JPEG, TXT, CSV, JSON, XML, DOCX, XLSX or ZIP, up to the upload limit; the content must match the file name\'s type.',
      params: answerParams,
      bodyType: 'multipart',
      body: evidenceUploadSchema,
      middleware: [singleFile(upload)],
      successStatus: 201,
      responses: [{ status: 201, description: 'Stored', schema: evidenceSchema }],
      handler: async (ctx: Ctx<{ answerId: string }>) => evidenceBody(await assessments.addEvidence(ctx.actor, ctx.params.answerId, ctx.req.file, ctx.audit)),
    }),
    api({
      method: 'get',
      path: '/api/assessments/evidence/:evidenceId',
      summary: 'Download an evidence file',
      params: evidenceParams,
      responses: [{ status: 200, description: 'The file, as an attachment', contentType: 'application/octet-stream', schema: z.string() }],
      handler: async (ctx: Ctx<{ evidenceId: string }>) => sendEvidence(ctx.res, await assessments.evidenceFile(ctx.actor, ctx.params.evidenceId)),
    }),
    api({
      method: 'post',
      path: '/api/assessments/answers/:answerId/verifications',
      summary: 'Review the current answer: accepted, rejected or change requested',
      description: 'Owners, editors and assessors of a buyer or council. noteForVendor is shown to the vendor; internalNote never is. An acceptance expires after the configured number of months.',
      params: answerParams,
      body: verificationCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Recorded', schema: verificationSchema }],
      handler: async (ctx: Ctx<{ answerId: string }, unknown, z.infer<typeof verificationCreateSchema>>) => {
        const row = await assessments.verify(ctx.actor, ctx.params.answerId, ctx.body, ctx.audit);
        const detail = await assessments.answerDetail(ctx.actor, ctx.params.answerId);
        const view = detail.verifications.find((v) => v.id === row.id);
        return { ...view, decidedAt: row.decidedAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/answers/:answerId/messages',
      summary: 'The thread of an answer: vendor replies and reviewers\' messages',
      params: answerParams,
      responses: [{ status: 200, description: 'Messages, oldest first', schema: z.object({ items: z.array(messageSchema) }) }],
      handler: async (ctx: Ctx<{ answerId: string }>) => ({ items: answerDetailBody(await assessments.answerDetail(ctx.actor, ctx.params.answerId)).messages }),
    }),
    api({
      method: 'post',
      path: '/api/assessments/answers/:answerId/messages',
      summary: 'Reply in the thread of an answer',
      params: answerParams,
      body: messageCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'Posted', schema: messageSchema }],
      handler: async (ctx: Ctx<{ answerId: string }, unknown, z.infer<typeof messageCreateSchema>>) => {
        const m = await assessments.postMessage(ctx.actor, ctx.params.answerId, ctx.body, ctx.audit);
        return { id: m.id, body: m.body, authorName: m.authorName, createdAt: m.createdAt.toISOString() };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/scores',
      summary: 'Claimed and verified score of a product version against a profile, with the cells behind them',
      query: scoreQuerySchema,
      responses: [{ status: 200, description: 'The score', schema: scoreDetailSchema }],
      handler: async (ctx: Ctx<unknown, z.infer<typeof scoreQuerySchema>>) => {
        const result = await assessments.score(ctx.actor, ctx.query.productVersionId, ctx.query.profileId);
        return { profile: profileRef(result.profile, result.version.version, ctx.t), productVersionId: ctx.query.productVersionId, score: result.score, cells: result.cells.map(cellBody) };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/comparison',
      summary: 'One page of the products × requirements matrix of a profile (newest version of each product)',
      query: comparisonQuerySchema,
      responses: [{ status: 200, description: 'The matrix page', schema: comparisonSchema }],
      handler: async (ctx: Ctx<unknown, z.infer<typeof comparisonQuerySchema>>) => {
        const result = await assessments.comparison(ctx.actor, ctx.query);
        return {
          profile: profileRef(result.profile, result.version.version, ctx.t),
          requirements: result.items.map((i) => requirementBody(i, ctx.locale)),
          products: result.rows.map((r) => ({ ...productRef(r), score: r.score, cells: r.cells.map(cellBody) })),
          page: ctx.query.page,
          pageSize: ctx.query.pageSize,
          total: result.total,
        };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/ranking',
      summary: 'Products ranked by claimed or verified score: qualified first, then by score',
      query: rankingQuerySchema,
      responses: [{ status: 200, description: 'The ranking page', schema: rankingSchema }],
      handler: async (ctx: Ctx<unknown, z.infer<typeof rankingQuerySchema>>) => {
        const result = await assessments.ranking(ctx.actor, ctx.query);
        const start = (ctx.query.page - 1) * ctx.query.pageSize;
        return {
          profile: profileRef(result.profile, result.version.version, ctx.t),
          basis: ctx.query.basis,
          items: result.rows.slice(start, start + ctx.query.pageSize).map((r, n) => ({ rank: start + n + 1, ...productRef(r), score: r.score })),
          page: ctx.query.page,
          pageSize: ctx.query.pageSize,
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
      handler: async (ctx: Ctx<unknown, z.infer<typeof exportQuerySchema>>) => {
        const result = await assessments.ranking(ctx.actor, ctx.query);
        const table = comparisonTable(result.items, result.rows, ctx.t);
        const name = `sammenligning-${(result.profile.slug ?? result.profile.id).slice(0, 40)}`;
        if (ctx.query.format === 'csv') ctx.res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(toCsv(table));
        else ctx.res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`).send(await toXlsx(table, ctx.t('assessments.compare.sheetName')));
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/chart',
      summary: 'Bar chart (SVG) of the best-ranked products\' claimed and verified scores',
      query: chartQuerySchema,
      responses: [{ status: 200, description: 'The chart', contentType: 'image/svg+xml', schema: z.string() }],
      handler: async (ctx: Ctx<unknown, z.infer<typeof chartQuerySchema>>) => {
        const result = await assessments.ranking(ctx.actor, ctx.query);
        const rows = result.rows.slice(0, ctx.query.limit);
        const svg = scoreChartSvg(
          rows.map((r) => ({ label: `${r.name} (${r.vendorName})`, claimed: r.score.claimed.score, verified: r.score.verified.score, disqualified: r.score.claimed.disqualified })),
          chartText(ctx.t, ctx.query.basis, profileText(result.profile, ctx.t).name, rows),
        );
        ctx.res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' }).type('image/svg+xml').send(svg);
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/queue',
      summary: 'Answers to review again: verification expired, answer revised since review, or (reason=unverified) never reviewed',
      query: queueQuerySchema,
      responses: [{ status: 200, description: 'The queue, oldest first', schema: queueSchema }],
      handler: async (ctx: Ctx<unknown, z.infer<typeof queueQuerySchema>>) => {
        const reasons: QueueReason[] = ctx.query.reason ? [ctx.query.reason] : ['expired', 'changed'];
        const { rows, total } = await assessments.queue(ctx.actor, { reasons, profileId: ctx.query.profileId, page: ctx.query.page, pageSize: ctx.query.pageSize });
        return { items: rows.map(threadBody), page: ctx.query.page, pageSize: ctx.query.pageSize, total };
      },
    }),
    api({
      method: 'get',
      path: '/api/assessments/feedback',
      summary: 'For vendors: your answers a reviewer rejected or asked to change, with the note meant for you',
      query: feedbackQuerySchema,
      responses: [{ status: 200, description: 'Feedback', schema: feedbackSchema }],
      handler: async (ctx: Ctx<unknown, z.infer<typeof feedbackQuerySchema>>) => {
        const { rows, total } = await assessments.feedback(ctx.actor, ctx.query);
        return { items: rows.map((r) => ({ ...threadBody(r), noteForVendor: r.noteForVendor ?? '' })), page: ctx.query.page, pageSize: ctx.query.pageSize, total };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/register',
      surface: 'api',
      access: 'public',
      tags: ['Public register'],
      summary: 'The public register: products with their verified statuses for a public profile (when the installation publishes it)',
      query: registerQuerySchema,
      responses: [{ status: 200, description: 'The register page', schema: registerSchema }],
      handler: async (ctx: RouteContext<unknown, z.infer<typeof registerQuerySchema>, unknown, 'public'>) => {
        if (!options.publicRegister) throw registerClosed(ctx.req.path);
        const query = ctx.query;
        const result = await assessments.register(query);
        return {
          profiles: result.profiles.map((p) => ({ id: p.id, name: profileText(p, ctx.t).name })),
          profile: result.profile && result.version ? profileRef(result.profile, result.version.version, ctx.t) : null,
          requirements: result.items.map((i) => requirementBody(i, ctx.locale)),
          products: result.rows.map((r) => ({ productId: r.productId, name: r.name, vendorName: r.vendorName, versionLabel: r.versionLabel, cells: r.cells.map((c) => ({ key: c.key, status: c.status })) })),
          page: query.page,
          pageSize: query.pageSize,
          total: result.total,
        };
      },
    } as never),

    // ---------- pages ----------
    page({
      method: 'get',
      path: '/assessments',
      summary: 'Assessments: profiles, comparison and review queue; for vendors their products and feedback',
      query: profileListQuerySchema,
      handler: renderOverview,
    }),
    page({
      method: 'get',
      path: '/assessments/profiles/new',
      summary: 'Form for a new assessment profile',
      handler: (ctx: Ctx) => renderNewProfile(ctx, { visibility: 'private' }, [], 200),
    }),
    page({
      method: 'post',
      path: '/assessments/profiles',
      summary: 'Create an assessment profile',
      bodyType: 'form',
      body: profileCreateFormSchema,
      onInvalid: (ctx: Ctx<unknown, unknown, Record<string, unknown>>, errors: FieldError[]) => renderNewProfile(ctx, ctx.body, errors, 400),
      handler: async (ctx: Ctx<unknown, unknown, z.infer<typeof profileCreateFormSchema>>) => {
        const { keys, tenderId, ...rest } = ctx.body;
        try {
          const view = await assessments.createProfile(ctx.actor, { ...rest, ...(tenderId ? { tenderId } : { items: keys.map((key) => ({ key })) }) }, ctx.audit);
          ctx.redirect(`/assessments/profiles/${view.profile.id}`, { kind: 'success', message: ctx.t('assessments.profiles.created') });
        } catch (error) {
          if (isAppError(error) && error.status < 500) return renderNewProfile(ctx, { ...ctx.body, keys: keys.join(' ') }, error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }], error.status);
          throw error;
        }
      },
    }),
    page({
      method: 'get',
      path: '/assessments/profiles/:profileId',
      summary: 'An assessment profile: items, weights, versions and requests',
      params: profileParams,
      query: profileVersionQuerySchema,
      handler: (ctx: Ctx<{ profileId: string }, z.infer<typeof profileVersionQuerySchema>>) => renderProfile(ctx),
    }),
    page({
      method: 'post',
      path: '/assessments/profiles/:profileId',
      summary: 'Save an assessment profile',
      params: profileParams,
      bodyType: 'form',
      body: profileUpdateFormSchema,
      onInvalid: onProfileInvalid,
      handler: formAction<{ profileId: string }>(renderProfile as never, async (ctx) => {
        const body = (ctx as unknown as Ctx<{ profileId: string }, unknown, z.infer<typeof profileUpdateFormSchema>>).body;
        const kept = body.items.filter((i) => !i.remove).map(({ key, version, type, weight }) => ({ key, version, type, weight }));
        const added = body.addKeys.filter((key) => !kept.some((i) => i.key === key)).map((key) => ({ key }));
        const view = await assessments.updateProfile(ctx.actor, ctx.params.profileId, { name: body.name, description: body.description, visibility: body.visibility, changeNote: body.changeNote, currentVersion: body.currentVersion, items: [...kept, ...added] }, ctx.audit);
        ctx.redirect(`/assessments/profiles/${ctx.params.profileId}`, { kind: 'success', message: ctx.t('assessments.profiles.saved', { version: view.profile.currentVersion }) });
      }),
    }),
    page({
      method: 'post',
      path: '/assessments/profiles/:profileId/delete',
      summary: 'Delete an assessment profile',
      params: profileParams,
      bodyType: 'form',
      handler: formAction<{ profileId: string }>(renderProfile as never, async (ctx) => {
        await assessments.deleteProfile(ctx.actor, ctx.params.profileId, ctx.audit);
        ctx.redirect('/assessments', { kind: 'success', message: ctx.t('assessments.profiles.deleted') });
      }),
    }),
    page({
      method: 'post',
      path: '/assessments/profiles/:profileId/requests',
      summary: 'Ask a product\'s vendor to answer the profile',
      params: profileParams,
      bodyType: 'form',
      body: requestFormSchema,
      onInvalid: onProfileInvalid,
      handler: formAction<{ profileId: string }>(renderProfile as never, async (ctx) => {
        const body = (ctx as unknown as Ctx<{ profileId: string }, unknown, z.infer<typeof requestFormSchema>>).body;
        const { created } = await assessments.requestAnswers(ctx.actor, ctx.params.profileId, body, ctx.audit);
        ctx.redirect(`/assessments/profiles/${ctx.params.profileId}#requests`, { kind: 'success', message: ctx.t(created ? 'assessments.requests.created' : 'assessments.requests.exists') });
      }),
    }),
    page({
      method: 'get',
      path: '/assessments/compare',
      summary: 'Comparison: products × requirements matrix, ranking and score chart',
      query: rankingQuerySchema.extend({ profileId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid('must be a profile id').optional()), view: z.enum(['matrix', 'ranking']).default('matrix') }),
      handler: async (ctx: Ctx<unknown, Omit<z.infer<typeof rankingQuerySchema>, 'profileId'> & { profileId?: string | undefined; view: 'matrix' | 'ranking' }>) => {
        const query = ctx.query;
        const profileId = query.profileId ?? (await defaultProfileId(ctx));
        const { rows: profiles } = await assessments.listProfiles(ctx.actor, {}, { limit: 200, offset: 0 });
        const base = { title: ctx.t('assessments.compare.title'), nav: 'assessments', filter: { ...query, profileId }, profiles: profiles.map((p) => ({ id: p.id, name: profileText(p, ctx.t).name })), domains: DOMAINS };
        if (!profileId) return ctx.render('assessments/compare', { ...base, noProfile: true });
        const filter = { profileId, domain: query.domain, q: query.q };
        const linkQuery = new URLSearchParams(Object.entries({ ...filter, basis: query.basis }).filter(([, v]) => v !== undefined && v !== '') as [string, string][]).toString();
        if (query.view === 'ranking') {
          const result = await assessments.ranking(ctx.actor, { ...filter, basis: query.basis });
          const start = (query.page - 1) * query.pageSize;
          return ctx.render('assessments/compare', {
            ...base,
            profile: profileRef(result.profile, result.version.version, ctx.t),
            ranking: result.rows.slice(start, start + query.pageSize).map((r, n) => ({ ...r, rank: start + n + 1 })),
            linkQuery,
            chartSrc: `/api/assessments/chart?${linkQuery}&limit=${Math.min(query.pageSize, 100)}`,
            pager: pagination({ page: query.page, pageSize: query.pageSize, total: result.rows.length, basePath: '/assessments/compare', query: { ...query, profileId } }),
          });
        }
        const result = await assessments.comparison(ctx.actor, { ...filter, page: query.page, pageSize: query.pageSize });
        const cellsHtml = matrixCellsHtml(ctx.t);
        return ctx.render('assessments/compare', {
          ...base,
          profile: profileRef(result.profile, result.version.version, ctx.t),
          requirements: result.items.map((i) => requirementBody(i, ctx.locale)),
          matrix: result.rows.map((r) => ({ ...r, cellsHtml: cellsHtml(r.cells) })),
          linkQuery,
          chartSrc: `/api/assessments/chart?${linkQuery}&limit=25`,
          pager: pagination({ page: query.page, pageSize: query.pageSize, total: result.total, basePath: '/assessments/compare', query: { ...query, profileId } }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/assessments/queue',
      summary: 'Review queue: answers whose verification expired or that changed since review',
      query: queueQuerySchema,
      handler: async (ctx: Ctx<unknown, z.infer<typeof queueQuerySchema>>) => {
        const reasons: QueueReason[] = ctx.query.reason ? [ctx.query.reason] : ['expired', 'changed'];
        const { rows, total } = await assessments.queue(ctx.actor, { reasons, profileId: ctx.query.profileId, page: ctx.query.page, pageSize: ctx.query.pageSize });
        const { rows: profiles } = await assessments.listProfiles(ctx.actor, {}, { limit: 200, offset: 0 });
        ctx.render('assessments/queue', {
          title: ctx.t('assessments.queue.title'),
          nav: 'assessments',
          items: rows.map(threadBody),
          filter: ctx.query,
          profiles: profiles.map((p) => ({ id: p.id, name: profileText(p, ctx.t).name })),
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/assessments/queue', query: ctx.query }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/assessments/products/:productVersionId',
      summary: 'A product version\'s answers to a profile, with its scores',
      params: productVersionParams,
      query: sheetQuerySchema,
      handler: (ctx: Ctx<{ productVersionId: string }, z.infer<typeof sheetQuerySchema>>) => renderSheet(ctx),
    }),
    page({
      method: 'get',
      path: '/assessments/products/:productVersionId/answer',
      summary: 'Form for answering one requirement for a product version',
      params: productVersionParams,
      query: answerFormQuerySchema.extend({ profileId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()) }),
      handler: (ctx: Ctx<{ productVersionId: string }, z.infer<typeof answerFormQuerySchema> & { profileId?: string | undefined }>) => renderAnswerForm(ctx, null, [], 200, ctx.query.profileId),
    }),
    page({
      method: 'post',
      path: '/assessments/products/:productVersionId/answers',
      summary: 'Save an answer for a product version',
      params: productVersionParams,
      bodyType: 'form',
      body: answerFormSchema,
      onInvalid: async (ctx: Ctx<{ productVersionId: string }, unknown, Record<string, unknown>>, errors: FieldError[]) => {
        const key = answerFormQuerySchema.safeParse({ key: ctx.body.key, major: ctx.body.major });
        if (!key.success) throw new AppError('validation.failed', 400, `The answer form is incomplete: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, { errors });
        return renderAnswerForm({ ...ctx, query: key.data } as never, ctx.body, errors, 400);
      },
      handler: async (ctx: Ctx<{ productVersionId: string }, unknown, z.infer<typeof answerFormSchema>>) => {
        const { profileId, ...input } = ctx.body;
        try {
          const { answer, created } = await assessments.saveAnswer(ctx.actor, { ...input, productVersionId: ctx.params.productVersionId, validUntil: input.validUntil ?? null }, ctx.audit);
          const back = profileId ? `/assessments/products/${ctx.params.productVersionId}?profileId=${profileId}` : `/assessments/answers/${answer.id}`;
          ctx.redirect(back, { kind: 'success', message: ctx.t(created ? 'assessments.answers.saved' : 'assessments.answers.unchanged', { key: answer.libraryKey }) });
        } catch (error) {
          if (isAppError(error) && error.status < 500) {
            const values = { ...ctx.body, links: ctx.body.links.map((l) => `${l.url} ${l.title}`.trim()).join('\n') };
            return renderAnswerForm({ ...ctx, query: { key: ctx.body.key, major: ctx.body.major } } as never, values, error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }], error.status);
          }
          throw error;
        }
      },
    }),
    page({
      method: 'get',
      path: '/assessments/answers/:answerId',
      summary: 'An answer: history, evidence, reviews and thread',
      params: answerParams,
      handler: (ctx: Ctx<{ answerId: string }>) => renderAnswer(ctx),
    }),
    page({
      method: 'post',
      path: '/assessments/answers/:answerId/evidence',
      summary: 'Attach an evidence file to an answer',
      params: answerParams,
      bodyType: 'multipart',
      body: evidenceUploadSchema,
      middleware: [singleFile(upload)],
      onInvalid: onAnswerInvalid,
      handler: formAction<{ answerId: string }>(renderAnswer as never, async (ctx) => {
        const file = await assessments.addEvidence(ctx.actor, ctx.params.answerId, ctx.req.file, ctx.audit);
        ctx.redirect(`/assessments/answers/${ctx.params.answerId}#evidence`, { kind: 'success', message: ctx.t('assessments.evidence.added', { filename: file.filename }) });
      }),
    }),
    page({
      method: 'post',
      path: '/assessments/answers/:answerId/verifications',
      summary: 'Review an answer',
      params: answerParams,
      bodyType: 'form',
      body: verificationFormSchema,
      onInvalid: onAnswerInvalid,
      handler: formAction<{ answerId: string }>(renderAnswer as never, async (ctx) => {
        const body = (ctx as unknown as Ctx<{ answerId: string }, unknown, z.infer<typeof verificationFormSchema>>).body;
        await assessments.verify(ctx.actor, ctx.params.answerId, body, ctx.audit);
        ctx.redirect(`/assessments/answers/${ctx.params.answerId}#reviews`, { kind: 'success', message: ctx.t('assessments.reviews.saved') });
      }),
    }),
    page({
      method: 'post',
      path: '/assessments/answers/:answerId/messages',
      summary: 'Reply in an answer\'s thread',
      params: answerParams,
      bodyType: 'form',
      body: messageFormSchema,
      onInvalid: onAnswerInvalid,
      handler: formAction<{ answerId: string }>(renderAnswer as never, async (ctx) => {
        const body = (ctx as unknown as Ctx<{ answerId: string }, unknown, z.infer<typeof messageFormSchema>>).body;
        await assessments.postMessage(ctx.actor, ctx.params.answerId, body, ctx.audit);
        ctx.redirect(`/assessments/answers/${ctx.params.answerId}#thread`, { kind: 'success', message: ctx.t('assessments.thread.posted') });
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/register',
      surface: 'page',
      access: 'public',
      summary: 'The public register of verified answers (when the installation publishes it)',
      query: registerQuerySchema,
      handler: async (ctx: RouteContext<unknown, z.infer<typeof registerQuerySchema>, unknown, 'public'>) => {
        if (!options.publicRegister) throw registerClosed(ctx.req.path);
        const query = ctx.query;
        const result = await assessments.register(query);
        ctx.render('register/index', {
          title: ctx.t('register.title'),
          nav: 'register',
          profiles: result.profiles.map((p) => ({ id: p.id, name: profileText(p, ctx.t).name })),
          profile: result.profile && result.version ? { ...profileRef(result.profile, result.version.version, ctx.t), description: profileText(result.profile, ctx.t).description } : null,
          requirements: result.items.map((i) => requirementBody(i, ctx.locale)),
          products: result.rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c, statusClass: c.status ?? 'unanswered', text: c.status ? ctx.t(`assessments.short.${c.status}`) : ctx.t('register.notVerified') })) })),
          filter: query,
          pager: pagination({ page: query.page, pageSize: query.pageSize, total: result.total, basePath: '/register', query }),
        });
      },
    } as never),
  ];
}
