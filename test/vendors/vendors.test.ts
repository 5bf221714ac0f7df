import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, orgNumberFrom, type LoggedIn } from '../helpers/factories';
import { createProduct, createVersion, csrfOf, freshOrgNumber, registerVendor } from './fixtures';

let ctx: TestContext;
let city: OrganisationRow;
let editor: LoggedIn;
let viewer: LoggedIn;
let councilAssessor: LoggedIn;
let vendorOwner: LoggedIn;
let vendorViewer: LoggedIn;
let ownVendor: OrganisationRow;
let admin: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp();
  city = await buildOrganisation(ctx.services, { name: 'Registerby kommune' });
  const council = await buildOrganisation(ctx.services, { kind: 'council', parentId: city.id, name: 'Arkitekturrådet i Registerby' });
  ownVendor = await buildOrganisation(ctx.services, { kind: 'vendor', name: 'Egen Leverandør AS', orgNumber: orgNumberFrom('91000001') });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Ina Innkjøper', memberships: [[city, 'editor']] }));
  viewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[city, 'viewer']] }));
  councilAssessor = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[council, 'assessor']] }));
  vendorOwner = await loginAs(ctx, await buildUser(ctx.services, { name: 'Lars Leverandør', memberships: [[ownVendor, 'owner']] }));
  vendorViewer = await loginAs(ctx, await buildUser(ctx.services, { memberships: [[ownVendor, 'viewer']] }));
  admin = await loginAs(ctx, await buildUser(ctx.services, { isAdmin: true }));
});
afterAll(() => ctx.close());

