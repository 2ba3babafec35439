/**
 * Address allocation under concurrency: many clients creating invoices at once,
 * through two processes on PostgreSQL and one on SQLite, each get a distinct
 * index of the wallet, with no failed create. SQLite leaves no gap; on
 * PostgreSQL each process reserves blocks of indexes, and what it holds
 * unused at the end is the only gap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { HDKey } from '@scure/bip32';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { RESERVED_INDEXES } from '../../src/app/address-pool.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startProcess, type ServerProcess } from '../support/process.js';

/** Creates per engine, 16 requests in flight per process throughout. */
const CREATES = 10_000;
/** Generous: a loaded machine makes about 50 creates a second. */
const TIMEOUT = 900_000;
const CLIENTS_PER_PROCESS = 16;
const zpub = () => HDKey.fromMasterSeed(randomBytes(32)).derive("m/84'/0'/0'").publicExtendedKey;

async function post(url: string, key: string, path: string, body: unknown, method = 'POST') {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as any };
}

/** `clients` loops per base URL, together making `total` creates; returns every status. */
async function createConcurrently(
  urls: readonly string[],
  key: string,
  shopId: string,
  clients: number,
  total: number,
): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const client = async (url: string) => {
    while (next < total) {
      next++;
      const r = await post(url, key, '/api/v1/invoices', {
        shop_id: shopId,
        amount: '10.00',
        payment_currency: 'BTC',
        test_mode: false,
      });
      statuses.push(r.status);
    }
  };
  await Promise.all(urls.flatMap((u) => Array.from({ length: clients }, () => client(u))));
  return statuses;
}

/** Every create has its own index and address; at most `gaps` indexes below the highest are unused. */
function expectDistinct(rows: { idx: number | string; address: string }[], gaps: number) {
  const idx = rows.map((r) => Number(r.idx)).sort((a, b) => a - b);
  expect(idx.length).toBe(CREATES);
  expect(new Set(idx).size).toBe(CREATES);
  expect(idx[0]).toBe(0);
  expect(idx[idx.length - 1]! - (CREATES - 1)).toBeLessThanOrEqual(gaps);
  expect(new Set(rows.map((r) => r.address)).size).toBe(CREATES);
}

describe('allocation on PostgreSQL, 16 clients on each of 2 processes', () => {
  let db: TestDatabase;
  // One deployment's data directory, shared by its processes, this test's own.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-pg-procs-'));
  const procs: ServerProcess[] = [];
  const key = 'kassa_alloc_concurrency_key_0123456789';
  const env = () => ({
    DATABASE_URL: db.url,
    KASSA_DEMO_API_KEY: key,
    KASSA_DEMO_SHOP_ID: 'allocshop',
    LOG_LEVEL: 'error',
    DATA_DIR: dataDir,
  });

  beforeAll(async () => {
    db = await createTestDatabase('kassa_alloc');
    procs.push(await startProcess('src/cli/main.ts', ['start'], env()));
    procs.push(await startProcess('src/cli/main.ts', ['start'], { ...env(), KASSA_ROLES: 'api' }));
    const r = await post(
      procs[0]!.url,
      key,
      '/api/v1/projects/allocshop',
      { wallets: { BTC: { key: zpub() } } },
      'PATCH',
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterAll(async () => {
    for (const p of procs) await p.stop();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    `hands out ${CREATES} distinct indexes with no failed create`,
    { timeout: TIMEOUT },
    async () => {
      const statuses = await createConcurrently(
        procs.map((p) => p.url),
        key,
        'allocshop',
        CLIENTS_PER_PROCESS,
        CREATES,
      );
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const rows = await c.query<{ idx: number; address: string }>(
          `select idx, address from address_allocations where chain = 'BTC'`,
        );
        // Each process holds at most two reserved blocks, partly used, when the run ends.
        expectDistinct(rows.rows, 2 * 2 * RESERVED_INDEXES);
      } finally {
        await c.end();
      }
    },
  );

  it('reuses no index after both processes restart', { timeout: TIMEOUT }, async () => {
    for (const p of procs.splice(0)) await p.stop();
    procs.push(await startProcess('src/cli/main.ts', ['start'], env()));
    procs.push(await startProcess('src/cli/main.ts', ['start'], { ...env(), KASSA_ROLES: 'api' }));
    const statuses = await createConcurrently(
      procs.map((p) => p.url),
      key,
      'allocshop',
      4,
      200,
    );
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query<{ n: string; idx: string; address: string }>(
        `select count(*) as n, count(distinct idx) as idx, count(distinct address) as address
         from address_allocations where chain = 'BTC'`,
      );
      expect(r.rows[0]).toEqual({
        n: String(CREATES + 200),
        idx: String(CREATES + 200),
        address: String(CREATES + 200),
      });
    } finally {
      await c.end();
    }
  });
});

describe('allocation on SQLite, 16 clients on one process', () => {
  let k: TestKassa;
  beforeAll(async () => {
    k = await startTestKassa({ LOG_LEVEL: 'error' });
    const r = await k.api('PATCH', `/api/v1/projects/${k.shopId}`, {
      wallets: { BTC: { key: zpub() } },
    });
    expect(r.status).toBe(200);
  });
  afterAll(async () => k?.stop());

  it(
    `hands out ${CREATES} distinct indexes with no failed create`,
    { timeout: TIMEOUT },
    async () => {
      const statuses = await createConcurrently(
        [k.url],
        k.apiKey,
        k.shopId,
        CLIENTS_PER_PROCESS,
        CREATES,
      );
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      const rows = await k.store.db
        .selectFrom('address_allocations')
        .select(['idx', 'address'])
        .where('chain', '=', 'BTC')
        .execute();
      expectDistinct(rows, 0);
    },
  );
});
