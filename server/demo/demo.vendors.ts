import type { Domain } from '../library/library.codes';
import type { Services } from '../services';
import { demoActor } from './demo.actors';
import { addMonths, localDate } from '../vendors/contract-dates';
import type { Deployment, ExitPlanStatus } from '../vendors/vendors.table';

const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];

/**
 * A made-up organisation number that passes the MOD11 check. Real ones in Enhetsregisteret begin
 * with 8 or 9; these begin with 1, so they can never name a real company.
 */
export function fictionalOrgNumber(first8: string): string {
  if (!/^1[0-9]{7}$/.test(first8)) throw new Error(`fictional organisation numbers start with 1 and have 8 digits before the check digit: ${first8}`);
  const sum = [...first8].reduce((acc, digit, i) => acc + Number(digit) * (WEIGHTS[i] as number), 0);
  const check = (11 - (sum % 11)) % 11;
  if (check === 10) throw new Error(`${first8} has no valid check digit`);
  return `${first8}${check}`;
}

type DemoVendor = { name: string; orgNumberPrefix: string; website: string };
type DemoProduct = { vendor: string; name: string; description: string; domains: Domain[]; deployment: Deployment; versions: [string, string | null][] };
/** Contract end in months from the day of seeding; null for an open-ended contract. */
type DemoUsage = { buyer: string; product: string; startMonths: number; endMonths: number | null; noticeMonths: number | null; exitPlanStatus: ExitPlanStatus; note: string };

const FIKTIV = 'Fiktiv Fagsystem AS (demo)';
const TENKT = 'Tenkt Programvare AS (demo)';
const OPPDIKTET = 'Oppdiktet Data AS (demo)';
const EKSEMPELBY = 'Eksempelby kommune (demo)';
const PROVESTAD = 'Prøvestad kommune (demo)';
/** The demo user who records each buyer's usages (see demo.seed.ts). */
const BUYER_EDITORS: Record<string, string> = { [EKSEMPELBY]: 'innkjoper@eksempelby.example', [PROVESTAD]: 'koordinator@provestad.example' };

const VENDORS: DemoVendor[] = [
  { name: FIKTIV, orgNumberPrefix: '19990001', website: 'https://fiktiv-fagsystem.example' },
  { name: TENKT, orgNumberPrefix: '19990002', website: 'https://tenkt-programvare.example' },
  { name: OPPDIKTET, orgNumberPrefix: '19990004', website: 'https://oppdiktet-data.example' },
];

const PRODUCTS: DemoProduct[] = [
  { vendor: FIKTIV, name: 'Elevportalen', description: 'Fiktivt skoleadministrativt system: elever, fravær, vurdering og timeplan.', domains: ['school'], deployment: 'saas', versions: [['4.2', '2025-09-01'], ['4.3', '2026-02-15']] },
  { vendor: FIKTIV, name: 'Omsorgsjournal', description: 'Fiktiv pasientjournal for helse og omsorg i kommunen.', domains: ['health-care'], deployment: 'hosted', versions: [['2024.1', '2024-03-01'], ['2025.2', '2025-10-01']] },
  { vendor: FIKTIV, name: 'Barnehageopptak', description: 'Fiktivt system for søknad og opptak i barnehage.', domains: ['kindergarten'], deployment: 'saas', versions: [['1.8', '2025-05-20']] },
  { vendor: TENKT, name: 'Saksflyt', description: 'Fiktivt sak- og arkivsystem med Noark-uttrekk.', domains: ['case-archive'], deployment: 'on-premises', versions: [['11.0', '2023-11-01'], ['11.4', '2025-06-01']] },
  { vendor: TENKT, name: 'Lønn og personal', description: 'Fiktivt system for lønn, HR og fravær.', domains: ['hr', 'finance'], deployment: 'saas', versions: [['2026.1', '2026-01-10']] },
  { vendor: TENKT, name: 'Vannverket', description: 'Fiktivt driftssystem for vann og avløp med sensordata.', domains: ['water-sewer'], deployment: 'on-premises', versions: [['3.1', null]] },
  { vendor: OPPDIKTET, name: 'Kartverktøy', description: 'Fiktivt verktøy for plan, byggesak og geodata.', domains: ['planning-geodata'], deployment: 'hosted', versions: [['7.0', '2025-01-15']] },
  { vendor: OPPDIKTET, name: 'Integrasjonsplattform', description: 'Fiktiv plattform som flytter data mellom fagsystemene.', domains: ['all'], deployment: 'saas', versions: [['1.0', '2024-08-01'], ['1.1', '2025-08-01']] },
];

