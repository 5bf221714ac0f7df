import { randomUUID } from 'node:crypto';
import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, orgNumberFrom, type LoggedIn } from '../helpers/factories';
import { createProduct, createVersion, csrfOf, recordUsage } from './fixtures';

/**
 * Two vendors, each with a product and a version, and a municipality using the rival's product.
 * A user of the first vendor must find nothing of the second, nor of the municipality: every
 * object is "not found", never "forbidden", so ids reveal nothing.
 */
let ctx: TestContext;
let ownVendor: OrganisationRow;
let rival: OrganisationRow;
let vendorUser: LoggedIn;
let buyerEditor: LoggedIn;
let own: { productId: string; versionId: string };
let theirs: { productId: string; versionId: string; usageId: string };

beforeAll(async () => {
  ctx = await createTestApp();
  const city = await buildOrganisation(ctx.services, { name: 'Kundeby kommune' });
  ownVendor = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Egen Programvare AS', orgNumber: orgNumberFrom('92000001') });
  rival = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Hemmelig Rival AS', orgNumber: orgNumberFrom('92000002') });
  vendorUser = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[ownVendor, 'owner']] }));
  const rivalUser = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[rival, 'owner']] }));
  buyerEditor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'editor']] }));

  const ownProduct = await createProduct(vendorUser, undefined, { name: 'Egen journal' });
  own = { productId: ownProduct.id, versionId: (await createVersion(vendorUser, ownProduct.id, '1.0')).id };
  const rivalProduct = await createProduct(rivalUser, undefined, { name: 'Rivalens journal' });
  const rivalVersion = await createVersion(rivalUser, rivalProduct.id, '9.0');
  const usage = await recordUsage(buyerEditor, { productId: rivalProduct.id, contractEnd: '2027-12-31', exitPlanStatus: 'none', note: 'Intern merknad om rivalen' });
  theirs = { productId: rivalProduct.id, versionId: rivalVersion.id, usageId: usage.id };
});
afterAll(() => ctx.close());

type Call = [method: 'get' | 'post' | 'patch' | 'delete', path: () => string, body?: () => Record<string, unknown>];

const rivalObjects: [string, Call][] = [
  ['the rival vendor', ['get', () => `/api/vendors/${rival.id}`]],
  ['changing the rival vendor', ['patch', () => `/api/vendors/${rival.id}`, () => ({ website: 'https://kapret.example', version: 1 })]],
  ['the rival vendor\'s invitations', ['get', () => `/api/vendors/${rival.id}/invitations`]],
  ['inviting into the rival vendor', ['post', () => `/api/vendors/${rival.id}/invitations`, () => ({ email: 'spion@example.no' })]],
  ['withdrawing a rival invitation', ['delete', () => `/api/vendors/${rival.id}/invitations/${randomUUID()}`]],
  ['the rival product', ['get', () => `/api/products/${theirs.productId}`]],
  ['changing the rival product', ['patch', () => `/api/products/${theirs.productId}`, () => ({ name: 'Kapret', version: 1 })]],
  ['a product for the rival vendor', ['post', () => '/api/products', () => ({ vendorId: rival.id, name: 'Innsmett', domains: ['school'], deployment: 'saas' })]],
  ['the rival product\'s versions', ['get', () => `/api/products/${theirs.productId}/versions`]],
  ['a version of the rival product', ['post', () => `/api/products/${theirs.productId}/versions`, () => ({ label: '9.1' })]],
  ['changing the rival version', ['patch', () => `/api/products/${theirs.productId}/versions/${theirs.versionId}`, () => ({ label: '9.0-kapret', version: 1 })]],
  ['the rival version under one\'s own product', ['patch', () => `/api/products/${own.productId}/versions/${theirs.versionId}`, () => ({ label: 'blandet', version: 1 })]],
  ['the municipality\'s usage', ['get', () => `/api/usages/${theirs.usageId}`]],
  ['changing the municipality\'s usage', ['patch', () => `/api/usages/${theirs.usageId}`, () => ({ note: 'endret', version: 1 })]],
  ['removing the municipality\'s usage', ['delete', () => `/api/usages/${theirs.usageId}`]],
  ['a guessed vendor id', ['get', () => `/api/vendors/${randomUUID()}`]],
  ['a guessed product id', ['get', () => `/api/products/${randomUUID()}`]],
  ['a guessed version id', ['patch', () => `/api/products/${own.productId}/versions/${randomUUID()}`, () => ({ label: 'x', version: 1 })]],
  ['a guessed usage id', ['get', () => `/api/usages/${randomUUID()}`]],
  ['the rival vendor page', ['get', () => `/vendors/${rival.id}`]],
  ['the rival product page', ['get', () => `/products/${theirs.productId}`]],
  ['the municipality\'s usage page', ['get', () => `/usages/${theirs.usageId}`]],
];

