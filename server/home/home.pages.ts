import { activeMembership } from '../auth/actor';
import type { AuditService } from '../audit/audit.service';
import { routeFamily, type RouteDefinition } from '../shared/http/route';

const page = routeFamily({ surface: 'page', access: 'user' });

export function homePages(deps: { audit: AuditService }): RouteDefinition[] {
  return [
    page({
      method: 'get',
      path: '/',
      summary: 'Home page: the user\'s organisations and where to start',
      handler: async (ctx) => {
        const active = activeMembership(ctx.actor);
        const recent = active && (active.role === 'owner' || ctx.actor.isAdmin)
          ? (await deps.audit.list(ctx.actor, { organisationId: active.organisationId, page: 1, pageSize: 5 })).rows
          : [];
        ctx.render('home', { title: ctx.t('home.title'), nav: 'home', active, recent });
      },
    }),
  ];
}
