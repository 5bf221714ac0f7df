import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { FieldError } from '../shared/errors';
import { sendDownload } from '../shared/http/download';
import { conflictFields, formRoute, type ConflictField, type FormConflict, type FormOutcome, type FormRouteSpec } from '../shared/http/forms';
import { routeFamily, type BaseContext, type InputSchema, type NoBody, type RouteDefinition } from '../shared/http/route';
import { singleFileUpload, uploadedFile } from '../shared/http/upload';
import { buyerEditorships } from './joint-sets.access';
import { packageMissing } from './joint-sets.errors';
import { PACKAGE_UPLOAD_FIELDS, type JointSetPackages } from './joint-sets.package';
import { addItemsFormSchema, deviationFormSchema, deviationFromForm, itemFormSchema, itemUpdateFromForm, keysFromForm, withdrawFormSchema } from './joint-sets.forms';
import {
  commentParams,
  commentSchema,
  deviationParams,
  diffQuerySchema,
  importSchema,
  inviteSchema,
  itemParams,
  jointSetFormSchema,
  jointSetUpdateFormSchema,
  newRevisionSchema,
  participantParams,
  profileFromSetSchema,
  resolutionSchema,
  respondSchema,
  revisionParams,
  sectionParams,
  sectionRenameSchema,
  sectionSchema,
  setParams,
  signoffSchema,
  tenderFromSetSchema,
  transitionSchema,
} from './joint-sets.schemas';
import type { JointSetsService } from './joint-sets.service';
import { consultationPage, coordinationPage, deviationsPage, diffPage, diffView, importPage, newSetPage, revisionPage, setListPage, setPage } from './joint-sets.views';

/** What a page handler needs to show a page again: who asks, in which language, for which set or revision. */
type PageContext<P> = Pick<BaseContext, 'render' | 't' | 'locale'> & { actor: Actor; params: P };
type SetKey = { setId: string };
type RevisionKey = { setId: string; number: number };

const page = routeFamily({ surface: 'page', access: 'user' });
const done = (to: string, message: string): FormOutcome => ({ to, flash: { kind: 'success', message } });
const setHome = (p: SetKey) => `/joint-sets/${p.setId}`;
const revisionHome = (p: RevisionKey) => `/joint-sets/${p.setId}/revisions/${p.number}`;

