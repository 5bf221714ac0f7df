import type { LoggedIn } from '../helpers/factories';
import { orgNumberFrom } from '../helpers/factories';

let counter = 0;
/** A valid organisation number no other call in the test run uses. */
export function freshOrgNumber(): string {
  for (;;) {
    counter += 1;
    try {
      return orgNumberFrom(`8${String(counter).padStart(7, '0')}`);
    } catch {
      // This prefix has no valid check digit; take the next.
    }
  }
}

export async function registerVendor(as: LoggedIn, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string; orgNumber: string }> {
  counter += 1;
  const res = await as.agent.post('/api/vendors').set('X-CSRF-Token', as.csrf).send({ name: `Testleverandør ${counter} AS`, orgNumber: freshOrgNumber(), website: 'https://leverandor.example', ...overrides });
  if (res.status !== 201) throw new Error(`could not register a vendor: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createProduct(as: LoggedIn, vendorId: string | undefined, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string; vendorId: string }> {
  counter += 1;
  const res = await as.agent
    .post('/api/products')
    .set('X-CSRF-Token', as.csrf)
    .send({ ...(vendorId ? { vendorId } : {}), name: `Fagsystem ${counter}`, domains: ['school'], deployment: 'saas', ...overrides });
  if (res.status !== 201) throw new Error(`could not create a product: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createVersion(as: LoggedIn, productId: string, label: string, releaseDate: string | null = null): Promise<{ id: string; label: string }> {
  const res = await as.agent.post(`/api/products/${productId}/versions`).set('X-CSRF-Token', as.csrf).send({ label, releaseDate });
  if (res.status !== 201) throw new Error(`could not create a version: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function recordUsage(as: LoggedIn, body: Record<string, unknown>): Promise<{ id: string; noticeDeadline: string | null }> {
  const res = await as.agent.post('/api/usages').set('X-CSRF-Token', as.csrf).send(body);
  if (res.status !== 201) throw new Error(`could not record a usage: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The CSRF token a page's forms carry. */
export function csrfOf(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string;
}