async function auditOf(organisationId: string, action: string) {
  const res = await admin.agent.get('/api/audit').query({ organisationId, action });
  expect(res.status).toBe(200);
  return res.body.items as { action: string; entityId: string; actorEmail: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[];
}

describe('registering vendors', () => {
  test('When a buyer\'s editor registers a vendor, then every buyer member finds it by name or number, and the audit log says who registered what', async () => {
    const orgNumber = freshOrgNumber();
    const res = await editor.agent.post('/api/vendors').set('X-CSRF-Token', editor.csrf).send({ name: 'Skolesystemer AS', orgNumber: `${orgNumber.slice(0, 3)} ${orgNumber.slice(3, 6)} ${orgNumber.slice(6)}`, website: 'https://skolesystemer.example' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Skolesystemer AS', orgNumber, website: 'https://skolesystemer.example', productCount: 0 });

    const byName = await viewer.agent.get('/api/vendors').query({ q: 'skolesys' });
    expect(byName.body.items.map((v: { name: string }) => v.name)).toEqual(['Skolesystemer AS']);
    const byNumber = await councilAssessor.agent.get('/api/vendors').query({ q: orgNumber });
    expect(byNumber.body.items.map((v: { id: string }) => v.id)).toEqual([res.body.id]);

    const [entry] = await auditOf(res.body.id, 'vendor.registered');
    expect(entry).toMatchObject({ entityId: res.body.id, actorEmail: editor.user.email, after: { name: 'Skolesystemer AS', orgNumber, kind: 'vendor' } });
  });

  test('When a council\'s assessor registers a vendor, then it is registered; a buyer\'s viewer and a vendor user are refused with 403', async () => {
    await registerVendor(councilAssessor, { name: 'Rådets Leverandør AS' });
    for (const who of [viewer, vendorOwner]) {
      const res = await who.agent.post('/api/vendors').set('X-CSRF-Token', who.csrf).send({ name: 'Ikke Tillatt AS', orgNumber: freshOrgNumber() });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('vendor.register_role_required');
    }
    expect((await admin.agent.get('/api/vendors').query({ q: 'Ikke Tillatt' })).body.total).toBe(0);
  });

  test.each([
    ['a wrong check digit', { orgNumber: '974760674' }, 'orgNumber', /check digit/],
    ['no organisation number', { orgNumber: undefined }, 'orgNumber', /is required/],
    ['eight digits', { orgNumber: '97476067' }, 'orgNumber', /nine digits/],
    ['a website that is not http(s)', { website: 'javascript:alert(1)' }, 'website', /https:\/\//],
    ['a one-letter name', { name: 'X' }, 'name', /at least 2/],
    ['a field the API does not know', { kind: 'buyer' }, '(body)', /kind/],
  ])('When the vendor has %s, then the answer is a 400 problem naming the field', async (_case, overrides, path, message) => {
    const res = await editor.agent.post('/api/vendors').set('X-CSRF-Token', editor.csrf).send({ name: 'Feil AS', orgNumber: freshOrgNumber(), ...overrides });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation.failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
  });

  test('When an organisation number or name is already registered, then the answer is 409 naming the field', async () => {
    const existing = await registerVendor(editor);
    const sameNumber = await editor.agent.post('/api/vendors').set('X-CSRF-Token', editor.csrf).send({ name: 'Annet Navn AS', orgNumber: existing.orgNumber });
    expect(sameNumber.status).toBe(409);
    expect(sameNumber.body.errors).toEqual([{ path: 'orgNumber', message: 'is already in use' }]);
    const sameName = await editor.agent.post('/api/vendors').set('X-CSRF-Token', editor.csrf).send({ name: existing.name.toUpperCase(), orgNumber: freshOrgNumber() });
    expect(sameName.status).toBe(409);
    expect(sameName.body.errors).toEqual([{ path: 'name', message: 'is already in use' }]);
  });

  test('When the body is not JSON, then the answer is 415; when the id is not a uuid, then 404', async () => {
    const form = await editor.agent.post('/api/vendors').set('X-CSRF-Token', editor.csrf).type('form').send({ name: 'Skjema AS' });
    expect(form.status).toBe(415);
    const badId = await editor.agent.get('/api/vendors/not-a-uuid');
    expect(badId.status).toBe(404);
    expect(badId.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('When a vendor\'s owner changes its website, then the change is audited with before and after; the vendor\'s viewer and a buyer\'s viewer get 403', async () => {
    const res = await vendorOwner.agent.patch(`/api/vendors/${ownVendor.id}`).set('X-CSRF-Token', vendorOwner.csrf).send({ version: 1, website: 'https://egen.example' });
    expect(res.status).toBe(200);
    expect(res.body.website).toBe('https://egen.example');
    const [entry] = await auditOf(ownVendor.id, 'vendor.updated');
    expect(entry).toMatchObject({ before: { website: null }, after: { website: 'https://egen.example' } });

    for (const who of [vendorViewer, viewer]) {
      const refused = await who.agent.patch(`/api/vendors/${ownVendor.id}`).set('X-CSRF-Token', who.csrf).send({ version: 1, website: 'https://kapret.example' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('vendor.editor_required');
    }
    expect((await viewer.agent.get(`/api/vendors/${ownVendor.id}`)).body.website).toBe('https://egen.example');
  });
});

describe('products and versions', () => {
  test('When a buyer\'s editor registers a product and its versions, then the product shows them newest first, and each change is audited', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id, { name: 'Barnevernsjournal', description: 'Journal for barnevernet', domains: ['child-welfare', 'child-welfare'], deployment: 'hosted' });
    expect(product).toMatchObject({ vendorId: vendor.id, vendorName: vendor.name, domains: ['child-welfare'], deployment: 'hosted', versions: [], latestVersion: null });
    await createVersion(editor, product.id, '1.0', '2025-01-10');
    await createVersion(editor, product.id, '2.0', '2026-01-10');
    await createVersion(editor, product.id, 'neste', null);

    const read = await viewer.agent.get(`/api/products/${product.id}`);
    expect(read.body.versions.map((v: { label: string }) => v.label)).toEqual(['2.0', '1.0', 'neste']);
    expect(read.body.latestVersion).toBe('2.0');
    expect((await viewer.agent.get(`/api/vendors/${vendor.id}`)).body.productCount).toBe(1);

    const [created] = await auditOf(vendor.id, 'product.created');
    expect(created).toMatchObject({ entityId: product.id, after: { name: 'Barnevernsjournal', deployment: 'hosted' } });
    expect((await auditOf(vendor.id, 'product_version.created')).map((e) => e.after?.label).sort()).toEqual(['1.0', '2.0', 'neste']);
  });

  test('When a product or version is changed, then the answer shows the change and the audit log has before and after', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id, { name: 'Økonomisystem', domains: ['finance'] });
    const version = await createVersion(editor, product.id, '5.1', '2025-05-01');
    const changed = await editor.agent.patch(`/api/products/${product.id}`).set('X-CSRF-Token', editor.csrf).send({ version: 1, deployment: 'on-premises', domains: ['finance', 'hr'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ deployment: 'on-premises', domains: ['finance', 'hr'] });
    const [entry] = await auditOf(vendor.id, 'product.updated');
    expect(entry).toMatchObject({ entityId: product.id, before: { deployment: 'saas', domains: ['finance'] }, after: { deployment: 'on-premises', domains: ['finance', 'hr'] } });

    const relabelled = await editor.agent.patch(`/api/products/${product.id}/versions/${version.id}`).set('X-CSRF-Token', editor.csrf).send({ version: 1, label: '5.1.1', releaseDate: null });
    expect(relabelled.body).toMatchObject({ label: '5.1.1', releaseDate: null });
    const [versionEntry] = await auditOf(vendor.id, 'product_version.updated');
    expect(versionEntry).toMatchObject({ before: { label: '5.1', releaseDate: '2025-05-01' }, after: { label: '5.1.1', releaseDate: null } });
  });

  test('When a product name or version label is already taken within the vendor, then the answer is 409; another vendor may use the same name', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id, { name: 'Kartinnsyn' });
    const again = await editor.agent.post('/api/products').set('X-CSRF-Token', editor.csrf).send({ vendorId: vendor.id, name: 'KARTINNSYN', domains: ['planning-geodata'], deployment: 'saas' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('product.duplicate');
    await createProduct(editor, (await registerVendor(editor)).id, { name: 'Kartinnsyn' });
    await createVersion(editor, product.id, '3.0');
    const versionAgain = await editor.agent.post(`/api/products/${product.id}/versions`).set('X-CSRF-Token', editor.csrf).send({ label: '3.0' });
    expect(versionAgain.status).toBe(409);
    expect(versionAgain.body.code).toBe('product.version_duplicate');
  });

  test('When the vendor\'s owner creates a product without naming the vendor, then it belongs to their vendor; their viewer cannot change it', async () => {
    const product = await createProduct(vendorOwner, undefined, { name: 'Egen portal', domains: ['culture'] });
    expect(product.vendorId).toBe(ownVendor.id);
    const refused = await vendorViewer.agent.patch(`/api/products/${product.id}`).set('X-CSRF-Token', vendorViewer.csrf).send({ version: 1, name: 'Kapret' });
    expect(refused.status).toBe(403);
    const versionRefused = await vendorViewer.agent.post(`/api/products/${product.id}/versions`).set('X-CSRF-Token', vendorViewer.csrf).send({ label: '9.9' });
    expect(versionRefused.status).toBe(403);
    expect((await vendorViewer.agent.get(`/api/products/${product.id}`)).body).toMatchObject({ name: 'Egen portal', versions: [] });
  });

  test('When a buyer\'s viewer tries to change a product, then the answer is 403 and nothing changes', async () => {
    const product = await createProduct(editor, (await registerVendor(editor)).id, { name: 'Uendret' });
    const res = await viewer.agent.patch(`/api/products/${product.id}`).set('X-CSRF-Token', viewer.csrf).send({ version: 1, name: 'Endret' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('vendor.editor_required');
    const create = await viewer.agent.post('/api/products').set('X-CSRF-Token', viewer.csrf).send({ vendorId: product.vendorId, name: 'Nytt', domains: ['school'], deployment: 'saas' });
    expect(create.status).toBe(403);
    expect((await viewer.agent.get(`/api/products/${product.id}`)).body.name).toBe('Uendret');
  });

  test.each([
    ['no domain', { domains: [] }, 'domains'],
    ['an unknown domain', { domains: ['space'] }, 'domains.0'],
    ['an unknown deployment', { deployment: 'mainframe' }, 'deployment'],
    ['a vendor id that is not a uuid', { vendorId: '42' }, 'vendorId'],
  ])('When a product has %s, then the answer is a 400 problem naming the field', async (_case, overrides, path) => {
    const res = await editor.agent.post('/api/products').set('X-CSRF-Token', editor.csrf).send({ vendorId: ownVendor.id, name: 'Feil', domains: ['school'], deployment: 'saas', ...overrides });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  test('When a version date is not a real date, then the answer is 400', async () => {
    const product = await createProduct(editor, ownVendor.id);
    const res = await editor.agent.post(`/api/products/${product.id}/versions`).set('X-CSRF-Token', editor.csrf).send({ label: '1.0', releaseDate: '2026-02-30' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'releaseDate', message: 'must be a real date' }]);
  });

  test('When products are filtered by domain, deployment, vendor and text and paged, then only the matching ones come back', async () => {
    const vendor = await registerVendor(editor, { name: 'Filtrering AS' });
    await createProduct(editor, vendor.id, { name: 'Vannmåler', domains: ['water-sewer'], deployment: 'on-premises' });
    await createProduct(editor, vendor.id, { name: 'Avløpsovervåking', domains: ['water-sewer'], deployment: 'saas' });
    await createProduct(editor, vendor.id, { name: 'Alt-i-ett', domains: ['all'], deployment: 'saas' });
    await createProduct(editor, vendor.id, { name: 'Skoleskyss', domains: ['transport'], deployment: 'saas' });
    const names = async (query: Record<string, string | number>) => ((await viewer.agent.get('/api/products').query({ vendorId: vendor.id, ...query })).body.items as { name: string }[]).map((p) => p.name);
    expect(await names({ domain: 'water-sewer' })).toEqual(['Alt-i-ett', 'Avløpsovervåking', 'Vannmåler']);
    expect(await names({ domain: 'water-sewer', deployment: 'saas' })).toEqual(['Alt-i-ett', 'Avløpsovervåking']);
    expect(await names({ q: 'skyss' })).toEqual(['Skoleskyss']);
    expect(await names({ q: 'filtrering' })).toHaveLength(4);
    const paged = await viewer.agent.get('/api/products').query({ vendorId: vendor.id, pageSize: 2, page: 2 });
    expect(paged.body).toMatchObject({ page: 2, pageSize: 2, total: 4 });
    expect(paged.body.items.map((p: { name: string }) => p.name)).toEqual(['Skoleskyss', 'Vannmåler']);
    const bad = await viewer.agent.get('/api/products').query({ deployment: 'mainframe' });
    expect(bad.status).toBe(400);
  });
});

describe('the vendor pages', () => {
  test('When a buyer opens the vendor register, then it lists the vendors and the product page shows versions', async () => {
    const vendor = await registerVendor(editor, { name: 'Sidevisning AS' });
    const product = await createProduct(editor, vendor.id, { name: 'Sidesystem', domains: ['culture'], deployment: 'hosted' });
    await createVersion(editor, product.id, '7.2', '2026-03-01');
    const list = await viewer.agent.get('/vendors').query({ q: 'Sidevisning' });
    expect(list.status).toBe(200);
    expect(list.text).toContain('Sidevisning AS');
    expect(list.text).not.toContain('Registrer leverandør');
    const page = await viewer.agent.get(`/vendors/${vendor.id}`);
    expect(page.text).toContain('Sidesystem');
    expect(page.text).toContain('Driftet av leverandør');
    const productPage = await viewer.agent.get(`/products/${product.id}`);
    expect(productPage.text).toContain('7.2');
    expect(productPage.text).toContain('Kultur');
    expect(productPage.text).not.toContain('Endre fagsystemet');
  });

  test('When an editor registers a vendor through the form with a wrong check digit, then the form comes back with the error; corrected, it redirects to the vendor', async () => {
    const form = await editor.agent.get('/vendors/new');
    expect(form.status).toBe(200);
    const csrf = csrfOf(form.text);
    const bad = await editor.agent.post('/vendors').type('form').send({ _csrf: csrf, name: 'Skjemaleverandør AS', orgNumber: '974760674', website: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('orgNumber');
    expect(bad.text).toContain('value="Skjemaleverandør AS"');
    const good = await editor.agent.post('/vendors').type('form').send({ _csrf: csrf, name: 'Skjemaleverandør AS', orgNumber: freshOrgNumber(), website: '' });
    expect(good.status).toBe(303);
    const shown = await editor.agent.get(good.headers.location as string);
    expect(shown.text).toContain('Skjemaleverandør AS');
    expect(shown.text).toContain('Registrer et fagsystem');
  });

  test('When an editor adds a product and a version through the forms, then the product page shows them', async () => {
    const vendor = await registerVendor(editor);
    const page = await editor.agent.get(`/vendors/${vendor.id}`);
    const csrf = csrfOf(page.text);
    const created = await editor.agent.post(`/vendors/${vendor.id}/products`).type('form').send({ _csrf: csrf, name: 'Skjemasystem', description: '', 'domains[]': ['school', 'kindergarten'], deployment: 'saas' });
    expect(created.status).toBe(303);
    const productPath = created.headers.location as string;
    const noDomain = await editor.agent.post(`/vendors/${vendor.id}/products`).type('form').send({ _csrf: csrf, name: 'Uten fagområde', description: '', deployment: 'saas' });
    expect(noDomain.status).toBe(400);
    expect(noDomain.text).toContain('choose at least one domain');
    const version = await editor.agent.post(`${productPath}/versions`).type('form').send({ _csrf: csrf, label: '2026.1', releaseDate: '2026-01-15' });
    expect(version.status).toBe(303);
    const shown = await editor.agent.get(productPath);
    expect(shown.text).toContain('Skjemasystem');
    expect(shown.text).toContain('value="2026.1"');
    expect(shown.text).toContain('Barnehage');
  });

  test('When a vendor user opens the vendor section, then the portal shows their own products and versions', async () => {
    const product = await createProduct(vendorOwner, ownVendor.id, { name: 'Portalprodukt' });
    await createVersion(vendorOwner, product.id, '1.4', '2026-04-01');
    await createProduct(editor, (await registerVendor(editor, { name: 'Konkurrent AS' })).id, { name: 'Konkurrentprodukt' });
    const portal = await vendorOwner.agent.get('/vendors');
    expect(portal.status).toBe(200);
    expect(portal.text).toContain('Leverandørportal');
    expect(portal.text).toContain('Portalprodukt');
    expect(portal.text).toContain('1.4');
    expect(portal.text).not.toContain('Konkurrent');
    const productList = await vendorOwner.agent.get('/products');
    expect(productList.text).toContain('Portalprodukt');
    expect(productList.text).not.toContain('href="/vendors/exposure"');
  });

  test('When a buyer\'s viewer opens the registration form, then the answer is 403', async () => {
    const res = await viewer.agent.get('/vendors/new');
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('the API description', () => {
  test('When the OpenAPI document is read, then it describes the vendor, product and usage routes with their schemas', async () => {
    const doc = (await ctx.request().get('/api/openapi.json')).body;
    for (const path of ['/api/vendors', '/api/vendors/{vendorId}', '/api/vendors/{vendorId}/invitations', '/api/products', '/api/products/{productId}', '/api/products/{productId}/versions', '/api/products/{productId}/versions/{versionId}', '/api/usages', '/api/usages/{usageId}', '/api/usages/exposure']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.components.schemas).toHaveProperty('Vendor');
    expect(doc.components.schemas).toHaveProperty('Product');
    expect(doc.components.schemas).toHaveProperty('ProductUsage');
    expect(doc.components.schemas).toHaveProperty('LockInExposure');
    expect(doc.paths['/api/products'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['domain', 'deployment', 'vendorId', 'q', 'page', 'pageSize']));
  });
});
