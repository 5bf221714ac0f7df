import type { RouteDefinition } from '../shared/http/route';
import { checkRunsApi } from './check-runs.api';
import { checkRunsPages } from './check-runs.pages';
import type { CheckRunsService } from './check-runs.service';

/** The check runs' route table: the API, then the report page and the tender's bidder checks. */
export function checkRunRoutes(deps: { checkRuns: CheckRunsService }, options: { uploadLimitBytes: number }): RouteDefinition[] {
  return [...checkRunsApi(deps, options), ...checkRunsPages(deps, options)];
}
