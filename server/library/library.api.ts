import { z } from 'zod';
import { etagOf } from '../shared/versioning';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
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
  publishSchema,
  renderSchema,
  versionQuerySchema,
} from './library.schemas';
import type { LibraryService } from './library.service';
import { librarySummary, versionBody } from './library.views';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Library'] });

const diffResponseSchema = z.object({
  key: z.string(),
  from: z.string(),
  to: z.string(),
  changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown(), words: z.record(z.string(), z.array(z.object({ value: z.string(), added: z.boolean(), removed: z.boolean() }))).optional() })),
});
const renderResponseSchema = z.object({ key: z.string(), version: z.string(), kind: z.string(), title: z.record(z.string(), z.string()), text: z.record(z.string(), z.string()), responseGuidance: z.record(z.string(), z.string()) });
const sourceListSchema = z.object({ items: z.array(z.object({ id: z.string(), title: z.string(), publisher: z.string(), url: z.string(), kind: z.string() })) });
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
      responses: [{ status: 200, description: 'Released versions', schema: z.object({ items: z.array(libraryVersionSchema) }) }],
      handler: async ({ actor, params }) => ({ items: (await library.versions(actor, params.key)).map(versionBody) }),
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
      handler: async ({ params, res }) => {
        const text = await library.exportItemYaml(params.key);
        res.type('application/yaml').attachment(`${params.key}.yaml`).send(text);
      },
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
      responses: [{ status: 200, description: 'Drafts', schema: z.object({ items: z.array(libraryVersionSchema) }) }],
      handler: async ({ actor }) => ({ items: (await library.drafts(actor)).map(versionBody) }),
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
      path: '/api/library/sources',
      summary: 'Registered sources',
      responses: [{ status: 200, description: 'Sources', schema: sourceListSchema }],
      handler: async () => ({ items: (await library.sources()).map((s) => ({ id: s.id, title: s.title, publisher: s.publisher, url: s.url, kind: s.kind })) }),
    }),
    api({
      method: 'get',
      path: '/api/library/export',
      summary: 'Export the library, or a filtered selection, as the YAML folder (zip) or JSON',
      description: 'The zip holds sources.yaml and <category>/<KEY>.yaml with every released version; syncing it into an empty installation gives the same library.',
      query: exportQuerySchema,
      responses: [
        { status: 200, description: 'Zip of YAML files', contentType: 'application/zip', schema: z.string() },
        { status: 201, description: 'JSON (format=json answers 200)', schema: exportJsonSchema },
      ],
      handler: async ({ actor, query, res }) => {
        const { format, ...selection } = query;
        if (format === 'json') {
          res.json(await library.exportJson(actor, selection));
          return;
        }
        res.type('application/zip').attachment('datakrav-library.zip').send(await library.exportZip(actor, selection));
      },
    }),
  ];
}
