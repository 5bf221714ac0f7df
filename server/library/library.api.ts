import { z } from 'zod';
import { etagOf } from '../shared/versioning';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { sendDownload } from '../shared/http/download';
import { exportQuerySchema } from './library.queries';
import {
  deprecateSchema,
  diffQuerySchema,
  draftCreateSchema,
  draftIdParams,
  draftUpdateSchema,
  itemKeyParams,
  librarySearchQuerySchema,
  librarySummarySchema,
  libraryVersionSchema,
  newItemBodySchema,
  packKeyParams,
  publishSchema,
  renderSchema,
  versionQuerySchema,
} from './library.schemas';
import type { LibraryService } from './library.service';
import { librarySummary, versionBody } from './library.views';
import { pageOf, pageQuerySchema, pagedListSchema } from '../shared/http/list-page';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Library'] });

const diffResponseSchema = z.object({
  key: z.string(),
  from: z.string(),
  to: z.string(),
  changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown(), words: z.record(z.string(), z.array(z.object({ value: z.string(), added: z.boolean(), removed: z.boolean() }))).optional() })),
});
const renderResponseSchema = z.object({ key: z.string(), version: z.string(), kind: z.string(), title: z.record(z.string(), z.string()), text: z.record(z.string(), z.string()), responseGuidance: z.record(z.string(), z.string()) });
const sourceListSchema = pagedListSchema(z.object({ id: z.string(), title: z.string(), publisher: z.string(), url: z.string(), kind: z.string() }));
const localised = z.object({ nb: z.string(), en: z.string() });
const packSummarySchema = z.object({ key: z.string(), title: localised, description: localised, domain: z.string(), items: z.array(z.string()), published: z.number().describe('Published items of the pack in the library') });
const browseSchema = z.object({ packs: z.array(packSummarySchema), themes: z.array(z.object({ theme: z.number(), count: z.number() })) });
const exportJsonSchema = z.object({ sources: z.array(z.unknown()), items: z.array(z.object({ key: z.string(), versions: z.array(z.unknown()) })) });

