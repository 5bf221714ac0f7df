import type { Actor } from '../auth/actor';
import { isAppError } from '../shared/errors';
import { conflictFields, formProblems, formRoute } from '../shared/http/forms';
import { sendDownload } from '../shared/http/download';
import { routeFamily, type BaseContext, type RouteDefinition } from '../shared/http/route';
import { blankItemForm, coerceFormValues, deprecateForm, draftForm, echoForm, newItemForm, previewQuerySchema, publishForm, rowToForm, startDraftForm, typedKey, withChecksProblems } from './library.forms';
import { exportQuerySchema } from './library.queries';
import { diffQuerySchema, draftIdParams, itemKeyParams, librarySearchQuerySchema } from './library.schemas';
import type { LibraryService } from './library.service';
import { diffPage, editorPage, itemPage, listPage, versionBody, type EditorView } from './library.views';

const page = routeFamily({ surface: 'page', access: 'user' });

/** Refusals of a publication that the editor shows above the draft; the rest answer with the error page. */
const PUBLISH_REFUSALS = new Set(['library.invalid_content', 'library.base_outdated', 'conflict.stale_version']);
/** Refusals of a save that the editor shows: a conflict with someone else's save, and content the library's checks refuse. */
const SAVE_REFUSALS = new Set(['conflict.stale_version', 'library.invalid_content']);

type PageContext = Pick<BaseContext, 'render' | 't'> & { actor: Actor };

