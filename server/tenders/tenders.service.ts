import { accessOf, createTenderLoaders, type TendersServiceDeps } from './tenders.access';
import { createTenderEditing } from './tender-editing.service';
import { createTenderIssuing } from './tender-issuing.service';
import { createTenderResponses } from './tender-responses.service';

/**
 * The tenders feature's service: reading a tender, and its use cases (editing, issuing,
 * responses) as one object, each built from the same loaders and access rules.
 */
export function createTendersService(deps: TendersServiceDeps) {
  const loaders = createTenderLoaders(deps);
  const issuing = createTenderIssuing(deps, loaders);
  return {
    accessOf,
    view: loaders.view,
    summaryView: loaders.summaryView,
    item: loaders.item,
    ...createTenderEditing(deps, loaders),
    ...issuing,
    ...createTenderResponses(deps, loaders, issuing),
  };
}

export type TendersService = ReturnType<typeof createTendersService>;