/** The library's JSON API: search, items and versions, drafts and publishing, rendering, export. */
export function libraryApi(deps: { library: LibraryService }): RouteDefinition[] {
  const { library } = deps;
  return [
    api({
      method: 'get',
      path: '/api/library/items',
      summary: 'Search the library',
      description: 'Full-text search in bokmål and English (prefix matching), with filters. Lists the newest released version of each item and drafts of new items visible to the caller.',
      query: librarySearchQuerySchema,
      responses: [{ status: 200, description: 'A page of items', schema: z.object({ items: z.array(librarySummarySchema), page: z.number(), pageSize: z.number(), total: z.number() }) }],
      handler: async ({ actor, query, locale }) => {
        const { rows, total } = await library.find(actor, query, locale);
        return { total, items: rows.map(librarySummary), page: query.page, pageSize: query.pageSize };
      },
    }),
    api({
      method: 'post',
      path: '/api/library/items',
      summary: 'Create a new item as a draft of your organisation',
      body: newItemBodySchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The draft', schema: libraryVersionSchema }],
      handler: async ({ actor, body, audit }) => versionBody(await library.createItem(actor, body, audit)),
    }),
    api({
      method: 'get',
      path: '/api/library/items/:key',
      summary: 'Read an item: the newest released version, or ?version=',
      params: itemKeyParams,
      query: versionQuerySchema,
      responses: [{ status: 200, description: 'The version', schema: libraryVersionSchema }],
      handler: async ({ actor, params, query }) => versionBody((await library.getItem(actor, params.key, query.version)).current),
    }),
    api({
      method: 'get',
      path: '/api/library/items/:key/versions',
      summary: 'Version history of an item, newest first',
      params: itemKeyParams,
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Released versions', schema: pagedListSchema(libraryVersionSchema) }],
      handler: async ({ actor, params, query }) => pageOf((await library.versions(actor, params.key)).map(versionBody), query),
    }),
    api({
      method: 'get',
      path: '/api/library/items/:key/diff',
      summary: 'Differences between two versions, field by field with word-level text changes',
      params: itemKeyParams,
      query: diffQuerySchema,
      responses: [{ status: 200, description: 'The changes', schema: diffResponseSchema }],
      handler: async ({ params, query }) => {
        const { changes } = await library.diff(params.key, query.from, query.to);
        return { key: params.key, from: query.from, to: query.to, changes };
      },
    }),
    api({
      method: 'get',
      path: '/api/library/items/:key/export',
      summary: 'The item as its YAML library file (all released versions)',
      params: itemKeyParams,
      responses: [{ status: 200, description: 'YAML file', contentType: 'application/yaml', schema: z.string() }],
      handler: async ({ params, audit, res }) => sendDownload(res, await library.downloadItemYaml(params.key, audit)),
    }),
    api({
      method: 'post',
      path: '/api/library/items/:key/drafts',
      summary: 'Start a draft of the next version from the newest released version',
      params: itemKeyParams,
      body: draftCreateSchema,
      successStatus: 201,
      responses: [{ status: 201, description: 'The draft', schema: libraryVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await library.createDraftVersion(actor, params.key, body, audit)),
    }),
    api({
      method: 'post',
      path: '/api/library/items/:key/deprecate',
      summary: 'Deprecate the newest published version, pointing to its replacement',
      params: itemKeyParams,
      body: deprecateSchema,
      responses: [{ status: 200, description: 'The deprecated version', schema: libraryVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await library.deprecate(actor, params.key, body, audit)),
    }),
    api({
      method: 'get',
      path: '/api/library/drafts',
      summary: 'Drafts visible to you: shared drafts and your organisations\' private drafts',
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Drafts', schema: pagedListSchema(libraryVersionSchema) }],
      handler: async ({ actor, query }) => pageOf((await library.drafts(actor)).map(versionBody), query),
    }),
    api({
      method: 'get',
      path: '/api/library/drafts/:draftId',
      summary: 'Read a draft',
      description: 'The draft\'s `draft.revision` is its version, also sent as ETag: present it to save or publish the draft.',
      params: draftIdParams,
      responses: [{ status: 200, description: 'The draft', schema: libraryVersionSchema }],
      handler: async ({ actor, params, res }) => {
        const draft = await library.getDraft(actor, params.draftId);
        // A library version's own `version` is its semantic version; a draft's version for updates is its revision.
        res.set('ETag', etagOf(draft.revision));
        return versionBody(draft);
      },
    }),
    api({
      method: 'put',
      path: '/api/library/drafts/:draftId',
      summary: 'Save a draft',
      description: 'Send the draft\'s revision you read as `version` (or If-Match with the ETag). If someone saved the draft since, the answer is 409 conflict.stale_version with currentVersion and who saved it, and nothing is overwritten.',
      params: draftIdParams,
      body: draftUpdateSchema,
      versioned: true,
      responses: [{ status: 200, description: 'The saved draft', schema: libraryVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await library.updateDraft(actor, params.draftId, body, audit)),
    }),
    api({
      method: 'delete',
      path: '/api/library/drafts/:draftId',
      summary: 'Discard a draft',
      params: draftIdParams,
      successStatus: 204,
      responses: [{ status: 204, description: 'Discarded' }],
      handler: async ({ actor, params, audit }) => {
        await library.discardDraft(actor, params.draftId, audit);
      },
    }),
    api({
      method: 'post',
      path: '/api/library/drafts/:draftId/publish',
      summary: 'Publish a draft as the next major, minor or patch version',
      description: 'Send the draft\'s revision you read as `version` (or If-Match): what is published is what you saw.',
      params: draftIdParams,
      body: publishSchema,
      versioned: true,
      responses: [{ status: 200, description: 'The published version', schema: libraryVersionSchema }],
      handler: async ({ actor, params, body, audit }) => versionBody(await library.publish(actor, params.draftId, body, audit)),
    }),
    api({
      method: 'post',
      path: '/api/library/render',
      summary: 'Render an item\'s text with parameter values',
      body: renderSchema,
      responses: [{ status: 200, description: 'Rendered texts', schema: renderResponseSchema }],
      handler: ({ body }) => library.render(body),
    }),
    api({
      method: 'get',
      path: '/api/library/packs',
      summary: 'Sector packs and themes, with the number of published items in each',
      description: 'A sector pack is a named list of items for one domain (health and care, archive, geodata, school, transport, sensors) that a buyer adds to a tender in one go; search the items of one with /api/library/items?pack=.',
      responses: [{ status: 200, description: 'The packs and themes', schema: browseSchema }],
      handler: async () => {
        const { packs, themes } = await library.browse();
        return { packs: packs.map((p) => ({ key: p.key, title: p.title, description: p.description, domain: p.domain, items: p.items, published: p.count })), themes };
      },
    }),
    api({
      method: 'get',
      path: '/api/library/packs/:pack',
      summary: 'One sector pack',
      params: packKeyParams,
      responses: [{ status: 200, description: 'The pack', schema: packSummarySchema.omit({ published: true }) }],
      handler: async ({ params }) => {
        const pack = await library.pack(params.pack);
        return { key: pack.key, title: pack.title, description: pack.description, domain: pack.domain, items: pack.items };
      },
    }),
    api({
      method: 'get',
      path: '/api/library/sources',
      summary: 'Registered sources',
      query: pageQuerySchema,
      responses: [{ status: 200, description: 'Sources', schema: sourceListSchema }],
      handler: async ({ query }) => pageOf((await library.sources()).map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, url: s.url, kind: s.kind })), query),
    }),
    api({
      method: 'get',
      path: '/api/library/export',
      summary: 'Export the library, or a filtered selection, as the YAML folder (zip) or JSON',
      description: 'The zip holds sources.yaml and <category>/<KEY>.yaml with every released version; syncing it into an empty installation gives the same library.',
      query: exportQuerySchema,
      responses: [
        { status: 200, description: 'Zip of YAML files', contentType: 'application/zip', schema: z.string() },
        { status: 200, description: 'Zip of YAML files, or with format=json the library as JSON', schema: exportJsonSchema },
      ],
      handler: async ({ actor, query, audit, res }) => {
        const { format, ...selection } = query;
        const file = await library.download(actor, selection, format === 'json' ? 'json' : 'zip', audit);
        if (format === 'json') res.set('X-Content-SHA256', file.sha256).type(file.contentType).send(file.bytes);
        else sendDownload(res, file);
      },
    }),
  ];
}
