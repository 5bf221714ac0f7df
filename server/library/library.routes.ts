import { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { Services } from '../services';
import { isAppError, type FieldError } from '../shared/errors';
import { defineRoute, type RouteContext, type RouteDefinition } from '../shared/http/route';
import { fieldErrors } from '../shared/http/validate';
import { pagination } from '../shared/pagination';
import { defaultValue } from './clause-template';
import { CATEGORIES, DOMAINS, ITEM_KINDS, ITEM_STATUSES, REQUIREMENT_TYPES, VERIFICATION_METHODS, type Language } from './library.codes';
import { editorRequired } from './library.errors';
import { coerceFormValues, echoForm, formToContent, rowToForm } from './library.forms';
import type { LibrarySearch } from './library.repository';
import {
  deprecateSchema,
  diffQuerySchema,
  draftCreateSchema,
  draftIdParams,
  draftUpdateSchema,
  itemContentSchema,
  itemKeyParams,
  itemKeySchema,
  librarySearchQuerySchema,
  librarySummarySchema,
  libraryVersionSchema,
  newItemBodySchema,
  publishSchema,
  renderSchema,
  versionQuerySchema,
  type LibrarySearchQuery,
} from './library.schemas';
import { rowToItemFile } from './library.sync';
import type { LibraryVersionRow } from './library.table';

type Ctx = RouteContext<unknown, unknown, unknown, 'user'>;

function toSearch(query: LibrarySearchQuery, lang: Language): LibrarySearch {
  return {
    q: query.q,
    kind: query.kind,
    category: query.category,
    type: query.type,
    domain: query.domain,
    status: query.status,
    source: query.source,
    theme: query.theme,
    sort: query.sort ?? (query.q ? 'relevance' : 'key'),
    lang,
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  };
}

export function versionBody(row: LibraryVersionRow) {
  return {
    ...rowToItemFile(row),
    version: row.version,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    draft: row.status === 'draft' ? { id: row.id, revision: row.revision, baseVersion: row.baseVersion, organisationId: row.ownerOrganisationId } : null,
  };
}

const editorOrganisations = (actor: Actor) => actor.memberships.filter((m) => (m.kind === 'buyer' || m.kind === 'council') && (m.role === 'owner' || m.role === 'editor'));
const canEdit = (actor: Actor) => actor.isAdmin || editorOrganisations(actor).length > 0;
const exportQuerySchema = librarySearchQuerySchema.omit({ page: true, pageSize: true, sort: true }).extend({ format: z.enum(['zip', 'json']).default('zip') });
const previewQuerySchema = versionQuerySchema.extend({ values: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional() });
const publishFormSchema = z.object({ level: z.enum(['major', 'minor', 'patch']), changeNote: z.object({ nb: z.string().trim().min(1, 'is required'), en: z.string().trim().min(1, 'is required') }), revision: z.coerce.number().int().min(1) });

export function libraryRoutes(services: Services): RouteDefinition[] {
  const library = services.library;

  async function summaries(actor: Actor, query: LibrarySearchQuery, lang: Language) {
    const { rows, total } = await library.search(actor, toSearch(query, lang));
    return {
      total,
      items: rows.map((r) => ({
        key: r.key,
        version: r.version,
        status: r.status,
        kind: r.kind,
        type: r.type,
        category: r.category,
        weight: r.weight,
        title: r.title,
        domains: r.domains,
        themes: r.themes,
        sources: r.sourceIds,
        draftId: r.status === 'draft' ? r.id : null,
      })),
    };
  }

  async function selectionKeys(actor: Actor, query: Omit<LibrarySearchQuery, 'page' | 'pageSize' | 'sort'>): Promise<string[] | undefined> {
    const filtered = Object.entries(query).some(([k, v]) => k !== 'format' && v !== undefined);
    if (!filtered) return undefined;
    const { rows } = await library.search(actor, { ...toSearch({ ...query, page: 1, pageSize: 200 }, 'nb'), limit: 100_000, offset: 0 });
    return rows.map((r) => r.key);
  }

  async function renderEditor(ctx: Ctx, view: { draft: LibraryVersionRow | null; form: unknown; errors?: FieldError[]; isNew?: boolean; conflict?: boolean; key?: string }, status = 200) {
    const sources = await library.sources();
    const preview = view.draft ? library.previewDraft(view.draft, {}) : null;
    const diff = view.draft ? await library.diffDraft(ctx.actor, view.draft.id) : null;
    ctx.render(
      'library/edit',
      {
        title: view.isNew ? ctx.t('library.edit.newTitle') : ctx.t('library.edit.title', { key: view.draft?.key ?? view.key ?? '' }),
        nav: 'library',
        draft: view.draft,
        form: view.form,
        errors: view.errors ?? [],
        isNew: Boolean(view.isNew),
        conflict: Boolean(view.conflict),
        key: view.key ?? view.draft?.key,
        organisations: editorOrganisations(ctx.actor),
        codes: { kinds: ITEM_KINDS, categories: CATEGORIES, types: REQUIREMENT_TYPES, domains: DOMAINS, methods: VERIFICATION_METHODS },
        sources,
        preview,
        changes: diff?.changes ?? [],
        base: diff?.base ?? null,
      },
      status,
    );
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/library/items',
      surface: 'api',
      access: 'user',
      summary: 'Search the library',
      description: 'Full-text search in bokmål and English (prefix matching), with filters. Lists the newest released version of each item and drafts of new items visible to the caller.',
      tags: ['Library'],
      query: librarySearchQuerySchema,
      responses: [{ status: 200, description: 'A page of items', schema: z.object({ items: z.array(librarySummarySchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
      handler: async (ctx) => ({ ...(await summaries(ctx.actor, ctx.query, ctx.locale)), page: ctx.query.page, pageSize: ctx.query.pageSize }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/library/items',
      surface: 'api',
      access: 'user',
      summary: 'Create a new item as a draft of your organisation',
      tags: ['Library'],
      body: newItemBodySchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The draft', schema: libraryVersionSchema }],
      handler: async (ctx) => versionBody(await library.createItem(ctx.actor, ctx.body, ctx.audit)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/items/:key',
      surface: 'api',
      access: 'user',
      summary: 'Read an item: the newest released version, or ?version=',
      tags: ['Library'],
      params: itemKeyParams,
      query: versionQuerySchema,
      responses: [{ status: 200, description: 'The version', schema: libraryVersionSchema }],
      handler: async (ctx) => versionBody((await library.getItem(ctx.actor, ctx.params.key, ctx.query.version)).current),
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/items/:key/versions',
      surface: 'api',
      access: 'user',
      summary: 'Version history of an item, newest first',
      tags: ['Library'],
      params: itemKeyParams,
      responses: [{ status: 200, description: 'Released versions', schema: z.object({ items: z.array(libraryVersionSchema) }) }],
      handler: async (ctx) => ({ items: (await library.versions(ctx.actor, ctx.params.key)).map(versionBody) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/items/:key/diff',
      surface: 'api',
      access: 'user',
      summary: 'Differences between two versions, field by field with word-level text changes',
      tags: ['Library'],
      params: itemKeyParams,
      query: diffQuerySchema,
      responses: [
        {
          status: 200,
          description: 'The changes',
          schema: z.object({ key: z.string(), from: z.string(), to: z.string(), changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown(), words: z.record(z.string(), z.array(z.object({ value: z.string(), added: z.boolean(), removed: z.boolean() }))).optional() })) }),
        },
      ],
      handler: async (ctx) => {
        const diff = await library.diff(ctx.params.key, ctx.query.from, ctx.query.to);
        return { key: ctx.params.key, from: ctx.query.from, to: ctx.query.to, changes: diff.changes };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/items/:key/export',
      surface: 'api',
      access: 'user',
      summary: 'The item as its YAML library file (all released versions)',
      tags: ['Library'],
      params: itemKeyParams,
      responses: [{ status: 200, description: 'YAML file', contentType: 'application/yaml', schema: z.string() }],
      handler: async (ctx) => {
        const text = await library.exportItemYaml(ctx.params.key);
        ctx.res.type('application/yaml').attachment(`${ctx.params.key}.yaml`).send(text);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/library/items/:key/drafts',
      surface: 'api',
      access: 'user',
      summary: 'Start a draft of the next version from the newest released version',
      tags: ['Library'],
      params: itemKeyParams,
      body: draftCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The draft', schema: libraryVersionSchema }],
      handler: async (ctx) => versionBody(await library.createDraftVersion(ctx.actor, ctx.params.key, ctx.body, ctx.audit)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/library/items/:key/deprecate',
      surface: 'api',
      access: 'user',
      summary: 'Deprecate the newest published version, pointing to its replacement',
      tags: ['Library'],
      params: itemKeyParams,
      body: deprecateSchema,
      responses: [{ status: 200, description: 'The deprecated version', schema: libraryVersionSchema }],
      handler: async (ctx) => versionBody(await library.deprecate(ctx.actor, ctx.params.key, ctx.body, ctx.audit)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/drafts',
      surface: 'api',
      access: 'user',
      summary: 'Drafts visible to you: shared drafts and your organisations\' private drafts',
      tags: ['Library'],
      responses: [{ status: 200, description: 'Drafts', schema: z.object({ items: z.array(libraryVersionSchema) }) }],
      handler: async (ctx) => ({ items: (await library.drafts(ctx.actor)).map(versionBody) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/drafts/:draftId',
      surface: 'api',
      access: 'user',
      summary: 'Read a draft',
      tags: ['Library'],
      params: draftIdParams,
      responses: [{ status: 200, description: 'The draft', schema: libraryVersionSchema }],
      handler: async (ctx) => versionBody(await library.getDraft(ctx.actor, ctx.params.draftId)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/library/drafts/:draftId',
      surface: 'api',
      access: 'user',
      summary: 'Save a draft',
      description: 'Send the revision you read. If someone saved the draft since, the answer is 409 library.draft_conflict with currentRevision, and nothing is overwritten.',
      tags: ['Library'],
      params: draftIdParams,
      body: draftUpdateSchema,
      responses: [{ status: 200, description: 'The saved draft', schema: libraryVersionSchema }],
      handler: async (ctx) => versionBody(await library.updateDraft(ctx.actor, ctx.params.draftId, ctx.body, ctx.audit)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/library/drafts/:draftId',
      surface: 'api',
      access: 'user',
      summary: 'Discard a draft',
      tags: ['Library'],
      params: draftIdParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Discarded' }],
      handler: async (ctx) => {
        await library.discardDraft(ctx.actor, ctx.params.draftId, ctx.audit);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/library/drafts/:draftId/publish',
      surface: 'api',
      access: 'user',
      summary: 'Publish a draft as the next major, minor or patch version',
      tags: ['Library'],
      params: draftIdParams,
      body: publishSchema,
      responses: [{ status: 200, description: 'The published version', schema: libraryVersionSchema }],
      handler: async (ctx) => versionBody(await library.publish(ctx.actor, ctx.params.draftId, ctx.body, ctx.audit)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/library/render',
      surface: 'api',
      access: 'user',
      summary: 'Render an item\'s text with parameter values',
      tags: ['Library'],
      body: renderSchema,
      responses: [
        { status: 200, description: 'Rendered texts', schema: z.object({ key: z.string(), version: z.string(), kind: z.string(), title: z.record(z.string(), z.string()), text: z.record(z.string(), z.string()), responseGuidance: z.record(z.string(), z.string()) }) },
      ],
      handler: (ctx) => library.render(ctx.body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/sources',
      surface: 'api',
      access: 'user',
      summary: 'Registered sources',
      tags: ['Library'],
      responses: [{ status: 200, description: 'Sources', schema: z.object({ items: z.array(z.object({ id: z.string(), title: z.string(), publisher: z.string(), url: z.string(), kind: z.string() })) }) }],
      handler: async () => ({ items: (await library.sources()).map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, url: s.url, kind: s.kind })) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/library/export',
      surface: 'api',
      access: 'user',
      summary: 'Export the library, or a filtered selection, as the YAML folder (zip) or JSON',
      description: 'The zip holds sources.yaml and <category>/<KEY>.yaml with every released version; syncing it into an empty installation gives the same library.',
      tags: ['Library'],
      query: exportQuerySchema,
      responses: [
        { status: 200, description: 'Zip of YAML files', contentType: 'application/zip', schema: z.string() },
        { status: 201, description: 'JSON (format=json answers 200)', schema: z.object({ sources: z.array(z.unknown()), items: z.array(z.object({ key: z.string(), versions: z.array(z.unknown()) })) }) },
      ],
      handler: async (ctx) => {
        const { format, ...filters } = ctx.query;
        const keys = await selectionKeys(ctx.actor, filters);
        if (format === 'json') {
          ctx.res.json(await library.exportJson(keys));
          return;
        }
        ctx.res.type('application/zip').attachment('datakrav-library.zip').send(await library.exportZip(keys));
      },
    }),

    defineRoute({
      method: 'get',
      path: '/library',
      surface: 'page',
      access: 'user',
      summary: 'Library page with search and filters',
      query: librarySearchQuerySchema,
      handler: async (ctx) => {
        const { items, total } = await summaries(ctx.actor, ctx.query, ctx.locale);
        const sources = await library.sources();
        const exportQuery = new URLSearchParams(Object.entries(ctx.query).filter(([k, v]) => v !== undefined && !['page', 'pageSize', 'sort'].includes(k)).map(([k, v]) => [k, String(v)] as [string, string]));
        ctx.render('library/list', {
          title: ctx.t('library.title'),
          nav: 'library',
          items,
          filter: ctx.query,
          sort: ctx.query.sort ?? (ctx.query.q ? 'relevance' : 'key'),
          codes: { kinds: ITEM_KINDS, categories: CATEGORIES, types: REQUIREMENT_TYPES, domains: DOMAINS, statuses: ITEM_STATUSES, themes: Array.from({ length: 30 }, (_, i) => i + 1) },
          sources,
          canEdit: canEdit(ctx.actor),
          exportQuery: exportQuery.toString(),
          pager: pagination({ page: ctx.query.page, pageSize: ctx.query.pageSize, total, basePath: '/library', query: ctx.query }),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/library/export',
      surface: 'page',
      access: 'user',
      summary: 'Download the library or the filtered selection',
      query: exportQuerySchema,
      handler: async (ctx) => {
        const { format, ...filters } = ctx.query;
        const keys = await selectionKeys(ctx.actor, filters);
        if (format === 'json') {
          ctx.res.attachment('datakrav-library.json').json(await library.exportJson(keys));
          return;
        }
        ctx.res.type('application/zip').attachment('datakrav-library.zip').send(await library.exportZip(keys));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/library/items/:key',
      surface: 'page',
      access: 'user',
      summary: 'Item page: both languages, rendered text, references, verification, history',
      params: itemKeyParams,
      query: previewQuerySchema,
      handler: async (ctx) => {
        const { current, versions, drafts } = await library.getItem(ctx.actor, ctx.params.key, ctx.query.version);
        const sources = new Map((await library.sources()).map((s) => [s.id, s]));
        const values = coerceFormValues(current.parameters, ctx.query.values);
        let rendered: { text: Record<string, string>; responseGuidance: Record<string, string> } | null = null;
        let previewErrors: FieldError[] = [];
        if (current.status !== 'draft') {
          try {
            rendered = await library.render({ key: current.key, version: current.version as string, values });
          } catch (error) {
            if (!isAppError(error) || error.code !== 'library.invalid_parameter_values') throw error;
            previewErrors = error.errors;
            rendered = await library.render({ key: current.key, version: current.version as string, values: {} });
          }
        } else {
          const preview = library.previewDraft(current, {});
          rendered = { text: preview.text, responseGuidance: current.responseGuidance };
        }
        const ownDrafts = drafts.filter((d) => d.ownerOrganisationId && ctx.actor.memberships.some((m) => m.organisationId === d.ownerOrganisationId));
        ctx.render('library/show', {
          title: `${current.key} ${current.title[ctx.locale]}`,
          nav: 'library',
          item: versionBody(current),
          rendered,
          previewErrors,
          parameters: current.parameters.map((p) => ({ ...p, value: values[p.name] ?? defaultValue(p, ctx.locale), isList: p.type === 'choices', isChoice: p.type === 'choice' || p.type === 'choices', isNumber: p.type === 'integer' || p.type === 'number' })),
          references: current.references.map((r) => ({ ...r, sourceTitle: sources.get(r.source)?.title ?? r.source, url: sources.get(r.source)?.url ?? null })),
          versions: versions.map((v) => ({ version: v.version, status: v.status, publishedAt: v.publishedAt, changeNote: v.changeNote, isCurrent: v.id === current.id })),
          previousVersion: versions.find((v, i) => versions[i - 1]?.id === current.id)?.version ?? null,
          ownDrafts,
          canEdit: canEdit(ctx.actor),
          isLatest: versions[0]?.id === current.id,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/library/items/:key/diff',
      surface: 'page',
      access: 'user',
      summary: 'Differences between two versions',
      params: itemKeyParams,
      query: diffQuerySchema,
      handler: async (ctx) => {
        const diff = await library.diff(ctx.params.key, ctx.query.from, ctx.query.to);
        const versions = await library.versions(ctx.actor, ctx.params.key);
        ctx.render('library/diff', { title: ctx.t('library.diff.title', { key: ctx.params.key }), nav: 'library', key: ctx.params.key, from: ctx.query.from, to: ctx.query.to, changes: diff.changes, versions: versions.map((v) => v.version) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/library/new',
      surface: 'page',
      access: 'user',
      summary: 'Form for a new library item',
      handler: async (ctx) => {
        if (!canEdit(ctx.actor)) throw editorRequired();
        await renderEditor(ctx, { draft: null, isNew: true, form: rowToForm({ kind: 'requirement', category: 'export', type: 'A', weight: 10, themes: [], title: { nb: '', en: '' }, text: { nb: '', en: '' }, rationale: { nb: '', en: '' }, responseGuidance: { nb: '', en: '' }, parameters: [], references: [], verification: { method: 'document-review', text: { nb: '', en: '' } }, evidence: [], domains: ['all'], tags: [], supersedes: null }) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/library/items',
      surface: 'page',
      access: 'user',
      summary: 'Create a new library item as a draft',
      bodyType: 'form',
      body: z.record(z.string(), z.unknown()),
      handler: async (ctx) => {
        const { content, errors } = formToContent(ctx.body);
        const key = typeof ctx.body.key === 'string' ? ctx.body.key.trim() : '';
        const organisationId = typeof ctx.body.organisationId === 'string' && ctx.body.organisationId ? ctx.body.organisationId : undefined;
        const parsedKey = itemKeySchema.safeParse(key);
        const parsed = itemContentSchema.safeParse(content);
        const allErrors = [...errors, ...(parsedKey.success ? [] : fieldErrors(parsedKey.error, 'key')), ...(parsed.success ? [] : fieldErrors(parsed.error))];
        if (allErrors.length > 0 || !parsed.success) return renderEditor(ctx, { draft: null, isNew: true, key, form: echoForm(ctx.body, content), errors: allErrors }, 400);
        try {
          const draft = await library.createItem(ctx.actor, { ...parsed.data, key, organisationId }, ctx.audit);
          ctx.redirect(`/library/drafts/${draft.id}`, { kind: 'success', message: ctx.t('library.edit.created') });
        } catch (error) {
          if (isAppError(error) && error.status < 500 && error.errors.length > 0) return renderEditor(ctx, { draft: null, isNew: true, key, form: echoForm(ctx.body, content), errors: error.errors }, error.status);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/library/items/:key/drafts',
      surface: 'page',
      access: 'user',
      summary: 'Start a draft of the next version',
      params: itemKeyParams,
      bodyType: 'form',
      body: z.object({ organisationId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()) }),
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
    defineRoute({
      method: 'get',
      path: '/library/drafts/:draftId',
      surface: 'page',
      access: 'user',
      summary: 'Draft editor',
      params: draftIdParams,
      handler: async (ctx) => {
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        await renderEditor(ctx, { draft, form: { ...rowToForm(draft), revision: draft.revision } });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/library/drafts/:draftId',
      surface: 'page',
      access: 'user',
      summary: 'Save a draft',
      params: draftIdParams,
      bodyType: 'form',
      body: z.record(z.string(), z.unknown()),
      handler: async (ctx) => {
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        const { content, errors } = formToContent(ctx.body);
        const revision = Number(ctx.body.revision);
        const parsed = itemContentSchema.safeParse(content);
        const echo = { ...echoForm(ctx.body, content), revision };
        if (errors.length > 0 || !parsed.success) return renderEditor(ctx, { draft, form: echo, errors: [...errors, ...(parsed.success ? [] : fieldErrors(parsed.error))] }, 400);
        try {
          await library.updateDraft(ctx.actor, draft.id, { ...parsed.data, revision }, ctx.audit);
        } catch (error) {
          if (isAppError(error) && error.code === 'library.draft_conflict') return renderEditor(ctx, { draft, form: echo, conflict: true }, 409);
          if (isAppError(error) && error.code === 'library.invalid_content') return renderEditor(ctx, { draft, form: echo, errors: error.errors }, 400);
          throw error;
        }
        ctx.redirect(`/library/drafts/${draft.id}`, { kind: 'success', message: ctx.t('library.edit.saved') });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/library/drafts/:draftId/publish',
      surface: 'page',
      access: 'user',
      summary: 'Publish a draft',
      params: draftIdParams,
      bodyType: 'form',
      body: publishFormSchema,
      onInvalid: async (ctx, errors) => {
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        await renderEditor(ctx, { draft, form: { ...rowToForm(draft), revision: draft.revision }, errors }, 400);
      },
      handler: async (ctx) => {
        try {
          const published = await library.publish(ctx.actor, ctx.params.draftId, ctx.body, ctx.audit);
          ctx.redirect(`/library/items/${published.key}`, { kind: 'success', message: ctx.t('library.edit.published', { version: published.version }) });
        } catch (error) {
          if (isAppError(error) && ['library.invalid_content', 'library.base_outdated', 'library.draft_conflict'].includes(error.code)) {
            const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
            return renderEditor(ctx, { draft, form: { ...rowToForm(draft), revision: draft.revision }, errors: error.errors.length > 0 ? error.errors : [{ path: 'publish', message: error.message }] }, error.status);
          }
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/library/drafts/:draftId/discard',
      surface: 'page',
      access: 'user',
      summary: 'Confirm discarding a draft',
      params: draftIdParams,
      handler: async (ctx) => {
        const draft = await library.getDraft(ctx.actor, ctx.params.draftId);
        ctx.render('library/discard', { title: ctx.t('library.discard.title'), nav: 'library', draft });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/library/drafts/:draftId/discard',
      surface: 'page',
      access: 'user',
      summary: 'Discard a draft',
      params: draftIdParams,
      bodyType: 'form',
      handler: async (ctx) => {
        await library.discardDraft(ctx.actor, ctx.params.draftId, ctx.audit);
        ctx.redirect('/library', { kind: 'success', message: ctx.t('library.discard.done') });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/library/items/:key/deprecate',
      surface: 'page',
      access: 'user',
      summary: 'Confirm deprecating an item',
      params: itemKeyParams,
      handler: async (ctx) => {
        if (!canEdit(ctx.actor)) throw editorRequired();
        const { current } = await library.getItem(ctx.actor, ctx.params.key);
        ctx.render('library/deprecate', { title: ctx.t('library.deprecate.title', { key: current.key }), nav: 'library', item: versionBody(current) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/library/items/:key/deprecate',
      surface: 'page',
      access: 'user',
      summary: 'Deprecate an item',
      params: itemKeyParams,
      bodyType: 'form',
      body: z.object({ replacedBy: z.preprocess((v) => (v === '' ? null : typeof v === 'string' ? v.trim().toUpperCase() : v), itemKeySchema.nullable()) }),
      handler: async (ctx) => {
        await library.deprecate(ctx.actor, ctx.params.key, ctx.body, ctx.audit);
        ctx.redirect(`/library/items/${ctx.params.key}`, { kind: 'success', message: ctx.t('library.deprecate.done') });
      },
    }),
  ];
}
