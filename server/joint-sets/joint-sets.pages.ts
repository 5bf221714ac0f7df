import type { RequestHandler } from 'express';
import type multer from 'multer';
import { z } from 'zod';
import { DOMAINS, REQUIREMENT_TYPES } from '../library/library.codes';
import { coerceFormValues } from '../library/library.forms';
import { itemKeySchema } from '../library/library.schemas';
import type { Parameter } from '../library/library.schemas';
import type { Services } from '../services';
import { badRequest, isAppError, type FieldError } from '../shared/errors';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { fieldErrors } from '../shared/http/validate';
import { diffView } from './joint-sets.views';
import { buyerRequired, revisionNotFound } from './joint-sets.errors';
import {
  commentParams,
  commentSchema,
  deviationParams,
  diffQuerySchema,
  importSchema,
  inviteSchema,
  itemParams,
  itemUpdateSchema,
  jointSetFormSchema,
  jointSetUpdateFormSchema,
  newRevisionSchema,
  participantParams,
  profileFromSetSchema,
  resolutionSchema,
  respondSchema,
  revisionParams,
  sectionParams,
  sectionSchema,
  setParams,
  signoffSchema,
  tenderFromSetSchema,
  transitionSchema,
} from './joint-sets.schemas';
import type { RevisionView } from './joint-sets.service';
import { COMMENT_POSITIONS, COMMENT_RESOLUTIONS } from './joint-sets.table';

type Ctx<P = unknown, Q = unknown, B = unknown> = RouteContext<P, Q, B, 'user'>;
type RevisionParams = { setId: string; number: number };
type Form = Record<string, unknown>;

export type PageDeps = {
  services: Services;
  upload: multer.Multer;
  singleFile: (upload: multer.Multer) => RequestHandler;
  reportDocx: (ctx: Ctx<RevisionParams>) => Promise<void>;
  exportPackage: (ctx: Ctx<RevisionParams>) => Promise<void>;
  uploadedPackage: (ctx: Ctx) => Buffer;
};

const formObject = z.record(z.string(), z.unknown());
const EDIT_ROLES = new Set(['owner', 'editor']);

/** Parameter values from a form: one field per parameter, lists as comma-separated text. */
function formValues(parameters: Parameter[], raw: unknown): Record<string, unknown> {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const split = Object.fromEntries(
    parameters.map((p) => {
      const v = source[p.name];
      return [p.name, p.type === 'choices' && typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v];
    }),
  );
  return coerceFormValues(parameters, split);
}

const listText = (value: unknown) => (Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? '' : String(value));

function problemsOf(error: unknown): { errors: FieldError[]; status: number } | null {
  if (!isAppError(error) || error.status >= 500) return null;
  return { errors: error.errors.length > 0 ? error.errors : [{ path: error.code, message: error.message }], status: error.status };
}

