import type { Database } from '../db/client';
import { duplicateOrganisation } from './organisations.errors';
import type { OrganisationsRepository } from './organisations.repository';

/**
 * A name or an organisation number identifies one organisation: refuses either when another
 * organisation (not `exceptId`, the one being changed) already has it.
 */
export async function assertUniqueOrganisation(
  db: Database,
  orgs: OrganisationsRepository,
  identity: { name?: string | undefined; orgNumber?: string | null | undefined },
  exceptId?: string,
): Promise<void> {
  if (identity.name) {
    const existing = await orgs.findByName(db, identity.name);
    if (existing && existing.id !== exceptId) throw duplicateOrganisation('name');
  }
  if (identity.orgNumber) {
    const existing = await orgs.findByOrgNumber(db, identity.orgNumber);
    if (existing && existing.id !== exceptId) throw duplicateOrganisation('orgNumber');
  }
}
