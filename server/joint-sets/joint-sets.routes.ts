import type { RouteDefinition } from '../shared/http/route';
import type { TendersService } from '../tenders/tenders.service';
import { jointSetApi } from './joint-sets.api';
import type { JointSetPackages } from './joint-sets.package';
import { jointSetPages } from './joint-sets.pages';
import type { JointSetsService } from './joint-sets.service';

/**
 * The joint sets' route table: their API and their pages; packages are uploaded up to
 * `uploadLimitBytes`. A tender started from a revision is answered as the tenders read it.
 */
export function jointSetRoutes(deps: { jointSets: JointSetsService; jointSetPackages: JointSetPackages; tenders: Pick<TendersService, 'view'> }, uploadLimitBytes: number): RouteDefinition[] {
  return [...jointSetApi(deps, uploadLimitBytes), ...jointSetPages(deps, uploadLimitBytes)];
}
