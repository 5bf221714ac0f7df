import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { auditPageSchema, auditQuerySchema } from './audit.schemas';
import type { AuditService } from './audit.service';
import { auditEntry } from './audit.views';

const api = routeFamily({ surface: 'api', access: 'user', tags: ['Audit'] });

export function auditApi(deps: { audit: AuditService }): RouteDefinition[] {
  return [
    api({
      method: 'get',
      path: '/api/audit',
      summary: 'Read the audit log',
      description: 'Owners read their organisations\' entries; administrators read all. Newest first, paged.',
      query: auditQuerySchema,
      responses: [{ status: 200, description: 'A page of audit entries', schema: auditPageSchema }],
      handler: async ({ actor, query }) => {
        const result = await deps.audit.list(actor, query);
        return { items: result.rows.map(auditEntry), page: result.page, pageSize: result.pageSize, total: result.total };
      },
    }),
  ];
}