describe('a vendor user and everything that is not theirs', () => {
  test.each(rivalObjects)('When a vendor user asks for %s, then the answer is 404 and names nothing of it', async (_name, [method, path, body]) => {
    let request = vendorUser.agent[method](path());
    if (method !== 'get') request = request.set('X-CSRF-Token', vendorUser.csrf).send(body?.() ?? {});
    const res = await request;
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('Hemmelig Rival');
    expect(res.text).not.toContain('Rivalens journal');
    expect(res.text).not.toContain('Intern merknad');
  });

  test('When a vendor user lists vendors, products and usages, then only their own vendor and products come back, and no usages', async () => {
    const vendors = await vendorUser.agent.get('/api/vendors');
    expect(vendors.body.items.map((v: { name: string }) => v.name)).toEqual(['Egen Programvare AS']);
    const products = await vendorUser.agent.get('/api/products');
    expect(products.body.items.map((p: { name: string }) => p.name)).toEqual(['Egen journal']);
    expect((await vendorUser.agent.get('/api/products').query({ vendorId: rival.id })).body).toMatchObject({ items: [], total: 0 });
    expect((await vendorUser.agent.get('/api/vendors').query({ q: 'Hemmelig' })).body.total).toBe(0);
    expect((await vendorUser.agent.get('/api/usages')).body).toMatchObject({ items: [], total: 0 });
    expect((await vendorUser.agent.get('/api/usages').query({ productId: own.productId })).body.items).toEqual([]);
  });

  test('When a vendor user opens the pages, then no rival and no municipality appears anywhere', async () => {
    for (const path of ['/vendors', '/products', '/usages', '/vendors/exposure', `/vendors/${ownVendor.id}`, `/products/${own.productId}`]) {
      const res = await vendorUser.agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.text).not.toContain('Hemmelig Rival');
      expect(res.text).not.toContain('Kundeby');
    }
  });

  test('When the municipality uses the vendor\'s own product, then the vendor still does not see the usage', async () => {
    const usage = await recordUsage(buyerEditor, { productId: own.productId, contractEnd: '2028-06-30', exitPlanStatus: 'draft', note: 'Vi vurderer å bytte' });
    expect((await vendorUser.agent.get(`/api/usages/${usage.id}`)).status).toBe(404);
    const productPage = await vendorUser.agent.get(`/products/${own.productId}`);
    expect(productPage.text).not.toContain('Kundeby');
    expect(productPage.text).not.toContain('Vi vurderer å bytte');
    const buyerView = await buyerEditor.agent.get(`/products/${own.productId}`);
    expect(buyerView.text).toContain('Kundeby kommune');
  });

  test('When a vendor user posts the page forms of a rival\'s objects, then the answer is a 404 page and nothing changes', async () => {
    const csrf = csrfOf((await vendorUser.agent.get('/vendors')).text);
    const posts: [string, Record<string, unknown>][] = [
      [`/vendors/${rival.id}`, { name: 'Kapret AS', orgNumber: orgNumberFrom('92000003'), website: '' }],
      [`/vendors/${rival.id}/products`, { name: 'Innsmett', description: '', 'domains[]': ['school'], deployment: 'saas' }],
      [`/vendors/${rival.id}/invitations`, { email: 'spion@example.no' }],
      [`/products/${theirs.productId}`, { name: 'Kapret', description: '', 'domains[]': ['school'], deployment: 'saas' }],
      [`/products/${theirs.productId}/versions`, { label: '9.1', releaseDate: '' }],
      [`/products/${theirs.productId}/versions/${theirs.versionId}`, { label: 'kapret', releaseDate: '' }],
      [`/usages/${theirs.usageId}`, { contractStart: '', contractEnd: '', noticeMonths: '', exitPlanStatus: 'approved', note: '' }],
      [`/usages/${theirs.usageId}/remove`, {}],
    ];
    for (const [path, body] of posts) {
      const res = await vendorUser.agent.post(path).type('form').send({ _csrf: csrf, ...body });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.text).not.toContain('Hemmelig Rival');
    }
    const rivalProduct = await buyerEditor.agent.get(`/api/products/${theirs.productId}`);
    expect(rivalProduct.body).toMatchObject({ name: 'Rivalens journal', versions: [{ label: '9.0' }] });
    expect((await buyerEditor.agent.get(`/api/usages/${theirs.usageId}`)).body.exitPlanStatus).toBe('none');
  });

  test('When a vendor\'s viewer tries to change their own vendor\'s product, then the answer is 403, not 404', async () => {
    const colleague = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[ownVendor, 'viewer']] }));
    const read = await colleague.agent.get(`/api/products/${own.productId}`);
    expect(read.status).toBe(200);
    const version = (read.body.versions as { id: string; version: number }[]).find((v) => v.id === own.versionId)?.version;
    const res = await colleague.agent.patch(`/api/products/${own.productId}/versions/${own.versionId}`).set('X-CSRF-Token', colleague.csrf).send({ label: '1.0.1', version });
    expect(res.status).toBe(403);
  });
});
