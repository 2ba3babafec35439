/** Several Kassa processes share one PostgreSQL: HTTP is stateless, any process answers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type ServerProcess } from '../support/process.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

describe('two Kassa processes on one PostgreSQL', () => {
  let db: TestDatabase;
  // One deployment's data directory, shared by its processes, this test's own.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-pg-procs-'));
  const procs: ServerProcess[] = [];
  const key = 'kassa_multi_process_key_0123456789';
  const env = () => ({
    DATABASE_URL: db.url,
    KASSA_DEMO_API_KEY: key,
    KASSA_DEMO_SHOP_ID: 'multishop',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
  });

  beforeAll(async () => {
    db = await createTestDatabase('kassa_multi');
    procs.push(await startProcess('src/cli/main.ts', ['start'], env()));
    procs.push(await startProcess('src/cli/main.ts', ['start'], { ...env(), KASSA_ROLES: 'api' }));
  });
  afterAll(async () => {
    for (const p of procs) await p.stop();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (p: ServerProcess, method: string, path: string, body?: unknown) => {
    const r = await fetch(p.url + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  it('creates in one process, pays through the other, and both see the same invoice', async () => {
    const [a, b] = procs as [ServerProcess, ServerProcess];
    const created = await call(a, 'POST', '/api/v1/invoices', {
      shop_id: 'multishop',
      amount: '12.34',
      payment_currency: 'USDT_ERC20',
      order_id: 'mp-1',
    });
    expect(created.status).toBe(201);
    const again = await call(b, 'POST', '/api/v1/invoices', {
      shop_id: 'multishop',
      amount: '12.34',
      payment_currency: 'USDT_ERC20',
      order_id: 'mp-1',
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    const paid = await call(b, 'POST', `/api/v1/invoices/${created.body.id}/test-payments`, {});
    expect(paid.body.invoice.status).toBe('paid');
    const seen = await call(a, 'GET', `/api/v1/invoices/${created.body.id}`);
    expect(seen.body).toMatchObject({ status: 'paid', received: '12.34' });
    for (const p of procs) expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
  });
});
