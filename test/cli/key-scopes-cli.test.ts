/**
 * Scoped keys made with the kassa command, used over HTTP against a Kassa
 * running on the same data directory: a read-only key and a read-only
 * Cryptopay-style pair are refused writes with 403, a project key sees only
 * its project.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli } from '../support/built-cli.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { cp } from '../cryptopay/helpers.js';

const CLI = builtCli();
const run = promisify(execFile);

describe('kassa key create and key provider scopes, used over HTTP', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-cli-scopes-'));
  let k: TestKassa;
  let accountId: string;

  async function kassa(args: string[]) {
    try {
      const r = await run(process.execPath, [CLI, ...args], {
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout, err: x.stderr };
    }
  }

  async function keyFromCli(args: string[]): Promise<string> {
    const r = await kassa(['key', 'create', '--account', accountId, ...args]);
    expect(r.code, r.err).toBe(0);
    return /API key \(shown once\): (\S+)/.exec(r.out)![1]!;
  }

  const call = async (key: string, method: string, p: string, body?: unknown) => {
    const res = await fetch(k.url + p, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    k = await startTestKassa({ DATA_DIR: dataDir, KASSA_TEST_MODE: 'true' });
    accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
  });

  afterAll(async () => {
    await k?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a read-only key that may read but is refused a write with 403', async () => {
    const key = await keyFromCli(['--label', 'reports', '--read-only']);
    expect((await call(key, 'GET', '/api/v1/invoices')).status).toBe(200);
    const before = (await k.api('GET', '/api/v1/invoices?limit=100')).body.data.length;
    const write = await call(key, 'POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '5' });
    expect(write.status).toBe(403);
    expect(JSON.stringify(write.body)).toMatch(/read-only/);
    expect((await k.api('GET', '/api/v1/invoices?limit=100')).body.data.length).toBe(before);
    // The same request with a full key from the same command is accepted.
    const full = await keyFromCli(['--label', 'full']);
    const ok = await call(full, 'POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '5' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  }, 60_000);

  it('makes a project key that sees and writes only its project', async () => {
    const other = await kassa([
      'project',
      'create',
      '--account',
      accountId,
      '--name',
      'Other shop',
      '--shop-id',
      'cli-other',
    ]);
    expect(other.code, other.err).toBe(0);
    const elsewhere = await k.api('POST', '/api/v1/invoices', {
      shop_id: 'cli-other',
      amount: '2',
    });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(201);

    const key = await keyFromCli(['--project', k.shopId]);
    const projects = await call(key, 'GET', '/api/v1/projects');
    expect(projects.body.data.map((p: { shop_id: string }) => p.shop_id)).toEqual([k.shopId]);
    const list = await call(key, 'GET', '/api/v1/invoices?limit=100');
    expect(list.status).toBe(200);
    expect(new Set(list.body.data.map((i: { shop_id: string }) => i.shop_id))).toEqual(
      new Set([k.shopId]),
    );
    expect([403, 404]).toContain(
      (await call(key, 'GET', `/api/v1/invoices/${elsewhere.body.id}`)).status,
    );
    const foreign = await call(key, 'POST', '/api/v1/invoices', {
      shop_id: 'cli-other',
      amount: '1',
    });
    expect([403, 404]).toContain(foreign.status);
    const own = await call(key, 'POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '1' });
    expect(own.status, JSON.stringify(own.body)).toBe(201);

    const unknown = await kassa(['key', 'create', '--account', accountId, '--project', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/project/);
  }, 60_000);

  it('makes a read-only Cryptopay-style pair that may look invoices up but not create them', async () => {
    const pairFromCli = async (extra: string[]) => {
      const r = await kassa([
        'key',
        'provider',
        '--account',
        accountId,
        '--shop',
        k.shopId,
        '--provider',
        'cryptopay',
        ...extra,
      ]);
      expect(r.code, r.err).toBe(0);
      return {
        keyId: /key id: (key_\S+)/.exec(r.out)![1]!,
        apiKey: /api key: (\S+)/.exec(r.out)![1]!,
        apiSecret: /api secret \(shown once\): (\S+)/.exec(r.out)![1]!,
      };
    };
    const invoice = { price_amount: '10', price_currency: 'EUR', pay_currency: 'BTC' };
    const read = await pairFromCli(['--read-only']);
    const made = await cp(k, read, 'POST', '/api/invoices', invoice);
    expect(made.status).toBe(403);
    expect(made.text).toMatch(/read-only/);
    expect((await cp(k, read, 'GET', '/api/invoices')).status).toBe(200);

    const full = await pairFromCli([]);
    const ok = await cp(k, full, 'POST', '/api/invoices', invoice);
    expect(ok.status, ok.text).toBe(201);
  }, 60_000);
});
