import type { PublicUrl } from '../organisations/organisations.views';
import type { RouteDefinition } from '../shared/http/route';
import { vendorsApi } from './vendors.api';
import { vendorsPages } from './vendors.pages';
import type { VendorsService } from './vendors.service';

/** The vendors' route table: register, invitations, usages and exposure, as API and pages. */
export function vendorRoutes(deps: { vendors: VendorsService; publicUrl: PublicUrl }): RouteDefinition[] {
  return [...vendorsApi(deps), ...vendorsPages(deps)];
}
