import { activeMembership } from '../auth/actor';
import type { Services } from '../services';
import { defineRoute, type RouteDefinition } from '../shared/http/route';

export function homeRoutes(services: Services): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/',
      surface: 'page',
      access: 'user',
      summary: 'Home page: the user\'s organisations and where to start',
      handler: async (ctx) => {
        const active = activeMembership(ctx.actor);
        const recent = active && (active.role === 'owner' || ctx.actor.isAdmin)
          ? (await services.audit.list(ctx.actor, { organisationId: active.organisationId, page: 1, pageSize: 5 })).rows
          : [];
        ctx.render('home', { title: ctx.t('home.title'), nav: 'home', active, recent });
      },
    }),
  ];
}
