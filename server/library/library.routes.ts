import type { RouteDefinition } from '../shared/http/route';
import { libraryApi } from './library.api';
import { libraryPages } from './library.pages';
import type { LibraryService } from './library.service';

/** The library's route table: its API and its pages. */
export function libraryRoutes(deps: { library: LibraryService }): RouteDefinition[] {
  return [...libraryApi(deps), ...libraryPages(deps)];
}
