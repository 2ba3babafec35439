/**
 * Route validators compile on a route's first request, to keep them out of
 * idle memory. A schema that does not compile would then fail a merchant's
 * request with a 500, so every validator of every face is compiled here.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compilePendingValidators } from '../../src/http/server.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

let kassa: TestKassa;
beforeAll(async () => {
  kassa = await startTestKassa();
});
afterAll(async () => {
  await kassa?.stop();
});

it('compiles the validator of every route of every face', async () => {
  // Throws on the first schema ajv refuses.
  const compiled = compilePendingValidators();
  // Bodies, params, queries and headers of the native API, the three provider faces, the page and the dashboard.
  expect(compiled).toBeGreaterThan(50);
  expect(compilePendingValidators()).toBe(0);
  // Compiled validators still refuse what they refused lazily.
  const bad = await kassa.api('POST', '/api/v1/invoices', { shop_id: kassa.shopId, amount: 12 });
  expect(bad.status).toBe(400);
});
