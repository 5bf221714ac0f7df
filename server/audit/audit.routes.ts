import type { RouteDefinition } from '../shared/http/route';
import { auditApi } from './audit.api';
import { auditPages } from './audit.pages';
import type { AuditService } from './audit.service';

/** The audit log's route table: its API and its page. */
export function auditRoutes(deps: { audit: AuditService }): RouteDefinition[] {
  return [...auditApi(deps), ...auditPages(deps)];
}
