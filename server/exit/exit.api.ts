import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { sendDownload } from '../shared/http/download';
import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { singleFileToDisk, uploadedFile } from '../shared/http/upload';
import { importFileRequired } from './exit.errors';
import { exportIdParams, exportRequestSchema, exportStatusSchema, importIdParams, importStatusSchema, importUploadSchema } from './exit.schemas';
import type { ExitService } from './exit.service';
import { exportStatus, importStatus } from './exit.views';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Exit'] });

export function exitApi(deps: { exit: ExitService }, settings: { importLimitBytes: number; uploadDir: string }): RouteDefinition[] {
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
    api({
      method: 'post',
      path: '/api/exit/imports',
      summary: 'Import an export: an installation into this empty installation, or an organisation as a new organisation (administrators)',
      description:
        'Multipart, field `file`: a zip written by `POST /api/exit/exports` (scope installation), of this or an earlier format version. The upload is written to a temporary file and checked entry by entry before anything is written: a damaged or truncated zip, unsafe entry names, entries over the size or compression limits, a missing or unlisted file, a file not matching its SHA-256, a newer format version, or an installation that already holds organisations or accounts are each refused with a 4xx naming the problem. Then a background job imports it in one transaction; the accounts of the empty installation are replaced by the exported ones, so sign in with an exported account afterwards. An organisation export (scope organisation) imports into any installation as a new organisation with new ids: refused with 409 when an organisation here has its name or organisation number, or when a library item\'s key and version exist here with other content (the items are named as key@version); 422 when its audit log does not verify. Rows referring to other organisations are left out or their references cleared, as the import\'s status lists.',
      bodyType: 'multipart',
      body: importUploadSchema,
      middleware: [singleFileToDisk(settings.importLimitBytes, settings.uploadDir)],
      successStatus: 202,
      responses: [{ status: 202, description: 'Checked and queued', schema: importStatusSchema }],
      handler: async ({ actor, audit, req }) => importStatus(await exit.requestImport(actor, { path: uploadedFile(req, importFileRequired).path }, audit)),
    }),
    api({
      method: 'get',
      path: '/api/exit/imports/:importId',
      summary: 'An import\'s state, and the rows it imported (administrators)',
      params: importIdParams,
      responses: [{ status: 200, description: 'The import', schema: importStatusSchema }],
      handler: async ({ actor, params }) => {
        const { job, progress } = await exit.findImport(actor, params.importId);
        return importStatus(job, progress);
      },
    }),
  ];
}
