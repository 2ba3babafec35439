/**
 * What the merchant is told, in each callback format, when a paid invoice's
 * payment is reorged out of the chain (and later confirmed again), or
 * double-spent by the chain that replaces its block: litecoind in regtest,
 * the real Kassa and its outbox, a real HTTP receiver per endpoint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coinsToUnits } from '../../src/chains/utxo/exact-json.js';
import { formatUnits } from '../../src/domain/money.js';
import type { CallbackTables } from '../../src/store/deliveries-repository.js';
import { eventually, regtestAccounts } from '../chains/utxo/fixtures.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startLitecoind, type Litecoind } from '../support/litecoind.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

const FORMATS = ['native', 'cryptocloud', 'cryptopay', 'coinspaid'] as const;
type Format = (typeof FORMATS)[number];

interface Invoice {
  id: string;
  uuid: string;
  status: string;
  quote: { address: string; amount_due_units: string };
}

/** One callback as the merchant reads it: which invoice, what it says. */
interface Told {
  invoice: string;
  what: string;
}

/** Reads a callback body the way each format's merchants do. */
function read(format: Format, body: string): Told {
  const b = JSON.parse(body);
  switch (format) {
    case 'native':
      return {
        invoice: b.data.invoice.id,
        what: b.type === 'invoice.status_changed' ? `status ${b.data.invoice.status}` : b.type,
      };
    case 'cryptocloud':
      return { invoice: `INV-${b.invoice_id}`, what: `postback ${b.status}` };
    case 'cryptopay':
      return { invoice: b.data.id, what: `${b.event} ${b.data.status}` };
    case 'coinspaid':
      return { invoice: b.x_kassa.invoice_id, what: `${b.x_kassa.event} ${b.status}` };
  }
}

