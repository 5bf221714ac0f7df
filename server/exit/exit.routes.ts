import type { RouteDefinition } from '../shared/http/route';
import { exitApi } from './exit.api';
import type { ExitService } from './exit.service';

/** Leaving Datakrav: the export's API. */
export function exitRoutes(deps: { exit: ExitService }): RouteDefinition[] {
  return [...exitApi(deps)];
}
