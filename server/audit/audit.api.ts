import { routeFamily, type RouteDefinition } from '../shared/http/route';
import { auditPageSchema, auditQuerySchema, auditVerificationSchema, auditVerifyQuerySchema } from './audit.schemas';
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
    api({
      method: 'get',
      path: '/api/audit/verify',
      summary: 'Verify the audit log\'s hash chains',
      description:
        'Recomputes every entry\'s SHA-256 and its link to the entry before it, one chain per organisation and one for the installation. ' +
        'Owners verify their organisations\' chains; administrators every chain. Names the first broken entry and gives each chain\'s head.',
      query: auditVerifyQuerySchema,
      responses: [{ status: 200, description: 'The result of the check, valid or not', schema: auditVerificationSchema }],
      handler: ({ actor, query }) => deps.audit.verify(actor, query),
    }),
  ];
}
