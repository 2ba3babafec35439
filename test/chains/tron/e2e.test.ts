/**
 * End to end through the real app: a USDT_TRC20 invoice created over the
 * native API, paid on the replay chain, followed by the TRON watcher Kassa
 * starts from TRON_API_URL (as an operator wires it), driving the real ledger,
 * watch list and cursor store (SQLite).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { utils } from 'tronweb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChainWatcher } from '../../../src/app/ports/chain.js';
import { cryptoCurrency, DEFAULT_CONFIRMATIONS } from '../../../src/domain/currencies.js';
import { startTestKassa, type TestKassa } from '../../support/kassa.js';
import { SyntheticTronChain, startTronReplay, type TronReplay } from '../../support/tron-replay.js';
import { until } from './fakes.js';

const USDT = cryptoCurrency('USDT_TRC20')!.contract!;
const xpub = utils.ethersUtils.ethersHDNodeWallet
  .fromPhrase('test test test test test test test test test test test junk', '', "m/44'/195'/0'")
  .neuter().extendedKey;

let kassa: TestKassa | undefined;
let chain: SyntheticTronChain;
let replay: TronReplay;
let watcher: ChainWatcher;
let dataDir: string;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-tron-e2e-'));
  chain = new SyntheticTronChain();
  replay = await startTronReplay(chain);
  await boot();
  const patched = await kassa!.api('PATCH', `/api/v1/projects/${kassa!.shopId}`, {
    wallets: { TRON: { key: xpub } },
    test_mode: false,
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
});

/** A Kassa process starting afresh over the same data: nothing in memory, everything from the store. */
async function boot(): Promise<void> {
  kassa = await startTestKassa({
    DATA_DIR: dataDir,
    KASSA_TEST_MODE: 'false',
    KASSA_DEMO_API_KEY: 'kassa_tron_e2e_test_key_0123456789',
    RATES_FIXED: JSON.stringify({ 'USDT/USD': '1', 'TRX/USD': '0.25' }),
    TRON_API_URL: replay.url,
    WATCH_POLL_MS: '50',
  });
  const w = kassa.watchers.find((x) => x.chain === 'TRON');
  if (!w) throw new Error('Kassa started no TRON watcher although TRON_API_URL is set');
  watcher = w;
  await until(() => watcher.health().height === chain.head.height, 'the watcher to reach the head');
}

afterEach(async () => {
  await kassa?.close();
  kassa = undefined;
  await replay?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function invoice(id: string) {
  const res = await kassa!.api('GET', `/api/v1/invoices/${id}`);
  expect(res.status).toBe(200);
  return res.body as { status: string; received_units: string; received_unconfirmed_units: string };
}

describe('TRON end to end', () => {
  it('takes a USDT_TRC20 invoice from created through pending to paid at 19 confirmations', async () => {
    const created = await kassa!.api('POST', '/api/v1/invoices', {
      shop_id: kassa!.shopId,
      amount: '25',
      currency: 'USD',
      payment_currency: 'USDT_TRC20',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const inv = created.body as {
      id: string;
      status: string;
      quote: { address: string; amount_due_units: string };
    };
    expect(inv.status).toBe('created');
    expect(inv.quote.address).toMatch(/^T/);
    expect(inv.quote.amount_due_units).toBe('25000000');

    const paid = chain.mine([
      {
        kind: 'trc20',
        contract: USDT,
        to: inv.quote.address,
        amount: BigInt(inv.quote.amount_due_units),
      },
    ]);
    await until(async () => (await invoice(inv.id)).status === 'pending', 'pending', 15_000);
    expect((await invoice(inv.id)).received_unconfirmed_units).toBe('25000000');

    chain.mineEmpty(DEFAULT_CONFIRMATIONS.TRON - 2);
    await until(() => watcher.health().height === chain.head.height, 'the 18th confirmation');
    expect((await invoice(inv.id)).status).toBe('pending');

    chain.mineEmpty(1);
    await until(async () => (await invoice(inv.id)).status === 'paid', 'paid', 15_000);
    const payments = await kassa!.api('GET', `/api/v1/invoices/${inv.id}/payments`);
    expect(JSON.stringify(payments.body)).toContain(paid.txids[0]);
  });

  it('returns an invoice to created when its payment is orphaned and expires unmined', async () => {
    const created = await kassa!.api('POST', '/api/v1/invoices', {
      shop_id: kassa!.shopId,
      amount: '3',
      currency: 'USD',
      payment_currency: 'TRX',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const inv = created.body as {
      id: string;
      quote: { address: string; amount_due_units: string };
    };
    const block = chain.mine([
      { kind: 'trx', to: inv.quote.address, amount: BigInt(inv.quote.amount_due_units) },
    ]);
    await until(async () => (await invoice(inv.id)).status === 'pending', 'pending', 15_000);

    // A longer branch without the payment, running past the transaction's expiration.
    chain.fork(block.height);
    chain.mineEmpty(25);
    await until(async () => (await invoice(inv.id)).status === 'created', 'created again', 15_000);
    expect((await invoice(inv.id)).received_unconfirmed_units).toBe('0');
  });

  it('drops a paid payment orphaned while the watcher was stopped, once the new branch passes its expiration', async () => {
    const created = await kassa!.api('POST', '/api/v1/invoices', {
      shop_id: kassa!.shopId,
      amount: '3',
      currency: 'USD',
      payment_currency: 'TRX',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const inv = created.body as {
      id: string;
      quote: { address: string; amount_due_units: string };
    };
    const block = chain.mine([
      { kind: 'trx', to: inv.quote.address, amount: BigInt(inv.quote.amount_due_units) },
    ]);
    chain.mineEmpty(DEFAULT_CONFIRMATIONS.TRON - 1);
    await until(async () => (await invoice(inv.id)).status === 'paid', 'paid', 15_000);

    await kassa!.close();
    // While Kassa is stopped, a longer branch without the payment runs past its expiration.
    chain.fork(block.height);
    chain.mineEmpty(25);
    await boot();
    await until(async () => (await invoice(inv.id)).status === 'created', 'created again', 15_000);
    const after = await invoice(inv.id);
    expect(after.received_units).toBe('0');
    expect(after.received_unconfirmed_units).toBe('0');
    const payments = await kassa!.api('GET', `/api/v1/invoices/${inv.id}/payments`);
    expect(payments.body).toMatchObject({
      data: [{ txid: block.txids[0], dropped: true, confirmations: 0 }],
    });
  });
});
