/**
 * Addresses derived ahead of time: the pool hands out exactly what `kassa
 * address` prints for the same index, and after a restart it neither reuses
 * nor skips an index, loading what was derived instead of deriving it again.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { AddressPool } from '../../src/app/address-pool.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

const ZPUB =
  'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-pool-'));
const env = {
  DATA_DIR: dataDir,
  KASSA_DEMO_API_KEY: 'kassa_pool_test_key_0123456789abcdef',
  KASSA_DEMO_SHOP_ID: 'poolshop',
};

async function kassaAddress(index: number): Promise<string> {
  const r = await run(process.execPath, [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'address',
    '--currency',
    'BTC',
    '--key',
    ZPUB,
    '--index',
    String(index),
  ]);
  return r.stdout.trim();
}

async function createBtc(k: TestKassa) {
  const r = await k.api('POST', '/api/v1/invoices', {
    shop_id: k.shopId,
    amount: '10.00',
    payment_currency: 'BTC',
    test_mode: false,
  });
  expect(r.status).toBe(201);
  await (k.ctx.addressSource as AddressPool).settled();
  return r.body.quote.address as string;
}

const allocations = (k: TestKassa) =>
  k.store.db
    .selectFrom('address_allocations')
    .select(['idx', 'address'])
    .where('chain', '=', 'BTC')
    .orderBy('idx')
    .execute();
const derived = (k: TestKassa) =>
  k.store.db.selectFrom('derived_addresses').select(['idx', 'address']).orderBy('idx').execute();

describe('the pool of addresses derived ahead of time', () => {
  let k: TestKassa | undefined;
  afterAll(async () => {
    await k?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'hands out what `kassa address` prints, and survives a restart without reuse or gaps',
    { timeout: 240_000 },
    async () => {
      k = await startTestKassa(env);
      const patch = await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
        wallets: { BTC: { key: ZPUB } },
      });
      expect(patch.status).toBe(200);

      await createBtc(k);
      const ahead = await derived(k);
      expect(ahead.length).toBeGreaterThan(100);
      expect(ahead[0]!.idx).toBe(1);
      for (const i of [1, ahead.length]) {
        expect(ahead.find((r) => r.idx === i)?.address).toBe(await kassaAddress(i));
      }

      const handed = [await createBtc(k), await createBtc(k), await createBtc(k)];
      expect(handed).toEqual(ahead.slice(0, 3).map((r) => r.address));

      // Restart over the same data: the next index, from what was derived before.
      const before = new Map((await derived(k)).map((r) => [r.idx, r.address]));
      await k.stop();
      k = await startTestKassa(env);
      const next = await createBtc(k);
      expect(next).toBe(before.get(4));
      expect(next).toBe(await kassaAddress(4));

      const rows = await allocations(k);
      expect(rows.map((r) => Number(r.idx))).toEqual([0, 1, 2, 3, 4]);
      expect(new Set(rows.map((r) => r.address)).size).toBe(5);
      expect(rows[0]!.address).toBe(await kassaAddress(0));
    },
  );
});
