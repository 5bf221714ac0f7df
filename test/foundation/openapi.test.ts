import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTestApp, type TestContext } from '../helpers/app';

/**
 * The API's published contract. The stored copy changes only on purpose: after a deliberate API
 * change, run `UPDATE_OPENAPI=1 npm test -- test/foundation/openapi.test.ts` and commit the file
 * with the change.
 */
const STORED = path.join(__dirname, 'openapi.json');

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

test('When the OpenAPI document is read, then it is byte-identical to the stored copy', async () => {
  const res = await ctx.request().get('/api/openapi.json');
  expect(res.status).toBe(200);
  const text = `${JSON.stringify(res.body, null, 2)}\n`;
  if (process.env.UPDATE_OPENAPI === '1') writeFileSync(STORED, text);
  expect(text).toBe(readFileSync(STORED, 'utf8'));
});
