import type { Actor } from '../auth/actor';
import { formRoute } from '../shared/http/forms';
import { routeFamily, type BaseContext, type RouteDefinition } from '../shared/http/route';
import { exportIdParams, exportRequestSchema } from './exit.schemas';
import type { ExitService } from './exit.service';
import { exportStatus } from './exit.views';

const page = routeFamily({ surface: 'page', access: 'user' });

/** What the export page offers: the organisations the actor owns, and the installation to administrators. */
function exitPage(actor: Actor) {
  return {
    organisations: actor.memberships.filter((m) => m.role === 'owner').map((m) => ({ organisationId: m.organisationId, name: m.organisationName })),
    isAdmin: actor.isAdmin,
  };
}

export function exitPages(deps: { exit: ExitService }): RouteDefinition[] {
  const { exit } = deps;
  const show = (ctx: BaseContext & { actor: Actor }, errors: unknown[] = [], status = 200) => {
    ctx.render('exit/index', { title: ctx.t('exit.title'), nav: 'exit', errors, ...exitPage(ctx.actor) }, status);
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
  ];
}
