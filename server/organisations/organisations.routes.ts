import type { RouteDefinition } from '../shared/http/route';
import { organisationsApi } from './organisations.api';
import { organisationsPages, type OrganisationPagesDeps } from './organisations.pages';

/** The organisations' route table: organisations, members and invitations, as API and pages. */
export function organisationRoutes(deps: OrganisationPagesDeps): RouteDefinition[] {
  return [...organisationsApi(deps), ...organisationsPages(deps)];
}
