/** Secrets never reach a log line, even at the most verbose level. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

describe('logs', () => {
  let k: TestKassa;
  let lines = '';
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ LOG_LEVEL: 'trace' }, sink);
    k = await startTestKassa(
      { LOG_LEVEL: 'trace', KASSA_ADMIN_TOKEN: 'admin-secret-token-0123456789' },
      { logger },
    );
  });
  afterAll(async () => k?.stop());

  it('never contains the API key, the admin token or a project secret', async () => {
    await k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '1.00' });
    await k.api('GET', '/api/v1/invoices/inv_doesnotexist00000000');
    await fetch(`${k.url}/api/v1/admin/accounts`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer admin-secret-token-0123456789',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(lines.length).toBeGreaterThan(100);
    expect(lines).toContain('incoming request');
    expect(lines).not.toContain(k.apiKey);
    expect(lines).not.toContain('admin-secret-token-0123456789');
    expect(lines).not.toContain(k.secretKey);
  });
});
