import type { Actor } from '../auth/actor';
import { formRoute } from '../shared/http/forms';
import { routeFamily, type BaseContext, type RouteDefinition } from '../shared/http/route';
import { singleFileToDisk, uploadedFile } from '../shared/http/upload';
import { importFileRequired } from './exit.errors';
import { exportIdParams, exportRequestSchema, importIdParams, importUploadSchema } from './exit.schemas';
import type { ExitService } from './exit.service';
import { exportStatus, importStatus } from './exit.views';

const page = routeFamily({ surface: 'page', access: 'user' });

/** What the export page offers: the organisations the actor owns, and the installation to administrators. */
function exitPage(actor: Actor) {
  return {
    organisations: actor.memberships.filter((m) => m.role === 'owner').map((m) => ({ organisationId: m.organisationId, name: m.organisationName })),
    isAdmin: actor.isAdmin,
  };
}

export function exitPages(deps: { exit: ExitService }, settings: { importLimitBytes: number; uploadDir: string }): RouteDefinition[] {
  const { exit } = deps;
  const show = (ctx: BaseContext & { actor: Actor }, errors: unknown[] = [], status = 200, importErrors: unknown[] = []) => {
    ctx.render('exit/index', { title: ctx.t('exit.title'), nav: 'exit', errors, importErrors, ...exitPage(ctx.actor) }, status);
  };
  return [
    page({
      method: 'get',
      path: '/exit',
      summary: 'Export page: an organisation\'s data or the whole installation',
      handler: (ctx) => show(ctx),
    }),
    formRoute({
      path: '/exit/exports',
      summary: 'Queue an export',
      access: 'user',
      body: exportRequestSchema,
      rerender: (ctx, { formErrors }, status) => show(ctx, formErrors, status),
      run: async (ctx) => {
        const job = await exit.requestExport(ctx.actor, ctx.body, ctx.audit);
        return { to: `/exit/exports/${job.id}`, flash: { kind: 'success', message: ctx.t('exit.requested') } };
      },
    }),
    page({
      method: 'get',
      path: '/exit/exports/:exportId',
      summary: 'An export\'s state, progress and download link',
      params: exportIdParams,
      handler: async (ctx) => {
        const status = exportStatus(await exit.find(ctx.actor, ctx.params.exportId));
        if (status.state === 'queued' || status.state === 'running') ctx.res.set('Refresh', '3');
        ctx.render('exit/status', { title: ctx.t('exit.statusTitle'), nav: 'exit', export: status });
      },
    }),
    formRoute({
      path: '/exit/imports',
      summary: 'Import an export: an installation into this empty installation, or an organisation as a new one',
      access: 'user',
      bodyType: 'multipart',
      body: importUploadSchema,
      middleware: [singleFileToDisk(settings.importLimitBytes, settings.uploadDir)],
      problemPath: 'file',
      rerender: (ctx, { formErrors }, status) => show(ctx, [], status, formErrors),
      run: async (ctx) => {
        const job = await exit.requestImport(ctx.actor, { path: uploadedFile(ctx.req, importFileRequired).path }, ctx.audit);
        return { to: `/exit/imports/${job.id}`, flash: { kind: 'success', message: ctx.t('exit.import.requested') } };
      },
    }),
    page({
      method: 'get',
      path: '/exit/imports/:importId',
      summary: 'An import\'s state and progress',
      params: importIdParams,
      handler: async (ctx) => {
        const { job, progress } = await exit.findImport(ctx.actor, ctx.params.importId);
        const status = importStatus(job, progress);
        if (status.state === 'queued' || status.state === 'running') ctx.res.set('Refresh', '3');
        ctx.render('exit/import', { title: ctx.t('exit.import.statusTitle'), nav: 'exit', import: status, rows: Object.entries(status.rows ?? {}).map(([entity, count]) => ({ entity, count })), matched: Object.entries(status.matched ?? {}).map(([entity, count]) => ({ entity, count })) });
      },
    }),
  ];
}
