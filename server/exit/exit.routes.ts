import type { RouteDefinition } from '../shared/http/route';
import { exitApi } from './exit.api';
import { exitPages } from './exit.pages';
import type { ExitService } from './exit.service';

/** Leaving Datakrav: the export's API and pages. */
export function exitRoutes(deps: { exit: ExitService }, settings: { importLimitBytes: number; uploadDir: string }): RouteDefinition[] {
  return [...exitApi(deps, settings), ...exitPages(deps, settings)];
}
