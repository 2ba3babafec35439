/**
 * End to end through the real app: Kassa (HTTP, SQLite or PostgreSQL, ledger,
 * watch list, cursor store) with the LTC watcher it starts from LTC_RPC_URL
 * following litecoind in regtest; invoices
 * created on the native API and paid from litecoind's wallet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HDKey } from '@scure/bip32';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChainWatcher } from '../../../src/app/ports/chain.js';
import { coinsToUnits } from '../../../src/chains/utxo/exact-json.js';
import { formatUnits } from '../../../src/domain/money.js';
import { startTestKassa, type TestKassa } from '../../support/kassa.js';
import { startLitecoind, type Litecoind } from '../../support/litecoind.js';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.js';
import { eventually, regtestAccounts, TEST_MNEMONIC } from './fixtures.js';
import { pbkdf2Sync } from 'node:crypto';

interface InvoiceBody {
  id: string;
  status: string;
  context: string | null;
  received_units: string;
  received_unconfirmed_units: string;
  quote: {
    address: string;
    amount_due: string;
    amount_due_units: string;
    payment_uri: string | null;
  } | null;
}
interface PaymentBody {
  txid: string;
  index: number;
  amount_units: string;
  confirmations: number;
  dropped: boolean;
  block_hash: string | null;
}

const POLL_MS = 150;

describe.each(['sqlite', 'postgres'] as const)(
  'LTC invoices paid through litecoind (regtest) and the real Kassa (%s)',
  (engine) => {
    let ltc: Litecoind;
    let pg: TestDatabase | undefined;
    let kassa: TestKassa;
    let watcher: ChainWatcher;
    let skewMs = 0;
    // The demo key is printed once; a restarted Kassa keeps accepting it.
    let apiKey = '';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-ltc-e2e-'));
    const env = () => ({
      DATA_DIR: dataDir,
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      LTC_RPC_URL: ltc.rpcUrl,
      LTC_RPC_USER: ltc.rpcUser,
      LTC_RPC_PASSWORD: ltc.rpcPassword,
      LTC_NETWORK: 'regtest',
      BTC_NETWORK: 'regtest',
      WATCH_POLL_MS: String(POLL_MS),
    });
    const clock = { now: () => Date.now() + skewMs };

    /** The LTC watcher the runtime started from LTC_RPC_URL. */
    function ltcWatcher(k: TestKassa): ChainWatcher {
      const w = k.watchers.find((x) => x.chain === 'LTC');
      if (!w) throw new Error('Kassa started no LTC watcher although LTC_RPC_URL is set');
      return w;
    }

    /** Whether a Kassa runs now: a scenario that stopped it and failed leaves none for the next. */
    let running = false;

    async function boot(): Promise<void> {
      kassa = await startTestKassa(env(), { clock });
      running = true;
      apiKey ||= kassa.apiKey;
      watcher = ltcWatcher(kassa);
      await eventually(() => watcher.health().height !== null, 'LTC watcher at the tip');
    }

    async function shutdown(): Promise<void> {
      running = false;
      await kassa?.close();
    }

    beforeAll(async () => {
      if (engine === 'postgres') pg = await createTestDatabase('kassa_ltc_e2e');
      ltc = await startLitecoind();
      await boot();
      const seed = new Uint8Array(pbkdf2Sync(TEST_MNEMONIC, 'mnemonic', 2048, 64, 'sha512'));
      const root = HDKey.fromMasterSeed(seed);
      const accounts = regtestAccounts();
      const res = await api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
        wallets: {
          LTC: { key: accounts.bip84.vpub },
          BTC: { key: accounts.bip84.vpub },
          ETH: { key: root.derive("m/44'/60'/0'").publicExtendedKey },
          TRON: { key: root.derive("m/44'/195'/0'").publicExtendedKey },
        },
        confirmations: { LTC: 2 },
        test_mode: false,
        rules: { late_payment_action: 'manual', overpaid_action: 'accept' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });

    afterAll(async () => {
      await shutdown();
      await ltc?.destroy();
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    // A clear reset: each scenario starts with Kassa running, whatever the one before left.
    beforeEach(async () => {
      if (!running) await boot();
    });

    async function api(
      method: string,
      p: string,
      body?: unknown,
    ): Promise<{ status: number; body: unknown }> {
      const res = await fetch(kassa.url + p, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    }

    async function createInvoice(usd = '8', expiresIn = 3600): Promise<InvoiceBody> {
      const res = await api('POST', '/api/v1/invoices', {
        shop_id: kassa.shopId,
        amount: usd,
        currency: 'USD',
        payment_currency: 'LTC',
        expires_in: expiresIn,
        test_mode: false,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const inv = res.body as InvoiceBody;
      expect(inv.quote?.address).toMatch(/^rltc1q/);
      return inv;
    }

    async function invoice(id: string): Promise<InvoiceBody> {
      return (await api('GET', `/api/v1/invoices/${id}`)).body as InvoiceBody;
    }

    async function payments(id: string): Promise<PaymentBody[]> {
      return ((await api('GET', `/api/v1/invoices/${id}/payments`)).body as { data: PaymentBody[] })
        .data;
    }

    /** Waits for `status` (and, when given, that much confirmed). */
    async function until(id: string, status: string, received?: bigint): Promise<InvoiceBody> {
      let last: InvoiceBody | undefined;
      const what = `${status}${received === undefined ? '' : ` with ${received} received`}`;
      try {
        return await eventually(async () => {
          last = await invoice(id);
          const amountOk = received === undefined || last.received_units === String(received);
          return last.status === status && amountOk ? last : undefined;
        }, what);
      } catch (err) {
        throw new Error(`${(err as Error).message}; last seen ${JSON.stringify(last)}`, {
          cause: err,
        });
      }
    }

    const due = (inv: InvoiceBody) => BigInt(inv.quote!.amount_due_units);
    const coins = (units: bigint) => formatUnits(units, 8);
    const pay = (inv: InvoiceBody, units: bigint) =>
      ltc.walletRpc<string>('sendtoaddress', inv.quote!.address, coins(units));

    /** A signed transaction spending the inputs of `txid` to the node's wallet instead. */
    async function conflictingTx(txid: string): Promise<string> {
      const tx = await ltc.rpc<{ vin: { txid: string; vout: number }[] }>(
        'getrawtransaction',
        txid,
        true,
      );
      let total = 0n;
      for (const i of tx.vin) {
        const prev = await ltc.rpc<{ vout: { value: string }[] }>(
          'getrawtransaction',
          i.txid,
          true,
        );
        total += coinsToUnits(prev.vout[i.vout]!.value);
      }
      const to = await ltc.walletRpc<string>('getnewaddress');
      const inputs = tx.vin.map((i) => ({ txid: i.txid, vout: i.vout }));
      const raw = await ltc.walletRpc<string>('createrawtransaction', inputs, [
        { [to]: coins(total - 200_000n) },
      ]);
      return (await ltc.walletRpc<{ hex: string }>('signrawtransactionwithwallet', raw)).hex;
    }

    it('is pending at mempool sight and paid after the two confirmations LTC requires', async () => {
      const inv = await createInvoice();
      // BIP21 with the exact amount due and the invoice as label.
      expect(
        inv.quote!.payment_uri?.startsWith(
          `litecoin:${inv.quote!.address}?amount=${inv.quote!.amount_due}&label=`,
        ),
      ).toBe(true);
      const txid = await pay(inv, due(inv));
      const pending = await until(inv.id, 'pending');
      expect(pending.received_unconfirmed_units).toBe(String(due(inv)));
      await ltc.mine(1);
      await eventually(
        async () => (await payments(inv.id))[0]?.confirmations === 1,
        'one confirmation',
      );
      expect((await invoice(inv.id)).status).toBe('pending');
      await ltc.mine(1);
      const paid = await until(inv.id, 'paid');
      expect(paid.received_units).toBe(String(due(inv)));
      expect(await payments(inv.id)).toEqual([
        expect.objectContaining({ txid, amount_units: String(due(inv)), confirmations: 2 }),
      ]);
    });

    it('is partial after a short payment and paid after a top-up from a second transaction', async () => {
      const inv = await createInvoice();
      const third = due(inv) / 3n;
      await pay(inv, third);
      await ltc.mine(2);
      const partial = await until(inv.id, 'partial', third);
      expect(partial.received_units).toBe(String(third));
      await pay(inv, due(inv) - third);
      await ltc.mine(2);
      const paid = await until(inv.id, 'paid');
      expect(paid.received_units).toBe(String(due(inv)));
      expect(await payments(inv.id)).toHaveLength(2);
    });

    it('counts two outputs to the invoice address in one transaction', async () => {
      const inv = await createInvoice();
      const half = due(inv) / 2n;
      const rest = due(inv) - half;
      const dummy = await ltc.walletRpc<string>('getnewaddress', '', 'bech32');
      const script = async (a: string) =>
        (await ltc.rpc<{ scriptPubKey: string }>('validateaddress', a)).scriptPubKey;
      const raw = await ltc.walletRpc<string>(
        'createrawtransaction',
        [],
        [{ [inv.quote!.address]: coins(half) }, { [dummy]: coins(rest) }],
      );
      const patched = raw.replace(await script(dummy), await script(inv.quote!.address));
      const funded = await ltc.walletRpc<{ hex: string }>('fundrawtransaction', patched);
      const signed = await ltc.walletRpc<{ hex: string }>(
        'signrawtransactionwithwallet',
        funded.hex,
      );
      const txid = await ltc.rpc<string>('sendrawtransaction', signed.hex);
      await ltc.mine(2);
      const paid = await until(inv.id, 'paid');
      expect(paid.received_units).toBe(String(due(inv)));
      const ps = await payments(inv.id);
      expect(ps.map((p) => p.txid)).toEqual([txid, txid]);
      expect(ps.map((p) => BigInt(p.amount_units)).reduce((a, b) => a + b)).toBe(due(inv));
    });

    it('marks an invoice overpaid when more than the amount due arrives', async () => {
      const inv = await createInvoice();
      await pay(inv, due(inv) + 1_000_000n);
      await ltc.mine(2);
      const over = await until(inv.id, 'overpaid', due(inv) + 1_000_000n);
      expect(over.received_units).toBe(String(due(inv) + 1_000_000n));
    });

    it('records a payment arriving after expiry as paid late', async () => {
      const inv = await createInvoice('8', 60);
      // Kassa's clock moves past the expiry; the payment arrives after it.
      skewMs = 120_000;
      try {
        await pay(inv, due(inv));
        await ltc.mine(2);
        const late = await eventually(async () => {
          const i = await invoice(inv.id);
          return i.context === 'paid_late' && BigInt(i.received_units) === due(inv) ? i : undefined;
        }, 'paid late');
        expect(late.context).toBe('paid_late');
      } finally {
        skewMs = 0;
      }
    });

    it('turns a confirmed payment back to unconfirmed on a reorg and paid again on the competing chain', async () => {
      const inv = await createInvoice();
      const txid = await pay(inv, due(inv));
      const [first] = await ltc.mine(2);
      await until(inv.id, 'paid');
      await ltc.rpc('invalidateblock', first);
      const back = await eventually(async () => {
        const i = await invoice(inv.id);
        return i.status !== 'paid' ? i : undefined;
      }, 'invoice no longer paid');
      expect(back.received_units).toBe('0');
      expect((await payments(inv.id))[0]).toMatchObject({ txid, confirmations: 0, dropped: false });
      await ltc.mine(3);
      await until(inv.id, 'paid', due(inv));
    });

    it('drops to one confirmation and out of paid at once when the chain loses its tip, without waiting for a block', async () => {
      const inv = await createInvoice();
      const txid = await pay(inv, due(inv));
      const [, second] = await ltc.mine(2);
      await until(inv.id, 'paid');
      const shorter = (await ltc.height()) - 1;
      await ltc.rpc('invalidateblock', second);
      // LTC needs 2 confirmations here: one left is pending again, counted as unconfirmed.
      const back = await until(inv.id, 'pending');
      expect(back.received_units).toBe('0');
      expect(back.received_unconfirmed_units).toBe(String(due(inv)));
      expect((await payments(inv.id))[0]).toMatchObject({ txid, confirmations: 1, dropped: false });
      expect(await ltc.height()).toBe(shorter);
      expect(watcher.health().height).toBe(shorter);
      await ltc.mine(1);
      await until(inv.id, 'paid', due(inv));
    });

    it('drops a confirmed payment when a reorg brings a chain that spends its inputs elsewhere', async () => {
      const inv = await createInvoice();
      const txid = await pay(inv, due(inv));
      const [first] = await ltc.mine(2);
      await until(inv.id, 'paid');
      await ltc.rpc('invalidateblock', first);
      await ltc.mineWith([await conflictingTx(txid)]);
      await ltc.mine(2);
      await eventually(async () => (await payments(inv.id))[0]?.dropped, 'payment dropped');
      const after = await until(inv.id, 'created', 0n);
      expect(after.received_units).toBe('0');
      expect(after.received_unconfirmed_units).toBe('0');
    });

    it('stops counting an unconfirmed payment whose inputs another transaction spends', async () => {
      const inv = await createInvoice();
      const txid = await pay(inv, due(inv));
      await until(inv.id, 'pending');
      // Litecoin Core relays no replacements: the conflicting spend goes straight into a block.
      await ltc.mineWith([await conflictingTx(txid)]);
      await eventually(async () => (await payments(inv.id))[0]?.dropped, 'payment dropped');
      const after = await until(inv.id, 'created', 0n);
      expect(after.received_unconfirmed_units).toBe('0');
    });

    it('wakes the LTC watcher from the -blocknotify hook, only for chains it watches', async () => {
      const woken = await fetch(`${kassa.url}/internal/blocknotify/LTC`, { method: 'POST' });
      expect(woken.status).toBe(202);
      const unknown = await fetch(`${kassa.url}/internal/blocknotify/DOGE`, { method: 'POST' });
      expect(unknown.status).toBe(404);
    });

    it('misses nothing mined while Kassa was stopped, resuming from its cursor', async () => {
      const inv = await createInvoice();
      await shutdown();
      await pay(inv, due(inv));
      await ltc.mine(3);
      await boot();
      const paid = await until(inv.id, 'paid');
      expect(paid.received_units).toBe(String(due(inv)));
      const tip = await ltc.height();
      await eventually(() => watcher.health().height === tip, 'watcher at the node tip');
    });

    it('keeps running while the node is stopped and picks payments up when it returns', async () => {
      const inv = await createInvoice();
      await ltc.stop();
      try {
        await eventually(() => !watcher.health().nodeReachable, 'watcher sees the node down');
        expect((await invoice(inv.id)).status).toBe('created');
      } finally {
        await ltc.restart();
      }
      await pay(inv, due(inv));
      await ltc.mine(2);
      await until(inv.id, 'paid');
      await eventually(() => watcher.health().nodeReachable, 'node reachable in health');
    });
  },
);
