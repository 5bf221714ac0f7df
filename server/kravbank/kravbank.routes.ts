import type { RouteDefinition } from '../shared/http/route';
import type { TendersService } from '../tenders/tenders.service';
import { kravbankApi } from './kravbank.api';
import { kravbankPages } from './kravbank.pages';
import type { KravbankService } from './kravbank.service';

/** The Kravbank feature's route table: its API and its pages. */
export function kravbankRoutes(deps: { kravbank: KravbankService; tenders: Pick<TendersService, 'view'>; uploadLimitBytes: number }): RouteDefinition[] {
  return [...kravbankApi(deps), ...kravbankPages(deps)];
}
