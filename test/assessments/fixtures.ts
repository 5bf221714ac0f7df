import { ensureBaselineProfile } from '../../server/assessments/assessments.service';
import type { Domain } from '../../server/library/library.codes';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { Services } from '../../server/services';
import { products, productVersions, type ProductRow, type ProductVersionRow } from '../../server/vendors/vendors.table';
import { unique } from '../helpers/factories';
import { syncLibraryFrom } from '../helpers/library';

/** The shipped library and the baseline profile, as a started installation has them. */
export async function syncLibraryAndBaseline(services: Services): Promise<string> {
  await syncLibraryFrom(services);
  const baseline = await ensureBaselineProfile(services);
  if (!baseline) throw new Error('the baseline profile was not created');
  return baseline.id;
}

/** The id of the shipped baseline profile, in a test app made with the seed `baseline`. */
export async function shippedBaselineId(services: Services): Promise<string> {
  const baseline = await ensureBaselineProfile(services);
  if (!baseline) throw new Error('the baseline profile is missing');
  return baseline.id;
}

/** A product of a vendor with versions, written straight to the vendor register's tables. */
export async function buildProduct(
  services: Services,
  vendor: OrganisationRow,
  overrides: Partial<{ name: string; domains: Domain[]; versions: string[] }> = {},
): Promise<{ product: ProductRow; versions: ProductVersionRow[] }> {
  const { db } = services.database;
  const [product] = await db
    .insert(products)
    .values({ vendorOrganisationId: vendor.id, name: overrides.name ?? `Fagsystem ${unique()}`, domains: overrides.domains ?? ['school'], deployment: 'saas' })
    .returning();
  const versions: ProductVersionRow[] = [];
  for (const [n, label] of (overrides.versions ?? ['1.0']).entries()) {
    const [row] = await db
      .insert(productVersions)
      .values({ productId: (product as ProductRow).id, label, releaseDate: `2026-0${Math.min(n + 1, 9)}-01` })
      .returning();
    versions.push(row as ProductVersionRow);
  }
  return { product: product as ProductRow, versions };
}

/** A minimal valid file of each accepted evidence type. */
export const SAMPLE_FILES = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  png: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  txt: Buffer.from('Eksporten ble testet 1. mars.\n', 'utf8'),
};
