import type { OrganisationRow } from '../../server/organisations/organisations.table';
import { createTestApp, type TestContext } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type LoggedIn } from '../helpers/factories';
import { expectNoLostUpdate, versionOfEtag } from '../helpers/versioning';
import { createProduct, createVersion, csrfOf, recordUsage, registerVendor } from './fixtures';

let ctx: TestContext;
let city: OrganisationRow;
let editor: LoggedIn;
let colleague: LoggedIn;

beforeAll(async () => {
  ctx = await createTestApp();
  city = await buildOrganisation(ctx.services, { name: 'Versjonsvik kommune' });
  editor = await loginAs(ctx, await buildUser(ctx.services, { name: 'Eva Endrer', memberships: [[city, 'editor']] }));
  colleague = await loginAs(ctx, await buildUser(ctx.services, { name: 'Kari Kollega', memberships: [[city, 'editor']] }));
}, 180_000);
afterAll(() => ctx.close());

const versionInForm = (html: string, action: string) => Number(new RegExp(`action="${action}"[^>]*>\\s*<input type="hidden" name="_csrf"[^>]*>\\s*<input type="hidden" name="version" value="(\\d+)"`).exec(html)?.[1]);

describe('vendor', () => {
  test('When two editors change a vendor from one read, then exactly one succeeds and the other gets 409; without a version it is 428; If-Match is accepted', async () => {
    const vendor = await registerVendor(editor);
    const conflict = await expectNoLostUpdate({
      as: editor,
      method: 'patch',
      path: `/api/vendors/${vendor.id}`,
      bodies: [{ website: 'https://a.example' }, { website: 'https://b.example' }],
      readVersion: async () => versionOfEtag(await editor.agent.get(`/api/vendors/${vendor.id}`)),
    });
    expect(conflict.entity).toBe('vendor');
  });

  test('When the vendor form is posted after a colleague saved, then the page shows the saved values and keeps what was typed', async () => {
    const vendor = await registerVendor(editor, { name: 'Sideleverandør AS' });
    const page = await editor.agent.get(`/vendors/${vendor.id}`);
    const version = versionInForm(page.text, `/vendors/${vendor.id}`);
    expect(version).toBe(1);
    const read = await colleague.agent.get(`/api/vendors/${vendor.id}`);
    expect((await colleague.agent.patch(`/api/vendors/${vendor.id}`).set('X-CSRF-Token', colleague.csrf).set('If-Match', String(read.headers.etag)).send({ website: 'https://kollega.example' })).status).toBe(200);

    const stale = await editor.agent.post(`/vendors/${vendor.id}`).type('form').send({ _csrf: csrfOf(page.text), name: 'Sideleverandør AS', orgNumber: vendor.orgNumber, website: 'https://mitt-forslag.example', version: String(version) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Noen andre har endret dette etter at du åpnet det');
    expect(stale.text).toContain(colleague.user.email);
    expect(stale.text).toContain('https://kollega.example');
    expect(stale.text).toContain('value="https://mitt-forslag.example"');
    expect(versionInForm(stale.text, `/vendors/${vendor.id}`)).toBe(2);
  });
});

describe('product', () => {
  test('When two editors change a product from one read, then exactly one succeeds and the other gets 409; without a version it is 428', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id);
    const conflict = await expectNoLostUpdate({
      as: editor,
      method: 'patch',
      path: `/api/products/${product.id}`,
      bodies: [{ description: 'Første beskrivelse' }, { description: 'Andre beskrivelse' }],
      readVersion: async () => versionOfEtag(await editor.agent.get(`/api/products/${product.id}`)),
    });
    expect(conflict.entity).toBe('product');
  });

  test('When the product form is posted after a colleague saved, then the page shows the saved description and keeps what was typed', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id, { description: 'Opprinnelig' });
    const page = await editor.agent.get(`/products/${product.id}`);
    const version = versionInForm(page.text, `/products/${product.id}`);
    expect((await colleague.agent.patch(`/api/products/${product.id}`).set('X-CSRF-Token', colleague.csrf).send({ description: 'Kollegas tekst', version })).status).toBe(200);

    const stale = await editor.agent.post(`/products/${product.id}`).type('form').send({ _csrf: csrfOf(page.text), name: product.name, description: 'Min tekst', domains: 'school', deployment: 'saas', version: String(version) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(colleague.user.email);
    expect(stale.text).toContain('Kollegas tekst');
    expect(stale.text).toContain('Min tekst</textarea>');
  });
});

