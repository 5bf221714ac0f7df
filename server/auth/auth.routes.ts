import type { RouteDefinition } from '../shared/http/route';
import { authApi } from './auth.api';
import { authPages, type ExternalLogins } from './auth.pages';
import type { AuthService } from './auth.service';
import type { SessionSettings } from './session-http';

/** The auth route table: the session API and tokens, and the login, logout and account pages. */
export function authRoutes(deps: SessionSettings & { auth: AuthService; externalLogins?: ExternalLogins | undefined }): RouteDefinition[] {
  return [...authApi(deps), ...authPages(deps)];
}
