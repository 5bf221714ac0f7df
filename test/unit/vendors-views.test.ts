import type { OrganisationRow } from '../../server/organisations/organisations.table';
import type { Exposure, UsageView } from '../../server/vendors/usages.service';
import type { ProductListRow, VendorRow } from '../../server/vendors/vendors.repository';
import type { ProductVersionRow } from '../../server/vendors/vendors.table';
import { exposurePage, newUsagePage, portalPage, productListPage, productPage, usageEditPage, usagesPage, vendorListPage, vendorPage } from '../../server/vendors/vendors.views';

const at = new Date('2026-02-01T09:30:00Z');

const vendor: VendorRow = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'vendor',
  name: 'Fagsystem AS',
  orgNumber: '974760673',
  website: 'https://fagsystem.example',
  parentId: null,
  version: 1,
  createdAt: at,
  updatedAt: at,
  productCount: 1,
};

const buyer: OrganisationRow = { id: '00000000-0000-4000-8000-000000000002', kind: 'buyer', name: 'Eksempelby kommune', orgNumber: null, website: null, parentId: null, version: 1, createdAt: at, updatedAt: at };

const product: ProductListRow = {
  product: {
    id: '00000000-0000-4000-8000-000000000003',
    vendorOrganisationId: vendor.id,
    name: 'Saksbehandler',
    description: 'Sak og arkiv',
    domains: ['all'],
    deployment: 'saas',
    version: 1,
    createdBy: null,
    createdAt: at,
    updatedAt: at,
  },
  vendorName: vendor.name,
  latestVersion: '2.0',
};

const versions: ProductVersionRow[] = [
  { id: '00000000-0000-4000-8000-000000000004', productId: product.product.id, label: '2.0', releaseDate: '2026-01-15', version: 1, createdAt: at },
  { id: '00000000-0000-4000-8000-000000000005', productId: product.product.id, label: '1.0', releaseDate: null, version: 1, createdAt: at },
];

function usage(overrides: Partial<UsageView['usage']> = {}, noticeDeadline: string | null = '2026-09-30'): UsageView {
  return {
    usage: {
      id: '00000000-0000-4000-8000-000000000006',
      version: 1,
      buyerOrganisationId: buyer.id,
      productId: product.product.id,
      contractStart: '2022-01-01',
      contractEnd: '2026-12-31',
      noticeMonths: 3,
      exitPlanStatus: 'draft',
      note: 'Avtale 2022/14',
      createdAt: at,
      updatedAt: at,
      ...overrides,
    },
    buyerName: buyer.name,
    productName: product.product.name,
    vendorId: vendor.id,
    vendorName: vendor.name,
    noticeDeadline,
  };
}

describe('the vendor pages', () => {
  test('When a vendor user opens the portal, then each of their vendors lists its products with versions as the API shows them', () => {
    const view = portalPage([{ vendor, canEdit: true, products: [{ ...product, versions }] }]);
    expect(view.vendors).toHaveLength(1);
    expect(view.vendors[0]?.canEdit).toBe(true);
    expect(view.vendors[0]?.products[0]).toMatchObject({ id: product.product.id, vendorId: vendor.id, name: 'Saksbehandler', latestVersion: '2.0', createdAt: '2026-02-01T09:30:00.000Z' });
    expect(view.vendors[0]?.products[0]?.versions.map((v) => v.label)).toEqual(['2.0', '1.0']);
  });

  test('When the register is listed, then buyers are told apart from council members by whether they have a buyer to work in', () => {
    expect(vendorListPage({ vendors: [vendor], canRegister: true, defaultBuyerId: buyer.id })).toMatchObject({ canRegister: true, isBuyer: true, vendors: [{ name: 'Fagsystem AS', productCount: 1, updatedAt: '2026-02-01T09:30:00.000Z' }] });
    expect(vendorListPage({ vendors: [], canRegister: false, defaultBuyerId: null })).toEqual({ vendors: [], canRegister: false, isBuyer: false });
  });

  test('When the products list is shown, then the vendor filter offers each vendor by id and name only, with the codes for the other filters', () => {
    const view = productListPage({ products: [product], vendors: [vendor], defaultBuyerId: null });
    expect(view.vendors).toEqual([{ id: vendor.id, name: 'Fagsystem AS' }]);
    expect(view.isBuyer).toBe(false);
    expect(view.codes.deployments).toEqual(['saas', 'hosted', 'on-premises']);
    expect(view.codes.exitPlans).toEqual(['none', 'draft', 'approved']);
  });

  test('When a vendor page is shown, then its pending invitations never carry a token, and the product form starts with no domain chosen', () => {
    const invitation = { id: '00000000-0000-4000-8000-000000000007', organisationId: vendor.id, email: 'kontakt@fagsystem.example', role: 'owner' as const, tokenHash: 'hash', invitedBy: null, createdAt: at, expiresAt: new Date('2026-02-15T09:30:00Z'), acceptedAt: null, acceptedBy: null, revokedAt: null };
    const view = vendorPage({ vendor, products: [product], canEdit: false, canInvite: true, invitations: [invitation] });
    expect(view.invitations).toEqual([{ id: invitation.id, email: 'kontakt@fagsystem.example', role: 'owner', createdAt: '2026-02-01T09:30:00.000Z', expiresAt: '2026-02-15T09:30:00.000Z' }]);
    expect(view.productValues).toEqual({ domains: [] });
    expect(view.vendor.website).toBe('https://fagsystem.example');
    expect(view.canEdit).toBe(false);
  });

  test('When a product page is shown, then the edit form is filled in with the product, and usages are offered only where the viewer can see and record them', () => {
    const forBuyer = productPage({ product: { ...product, versions }, usages: [usage()], canEdit: false, recordableBuyers: [{ id: buyer.id, name: buyer.name }], viewer: { isAdmin: false, defaultBuyerId: buyer.id } });
    expect(forBuyer.productValues).toStrictEqual(forBuyer.product);
    expect(forBuyer.product.versions).toHaveLength(2);
    expect(forBuyer).toMatchObject({ canRecordUsage: true, showUsages: true });
    expect(forBuyer.usages[0]).toMatchObject({ organisationName: 'Eksempelby kommune', noticeDeadline: '2026-09-30' });

    const forVendor = productPage({ product: { ...product, versions }, usages: [], canEdit: true, recordableBuyers: [], viewer: { isAdmin: false, defaultBuyerId: null } });
    expect(forVendor).toMatchObject({ canEdit: true, canRecordUsage: false, showUsages: false });

    const forAdministrator = productPage({ product: { ...product, versions }, usages: [], canEdit: true, recordableBuyers: [], viewer: { isAdmin: true, defaultBuyerId: null } });
    expect(forAdministrator.showUsages).toBe(true);
  });
});

