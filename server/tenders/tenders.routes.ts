import type { RouteDefinition } from '../shared/http/route';
import { tendersApi } from './tenders.api';
import { tendersPages, type TendersPagesDeps } from './tenders.pages';

/** The tenders feature's route table: its API (with saved selections) and its pages. */
export function tenderRoutes(deps: TendersPagesDeps): RouteDefinition[] {
  return [...tendersApi(deps), ...tendersPages(deps)];
}
