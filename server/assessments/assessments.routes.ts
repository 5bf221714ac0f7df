import type { RouteDefinition } from '../shared/http/route';
import { assessmentsApi } from './assessments.api';
import { assessmentsPages, type AssessmentPageDeps } from './assessments.pages';
import { registerApi } from './register.api';
import { registerPages } from './register.pages';

export type AssessmentRouteOptions = { uploadLimitBytes: number; publicRegister: boolean };

/** The assessments' route table: the API, the public register's API, the pages and the public register's page. */
export function assessmentRoutes(deps: AssessmentPageDeps, options: AssessmentRouteOptions): RouteDefinition[] {
  return [...assessmentsApi(deps, options), ...registerApi(deps, options), ...assessmentsPages(deps, options), ...registerPages(deps, options)];
}
