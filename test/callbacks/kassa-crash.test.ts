/**
 * A whole Kassa process killed with SIGKILL while callbacks are pending, then
 * restarted on the same data: every event is delivered at least once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyNativeWebhook } from '../../src/sdk/verify.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startProcess, type ServerProcess } from '../support/process.js';

const key = 'kassa_crash_test_key_0123456789';
const shop = 'crashshop';

describe('callbacks across a Kassa crash', () => {
  let receiver: Receiver;
  let kassa: ServerProcess | null = null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-crash-'));
  const env = {
    DATA_DIR: dataDir,
    KASSA_DEMO_API_KEY: key,
    KASSA_DEMO_SHOP_ID: shop,
    ALLOW_PRIVATE_CALLBACKS: 'true',
    LOG_LEVEL: 'warn',
    // Retries every second (for 30 s) instead of after the production 10 s first step.
    CALLBACK_RETRY_SECONDS: Array(30).fill('1').join(','),
  };

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    kassa?.child.kill('SIGKILL');
    await receiver?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(kassa!.url + p, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  it('delivers every event after SIGKILL and restart, signed and verifiable', async () => {
    kassa = await startProcess('src/cli/main.ts', ['start'], env);
    const ep = await call('POST', `/api/v1/projects/${shop}/webhook-endpoints`, {
      url: `${receiver.url}/hook`,
      format: 'native',
    });
    expect(ep.status).toBe(201);
    const secret: string = ep.body.secret;
    expect(secret).toMatch(/^whsec_/);

    // The merchant's server fails for now: everything stays pending in the outbox.
    receiver.respond = () => ({ status: 500 });
    const invoices: string[] = [];
    for (let i = 0; i < 4; i++) {
      const inv = await call('POST', '/api/v1/invoices', {
        shop_id: shop,
        amount: '10.00',
        payment_currency: 'USDT_TRC20',
      });
      invoices.push(inv.body.id);
      await call('POST', `/api/v1/invoices/${inv.body.id}/test-payments`, { amount: '4' });
      await call('POST', `/api/v1/invoices/${inv.body.id}/test-payments`, {});
    }
    const expected = new Set<string>();
    for (const id of invoices) {
      for (const e of (await call('GET', `/api/v1/invoices/${id}/events`)).body.data)
        expected.add(e.id);
    }
    expect(expected.size).toBeGreaterThanOrEqual(4 * 6);
    await receiver.waitFor((r) => r.length > 0);
    // The configured schedule is the one in force: a failed attempt is retried a second later, not 10 s.
    let retried: { next_attempt_at: string; last_attempt: { started_at: string } } | undefined;
    while (!retried) {
      const list = (await call('GET', `/api/v1/invoices/${invoices[0]}/deliveries`)).body.data;
      retried = list.find(
        (d: { attempts: number; next_attempt_at: string | null }) =>
          d.attempts >= 1 && d.next_attempt_at !== null,
      );
      if (!retried) await new Promise((r) => setTimeout(r, 50));
    }
    const wait = Date.parse(retried.next_attempt_at) - Date.parse(retried.last_attempt.started_at);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThan(5_000);

    kassa.child.kill('SIGKILL');
    await new Promise((r) => kassa!.child.once('exit', r));
    receiver.respond = () => ({ status: 200 });
    kassa = await startProcess('src/cli/main.ts', ['start'], env);

    const delivered = () =>
      new Set(
        receiver.requests
          .filter((r) => r.path === '/hook')
          .map((r) => String(r.headers['webhook-id'])),
      );
    await receiver.waitFor(() => [...expected].every((id) => delivered().has(id)), 60_000);
    for (const r of receiver.requests.slice(-5)) {
      expect(
        verifyNativeWebhook({ secret, headers: r.headers as Record<string, string>, body: r.body }),
      ).toBe(true);
    }
  }, 120_000);
});
