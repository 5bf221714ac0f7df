import type { Services } from '../services';
import { defineRoute, type RouteDefinition } from '../shared/http/route';
import { pagination } from '../shared/pagination';
import type { AuditRow } from './audit.table';
import { auditPageSchema, auditQuerySchema } from './audit.schemas';

function toEntry(row: AuditRow) {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actorUserId: row.actorUserId,
    actorEmail: row.actorEmail,
    organisationId: row.organisationId,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
  };
}

function changesOf(row: AuditRow): { field: string; before: string; after: string }[] {
  const keys = new Set([...Object.keys(row.before ?? {}), ...Object.keys(row.after ?? {})]);
  const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return [...keys].map((field) => ({ field, before: show(row.before?.[field]), after: show(row.after?.[field]) }));
}

export function auditRoutes(services: Services): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit',
      surface: 'api',
      access: 'user',
      summary: 'Read the audit log',
      description: 'Owners read their organisations\' entries; administrators read all. Newest first, paged.',
      tags: ['Audit'],
      query: auditQuerySchema,
      responses: [{ status: 200, description: 'A page of audit entries', schema: auditPageSchema }],
      handler: async ({ actor, query }) => {
        const result = await services.audit.list(actor, query);
        return { items: result.rows.map(toEntry), page: result.page, pageSize: result.pageSize, total: result.total };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit',
      surface: 'page',
      access: 'user',
      summary: 'Audit log page',
      query: auditQuerySchema,
      handler: async (ctx) => {
        const result = await services.audit.list(ctx.actor, ctx.query);
        const organisations = ctx.actor.isAdmin ? null : ctx.actor.memberships.filter((m) => m.role === 'owner');
        ctx.render('audit/list', {
          title: ctx.t('audit.title'),
          nav: 'audit',
          filter: { ...ctx.query, from: ctx.query.from?.toISOString().slice(0, 10), to: ctx.query.to?.toISOString().slice(0, 10) },
          ownedOrganisations: organisations,
          actions: await services.audit.actions(),
          entries: result.rows.map((row) => ({ ...toEntry(row), changes: changesOf(row) })),
          pager: pagination({ page: result.page, pageSize: result.pageSize, total: result.total, basePath: '/audit', query: ctx.query }),
        });
      },
    }),
  ];
}
