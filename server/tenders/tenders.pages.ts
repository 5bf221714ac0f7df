import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { JointSetsService } from '../joint-sets/joint-sets.service';
import { CATEGORIES, DOMAINS, ITEM_KINDS, REQUIREMENT_TYPES } from '../library/library.codes';
import { librarySearchQuerySchema } from '../library/library.schemas';
import type { LibraryService } from '../library/library.service';
import { badRequest, isAppError, type FieldError } from '../shared/errors';
import { anyForm, conflictFields, formRoute, type FormConflict, type FormValues } from '../shared/http/forms';
import { validationError } from '../shared/http/validate';
import { routeFamily, type BaseContext, type InputSchema, type NoBody, type NoInput, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { singleFileUpload, uploadedFile } from '../shared/http/upload';
import { pagination } from '../shared/pagination';
import { responseFileMissing, sectionNotFound, tenderClosed, tenderEditorRequired } from './tenders.errors';
import { coBuyerForm, itemChange, itemsToAdd, parameterDefaults, parameterFieldErrors, pickerSearch, returnTo, selectionForm, tenderDetailsForm, typedItemValues } from './tenders.forms';
import { customItemSchema, documentParams, moveSchema, responseUploadSchema, revisionQuerySchema, sectionRemoveSchema, sectionRenameSchema, sectionSchema, tenderCoBuyerParams, tenderCreateSchema, tenderItemParams, tenderListQuerySchema, tenderParams, tenderSectionParams, versionOnlySchema } from './tenders.schemas';
import type { TendersService } from './tenders.service';
import { itemPage, newTenderForm, pickerItems, removeItemPage, removeSectionPage, tenderBody, tenderList, tenderPage } from './tenders.views';

const page = routeFamily({ surface: 'page', access: 'user' });

export type TendersPagesDeps = { tenders: TendersService; library: LibraryService; jointSets: JointSetsService; uploadLimitBytes: number };

/** What showing a tender's pages needs of a request: who asks, for which tender, and how to answer. */
type PageContext<P> = Pick<BaseContext, 'render' | 't'> & { actor: Actor; params: P };
type TenderId = { tenderId: string };
/** What a confirmation page shows again when its form is refused: the problems, or who changed the part first. */
type Refused = { formErrors?: FieldError[]; conflict?: FormConflict | undefined };
type PageExtra = Record<string, unknown>;

export function tendersPages(deps: TendersPagesDeps): RouteDefinition[] {
  const { tenders } = deps;

  async function renderTender(ctx: PageContext<TenderId>, extra: PageExtra = {}, status = 200) {
    const view = await tenders.summaryView(ctx.actor, ctx.params.tenderId);
    const [checks, { revisions, responses, selections, coBuyerOptions }, origin, packs] = await Promise.all([
      tenders.checks(view),
      tenders.pageSources(ctx.actor, view),
      deps.jointSets.origin(ctx.actor, view.tender.jointSetRevisionId),
      tenders.packs(),
    ]);
    const packChoices = packs.map((p) => ({ key: p.key, title: p.title[view.tender.language], count: p.items.length }));
    const shown = tenderPage({ view, checks, revisions, responses, selections, coBuyerOptions, origin });
    ctx.render('tenders/show', { nav: 'tenders', ...shown, detailsValues: shown.tender, packs: packChoices, ...extra }, status);
  }

  /** The tender page after a form based on an old version: who changed it, the details as saved beside what was typed, which the form keeps. */
  async function renderTenderConflict(ctx: PageContext<TenderId>, conflict: FormConflict, typed: FormValues | null, status: number) {
    if (!typed) return renderTender(ctx, { conflict }, status);
    const { tender } = await tenders.view(ctx.actor, ctx.params.tenderId);
    const labels = Object.fromEntries(['title', 'reference', 'domain', 'language', 'deadline', 'description', 'contactName', 'contactEmail'].map((f) => [f, ctx.t(`tenders.fields.${f}`)]));
    return renderTender(ctx, { conflict: { ...conflict, fields: conflictFields(tender, typed, labels) }, detailsValues: { ...typed, version: conflict.currentVersion }, detailsOpen: true }, status);
  }

  async function renderItem(ctx: PageContext<TenderId & { itemId: string }>, typed?: { form: FormValues; errors: FieldError[]; conflict?: FormConflict | undefined }, status = 200) {
    const { view, item } = await tenders.item(ctx.actor, ctx.params.tenderId, ctx.params.itemId);
    const values = typed ? typedItemValues(item, typed.form) : undefined;
    const shown = itemPage(view, item, values, typed?.form);
    const conflict = typed?.conflict
      ? { ...typed.conflict, fields: conflictFields({ ...item, title: item.customTitle, text: item.customText, responseGuidance: item.customGuidance }, typed.form, { type: ctx.t('library.filters.type'), weight: ctx.t('library.item.weight'), title: ctx.t('library.columns.title'), text: ctx.t('library.item.text'), responseGuidance: ctx.t('library.item.responseGuidance') }) }
      : undefined;
    ctx.render('tenders/item', { nav: 'tenders', ...shown, ...(typed ? { errors: conflict ? [] : typed.errors, values, conflict } : {}) }, status);
  }

  /** Only those who may change the tender are asked to confirm a removal: 409 when it is closed, 403 for readers. */
  function ensureEditable(view: Awaited<ReturnType<TendersService['view']>>) {
    if (view.tender.status === 'closed') throw tenderClosed();
    if (!view.access.canEdit) throw tenderEditorRequired();
  }

  async function renderRemoveItem(ctx: PageContext<TenderId & { itemId: string }>, refused: Refused = {}, status = 200) {
    const { view, item } = await tenders.item(ctx.actor, ctx.params.tenderId, ctx.params.itemId);
    ensureEditable(view);
    ctx.render('tenders/remove-item', { nav: 'tenders', ...removeItemPage(view, item), errors: refused.formErrors ?? [], conflict: refused.conflict }, status);
  }

  async function renderRemoveSection(ctx: PageContext<TenderId & { sectionId: string }>, refused: Refused = {}, status = 200) {
    const view = await tenders.view(ctx.actor, ctx.params.tenderId);
    ensureEditable(view);
    const shown = removeSectionPage(view, ctx.params.sectionId);
    if (!shown) throw sectionNotFound();
    ctx.render('tenders/remove-section', { nav: 'tenders', ...shown, errors: refused.formErrors ?? [], conflict: refused.conflict }, status);
  }

  const renderNewForm = (ctx: PageContext<unknown>, values: FormValues, errors: FieldError[], status: number) =>
    ctx.render('tenders/new', { title: ctx.t('tenders.new.title'), nav: 'tenders', ...newTenderForm(ctx.actor, values, errors) }, status);

  /**
   * A form on the tender page: `run` calls the service; on success back to the tender (at
   * `anchor`) with the message `done` (filled with `values` of the result); bad input or a refusal
   * shows the tender page again with the problems.
   */
  const tenderForm = <P extends InputSchema & z.ZodType<TenderId>, B extends z.ZodType = NoBody, R = unknown>(spec: {
    path: string;
    summary: string;
    params: P;
    body?: B;
    /** Where on the tender page to land: a fixed anchor, or one made from the route's params. */
    anchor?: string | ((params: z.output<P>) => string);
    done: string;
    run: (ctx: RouteContext<z.output<P>, z.output<NoInput>, z.output<B>, 'user'>) => Promise<R>;
    values?: (result: R) => Record<string, unknown>;
    /** The details form: after a conflict, keep what was typed in it and show it beside what is saved. */
    keepsDetails?: boolean;
    /** The tender-wide parameter form: shown again open, so the error summary's links reach its fields. */
    opensParameters?: boolean;
  }) =>
    formRoute<P, B, 'user'>({
      path: spec.path,
      summary: spec.summary,
      access: 'user',
      params: spec.params,
      ...(spec.body ? { body: spec.body } : {}),
      rerender: (ctx, { formErrors, values, conflict }, status) => (conflict ? renderTenderConflict(ctx, conflict, spec.keepsDetails ? values : null, status) : renderTender(ctx, { formErrors, ...(spec.keepsDetails ? { detailsValues: values, detailsOpen: true } : {}), ...(spec.opensParameters ? { parametersOpen: true } : {}) }, status)),
      run: async (ctx) => {
        const result = await spec.run(ctx);
        const anchor = typeof spec.anchor === 'function' ? spec.anchor(ctx.params) : (spec.anchor ?? '');
        return { to: `/tenders/${ctx.params.tenderId}${anchor}`, flash: { kind: 'success', message: ctx.t(spec.done, spec.values?.(result)) } };
      },
    });

  return [
    page({
      method: 'get',
      path: '/tenders',
      summary: 'Tender list',
      query: tenderListQuerySchema,
      handler: async (ctx) => {
        const { query } = ctx;
        const { rows, total } = await tenders.list(ctx.actor, query, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        ctx.render('tenders/list', {
          title: ctx.t('tenders.title'),
          nav: 'tenders',
          ...tenderList(ctx.actor, rows),
          filter: query,
          pager: pagination({ page: query.page, pageSize: query.pageSize, total, basePath: '/tenders', query }),
        });
      },
    }),
    page({
      method: 'get',
      path: '/tenders/new',
      summary: 'Form for a new tender',
      handler: (ctx) => {
        tenders.ensureMayCreate(ctx.actor);
        renderNewForm(ctx, { language: ctx.locale, contactName: ctx.actor.name, contactEmail: ctx.actor.email }, [], 200);
      },
    }),
    formRoute({
      path: '/tenders',
      summary: 'Create a tender',
      access: 'user',
      body: tenderCreateSchema,
      problemPath: 'organisationId',
      rerender: (ctx, { formErrors, values }, status) => renderNewForm(ctx, values, formErrors, status),
      run: async (ctx) => {
        const created = await tenders.create(ctx.actor, ctx.body, ctx.audit);
        return { to: `/tenders/${created.id}`, flash: { kind: 'success', message: ctx.t('tenders.created') } };
      },
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId',
      summary: 'Tender page: details, items, checks, documents, revisions, responses',
      params: tenderParams,
      handler: (ctx) => renderTender(ctx),
    }),
    tenderForm({
      path: '/tenders/:tenderId',
      summary: 'Save tender details',
      params: tenderParams,
      body: tenderDetailsForm,
      done: 'tenders.saved',
      keepsDetails: true,
      run: ({ actor, params, body, audit }) => tenders.update(actor, params.tenderId, { ...body, domain: body.domain ?? null, deadline: body.deadline ?? null }, audit),
    }),
    tenderForm({
      path: '/tenders/:tenderId/parameters',
      summary: 'Set parameter values for the whole tender',
      params: tenderParams,
      body: anyForm,
      anchor: '#parameters',
      done: 'tenders.parameters.saved',
      opensParameters: true,
      run: async ({ actor, params, body, audit }) => tenders.setParameterDefaults(actor, params.tenderId, parameterDefaults(await tenders.view(actor, params.tenderId), body), audit),
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/picker',
      summary: 'Pick library items for the tender',
      params: tenderParams,
      query: librarySearchQuerySchema,
      handler: async (ctx) => {
        const view = await tenders.view(ctx.actor, ctx.params.tenderId);
        const [{ rows, total }, selections] = await Promise.all([deps.library.search(ctx.actor, pickerSearch(ctx.query, view.tender.language)), tenders.selections(ctx.actor)]);
        ctx.render('tenders/picker', {
          title: ctx.t('tenders.picker.title', { title: view.tender.title }),
          nav: 'tenders',
          tender: tenderBody(view),
          access: view.access,
          items: pickerItems(view, rows),
          filter: ctx.query,
          codes: { kinds: ITEM_KINDS, categories: CATEGORIES, types: REQUIREMENT_TYPES, domains: DOMAINS },
          selections,
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: `/tenders/${view.tender.id}/picker`, query: ctx.query }),
        });
      },
    }),
    formRoute({
      path: '/tenders/:tenderId/items',
      summary: 'Add items to the tender',
      access: 'user',
      params: tenderParams,
      body: anyForm,
      rerender: (ctx, { formErrors }, status) => renderTender(ctx, { formErrors }, status),
      run: async ({ actor, params, body, audit, t }) => {
        const chosen = itemsToAdd(body);
        if (!chosen) throw badRequest('validation.failed', t('tenders.picker.nothingChosen'), [{ path: 'keys', message: t('tenders.picker.nothingChosen') }]);
        const result = await tenders.addItems(actor, params.tenderId, chosen, audit);
        return { to: returnTo(body, params.tenderId), flash: { kind: 'success', message: t('tenders.picker.added', { added: result.added.length, skipped: result.skipped.length }) } };
      },
    }),
    tenderForm({
      path: '/tenders/:tenderId/custom-items',
      summary: 'Write an item for this tender',
      params: tenderParams,
      body: customItemSchema,
      done: 'tenders.customAdded',
      run: ({ actor, params, body, audit }) => tenders.addCustomItem(actor, params.tenderId, body, audit),
      values: (item) => ({ key: item.customKey }),
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/items/:itemId',
      summary: 'Edit an item of the tender',
      params: tenderItemParams,
      handler: (ctx) => renderItem(ctx),
    }),
    formRoute({
      path: '/tenders/:tenderId/items/:itemId',
      summary: 'Save an item of the tender',
      access: 'user',
      params: tenderItemParams,
      body: anyForm,
      rerender: (ctx, { formErrors, values, conflict }, status) => renderItem(ctx, { form: values, errors: formErrors, conflict }, status),
      run: async ({ actor, params, body, audit, t, locale }) => {
        const { item } = await tenders.item(actor, params.tenderId, params.itemId);
        const problems = parameterFieldErrors(item, body, t, locale);
        if (problems.length > 0) throw validationError(problems);
        await tenders.updateItem(actor, params.tenderId, params.itemId, itemChange(item, body), audit);
        return { to: `/tenders/${params.tenderId}#item-${params.itemId}`, flash: { kind: 'success', message: t('tenders.itemSaved') } };
      },
    }),
    tenderForm({
      path: '/tenders/:tenderId/items/:itemId/move',
      summary: 'Move an item',
      params: tenderItemParams,
      body: moveSchema,
      anchor: (params) => `#item-${params.itemId}`,
      done: 'tenders.moved',
      run: ({ actor, params, body, audit }) => tenders.moveItem(actor, params.tenderId, params.itemId, body.direction, body.version, audit),
    }),
    tenderForm({
      path: '/tenders/:tenderId/items/:itemId/upgrade',
      summary: 'Upgrade an item to the newest version',
      params: tenderItemParams,
      body: versionOnlySchema,
      anchor: '#items',
      done: 'tenders.upgraded',
      run: ({ actor, params, body, audit }) => tenders.upgradeItem(actor, params.tenderId, params.itemId, body.version, audit),
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/items/:itemId/remove',
      summary: 'Confirm removing an item',
      params: tenderItemParams,
      handler: (ctx) => renderRemoveItem(ctx),
    }),
    formRoute({
      path: '/tenders/:tenderId/items/:itemId/remove',
      summary: 'Remove an item, as confirmed at the version shown',
      access: 'user',
      params: tenderItemParams,
      body: versionOnlySchema,
      rerender: (ctx, { formErrors, conflict }, status) => renderRemoveItem(ctx, { formErrors, conflict }, status),
      run: async ({ actor, params, body, audit, t }) => {
        await tenders.removeItem(actor, params.tenderId, params.itemId, audit, body.version);
        return { to: `/tenders/${params.tenderId}#items`, flash: { kind: 'success', message: t('tenders.removed') } };
      },
    }),
    tenderForm({
      path: '/tenders/:tenderId/weights/normalise',
      summary: 'Scale weights to 100',
      params: tenderParams,
      anchor: '#checks',
      done: 'tenders.normalised',
      run: ({ actor, params, audit }) => tenders.normaliseWeights(actor, params.tenderId, audit),
    }),
    tenderForm({
      path: '/tenders/:tenderId/sections',
      summary: 'Add a section',
      params: tenderParams,
      body: sectionSchema,
      anchor: '#items',
      done: 'tenders.sectionAdded',
      run: ({ actor, params, body, audit }) => tenders.addSection(actor, params.tenderId, body.title, audit),
    }),
    tenderForm({
      path: '/tenders/:tenderId/sections/:sectionId',
      summary: 'Rename a section',
      params: tenderSectionParams,
      body: sectionRenameSchema,
      anchor: '#items',
      done: 'tenders.sectionRenamed',
      run: ({ actor, params, body, audit }) => tenders.renameSection(actor, params.tenderId, params.sectionId, body.title, body.version, audit),
    }),
    tenderForm({
      path: '/tenders/:tenderId/sections/:sectionId/move',
      summary: 'Move a section',
      params: tenderSectionParams,
      body: moveSchema,
      anchor: '#items',
      done: 'tenders.moved',
      run: ({ actor, params, body, audit }) => tenders.moveSection(actor, params.tenderId, params.sectionId, body.direction, body.version, audit),
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/sections/:sectionId/remove',
      summary: 'Confirm removing a section and its items',
      params: tenderSectionParams,
      handler: (ctx) => renderRemoveSection(ctx),
    }),
    formRoute({
      path: '/tenders/:tenderId/sections/:sectionId/remove',
      summary: 'Remove a section with the items the confirmation listed, at the version shown',
      access: 'user',
      params: tenderSectionParams,
      body: sectionRemoveSchema,
      rerender: (ctx, { formErrors, conflict }, status) => renderRemoveSection(ctx, { formErrors, conflict }, status),
      run: async ({ actor, params, body, audit, t }) => {
        await tenders.removeSection(actor, params.tenderId, params.sectionId, audit, { version: body.version, withItems: body.items.split(',').filter(Boolean) });
        return { to: `/tenders/${params.tenderId}#items`, flash: { kind: 'success', message: t('tenders.sectionRemoved') } };
      },
    }),
    tenderForm({
      path: '/tenders/:tenderId/co-buyers',
      summary: 'Share with a co-buyer',
      params: tenderParams,
      body: coBuyerForm,
      anchor: '#co-buyers',
      done: 'tenders.coBuyerAdded',
      run: ({ actor, params, body, audit }) => tenders.setCoBuyer(actor, params.tenderId, body.organisationId, body.canEdit, body.version, audit),
    }),
    tenderForm({
      path: '/tenders/:tenderId/co-buyers/:organisationId/remove',
      summary: 'Stop sharing with a co-buyer',
      params: tenderCoBuyerParams,
      anchor: '#co-buyers',
      done: 'tenders.coBuyerRemoved',
      run: ({ actor, params, audit }) => tenders.removeCoBuyer(actor, params.tenderId, params.organisationId, audit),
    }),
    tenderForm({
      path: '/tenders/:tenderId/issue',
      summary: 'Issue the tender',
      params: tenderParams,
      done: 'tenders.issued',
      run: ({ actor, params, audit }) => tenders.issue(actor, params.tenderId, audit),
      values: ({ revision }) => ({ revision }),
    }),
    tenderForm({
      path: '/tenders/:tenderId/close',
      summary: 'Close the tender',
      params: tenderParams,
      done: 'tenders.closedMessage',
      run: ({ actor, params, audit }) => tenders.close(actor, params.tenderId, audit),
    }),
    page({
      method: 'get',
      path: '/tenders/:tenderId/documents/:document',
      summary: 'Download a tender document',
      params: documentParams,
      query: revisionQuerySchema,
      handler: async ({ actor, params, query, audit, res }) => {
        const file = await tenders.documentFile(actor, params.tenderId, params.document, query.revision, audit);
        res.set('X-Content-SHA256', file.sha256).type(file.contentType).attachment(file.filename).send(file.bytes);
      },
    }),
    page({
      method: 'post',
      path: '/library/selections',
      summary: 'Save the library items of the current search as a selection',
      bodyType: 'form',
      body: selectionForm,
      onInvalid: (ctx, errors) => ctx.redirect('/library', { kind: 'danger', message: errors.map((e) => `${e.path}: ${e.message}`).join('; ') }),
      handler: async (ctx) => {
        const { name, ...filter } = ctx.body;
        const { rows } = await deps.library.search(ctx.actor, { ...filter, status: 'published', sort: 'key', lang: ctx.locale, limit: 1000, offset: 0 });
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
      handler: async (ctx) => {
        const { model } = await tenders.documentModel(ctx.actor, ctx.params.tenderId, ctx.query.revision);
        ctx.render('tenders/preview', { title: ctx.t('tenders.preview.title', { title: model.title }), nav: 'tenders', model, tenderId: ctx.params.tenderId });
      },
    }),
    formRoute({
      path: '/tenders/:tenderId/responses',
      summary: 'Import a filled response sheet',
      access: 'user',
      params: tenderParams,
      bodyType: 'multipart',
      body: responseUploadSchema,
      middleware: [singleFileUpload(deps.uploadLimitBytes)],
      problemPath: 'file',
      rerender: (ctx, { formErrors }, status) => renderTender(ctx, { responseErrors: formErrors }, status),
      run: async ({ actor, params, body, audit, req, t }) => {
        const file = uploadedFile(req, responseFileMissing);
        await tenders.importResponse(actor, params.tenderId, { ...body, file: { name: file.originalname, mediaType: file.mimetype, bytes: file.buffer } }, audit);
        return { to: `/tenders/${params.tenderId}#responses`, flash: { kind: 'success', message: t('tenders.responses.imported', { vendor: body.vendorName }) } };
      },
    }),
  ];
}