describe('product version', () => {
  test('When two editors change a product version from one read, then exactly one succeeds and the other gets 409; without a version it is 428', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id);
    const release = await createVersion(editor, product.id, '1.0');
    const conflict = await expectNoLostUpdate({
      as: editor,
      method: 'patch',
      path: `/api/products/${product.id}/versions/${release.id}`,
      bodies: [{ label: '1.0.1' }, { label: '1.0.2' }],
      readVersion: async () => versionOfEtag(await editor.agent.get(`/api/products/${product.id}/versions/${release.id}`)),
    });
    expect(conflict.entity).toBe('product version');
  });

  test('When a version row is saved after a colleague changed it, then the row keeps the typed label and shows the saved one', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id);
    const release = await createVersion(editor, product.id, '2.0');
    const page = await editor.agent.get(`/products/${product.id}`);
    const version = versionInForm(page.text, `/products/${product.id}/versions/${release.id}`);
    expect((await colleague.agent.patch(`/api/products/${product.id}/versions/${release.id}`).set('X-CSRF-Token', colleague.csrf).send({ label: '2.0-kollega', version })).status).toBe(200);

    const stale = await editor.agent.post(`/products/${product.id}/versions/${release.id}`).type('form').send({ _csrf: csrfOf(page.text), label: '2.0-min', releaseDate: '', version: String(version) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(colleague.user.email);
    expect(stale.text).toContain('value="2.0-min"');
    expect(stale.text).toContain('Lagret nå: 2.0-kollega');
  });
});

describe('usage', () => {
  test('When two editors change a usage from one read, then exactly one succeeds and the other gets 409; without a version it is 428', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id);
    const usage = await recordUsage(editor, { organisationId: city.id, productId: product.id, exitPlanStatus: 'none' });
    const conflict = await expectNoLostUpdate({
      as: editor,
      method: 'patch',
      path: `/api/usages/${usage.id}`,
      bodies: [{ note: 'Første merknad' }, { note: 'Andre merknad' }],
      readVersion: async () => versionOfEtag(await editor.agent.get(`/api/usages/${usage.id}`)),
    });
    expect(conflict.entity).toBe('usage');
  });

  test('When the usage form is posted after a colleague saved, then the page shows the saved note and keeps what was typed', async () => {
    const vendor = await registerVendor(editor);
    const product = await createProduct(editor, vendor.id);
    const usage = await recordUsage(editor, { organisationId: city.id, productId: product.id, exitPlanStatus: 'none', note: 'Start' });
    const page = await editor.agent.get(`/usages/${usage.id}`);
    const version = Number(/name="version" value="(\d+)"/.exec(page.text)?.[1]);
    expect((await colleague.agent.patch(`/api/usages/${usage.id}`).set('X-CSRF-Token', colleague.csrf).send({ note: 'Kollegas merknad', exitPlanStatus: 'approved', version })).status).toBe(200);

    const stale = await editor.agent.post(`/usages/${usage.id}`).type('form').send({ _csrf: csrfOf(page.text), contractStart: '', contractEnd: '2029-12-31', noticeMonths: '6', exitPlanStatus: 'draft', note: 'Min merknad', version: String(version) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(colleague.user.email);
    expect(stale.text).toContain('Kollegas merknad');
    expect(stale.text).toContain('Min merknad</textarea>');
    expect(stale.text).toContain('value="2029-12-31"');
    const saved = await editor.agent.get(`/api/usages/${usage.id}`);
    expect(saved.body).toMatchObject({ note: 'Kollegas merknad', exitPlanStatus: 'approved', contractEnd: null });
  });
});
