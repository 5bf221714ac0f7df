import type { AuthRepository } from '../auth/auth.repository';
import type { AuditRepository } from '../audit/audit.repository';
import type { Database } from '../db/client';
import type { OrganisationsRepository } from '../organisations/organisations.repository';
import { createUsagesService, type AbsoluteFailureSource } from './usages.service';
import { createVendorInvitationsService } from './vendor-invitations.service';
import { createVendorRegisterService } from './vendor-register.service';
import { canEditUsagesOf, canEditVendor, canInvite, canRegister, createVendorsAccess, defaultBuyerId, seesAllVendors } from './vendors.access';
import type { VendorsRepository } from './vendors.repository';

export type VendorsServiceDeps = {
  db: Database;
  vendorsRepository: VendorsRepository;
  organisationsRepository: OrganisationsRepository;
  authRepository: AuthRepository;
  auditRepository: AuditRepository;
  failingAbsolute?: AbsoluteFailureSource;
  now?: () => Date;
};

/**
 * The vendors feature as one service: the register (vendors, products, versions, the vendor
 * portal), invitations of vendor contacts, buyers' usages and their lock-in exposure, and the
 * access rules the pages ask about. The three use cases share their access checks
 * (`vendors.access.ts`).
 */
export function createVendorsService(deps: VendorsServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const access = createVendorsAccess(deps);
  return {
    seesAllVendors,
    canRegister,
    canEditVendor,
    canInvite,
    canEditUsagesOf,
    defaultBuyerId,
    ...createVendorRegisterService({ ...deps, access }),
    ...createVendorInvitationsService({ ...deps, access, now }),
    ...createUsagesService({ ...deps, access, now }),
  };
}

export type VendorsService = ReturnType<typeof createVendorsService>;
