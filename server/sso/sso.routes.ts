import type { RouteDefinition } from '../shared/http/route';
import { ssoApi } from './sso.api';
import { ssoPages, type SsoPagesDeps } from './sso.pages';

/** The single sign-on route table: the API, then the login, callback and settings pages. */
export function ssoRoutes(deps: SsoPagesDeps): RouteDefinition[] {
  return [...ssoApi(deps), ...ssoPages(deps)];
}
