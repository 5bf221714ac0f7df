import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { sendDownload } from '../shared/http/download';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { exportIdParams, exportRequestSchema, exportStatusSchema } from './exit.schemas';
import type { ExitService } from './exit.service';
import { exportStatus } from './exit.views';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Exit'] });

export function exitApi(deps: { exit: ExitService }): RouteDefinition[] {
  const { exit } = deps;
  return [
    api({
      method: 'post',
      path: '/api/exit/exports',
      summary: 'Export an organisation (owners) or the whole installation (administrators)',
      description: 'Queues a background job that writes one zip: manifest.json, JSON Lines and JSON Schema per entity, CSV mirrors, evidence files by SHA-256, the library as YAML and a README (docs/export-format.md). Poll the export for its progress.',
      body: exportRequestSchema,
      successStatus: 202,
      responses: [{ status: 202, description: 'Queued', schema: exportStatusSchema }],
      handler: async ({ actor, body, audit }) => exportStatus(await exit.requestExport(actor, body, audit)),
    }),
    api({
      method: 'get',
      path: '/api/exit/exports/:exportId',
      summary: 'An export\'s state and progress',
      params: exportIdParams,
      responses: [{ status: 200, description: 'The export', schema: exportStatusSchema }],
      handler: async ({ actor, params }) => exportStatus(await exit.find(actor, params.exportId)),
    }),
    api({
      method: 'get',
      path: '/api/exit/exports/:exportId/download',
      summary: 'Download a finished export (zip)',
      description: 'Streamed from the data folder; the download is audited with the file\'s SHA-256, also sent as X-Content-SHA256.',
      params: exportIdParams,
      responses: [{ status: 200, description: 'The zip', contentType: 'application/zip', schema: z.string() }],
      handler: async ({ actor, params, audit, res }) => {
        const file = await exit.download(actor, params.exportId, audit);
        res.set({ 'X-Content-SHA256': file.sha256, 'Content-Length': String(file.bytes) }).type('application/zip').attachment(file.filename);
        await pipeline(file.stream, res);
      },
    }),
    api({
      method: 'post',
      path: '/api/exit/backup',
      summary: 'Take a backup of the embedded database while it runs (administrators)',
      description: 'A consistent snapshot of the PGlite data folder as a gzipped tar, for `npm run backup` and `npm run restore`. On PostgreSQL answers 409: use pg_dump. Audited with the file\'s SHA-256, also sent as X-Content-SHA256.',
      responses: [{ status: 200, description: 'The backup (tar.gz)', contentType: 'application/gzip', schema: z.string() }],
      handler: async ({ actor, audit, res }) => sendDownload(res, await exit.backup(actor, audit)),
    }),
  ];
}