export function jointSetPages(deps: { jointSets: JointSetsService; jointSetPackages: JointSetPackages }, uploadLimitBytes: number): RouteDefinition[] {
  const { jointSets, jointSetPackages: packages } = deps;

  async function renderSet(ctx: PageContext<SetKey>, extra: { formErrors?: FieldError[]; values?: Record<string, unknown>; conflict?: FormConflict & { fields?: ConflictField[] } } = {}, status = 200) {
    const view = await jointSets.view(ctx.actor, ctx.params.setId);
    ctx.render('joint-sets/show', { ...setPage(view, await jointSets.inviteOptions(view)), ...extra }, status);
  }

  async function renderRevision(ctx: PageContext<RevisionKey>, extra: { formErrors?: FieldError[]; conflict?: FormConflict } = {}, status = 200) {
    const view = await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number);
    const notice = await jointSets.newerAdopted(ctx.actor, view.revision.id);
    ctx.render('joint-sets/revision', { ...revisionPage(view, ctx.actor, ctx.locale, ctx.t), notice: notice ? diffView(notice.from.number, notice.to.number, notice.diff) : null, ...extra }, status);
  }

  /** A form on the set page: invalid input or a refusal shows the set page again with the problems (the details form also with what was typed). */
  const setForm = <P extends InputSchema & z.ZodType<SetKey>, B extends z.ZodType = NoBody>(spec: Omit<FormRouteSpec<P, B, 'user'>, 'access' | 'rerender'>, keepValues = false) =>
    formRoute<P, B, 'user'>({
      ...spec,
      access: 'user',
      rerender: async (ctx, { formErrors, values, conflict }, status) => {
        if (!conflict) return renderSet(ctx, keepValues ? { formErrors, values } : { formErrors }, status);
        if (!keepValues) return renderSet(ctx, { conflict }, status);
        const { set } = await jointSets.view(ctx.actor, ctx.params.setId);
        const labels = { title: ctx.t('jointSets.fields.title'), description: ctx.t('jointSets.fields.description'), domain: ctx.t('jointSets.fields.domain') };
        return renderSet(ctx, { conflict: { ...conflict, fields: conflictFields(set, values, labels) }, values }, status);
      },
    });

  /** A form on the revision page: invalid input or a refusal shows the revision page again with the problems. */
  const revisionForm = <P extends InputSchema & z.ZodType<RevisionKey>, B extends z.ZodType = NoBody>(spec: Omit<FormRouteSpec<P, B, 'user'>, 'access' | 'rerender'>) =>
    formRoute<P, B, 'user'>({ ...spec, access: 'user', rerender: (ctx, { formErrors, conflict }, status) => renderRevision(ctx, conflict ? { conflict } : { formErrors }, status) });

  const packageUpload = singleFileUpload(uploadLimitBytes, PACKAGE_UPLOAD_FIELDS);

  return [
    page({
      method: 'get',
      path: '/joint-sets',
      summary: 'Joint requirement sets',
      handler: async (ctx) => ctx.render('joint-sets/list', { title: ctx.t('jointSets.title'), nav: 'joint-sets', ...setListPage(await jointSets.list(ctx.actor), ctx.actor) }),
    }),
    page({
      method: 'get',
      path: '/joint-sets/new',
      summary: 'Form for a new joint requirement set',
      handler: (ctx) => ctx.render('joint-sets/new', newSetPage(jointSets.startingOrganisations(ctx.actor), {}, [], ctx.t)),
    }),
    formRoute({
      path: '/joint-sets',
      summary: 'Start a joint requirement set',
      access: 'user',
      body: jointSetFormSchema,
      rerender: (ctx, { formErrors, values }, status) => ctx.render('joint-sets/new', newSetPage(buyerEditorships(ctx.actor), values, formErrors, ctx.t), status),
      run: async ({ actor, body, audit, t }) => done(`/joint-sets/${(await jointSets.create(actor, body, audit)).id}`, t('jointSets.created')),
    }),
    page({
      method: 'get',
      path: '/joint-sets/import',
      summary: 'Form for importing a joint-set package',
      handler: (ctx) => ctx.render('joint-sets/import', importPage(jointSets.startingOrganisations(ctx.actor), [], ctx.t)),
    }),
    formRoute({
      path: '/joint-sets/import',
      summary: 'Import a joint-set package from another installation',
      access: 'user',
      bodyType: 'multipart',
      body: importSchema,
      middleware: [packageUpload],
      rerender: (ctx, { formErrors }, status) => ctx.render('joint-sets/import', importPage(buyerEditorships(ctx.actor), formErrors, ctx.t), status),
      run: async ({ actor, req, body, audit, t }) => {
        const result = await packages.importPackage(actor, uploadedFile(req, packageMissing).buffer, body, audit);
        return done(`/joint-sets/${result.setId}/revisions/${result.number}`, t('jointSets.import.done', { number: result.number, count: result.libraryVersionsAdded.length }));
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId',
      summary: 'A joint set: details, participants, revisions',
      params: setParams,
      handler: (ctx) => renderSet(ctx),
    }),
    setForm(
      {
        path: '/joint-sets/:setId',
        summary: 'Save the set\'s details',
        params: setParams,
        body: jointSetUpdateFormSchema,
        run: async ({ actor, params, body, audit, t }) => {
          await jointSets.update(actor, params.setId, { ...body, isPublic: body.isPublic ?? false, domain: body.domain ?? null, description: body.description ?? '' }, audit);
          return done(setHome(params), t('jointSets.saved'));
        },
      },
      true,
    ),
    setForm({
      path: '/joint-sets/:setId/participants',
      summary: 'Invite a buyer organisation',
      params: setParams,
      body: inviteSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.invite(actor, params.setId, body.organisationId, body.version, audit);
        return done(setHome(params), t('jointSets.participants.invited'));
      },
    }),
    setForm({
      path: '/joint-sets/:setId/participants/:organisationId/remove',
      summary: 'Remove a participant',
      params: participantParams,
      run: async ({ actor, params, audit, t }) => {
        await jointSets.removeParticipant(actor, params.setId, params.organisationId, audit);
        return done(setHome(params), t('jointSets.participants.removed'));
      },
    }),
    setForm({
      path: '/joint-sets/:setId/invitation',
      summary: 'Accept or decline the invitation',
      params: setParams,
      body: respondSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.respond(actor, params.setId, body, audit);
        return body.response === 'decline' ? done('/joint-sets', t('jointSets.participants.declined')) : done(setHome(params), t('jointSets.participants.accepted'));
      },
    }),
    setForm({
      path: '/joint-sets/:setId/revisions',
      summary: 'Start a new revision',
      params: setParams,
      body: newRevisionSchema,
      run: async ({ actor, params, body, audit, t }) => {
        const revision = await jointSets.newRevision(actor, params.setId, body, audit);
        return done(revisionHome({ setId: params.setId, number: revision.number }), t('jointSets.revision.created', { number: revision.number }));
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/diff',
      summary: 'What changed between two revisions',
      params: setParams,
      query: diffQuerySchema,
      handler: async (ctx) => {
        const { from, to, diff } = await jointSets.diff(ctx.actor, ctx.params.setId, ctx.query.from, ctx.query.to);
        ctx.render('joint-sets/diff', diffPage(await jointSets.view(ctx.actor, ctx.params.setId), from, to, diff, ctx.t));
      },
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number',
      summary: 'A revision: items, consultation comments, deviations, and what one can do with it',
      params: revisionParams,
      handler: (ctx) => renderRevision(ctx),
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/items',
      summary: 'Add library items to the draft',
      params: revisionParams,
      body: addItemsFormSchema,
      run: async ({ actor, params, body, audit, t }) => {
        const result = await jointSets.addItems(actor, params.setId, params.number, keysFromForm(body.keys, t('jointSets.items.badKeys')), audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.items.added', { added: result.added.length, skipped: result.skipped.length }));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/sections',
      summary: 'Add a section to the draft',
      params: revisionParams,
      body: sectionSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.addSection(actor, params.setId, params.number, body.title, audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.items.sectionAdded'));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/sections/:sectionId',
      summary: 'Rename a section of the draft',
      params: sectionParams,
      body: sectionRenameSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.renameSection(actor, params.setId, params.number, params.sectionId, body.title, body.version, audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.items.sectionRenamed'));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/sections/:sectionId/remove',
      summary: 'Remove an empty section of the draft',
      params: sectionParams,
      run: async ({ actor, params, audit, t }) => {
        await jointSets.removeSection(actor, params.setId, params.number, params.sectionId, audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.items.sectionRemoved'));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/items/:itemId',
      summary: 'Save an item of the draft',
      params: itemParams,
      body: itemFormSchema,
      run: async ({ actor, params, body, audit, t }) => {
        const view = await jointSets.revision(actor, params.setId, params.number);
        const item = view.sections.flatMap((s) => s.items).find((i) => i.id === params.itemId);
        await jointSets.updateItem(actor, params.setId, params.number, params.itemId, itemUpdateFromForm(body, item), audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.items.saved'));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/items/:itemId/remove',
      summary: 'Remove an item from the draft',
      params: itemParams,
      run: async ({ actor, params, audit, t }) => {
        await jointSets.removeItem(actor, params.setId, params.number, params.itemId, audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.items.removed'));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/transition',
      summary: 'Send to consultation, reopen or adopt the revision',
      params: revisionParams,
      body: transitionSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.transition(actor, params.setId, params.number, body.to, body.version, audit);
        return done(revisionHome(params), t(`jointSets.transitions.done.${body.to}`));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/comments',
      summary: 'Comment on an item during consultation',
      params: revisionParams,
      body: commentSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.comment(actor, params.setId, params.number, body, audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.comments.posted'));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/comments/:commentId/resolution',
      summary: 'Answer and resolve a comment',
      params: commentParams,
      body: resolutionSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.resolveComment(actor, params.setId, params.number, params.commentId, body, audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.comments.resolved'));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/deviations/:key',
      summary: 'Declare your organisation\'s deviation from an item',
      params: deviationParams,
      body: deviationFormSchema,
      run: async ({ actor, params, body, audit, t }) => {
        const view = await jointSets.revision(actor, params.setId, params.number);
        const item = view.sections.flatMap((s) => s.items).find((i) => i.libraryKey === params.key);
        await jointSets.declareDeviation(actor, params.setId, params.number, params.key, deviationFromForm(body, item), audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.deviations.saved', { key: params.key }));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/deviations/:key/withdraw',
      summary: 'Withdraw your organisation\'s deviation',
      params: deviationParams,
      body: withdrawFormSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.withdrawDeviation(actor, params.setId, params.number, params.key, body.organisationId, audit);
        return done(`${revisionHome(params)}#items`, t('jointSets.deviations.withdrawn', { key: params.key }));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/signoffs',
      summary: 'Sign off or decline the adopted revision',
      params: revisionParams,
      body: signoffSchema,
      run: async ({ actor, params, body, audit, t }) => {
        await jointSets.signoff(actor, params.setId, params.number, body, audit);
        return done(`${revisionHome(params)}/coordination`, t(`jointSets.coordination.done.${body.decision}`));
      },
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/tenders',
      summary: 'Start a tender from the adopted revision',
      params: revisionParams,
      body: tenderFromSetSchema,
      run: async ({ actor, params, body, audit, t }) => done(`/tenders/${(await jointSets.createTender(actor, params.setId, params.number, body, audit)).id}`, t('jointSets.tender.created')),
    }),
    revisionForm({
      path: '/joint-sets/:setId/revisions/:number/profiles',
      summary: 'Make an assessment profile from the revision',
      params: revisionParams,
      body: profileFromSetSchema,
      run: async ({ actor, params, body, audit, t }) => done(`/assessments/profiles/${(await jointSets.createProfile(actor, params.setId, params.number, body, audit)).id}`, t('jointSets.profile.created')),
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/consultation',
      summary: 'Consultation report: items, comments and resolutions',
      params: revisionParams,
      handler: async (ctx) => ctx.render('joint-sets/consultation', consultationPage(await jointSets.consultation(ctx.actor, ctx.params.setId, ctx.params.number), ctx.actor, ctx.locale, ctx.t)),
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/consultation.docx',
      summary: 'Download the consultation report as DOCX',
      params: revisionParams,
      handler: async ({ actor, params, locale, audit, res }) => sendDownload(res, await jointSets.consultationReport(actor, params.setId, params.number, locale, audit)),
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/coordination',
      summary: 'Sign-off: who signed, who declined, who is pending',
      params: revisionParams,
      handler: async (ctx) => ctx.render('joint-sets/coordination', coordinationPage(await jointSets.revision(ctx.actor, ctx.params.setId, ctx.params.number), ctx.t)),
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/deviations',
      summary: 'Every participant\'s local deviations from the revision',
      params: revisionParams,
      handler: async (ctx) => ctx.render('joint-sets/deviations', deviationsPage(await jointSets.deviations(ctx.actor, ctx.params.setId, ctx.params.number), ctx.locale, ctx.t)),
    }),
    page({
      method: 'get',
      path: '/joint-sets/:setId/revisions/:number/package',
      summary: 'Download the revision as a package for another installation',
      params: revisionParams,
      handler: async ({ actor, params, audit, res }) => sendDownload(res, await packages.exportRevision(actor, params.setId, params.number, audit)),
    }),
  ];
}
