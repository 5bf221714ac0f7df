import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import { auditQuerySchema } from './audit.schemas';
import type { AuditService } from './audit.service';
import { auditChanges, auditEntry } from './audit.views';

const page = routeFamily({ surface: 'page', access: 'user' });

export function auditPages(deps: { audit: AuditService }): RouteDefinition[] {
  return [
    page({
      method: 'get',
      path: '/audit',
      summary: 'Audit log page',
      query: auditQuerySchema,
      handler: async (ctx) => {
        const result = await deps.audit.list(ctx.actor, ctx.query);
        const organisations = ctx.actor.isAdmin ? null : ctx.actor.memberships.filter((m) => m.role === 'owner');
        ctx.render('audit/list', {
          title: ctx.t('audit.title'),
          nav: 'audit',
          filter: { ...ctx.query, from: ctx.query.from?.toISOString().slice(0, 10), to: ctx.query.to?.toISOString().slice(0, 10) },
          ownedOrganisations: organisations,
          actions: await deps.audit.actions(),
          entries: result.rows.map((row) => ({ ...auditEntry(row), changes: auditChanges(row) })),
          pager: pagination({ page: result.page, pageSize: result.pageSize, total: result.total, basePath: '/audit', query: ctx.query }),
        });
      },
    }),
  ];
}
