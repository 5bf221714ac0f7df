import { DEMO_PASSWORD, seedDemo } from '../../server/demo/demo.seed';
import { isValidOrgNumber } from '../../server/shared/org-number';
import { createTestApp, type TestContext } from '../helpers/app';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

async function login(email: string) {
  const agent = ctx.request();
  const res = await agent.post('/api/session').send({ email, password: DEMO_PASSWORD });
  expect(res.status).toBe(201);
  return agent;
}

describe('demo vendors', () => {
  test('When the demo is seeded twice, then there are three fictional vendors with made-up organisation numbers, eight products with versions and the usages once', async () => {
    await seedDemo(ctx.services);
    await seedDemo(ctx.services);
    const buyer = await login('innkjoper@eksempelby.example');
    const vendors = (await buyer.get('/api/vendors').query({ q: '(demo)' })).body.items as { name: string; orgNumber: string; website: string }[];
    expect(vendors.map((v) => v.name)).toEqual(['Fiktiv Fagsystem AS (demo)', 'Oppdiktet Data AS (demo)', 'Tenkt Programvare AS (demo)']);
    for (const vendor of vendors) {
      expect(isValidOrgNumber(vendor.orgNumber)).toBe(true);
      expect(vendor.orgNumber.startsWith('1')).toBe(true);
      expect(vendor.website).toMatch(/^https:\/\/[a-z-]+\.example$/);
    }
    const products = (await buyer.get('/api/products').query({ pageSize: 100 })).body.items as { name: string; domains: string[]; latestVersion: string | null }[];
    expect(products).toHaveLength(8);
    expect(products.every((p) => p.latestVersion !== null)).toBe(true);
    expect(new Set(products.flatMap((p) => p.domains)).size).toBeGreaterThanOrEqual(8);
    const usages = (await buyer.get('/api/usages')).body.items as { exitPlanStatus: string; organisationName: string }[];
    expect(usages).toHaveLength(6);
    expect(new Set(usages.map((u) => u.exitPlanStatus))).toEqual(new Set(['none', 'draft', 'approved']));
    expect(usages.every((u) => u.organisationName === 'Eksempelby kommune (demo)')).toBe(true);
  });

  test('When the demo buyer opens the exposure page, then contracts ending soon, a missed notice deadline and missing exit plans show', async () => {
    const buyer = await login('eier@eksempelby.example');
    const exposure = (await buyer.get('/api/usages/exposure')).body;
    expect(exposure.endingContracts.map((u: { productName: string }) => u.productName)).toEqual(['Saksflyt', 'Elevportalen', 'Kartverktøy', 'Omsorgsjournal']);
    expect(exposure.withoutApprovedExitPlan).toHaveLength(4);
    const page = await buyer.get('/vendors/exposure');
    expect(page.text).toContain('Fristen for oppsigelse er passert');
  });

  test('When the demo vendor logs in, then the portal shows only Fiktiv Fagsystem\'s products', async () => {
    const vendor = await login('leverandor@fiktiv.example');
    const portal = await vendor.get('/vendors');
    expect(portal.text).toContain('Elevportalen');
    expect(portal.text).toContain('Omsorgsjournal');
    expect(portal.text).not.toContain('Saksflyt');
    expect(portal.text).not.toContain('Eksempelby');
  });
});