describe('callbacks per format after a reorg and a double spend on litecoind', () => {
  let ltc: Litecoind;
  let kassa: TestKassa;
  let receiver: Receiver;
  const endpoints = {} as Record<Format, string>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-ltc-callbacks-'));

  beforeAll(async () => {
    ltc = await startLitecoind();
    receiver = await startReceiver();
    kassa = await startTestKassa({
      DATA_DIR: dataDir,
      LTC_RPC_URL: ltc.rpcUrl,
      LTC_RPC_USER: ltc.rpcUser,
      LTC_RPC_PASSWORD: ltc.rpcPassword,
      LTC_NETWORK: 'regtest',
      WATCH_POLL_MS: '100',
    });
    await eventually(
      () => kassa.watchers.find((w) => w.chain === 'LTC')?.health().height != null,
      'LTC watcher at the tip',
    );
    const accounts = regtestAccounts();
    const patched = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
      wallets: { LTC: { key: accounts.bip84.vpub } },
      enabled_currencies: ['LTC'],
      confirmations: { LTC: 2 },
      test_mode: false,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    for (const format of FORMATS) {
      const ep = await kassa.api('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
        url: `${receiver.url}/${format}`,
        format,
      });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      endpoints[format] = ep.body.id;
    }
  });

  afterAll(async () => {
    await kassa?.stop();
    await receiver?.close();
    await ltc?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** What endpoint `format` was told about `inv`, in the order it was told. */
  function told(format: Format, inv: Invoice): string[] {
    return receiver.requests
      .filter((r) => r.path === `/${format}`)
      .map((r) => read(format, r.body))
      .filter((t) => t.invoice === inv.id || t.invoice === inv.uuid)
      .map((t) => t.what);
  }

  /** Waits until every endpoint was told all that its deliveries for `inv` hold. */
  async function allDelivered(inv: Invoice): Promise<void> {
    await eventually(async () => {
      const pending = await kassa.store.db
        .withTables<CallbackTables>()
        .selectFrom('deliveries')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('invoice_id', '=', inv.id)
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(pending.n) === 0;
    }, `every callback of ${inv.id} delivered`);
  }

  async function createInvoice(): Promise<Invoice> {
    const r = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '8',
      currency: 'USD',
      payment_currency: 'LTC',
      test_mode: false,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as Invoice;
  }

  async function until(inv: Invoice, status: string): Promise<void> {
    await eventually(
      async () => (await kassa.api('GET', `/api/v1/invoices/${inv.id}`)).body.status === status,
      `invoice ${status}`,
    );
  }

  const pay = (inv: Invoice) =>
    ltc.walletRpc<string>(
      'sendtoaddress',
      inv.quote.address,
      formatUnits(BigInt(inv.quote.amount_due_units), 8),
    );

  /** Paid with 2 confirmations, every callback of it delivered; returns the payment's first block. */
  async function paidInvoice(): Promise<{ inv: Invoice; txid: string; block: string }> {
    const inv = await createInvoice();
    const txid = await pay(inv);
    const [block] = await ltc.mine(2);
    await until(inv, 'paid');
    await allDelivered(inv);
    return { inv, txid, block: block! };
  }

  it('tells each format that a paid invoice is pending again after a reorg, and paid once more; CryptoCloud posts once', async () => {
    const { inv, block } = await paidInvoice();
    const before = Object.fromEntries(FORMATS.map((f) => [f, told(f, inv).length]));
    await ltc.rpc('invalidateblock', block);
    await until(inv, 'pending');
    await allDelivered(inv);
    const afterReorg = (f: Format) => told(f, inv).slice(before[f]);
    expect(afterReorg('native')).toEqual(['payment.unconfirmed', 'status pending']);
    expect(afterReorg('cryptopay')).toEqual(['status_changed new']);
    expect(afterReorg('coinspaid')).toEqual(['invoice.status_changed pending']);
    expect(afterReorg('cryptocloud')).toEqual([]);

    await ltc.mine(3);
    await until(inv, 'paid');
    await allDelivered(inv);
    expect(told('native', inv).slice(-2)).toEqual(['payment.confirmed', 'status paid']);
    expect(told('cryptopay', inv).slice(-1)).toEqual(['status_changed completed']);
    expect(told('coinspaid', inv).slice(-1)).toEqual(['invoice.status_changed confirmed']);
    // The shop marked the order paid on the first postback and hears nothing more.
    expect(told('cryptocloud', inv)).toEqual(['postback success']);
  });

  it('tells each format that a paid invoice lost its payment to a double spend; CryptoCloud posts once', async () => {
    const { inv, txid, block } = await paidInvoice();
    const before = Object.fromEntries(FORMATS.map((f) => [f, told(f, inv).length]));
    await ltc.rpc('invalidateblock', block);
    await ltc.mineWith([await conflictingTx(ltc, txid)]);
    await ltc.mine(2);
    await until(inv, 'created');
    await eventually(
      async () =>
        (await kassa.api('GET', `/api/v1/invoices/${inv.id}/payments`)).body.data[0]?.dropped,
      'payment dropped',
    );
    await allDelivered(inv);
    const after = (f: Format) => told(f, inv).slice(before[f]);
    expect(after('native')).toEqual([
      'payment.unconfirmed',
      'status pending',
      'payment.dropped',
      'status created',
    ]);
    expect(after('cryptopay')).toEqual(['status_changed new', 'status_changed new']);
    expect(after('coinspaid')).toEqual([
      'invoice.status_changed pending',
      'invoice.status_changed created',
    ]);
    expect(told('cryptocloud', inv)).toEqual(['postback success']);
  });
});

/** A signed transaction spending the inputs of `txid` back to the node's wallet. */
async function conflictingTx(ltc: Litecoind, txid: string): Promise<string> {
  const tx = await ltc.rpc<{ vin: { txid: string; vout: number }[] }>(
    'getrawtransaction',
    txid,
    true,
  );
  let total = 0n;
  for (const i of tx.vin) {
    const prev = await ltc.rpc<{ vout: { value: string }[] }>('getrawtransaction', i.txid, true);
    total += coinsToUnits(prev.vout[i.vout]!.value);
  }
  const to = await ltc.walletRpc<string>('getnewaddress');
  const raw = await ltc.walletRpc<string>(
    'createrawtransaction',
    tx.vin.map((i) => ({ txid: i.txid, vout: i.vout })),
    [{ [to]: formatUnits(total - 200_000n, 8) }],
  );
  return (await ltc.walletRpc<{ hex: string }>('signrawtransactionwithwallet', raw)).hex;
}