export function jointSetPageRoutes(deps: PageDeps): RouteDefinition[] {
  const { services } = deps;
  const jointSets = services.jointSets;
  const page = (spec: Record<string, unknown>) => defineRoute({ ...spec, surface: 'page', access: 'user' } as never);

  const buyerMemberships = (ctx: Ctx) => ctx.actor.memberships.filter((m) => m.kind === 'buyer' && EDIT_ROLES.has(m.role));

  async function renderSet(ctx: Ctx<{ setId: string }>, extra: Record<string, unknown> = {}, status = 200) {
    const view = await jointSets.view(ctx.actor, ctx.params.setId);
    const buyers = view.access.isCoordinator ? (await services.organisations.list({ ...ctx.actor, isAdmin: true }, { kind: 'buyer' }, { limit: 500, offset: 0 })).rows : [];
    const adopted = view.revisions.find((r) => r.status === 'adopted');
    ctx.render(
      'joint-sets/show',
      {
        title: view.set.title,
        nav: 'joint-sets',
        set: view.set,
        coordinatorName: view.coordinatorName,
        participants: view.participants.map((p) => ({ ...p, isCoordinator: p.organisationId === view.set.coordinatorOrganisationId })),
        revisions: view.revisions,
        access: view.access,
        canStartRevision: view.access.isCoordinator && !view.revisions.some((r) => r.status === 'draft' || r.status === 'consultation'),
        inviteOptions: buyers.filter((o) => !view.participants.some((p) => p.organisationId === o.id && p.status !== 'declined')),
        domains: DOMAINS,
        diffDefaults: { from: view.revisions[1]?.number ?? view.revisions[0]?.number ?? 1, to: view.revisions[0]?.number ?? 1 },
        adopted,
        values: extra.values ?? view.set,
        ...extra,
      },
      status,
    );
  }

  function revisionPageData(ctx: Ctx<RevisionParams>, view: RevisionView) {
    const lang = ctx.locale;
    const comments = view.comments ?? [];
    const deviations = view.deviations ?? [];
    const actingIds = new Set(view.access.actingOrganisations.map((m) => m.organisationId));
    const editable = view.access.isCoordinator && view.revision.status === 'draft';
    return {
      title: `${view.set.title} – ${ctx.t('jointSets.revision.title', { number: view.revision.number })}`,
      nav: 'joint-sets',
      set: view.set,
      coordinatorName: view.coordinatorName,
      revision: view.revision,
      access: view.access,
      editable,
      inConsultation: view.revision.status === 'consultation',
      isAdopted: view.revision.status === 'adopted',
      isPublished: view.revision.status === 'adopted' || view.revision.status === 'superseded',
      canDeviate: view.access.actingOrganisations.length > 0 && (view.revision.status === 'consultation' || view.revision.status === 'adopted'),
      canComment: view.access.actingOrganisations.length > 0 && view.revision.status === 'consultation',
      actingOrganisations: view.access.actingOrganisations,
      buyerOrganisations: buyerMemberships(ctx),
      types: REQUIREMENT_TYPES,
      positions: COMMENT_POSITIONS,
      resolutions: COMMENT_RESOLUTIONS,
      openComments: comments.filter((c) => !c.resolution).length,
      sections: view.sections.map((section, sIndex) => ({
        ...section,
        number: sIndex + 1,
        items: section.items.map((item, iIndex) => ({
          ...item,
          number: `${sIndex + 1}.${iIndex + 1}`,
          title: item.library?.title[lang] ?? item.libraryKey,
          kind: item.library?.kind ?? null,
          parameters: (item.library?.parameters ?? []).map((p) => ({ name: p.name, label: p.label[lang], value: listText(item.parameterValues[p.name] ?? p.default), own: p.name in item.parameterValues })),
          comments: comments.filter((c) => c.itemId === item.id),
          deviations: deviations.filter((d) => d.libraryKey === item.libraryKey).map((d) => ({ ...d, mine: actingIds.has(d.organisationId) })),
        })),
      })),
    };
  }

  async function renderRevision(ctx: Ctx<RevisionParams>, extra: Record<string, unknown> = {}, status = 200) {
    const view = await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number);
    const notice = await jointSets.newerAdopted(ctx.actor, view.revision.id);
    ctx.render('joint-sets/revision', { ...revisionPageData(ctx, view), notice: notice ? diffView(notice.from.number, notice.to.number, notice.diff) : null, ...extra }, status);
  }

  type FormRun = (ctx: Ctx<never, unknown, never>) => Promise<string | { redirect: string; message: string }>;

  /**
   * Forms on a page (`render`, whose home is `home`): bad input or a refusal re-shows the page with
   * the problems (and, with `keepValues`, what was typed); success goes home with a message.
   */
  const formPost =
    <P extends { setId: string }>(render: (ctx: Ctx<P>, extra: Record<string, unknown>, status: number) => Promise<void>, home: (params: P) => string, keepValues: boolean) =>
    (path: string, summary: string, params: z.ZodType, body: z.ZodType | undefined, run: FormRun, anchor = '') =>
      page({
        method: 'post',
        path,
        summary,
        params,
        bodyType: 'form',
        ...(body ? { body } : {}),
        onInvalid: (ctx: Ctx<P, unknown, Form>, errors: FieldError[]) => render(ctx, { formErrors: errors, ...(keepValues ? { values: ctx.body } : {}) }, 400),
        handler: async (ctx: Ctx<P>) => {
          try {
            const result = await run(ctx as never);
            if (typeof result === 'string') ctx.redirect(`${home(ctx.params)}${anchor}`, { kind: 'success', message: result });
            else ctx.redirect(result.redirect, { kind: 'success', message: result.message });
          } catch (error) {
            const problems = problemsOf(error);
            if (!problems) throw error;
            await render(ctx, { formErrors: problems.errors }, problems.status);
          }
        },
      });

  /** A form on the revision page. */
  const revisionPost = formPost<RevisionParams>(renderRevision, (p) => `/joint-sets/${p.setId}/revisions/${p.number}`, false);
  /** A form on the set page; a refused form keeps what was typed. */
  const setPost = formPost<{ setId: string }>(renderSet, (p) => `/joint-sets/${p.setId}`, true);

  const newForm = (ctx: Ctx, values: Form, errors: FieldError[], status: number) =>
    ctx.render('joint-sets/new', { title: ctx.t('jointSets.new.title'), nav: 'joint-sets', values, errors, organisations: buyerMemberships(ctx), domains: DOMAINS }, status);
  const importForm = (ctx: Ctx, errors: FieldError[], status: number) => ctx.render('joint-sets/import', { title: ctx.t('jointSets.import.title'), nav: 'joint-sets', errors, organisations: buyerMemberships(ctx) }, status);

  async function itemOf(ctx: Ctx<RevisionParams & { itemId: string }>) {
    const view = await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number);
    return view.sections.flatMap((s) => s.items).find((i) => i.id === ctx.params.itemId);
  }

  return [
    page({
      method: 'get',
      path: '/joint-sets',
      summary: 'Joint requirement sets',
      handler: async (ctx: Ctx) => {
        const sets = await jointSets.list(ctx.actor);
        ctx.render('joint-sets/list', {
          title: ctx.t('jointSets.title'),
          nav: 'joint-sets',
          sets: sets.map((s) => ({ ...s, newest: s.revisions[0] ?? null, adopted: s.revisions.find((r) => r.status === 'adopted') ?? null })),
          canCreate: buyerMemberships(ctx).length > 0,
        });
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/new',
      summary: 'Form for a new joint requirement set',
      handler: (ctx: Ctx) => {
        if (buyerMemberships(ctx).length === 0) throw buyerRequired();
        newForm(ctx, {}, [], 200);
      },
    }),
    page({
      method: 'post',
      path: '/joint-sets',
      summary: 'Start a joint requirement set',
      bodyType: 'form',
      body: jointSetFormSchema,
      onInvalid: (ctx: Ctx<unknown, unknown, Form>, errors: FieldError[]) => newForm(ctx, ctx.body, errors, 400),
      handler: async (ctx: Ctx<unknown, unknown, z.infer<typeof jointSetFormSchema>>) => {
        try {
          const created = await jointSets.create(ctx.actor, ctx.body, ctx.audit);
          ctx.redirect(`/joint-sets/${created.id}`, { kind: 'success', message: ctx.t('jointSets.created') });
        } catch (error) {
          const problems = problemsOf(error);
          if (!problems) throw error;
          newForm(ctx as never, ctx.body, problems.errors, problems.status);
        }
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/import',
      summary: 'Form for importing a joint-set package',
      handler: (ctx: Ctx) => {
        if (buyerMemberships(ctx).length === 0) throw buyerRequired();
        importForm(ctx, [], 200);
      },
    }),
    page({
      method: 'post',
      path: '/joint-sets/import',
      summary: 'Import a joint-set package from another installation',
      bodyType: 'multipart',
      body: importSchema,
      middleware: [deps.singleFile(deps.upload)],
      onInvalid: (ctx: Ctx, errors: FieldError[]) => importForm(ctx, errors, 400),
      handler: async (ctx: Ctx<unknown, unknown, z.infer<typeof importSchema>>) => {
        try {
          const result = await services.jointSetPackages.importPackage(ctx.actor, deps.uploadedPackage(ctx as never), ctx.body, ctx.audit);
          ctx.redirect(`/joint-sets/${result.setId}/revisions/${result.number}`, { kind: 'success', message: ctx.t('jointSets.import.done', { number: result.number, count: result.libraryVersionsAdded.length }) });
        } catch (error) {
          const problems = problemsOf(error);
          if (!problems) throw error;
          importForm(ctx as never, problems.errors, problems.status);
        }
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId',
      summary: 'A joint set: details, participants, revisions',
      params: setParams,
      handler: (ctx: Ctx<{ setId: string }>) => renderSet(ctx),
    }),
    setPost('/joint-sets/:setId', 'Save the set\'s details', setParams, jointSetUpdateFormSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<{ setId: string }, unknown, z.infer<typeof jointSetUpdateFormSchema>>;
      await jointSets.update(c.actor, c.params.setId, { ...c.body, isPublic: c.body.isPublic ?? false, domain: c.body.domain ?? null, description: c.body.description ?? '' }, c.audit);
      return c.t('jointSets.saved');
    }),
    setPost('/joint-sets/:setId/participants', 'Invite a buyer organisation', setParams, inviteSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<{ setId: string }, unknown, z.infer<typeof inviteSchema>>;
      await jointSets.invite(c.actor, c.params.setId, c.body.organisationId, c.audit);
      return c.t('jointSets.participants.invited');
    }),
    setPost('/joint-sets/:setId/participants/:organisationId/remove', 'Remove a participant', participantParams, undefined, async (ctx) => {
      const c = ctx as unknown as Ctx<{ setId: string; organisationId: string }>;
      await jointSets.removeParticipant(c.actor, c.params.setId, c.params.organisationId, c.audit);
      return c.t('jointSets.participants.removed');
    }),
    setPost('/joint-sets/:setId/invitation', 'Accept or decline the invitation', setParams, respondSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<{ setId: string }, unknown, z.infer<typeof respondSchema>>;
      await jointSets.respond(c.actor, c.params.setId, c.body, c.audit);
      if (c.body.response === 'decline') return { redirect: '/joint-sets', message: c.t('jointSets.participants.declined') };
      return c.t('jointSets.participants.accepted');
    }),
    setPost('/joint-sets/:setId/revisions', 'Start a new revision', setParams, newRevisionSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<{ setId: string }, unknown, z.infer<typeof newRevisionSchema>>;
      const revision = await jointSets.newRevision(c.actor, c.params.setId, c.body, c.audit);
      return { redirect: `/joint-sets/${c.params.setId}/revisions/${revision.number}`, message: c.t('jointSets.revision.created', { number: revision.number }) };
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/diff',
      summary: 'What changed between two revisions',
      params: setParams,
      query: diffQuerySchema,
      handler: async (ctx: Ctx<{ setId: string }, z.infer<typeof diffQuerySchema>>) => {
        const { from, to, diff } = await jointSets.diff(ctx.actor, ctx.params.setId, ctx.query.from, ctx.query.to);
        const view = await jointSets.view(ctx.actor, ctx.params.setId);
        ctx.render('joint-sets/diff', { title: ctx.t('jointSets.diff.title', { from: from.number, to: to.number }), nav: 'joint-sets', set: view.set, revisions: view.revisions, diff: diffView(from.number, to.number, diff) });
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number',
      summary: 'A revision: items, consultation comments, deviations, and what one can do with it',
      params: revisionParams,
      handler: (ctx: Ctx<RevisionParams>) => renderRevision(ctx),
    }),
    revisionPost(
      '/joint-sets/:setId/revisions/:number/items',
      'Add library items to the draft',
      revisionParams,
      z.strictObject({ keys: z.string().trim().min(1, 'name at least one library key').max(5000) }),
      async (ctx) => {
        const c = ctx as unknown as Ctx<RevisionParams, unknown, { keys: string }>;
        const keys = z.array(itemKeySchema).min(1).max(500).safeParse(c.body.keys.split(/[\s,]+/).filter(Boolean));
        if (!keys.success) throw badRequest('validation.failed', c.t('jointSets.items.badKeys'), [{ path: 'keys', message: c.t('jointSets.items.badKeys') }]);
        const result = await jointSets.addItems(c.actor, c.params.setId, c.params.number, keys.data, c.audit);
        return c.t('jointSets.items.added', { added: result.added.length, skipped: result.skipped.length });
      },
      '#items',
    ),
    revisionPost('/joint-sets/:setId/revisions/:number/sections', 'Add a section to the draft', revisionParams, sectionSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams, unknown, z.infer<typeof sectionSchema>>;
      await jointSets.addSection(c.actor, c.params.setId, c.params.number, c.body.title, c.audit);
      return c.t('jointSets.items.sectionAdded');
    }, '#items'),
    revisionPost('/joint-sets/:setId/revisions/:number/sections/:sectionId', 'Rename a section of the draft', sectionParams, sectionSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams & { sectionId: string }, unknown, z.infer<typeof sectionSchema>>;
      await jointSets.renameSection(c.actor, c.params.setId, c.params.number, c.params.sectionId, c.body.title, c.audit);
      return c.t('jointSets.items.sectionRenamed');
    }, '#items'),
    revisionPost('/joint-sets/:setId/revisions/:number/sections/:sectionId/remove', 'Remove an empty section of the draft', sectionParams, undefined, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams & { sectionId: string }>;
      await jointSets.removeSection(c.actor, c.params.setId, c.params.number, c.params.sectionId, c.audit);
      return c.t('jointSets.items.sectionRemoved');
    }, '#items'),
    revisionPost(
      '/joint-sets/:setId/revisions/:number/items/:itemId',
      'Save an item of the draft',
      itemParams,
      z.strictObject({ type: z.enum(REQUIREMENT_TYPES), weight: z.coerce.number().int().min(0).max(100), sectionId: z.uuid().optional(), values: formObject.optional() }),
      async (ctx) => {
        const c = ctx as unknown as Ctx<RevisionParams & { itemId: string }, unknown, { type: 'A' | 'V' | 'AV'; weight: number; sectionId?: string; values?: Form }>;
        const item = await itemOf(c);
        const parsed = itemUpdateSchema.safeParse({ type: c.body.type, weight: c.body.weight, sectionId: c.body.sectionId, parameterValues: item?.library ? formValues(item.library.parameters, c.body.values) : undefined });
        if (!parsed.success) throw badRequest('validation.failed', 'The item form has invalid values.', fieldErrors(parsed.error));
        await jointSets.updateItem(c.actor, c.params.setId, c.params.number, c.params.itemId, parsed.data, c.audit);
        return c.t('jointSets.items.saved');
      },
      '#items',
    ),
    revisionPost('/joint-sets/:setId/revisions/:number/items/:itemId/remove', 'Remove an item from the draft', itemParams, undefined, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams & { itemId: string }>;
      await jointSets.removeItem(c.actor, c.params.setId, c.params.number, c.params.itemId, c.audit);
      return c.t('jointSets.items.removed');
    }, '#items'),
    revisionPost('/joint-sets/:setId/revisions/:number/transition', 'Send to consultation, reopen or adopt the revision', revisionParams, transitionSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams, unknown, z.infer<typeof transitionSchema>>;
      await jointSets.transition(c.actor, c.params.setId, c.params.number, c.body.to, c.audit);
      return c.t(`jointSets.transitions.done.${c.body.to}`);
    }),
    revisionPost('/joint-sets/:setId/revisions/:number/comments', 'Comment on an item during consultation', revisionParams, commentSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams, unknown, z.infer<typeof commentSchema>>;
      await jointSets.comment(c.actor, c.params.setId, c.params.number, c.body, c.audit);
      return c.t('jointSets.comments.posted');
    }, '#items'),
    revisionPost('/joint-sets/:setId/revisions/:number/comments/:commentId/resolution', 'Answer and resolve a comment', commentParams, resolutionSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams & { commentId: string }, unknown, z.infer<typeof resolutionSchema>>;
      await jointSets.resolveComment(c.actor, c.params.setId, c.params.number, c.params.commentId, c.body, c.audit);
      return c.t('jointSets.comments.resolved');
    }, '#items'),
    revisionPost(
      '/joint-sets/:setId/revisions/:number/deviations/:key',
      'Declare your organisation\'s deviation from an item',
      deviationParams,
      z.strictObject({ kind: z.enum(['exclude', 'change']), type: z.preprocess((v) => (v === '' ? undefined : v), z.enum(REQUIREMENT_TYPES).optional()), weight: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(100).optional()), values: formObject.optional(), justification: z.string().trim().min(10, 'must be at least 10 characters: say why').max(5000), organisationId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()) }),
      async (ctx) => {
        const c = ctx as unknown as Ctx<RevisionParams & { key: string }, unknown, { kind: 'exclude' | 'change'; type?: 'A' | 'V' | 'AV'; weight?: number; values?: Form; justification: string; organisationId?: string }>;
        const view = await jointSets.revision(c.actor, c.params.setId, c.params.number);
        const item = view.sections.flatMap((s) => s.items).find((i) => i.libraryKey === c.params.key);
        const values = item?.library ? formValues(item.library.parameters, c.body.values) : {};
        const changed = Object.fromEntries(Object.entries(values).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(item?.parameterValues[name] ?? item?.library?.parameters.find((p) => p.name === name)?.default)));
        const input =
          c.body.kind === 'exclude'
            ? { kind: 'exclude' as const, justification: c.body.justification, organisationId: c.body.organisationId }
            : { kind: 'change' as const, type: c.body.type !== item?.type ? c.body.type : undefined, weight: c.body.weight !== item?.weight ? c.body.weight : undefined, parameterValues: Object.keys(changed).length > 0 ? changed : undefined, justification: c.body.justification, organisationId: c.body.organisationId };
        await jointSets.declareDeviation(c.actor, c.params.setId, c.params.number, c.params.key, input, c.audit);
        return c.t('jointSets.deviations.saved', { key: c.params.key });
      },
      '#items',
    ),
    revisionPost('/joint-sets/:setId/revisions/:number/deviations/:key/withdraw', 'Withdraw your organisation\'s deviation', deviationParams, z.strictObject({ organisationId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()) }), async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams & { key: string }, unknown, { organisationId?: string }>;
      await jointSets.withdrawDeviation(c.actor, c.params.setId, c.params.number, c.params.key, c.body.organisationId, c.audit);
      return c.t('jointSets.deviations.withdrawn', { key: c.params.key });
    }, '#items'),
    revisionPost('/joint-sets/:setId/revisions/:number/signoffs', 'Sign off or decline the adopted revision', revisionParams, signoffSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams, unknown, z.infer<typeof signoffSchema>>;
      await jointSets.signoff(c.actor, c.params.setId, c.params.number, c.body, c.audit);
      return { redirect: `/joint-sets/${c.params.setId}/revisions/${c.params.number}/coordination`, message: c.t(`jointSets.signoff.done.${c.body.decision}`) };
    }),
    revisionPost('/joint-sets/:setId/revisions/:number/tenders', 'Start a tender from the adopted revision', revisionParams, tenderFromSetSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams, unknown, z.infer<typeof tenderFromSetSchema>>;
      const tender = await jointSets.createTender(c.actor, c.params.setId, c.params.number, c.body, c.audit);
      return { redirect: `/tenders/${tender.id}`, message: c.t('jointSets.tender.created') };
    }),
    revisionPost('/joint-sets/:setId/revisions/:number/profiles', 'Make an assessment profile from the revision', revisionParams, profileFromSetSchema, async (ctx) => {
      const c = ctx as unknown as Ctx<RevisionParams, unknown, z.infer<typeof profileFromSetSchema>>;
      const profile = await jointSets.createProfile(c.actor, c.params.setId, c.params.number, c.body, c.audit);
      return { redirect: `/assessments/profiles/${profile.id}`, message: c.t('jointSets.profile.created') };
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/consultation',
      summary: 'Consultation report: items, comments and resolutions',
      params: revisionParams,
      handler: async (ctx: Ctx<RevisionParams>) => {
        const view = await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number);
        if (!view.access.isParticipant) throw revisionNotFound();
        const data = revisionPageData(ctx, view);
        ctx.render('joint-sets/consultation', { ...data, title: `${ctx.t('jointSets.consultation.title')} – ${view.set.title}`, participants: view.participants.filter((p) => p.status === 'accepted'), commentCount: (view.comments ?? []).length });
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/consultation.docx',
      summary: 'Download the consultation report as DOCX',
      params: revisionParams,
      handler: deps.reportDocx,
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/coordination',
      summary: 'Sign-off: who signed, who declined, who is pending',
      params: revisionParams,
      handler: async (ctx: Ctx<RevisionParams>) => {
        const view = await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number);
        ctx.render('joint-sets/coordination', {
          title: `${ctx.t('jointSets.coordination.title')} – ${view.set.title}`,
          nav: 'joint-sets',
          set: view.set,
          revision: view.revision,
          coordination: view.coordination,
          signingOrganisations: view.revision.status === 'adopted' ? view.access.signingOrganisations.filter((m) => !view.coordination.signed.some((s) => s.organisationId === m.organisationId)) : [],
        });
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/deviations',
      summary: 'Every participant\'s local deviations from the revision',
      params: revisionParams,
      handler: async (ctx: Ctx<RevisionParams>) => {
        const view = await jointSets.deviations(ctx.actor, ctx.params.setId, ctx.params.number);
        const items = new Map(view.sections.flatMap((s) => s.items).map((i) => [i.libraryKey, i]));
        const byOrganisation = new Map<string, { name: string; deviations: unknown[] }>();
        for (const d of view.deviations) {
          const entry = byOrganisation.get(d.organisationId) ?? { name: d.organisationName, deviations: [] };
          const item = items.get(d.libraryKey);
          entry.deviations.push({ ...d, title: item?.library?.title[ctx.locale] ?? d.libraryKey, setType: item?.type, setWeight: item?.weight, setValues: item?.parameterValues, values: d.parameterValues ? Object.entries(d.parameterValues).map(([name, value]) => ({ name, value: listText(value), setValue: listText(item?.parameterValues[name]) || '–' })) : [] });
          byOrganisation.set(d.organisationId, entry);
        }
        ctx.render('joint-sets/deviations', { title: `${ctx.t('jointSets.deviations.title')} – ${view.set.title}`, nav: 'joint-sets', set: view.set, revision: view.revision, organisations: [...byOrganisation.values()] });
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/package',
      summary: 'Download the revision as a package for another installation',
      params: revisionParams,
      handler: deps.exportPackage,
    }),
  ];
}
