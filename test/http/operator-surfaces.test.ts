/**
 * What an operator exposes besides the merchant API: the admin token, /metrics
 * (token and/or a port of its own), the pay page's live streams under a global
 * cap, and the first-start demo credentials (a 0600 file, never stdout).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerToken, sameSecret } from '../../src/http/secret-compare.js';
import { builtCli } from '../support/built-cli.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

const ADMIN = 'admin-token-0123456789abcdef';
const METRICS = 'metrics-token-0123456789abcdef';

describe('operator surfaces', () => {
  let k: TestKassa | undefined;
  afterEach(async () => {
    await k?.stop();
    k = undefined;
  });

  it('compares secrets by hash, whatever their lengths', () => {
    expect(sameSecret(ADMIN, ADMIN)).toBe(true);
    expect(sameSecret(`${ADMIN}x`, ADMIN)).toBe(false);
    expect(sameSecret('a', ADMIN)).toBe(false);
    expect(sameSecret(undefined, ADMIN)).toBe(false);
    expect(sameSecret('', '')).toBe(false);
    expect(bearerToken(`Bearer ${ADMIN}`)).toBe(ADMIN);
    expect(bearerToken(`Basic ${ADMIN}`)).toBeUndefined();
  });

  it('lets only the admin token through to the operator API', async () => {
    k = await startTestKassa({ KASSA_ADMIN_TOKEN: ADMIN });
    const post = (auth: string | undefined) =>
      fetch(`${k!.url}/api/v1/admin/accounts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(auth !== undefined ? { authorization: auth } : {}),
        },
        body: JSON.stringify({ name: 'Ops' }),
      });
    for (const auth of [
      undefined,
      `Bearer ${ADMIN.slice(0, -1)}`,
      `Bearer ${ADMIN}0`,
      `Bearer ${k.apiKey}`,
    ]) {
      expect((await post(auth)).status, String(auth)).toBe(401);
    }
    expect((await post(`Bearer ${ADMIN}`)).status).toBe(201);
  });

  it('asks for METRICS_TOKEN on /metrics when it is set', async () => {
    k = await startTestKassa({ METRICS_TOKEN: METRICS });
    expect((await fetch(`${k.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${k.url}/metrics`, { headers: { authorization: `Bearer ${k.apiKey}` } }))
        .status,
    ).toBe(401);
    const ok = await fetch(`${k.url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
  });

  it('serves /metrics on METRICS_PORT only, when it is set', async () => {
    // Port 0: the metrics listener binds a port of its own and reports it.
    k = await startTestKassa({ METRICS_PORT: '0', METRICS_TOKEN: METRICS });
    expect((await fetch(`${k.url}/metrics`)).status).toBe(404);
    expect(k.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(k.metricsUrl).not.toBe(k.url);
    expect((await fetch(`${k.metricsUrl}/metrics`)).status).toBe(401);
    const ok = await fetch(`${k.metricsUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
  });

  it('caps live status streams across all invoices with a 429 and Retry-After', async () => {
    k = await startTestKassa({ LIVE_STREAMS_MAX: '3' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '10' });
      ids.push(r.body.id);
    }
    const aborts: AbortController[] = [];
    const open = async (id: string) => {
      const ac = new AbortController();
      aborts.push(ac);
      const res = await fetch(`${k!.url}/pay/${id}/events`, { signal: ac.signal });
      if (res.status === 200) await res.body!.getReader().read();
      return res;
    };
    try {
      for (const id of ids.slice(0, 3)) expect((await open(id)).status).toBe(200);
      const refused = await open(ids[3]!);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'rate_limited',
      );
      // Polling still works, and a freed slot is taken again.
      expect((await fetch(`${k.url}/pay/${ids[3]}/status.json`)).status).toBe(200);
      aborts[0]!.abort();
      await expect
        .poll(async () => {
          const res = await open(ids[4]!);
          return res.status;
        })
        .toBe(200);
    } finally {
      for (const ac of aborts) ac.abort();
    }
  });

  it('writes the first-start demo credentials to a 0600 file and prints only its path', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-banner-'));
    const child = spawn(process.execPath, [builtCli(), 'start'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      await expect.poll(() => output, { timeout: 60_000 }).toMatch(/listening on http/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1];
      const file = path.join(dataDir, 'demo-credentials.txt');
      expect(output).toContain(`written to ${file}`);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const text = fs.readFileSync(file, 'utf8');
      const apiKey = /API key:\s+(\S+)/.exec(text)?.[1] ?? '';
      const secretKey = /secret key:\s+(\S+)/.exec(text)?.[1] ?? '';
      expect(apiKey).toMatch(/^kassa_/);
      expect(output).not.toContain(apiKey);
      expect(output).not.toContain(secretKey);
      const shop = /shop_id:\s+(\S+)/.exec(text)?.[1];
      const res = await fetch(`${url}/api/v1/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ shop_id: shop, amount: '1' }),
      });
      expect(res.status).toBe(201);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