/** The library's pages: search, item pages, version comparison, download, and the draft editor. */
export function libraryPages(deps: { library: LibraryService }): RouteDefinition[] {
  const { library } = deps;

  async function showEditor(ctx: PageContext, view: EditorView, status = 200) {
    const context = await library.editorContext(ctx.actor, view.draft);
    ctx.render('library/edit', editorPage(view, context, ctx.t), status);
  }

  /** The draft editor with the draft as stored, for problems found when publishing it. */
  async function showStoredDraft(ctx: PageContext & { params: { draftId: string } }, errors: EditorView['errors'], status: number) {
    const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
    await showEditor(ctx, { draft, form: { ...rowToForm(draft), version: draft.revision }, errors }, status);
  }

  return [
    page({
      method: 'get',
      path: '/library',
      summary: 'Library page with search and filters',
      query: librarySearchQuerySchema,
      handler: async (ctx) => {
        const content = await library.cachedContent(ctx.actor, `list ${ctx.locale} ${JSON.stringify(ctx.query)}`, async () => {
          const [{ rows, total }, sources, browse] = await Promise.all([library.find(ctx.actor, ctx.query, ctx.locale), library.sources(), library.browse()]);
          const view = listPage({ query: ctx.query, rows, total, sources, browse, lang: ctx.locale, canEdit: library.mayEdit(ctx.actor), t: ctx.t });
          return { title: view.title, html: await ctx.renderContent('library/list', view) };
        });
        ctx.renderFragment(content.html, { title: content.title, nav: 'library' });
      },
    }),
    page({
      method: 'get',
      path: '/library/export',
      summary: 'Download the library or the filtered selection',
      query: exportQuerySchema,
      handler: async (ctx) => {
        const { format, ...selection } = ctx.query;
        sendDownload(ctx.res, await library.download(ctx.actor, selection, format === 'json' ? 'json' : 'zip', ctx.audit));
      },
    }),
    page({
      method: 'get',
      path: '/library/items/:key',
      summary: 'Item page: both languages, rendered text, references, verification, history',
      params: itemKeyParams,
      query: previewQuerySchema,
      handler: async (ctx) => {
        const content = await library.cachedContent(ctx.actor, `item ${ctx.locale} ${ctx.params.key} ${JSON.stringify(ctx.query)}`, async () => {
          const item = await library.getItem(ctx.actor, ctx.params.key, ctx.query.version);
          const sources = await library.sources();
          const values = coerceFormValues(item.current.parameters, ctx.query.values);
          const preview = library.previewItem(item.current, values);
          const view = itemPage({ item, preview, values, sources, actor: ctx.actor, canEdit: library.mayEdit(ctx.actor), lang: ctx.locale });
          return { title: view.title, html: await ctx.renderContent('library/show', view) };
        });
        ctx.renderFragment(content.html, { title: content.title, nav: 'library' });
      },
    }),
    page({
      method: 'get',
      path: '/library/items/:key/diff',
      summary: 'Differences between two versions',
      params: itemKeyParams,
      query: diffQuerySchema,
      handler: async (ctx) => {
        const { changes } = await library.diff(ctx.params.key, ctx.query.from, ctx.query.to);
        const versions = await library.versions(ctx.actor, ctx.params.key);
        ctx.render('library/diff', diffPage({ key: ctx.params.key, from: ctx.query.from, to: ctx.query.to, changes, versions, t: ctx.t }));
      },
    }),
    page({
      method: 'get',
      path: '/library/new',
      summary: 'Form for a new library item',
      handler: async (ctx) => {
        const context = await library.newItemEditor(ctx.actor);
        ctx.render('library/edit', editorPage({ draft: null, isNew: true, form: blankItemForm() }, context, ctx.t));
      },
    }),
    formRoute({
      path: '/library/items',
      summary: 'Create a new library item as a draft',
      access: 'user',
      body: newItemForm,
      problems: (error) => (isAppError(error) && error.errors.length > 0 ? formProblems(error) : null),
      rerender: (ctx, { formErrors, values }, status) => showEditor(ctx, { draft: null, isNew: true, key: typedKey(values), form: echoForm(values), errors: withChecksProblems(formErrors, values, ctx.locale, ctx.t) }, status),
      run: async (ctx) => {
        const draft = await library.createItem(ctx.actor, ctx.body, ctx.audit);
        return { to: `/library/drafts/${draft.id}`, flash: { kind: 'success', message: ctx.t('library.edit.created') } };
      },
    }),
    page({
      method: 'post',
      path: '/library/items/:key/drafts',
      summary: 'Start a draft of the next version',
      params: itemKeyParams,
      bodyType: 'form',
      body: startDraftForm,
      handler: async (ctx) => {
        try {
          const draft = await library.createDraftVersion(ctx.actor, ctx.params.key, ctx.body, ctx.audit);
          ctx.redirect(`/library/drafts/${draft.id}`);
        } catch (error) {
          if (isAppError(error) && error.code === 'library.draft_exists') return ctx.redirect(`/library/drafts/${String(error.extensions.draftId)}`, { kind: 'info', message: ctx.t('library.edit.draftExists') });
          throw error;
        }
      },
    }),
    page({
      method: 'get',
      path: '/library/drafts/:draftId',
      summary: 'Draft editor',
      params: draftIdParams,
      handler: async (ctx) => {
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        await showEditor(ctx, { draft, form: { ...rowToForm(draft), version: draft.revision } });
      },
    }),
    formRoute({
      path: '/library/drafts/:draftId',
      summary: 'Save a draft',
      access: 'user',
      params: draftIdParams,
      body: draftForm,
      problems: (error) => (isAppError(error) && SAVE_REFUSALS.has(error.code) ? formProblems(error) : null),
      rerender: async (ctx, { formErrors, values, conflict }, status) => {
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        const typed = echoForm(values);
        const form = { ...typed, version: Number(values.version) };
        if (!conflict) return showEditor(ctx, { draft, form, errors: withChecksProblems(formErrors, values, ctx.locale, ctx.t) }, status);
        const labels = Object.fromEntries(['title', 'text', 'rationale', 'responseGuidance', 'type', 'weight', 'category', 'kind'].map((f) => [f, ctx.t(`library.conflictFields.${f}`)]));
        return showEditor(ctx, { draft, form, conflict: { ...conflict, fields: conflictFields(rowToForm(draft), typed, labels) } }, status);
      },
      run: async (ctx) => {
        // The editor has no fields for the SSA alignment and the verification phases: the draft keeps its own.
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        const phases = ctx.body.verification.phases ?? draft.verification.phases;
        const body = { ...ctx.body, ssa: ctx.body.ssa ?? draft.ssa, verification: { ...ctx.body.verification, ...(phases ? { phases } : {}) } };
        const saved = await library.updateDraft(ctx.actor, ctx.params.draftId, body, ctx.audit);
        return { to: `/library/drafts/${saved.id}`, flash: { kind: 'success', message: ctx.t('library.edit.saved') } };
      },
    }),
    formRoute({
      path: '/library/drafts/:draftId/publish',
      summary: 'Publish a draft',
      access: 'user',
      params: draftIdParams,
      body: publishForm,
      problems: (error) => (isAppError(error) && PUBLISH_REFUSALS.has(error.code) ? formProblems(error) : null),
      rerender: (ctx, { formErrors, refusal }, status) =>
        showStoredDraft(ctx, refusal && refusal.errors.length === 0 ? [{ path: 'publish', message: refusal.message }] : formErrors, status),
      run: async (ctx) => {
        const published = await library.publish(ctx.actor, ctx.params.draftId, ctx.body, ctx.audit);
        return { to: `/library/items/${published.key}`, flash: { kind: 'success', message: ctx.t('library.edit.published', { version: published.version }) } };
      },
    }),
    page({
      method: 'get',
      path: '/library/drafts/:draftId/discard',
      summary: 'Confirm discarding a draft',
      params: draftIdParams,
      handler: async (ctx) => {
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        ctx.render('library/discard', { title: ctx.t('library.discard.title'), nav: 'library', draft });
      },
    }),
    page({
      method: 'post',
      path: '/library/drafts/:draftId/discard',
      summary: 'Discard a draft',
      params: draftIdParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await library.discardDraft(ctx.actor, ctx.params.draftId, ctx.audit);
        ctx.redirect('/library', { kind: 'success', message: ctx.t('library.discard.done') });
      },
    }),
    page({
      method: 'get',
      path: '/library/items/:key/deprecate',
      summary: 'Confirm deprecating an item',
      params: itemKeyParams,
      handler: async (ctx) => {
        const current = await library.itemToDeprecate(ctx.actor, ctx.params.key);
        ctx.render('library/deprecate', { title: ctx.t('library.deprecate.title', { key: current.key }), nav: 'library', item: versionBody(current) });
      },
    }),
    page({
      method: 'post',
      path: '/library/items/:key/deprecate',
      summary: 'Deprecate an item',
      params: itemKeyParams,
      bodyType: 'form',
      body: deprecateForm,
      handler: async (ctx) => {
        await library.deprecate(ctx.actor, ctx.params.key, ctx.body, ctx.audit);
        ctx.redirect(`/library/items/${ctx.params.key}`, { kind: 'success', message: ctx.t('library.deprecate.done') });
      },
    }),
  ];
}