describe('the usage pages', () => {
  test('When a usage form is shown again after a mistake, then what was typed replaces what is recorded, field by field', () => {
    const view = usageEditPage(usage(), true, { contractEnd: '2025-01-01', note: '' }, [{ path: 'contractEnd', message: 'must be on or after the contract start' }]);
    expect(view.values).toMatchObject({ contractStart: '2022-01-01', contractEnd: '2025-01-01', note: '', noticeMonths: 3, exitPlanStatus: 'draft' });
    expect(view.usage.contractEnd).toBe('2026-12-31');
    expect(view.errors).toHaveLength(1);
  });

  test('When the new usage form opens, then it proposes no exit plan and the default buyer, unless the link or the user named others', () => {
    const fresh = newUsagePage({ buyers: [{ id: buyer.id, name: buyer.name }], products: [product], defaultBuyerId: buyer.id }, {}, []);
    expect(fresh.values).toEqual({ exitPlanStatus: 'none', organisationId: buyer.id });
    expect(fresh.usage).toBeNull();
    expect(fresh.canEdit).toBe(true);
    expect(fresh.products.map((p) => p.name)).toEqual(['Saksbehandler']);

    const named = newUsagePage({ buyers: [{ id: buyer.id, name: buyer.name }], products: [], defaultBuyerId: buyer.id }, { organisationId: 'other', productId: product.product.id, exitPlanStatus: 'approved' }, []);
    expect(named.values).toEqual({ exitPlanStatus: 'approved', organisationId: 'other', productId: product.product.id });
  });

  test('When the user may record for no buyer, then the new usage form cannot be sent', () => {
    expect(newUsagePage({ buyers: [], products: [product], defaultBuyerId: null }, {}, []).canEdit).toBe(false);
  });

  test('When no buyer is chosen on the usages page, then only the choices are shown, and a user with none is told they are no buyer', () => {
    expect(usagesPage({ organisation: null, choices: [], usages: [], canEdit: false })).toEqual({ organisation: null, choices: [], isBuyer: false, usages: [], canEdit: false });
    const chosen = usagesPage({ organisation: buyer, choices: [{ id: buyer.id, name: buyer.name }], usages: [usage()], canEdit: true });
    expect(chosen.isBuyer).toBe(true);
    expect(chosen.usages[0]).toMatchObject({ productName: 'Saksbehandler', exitPlanStatus: 'draft', createdAt: '2026-02-01T09:30:00.000Z' });
  });

  test('When the exposure is shown, then each list keeps the usage fields and adds what put the usage there', () => {
    const ended = usage({ id: '00000000-0000-4000-8000-000000000008', contractEnd: '2025-12-31', exitPlanStatus: 'none' }, '2025-09-30');
    const exposure: Exposure = {
      organisation: buyer,
      today: '2026-02-01',
      horizonMonths: 18,
      horizonEnd: '2027-08-01',
      endingContracts: [{ ...ended, ended: true, noticePassed: true }],
      withoutApprovedExitPlan: [ended],
      failingAbsolute: { available: true, items: [{ ...ended, failingKeys: ['DA-01', 'DA-04'] }] },
    };
    const view = exposurePage({ exposure, choices: [{ id: buyer.id, name: buyer.name }], horizonMonths: 18 });
    expect(view.exposure).toMatchObject({ organisationId: buyer.id, organisationName: 'Eksempelby kommune', horizonEnd: '2027-08-01' });
    expect(view.exposure?.endingContracts[0]).toMatchObject({ id: ended.usage.id, contractEnd: '2025-12-31', noticeDeadline: '2025-09-30', ended: true, noticePassed: true });
    expect(view.exposure?.withoutApprovedExitPlan[0]).not.toHaveProperty('ended');
    expect(view.exposure?.failingAbsolute).toEqual({ available: true, items: [expect.objectContaining({ id: ended.usage.id, failingKeys: ['DA-01', 'DA-04'] })] });
  });

  test('When no buyer is chosen on the exposure page, then there is no exposure to show, only the horizon and the choices', () => {
    expect(exposurePage({ exposure: null, choices: [], horizonMonths: 24 })).toEqual({ exposure: null, choices: [], isBuyer: false, horizonMonths: 24 });
  });
});