const USAGES: DemoUsage[] = [
  { buyer: EKSEMPELBY, product: 'Elevportalen', startMonths: -56, endMonths: 4, noticeMonths: 6, exitPlanStatus: 'none', note: 'Fristen for oppsigelse er passert; kontrakten forlenges trolig ett år.' },
  { buyer: EKSEMPELBY, product: 'Omsorgsjournal', startMonths: -46, endMonths: 14, noticeMonths: 12, exitPlanStatus: 'draft', note: 'Exitplan under arbeid sammen med arkitekturrådet.' },
  { buyer: EKSEMPELBY, product: 'Saksflyt', startMonths: -97, endMonths: -1, noticeMonths: 6, exitPlanStatus: 'none', note: 'Kontrakten er utløpt, men systemet er fortsatt i drift.' },
  { buyer: EKSEMPELBY, product: 'Lønn og personal', startMonths: -6, endMonths: 30, noticeMonths: 6, exitPlanStatus: 'approved', note: '' },
  { buyer: EKSEMPELBY, product: 'Kartverktøy', startMonths: -25, endMonths: 11, noticeMonths: 3, exitPlanStatus: 'approved', note: 'Uttrekk i SOSI og GML er testet.' },
  { buyer: EKSEMPELBY, product: 'Vannverket', startMonths: -120, endMonths: null, noticeMonths: null, exitPlanStatus: 'draft', note: 'Løpende avtale uten sluttdato.' },
  { buyer: PROVESTAD, product: 'Elevportalen', startMonths: -16, endMonths: 20, noticeMonths: 6, exitPlanStatus: 'approved', note: '' },
];

/**
 * Clearly fictional vendors (with made-up organisation numbers), their products and versions,
 * and the demo municipalities' usages with contracts ending at different times and exit plans in
 * every state. Idempotent: what exists is left alone.
 */
export async function seedDemoVendors(services: Services): Promise<void> {
  const { db } = services.database;
  const repos = services.repositories;
  const editor = await demoActor(services, BUYER_EDITORS[EKSEMPELBY] as string, EKSEMPELBY);
  if (!editor) return;
  const { actor, context } = editor;

  const vendorIds = new Map<string, string>();
  for (const vendor of VENDORS) {
    const orgNumber = fictionalOrgNumber(vendor.orgNumberPrefix);
    const existing = await repos.organisations.findByName(db, vendor.name);
    if (!existing) {
      vendorIds.set(vendor.name, (await services.vendors.registerVendor(actor, { name: vendor.name, orgNumber, website: vendor.website }, context)).id);
    } else {
      if (!existing.orgNumber) await services.vendors.updateVendor(actor, existing.id, { orgNumber, website: existing.website ?? vendor.website, version: existing.version }, context);
      vendorIds.set(vendor.name, existing.id);
    }
  }

  const productIds = new Map<string, string>();
  for (const product of PRODUCTS) {
    const vendorId = vendorIds.get(product.vendor) as string;
    const row =
      (await repos.vendors.findProductByName(db, vendorId, product.name)) ??
      (await services.vendors.createProduct(actor, { vendorId, name: product.name, description: product.description, domains: product.domains, deployment: product.deployment }, context));
    productIds.set(product.name, row.id);
    for (const [label, releaseDate] of product.versions) {
      if (!(await repos.vendors.findVersionByLabel(db, row.id, label))) await services.vendors.createVersion(actor, row.id, { label, releaseDate }, context);
    }
  }

  const today = localDate(new Date());
  for (const usage of USAGES) {
    const buyer = await repos.organisations.findByName(db, usage.buyer);
    const recorder = await demoActor(services, BUYER_EDITORS[usage.buyer] as string, usage.buyer);
    const productId = productIds.get(usage.product) as string;
    if (!buyer || !recorder || (await repos.vendors.listUsages(db, { buyerIds: [buyer.id], productId }, { limit: 1, offset: 0 })).total > 0) continue;
    await services.vendors.createUsage(
      recorder.actor,
      {
        organisationId: buyer.id,
        productId,
        contractStart: addMonths(today, usage.startMonths),
        contractEnd: usage.endMonths === null ? null : addMonths(today, usage.endMonths),
        noticeMonths: usage.noticeMonths,
        exitPlanStatus: usage.exitPlanStatus,
        note: usage.note,
      },
      recorder.context,
    );
  }
}
