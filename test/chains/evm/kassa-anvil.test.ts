/**
 * End to end through the real app: Kassa (HTTP, SQLite or PostgreSQL, ledger,
 * watch list, cursor store) with the ETH watcher it starts from ETH_RPC_URL
 * following anvil; invoices created on the native API and paid with viem from
 * anvil's funded accounts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Address, Hex } from 'viem';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChainWatcher } from '../../../src/app/ports/chain.js';
import { startTestKassa, type TestKassa } from '../../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.js';
import {
  batchTransfer,
  headHeight,
  MERCHANT_XPUB,
  merchantAccountKey,
  mine,
  sendEth,
  sendToken,
  startEvmTestChain,
  waitFor,
  type EvmTestChain,
} from './harness.js';
import { startRpcProxy, type RpcProxy } from './rpc-proxy.js';

interface InvoiceBody {
  id: string;
  status: string;
  received_units: string;
  received_unconfirmed_units: string;
  quote: { address: string; amount_due_units: string; payment_uri: string | null } | null;
}
interface PaymentBody {
  txid: string;
  index: number;
  amount_units: string;
  confirmations: number;
  block_hash: string | null;
  dropped: boolean;
}

const POLL_MS = 100;
const USDT_CONFIRMATIONS = 3;

describe.each(['sqlite', 'postgres'] as const)(
  'ETH and ERC-20 invoices paid on anvil through the real Kassa (%s)',
  (engine) => {
    let chain: EvmTestChain;
    let pg: TestDatabase | undefined;
    let kassa: TestKassa;
    let watcher: ChainWatcher;
    /** Kassa reaches anvil through this proxy, so the node can vanish and return. */
    let node: RpcProxy;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-eth-e2e-'));
    const env = () => ({
      DATA_DIR: dataDir,
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      ETH_RPC_URL: node.url,
      ETH_CHAIN_ID: String(chain.anvil.chainId),
      ETH_TOKEN_CONTRACTS: JSON.stringify({ USDT_ERC20: chain.usdt, TUSD_ERC20: chain.tusd }),
      WATCH_POLL_MS: String(POLL_MS),
      // Preset so that the same key works after a restart over the same data.
      KASSA_DEMO_API_KEY: 'kassa_evm_e2e_test_key_0123456789',
    });

    /** The ETH watcher the runtime started from ETH_RPC_URL, as an operator wires it. */
    function ethWatcher(k: TestKassa): ChainWatcher {
      const w = k.watchers.find((x) => x.chain === 'ETH');
      if (!w) throw new Error('Kassa started no ETH watcher although ETH_RPC_URL is set');
      return w;
    }

    /** Whether a Kassa runs now: a scenario that stopped it and failed leaves none for the next. */
    let running = false;

    async function boot(): Promise<void> {
      kassa = await startTestKassa(env());
      running = true;
      watcher = ethWatcher(kassa);
      await waitFor('ETH watcher at the head', () => watcher.health().height !== null);
    }

    async function shutdown(): Promise<void> {
      running = false;
      await kassa?.close();
    }

    beforeAll(async () => {
      if (engine === 'postgres') pg = await createTestDatabase('kassa_eth_e2e');
      chain = await startEvmTestChain();
      node = await startRpcProxy(chain.anvil.url);
      await boot();
      const res = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
        enabled_currencies: ['ETH', 'USDT_ERC20', 'TUSD_ERC20'],
        // The schema currently requires every chain's wallet; only ETH matters here.
        wallets: {
          ETH: { key: MERCHANT_XPUB },
          BTC: { key: merchantAccountKey("m/44'/0'/0'") },
          LTC: { key: merchantAccountKey("m/44'/2'/0'") },
          TRON: { key: merchantAccountKey("m/44'/195'/0'") },
        },
        confirmations: { USDT_ERC20: USDT_CONFIRMATIONS },
        test_mode: false,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });

    afterAll(async () => {
      await shutdown();
      await node?.close();
      await chain?.close();
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    // A clear reset: each scenario starts with Kassa running, whatever the one before left.
    beforeEach(async () => {
      if (!running) await boot();
    });

    async function createInvoice(currency: string, usd = '30'): Promise<InvoiceBody> {
      const res = await kassa.api('POST', '/api/v1/invoices', {
        shop_id: kassa.shopId,
        amount: usd,
        currency: 'USD',
        payment_currency: currency,
        test_mode: false,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as InvoiceBody;
    }

    const invoice = async (id: string) =>
      (await kassa.api('GET', `/api/v1/invoices/${id}`)).body as InvoiceBody;
    const payments = async (id: string) =>
      ((await kassa.api('GET', `/api/v1/invoices/${id}/payments`)).body as { data: PaymentBody[] })
        .data;
    const due = (inv: InvoiceBody) => BigInt(inv.quote!.amount_due_units);
    const to = (inv: InvoiceBody) => inv.quote!.address as Address;

    async function until(id: string, status: string): Promise<InvoiceBody> {
      let last: InvoiceBody | undefined;
      try {
        return await waitFor(`invoice ${status}`, async () => {
          last = await invoice(id);
          return last.status === status ? last : undefined;
        });
      } catch (err) {
        throw new Error(`${(err as Error).message}; last seen ${JSON.stringify(last)}`, {
          cause: err,
        });
      }
    }

    /** Waits until the watcher has processed the node's head. */
    async function settled(): Promise<void> {
      const head = await headHeight(chain);
      await waitFor(`watcher at ${head}`, () => (watcher.health().height ?? -1) >= head);
    }

    it('is pending once an ETH payment is mined and paid at the default depth of 12 blocks', async () => {
      const inv = await createInvoice('ETH');
      expect(inv.quote!.payment_uri).toBe(
        `ethereum:${to(inv)}@${chain.anvil.chainId}?value=${due(inv)}`,
      );
      const txid = await sendEth(chain, to(inv), due(inv));
      const pending = await until(inv.id, 'pending');
      expect(pending.received_unconfirmed_units).toBe(String(due(inv)));
      await mine(chain, 10);
      await settled();
      await waitFor(
        '11 confirmations',
        async () => (await payments(inv.id))[0]?.confirmations === 11,
      );
      expect((await invoice(inv.id)).status).toBe('pending');
      await mine(chain, 1);
      const paid = await until(inv.id, 'paid');
      expect(paid.received_units).toBe(String(due(inv)));
      expect(await payments(inv.id)).toEqual([
        expect.objectContaining({
          txid,
          index: -1,
          amount_units: String(due(inv)),
          confirmations: 12,
        }),
      ]);
    });

    it('is partial after a short USDT payment and paid after a top-up, at the project depth', async () => {
      const inv = await createInvoice('USDT_ERC20');
      expect(inv.quote!.payment_uri).toBe(
        `ethereum:${chain.usdt}@${chain.anvil.chainId}/transfer?address=${to(inv)}&uint256=${due(inv)}`,
      );
      const part = due(inv) / 3n;
      await sendToken(chain, chain.usdt, to(inv), part);
      await mine(chain, USDT_CONFIRMATIONS - 1);
      const partial = await until(inv.id, 'partial');
      expect(partial.received_units).toBe(String(part));
      await sendToken(chain, chain.usdt, to(inv), due(inv) - part);
      await mine(chain, USDT_CONFIRMATIONS - 2);
      await settled();
      expect((await invoice(inv.id)).status).toBe('partial');
      await mine(chain, 1);
      const paid = await until(inv.id, 'paid');
      expect(paid.received_units).toBe(String(due(inv)));
      expect(await payments(inv.id)).toHaveLength(2);
    });

    it('counts both Transfer logs of one TUSD (18 decimals) transaction', async () => {
      const inv = await createInvoice('TUSD_ERC20', '12.5');
      expect(due(inv)).toBe(12_500_000_000_000_000_000n);
      const half = due(inv) / 2n;
      const txid = await batchTransfer(
        chain,
        chain.tusd,
        [to(inv), to(inv)],
        [half, due(inv) - half],
      );
      await mine(chain, 12);
      const paid = await until(inv.id, 'paid');
      expect(paid.received_units).toBe(String(due(inv)));
      const ps = await payments(inv.id);
      expect(ps.map((p) => p.txid)).toEqual([txid, txid]);
      expect(new Set(ps.map((p) => p.index)).size).toBe(2);
    });

    it('takes a payment back when its block is reorged away and counts it again when re-mined', async () => {
      const inv = await createInvoice('ETH');
      const snapshot = await chain.anvil.rpc<Hex>('evm_snapshot');
      const txid = await sendEth(chain, to(inv), due(inv));
      const raw = await chain.anvil.rpc<Hex>('eth_getRawTransactionByHash', [txid]);
      await mine(chain, 12);
      await until(inv.id, 'paid');
      await chain.anvil.rpc('evm_revert', [snapshot]);
      await mine(chain, 14);
      // anvil forgets the reverted transaction: the payment stops counting altogether.
      const back = await until(inv.id, 'created');
      expect(back.received_units).toBe('0');
      expect(back.received_unconfirmed_units).toBe('0');
      expect((await payments(inv.id))[0]).toMatchObject({
        txid,
        confirmations: 0,
        block_hash: null,
        dropped: true,
      });
      await chain.anvil.rpc('eth_sendRawTransaction', [raw]);
      await mine(chain, 12);
      await until(inv.id, 'paid');
    });

    it('drops a paid payment whose block was reorged away while Kassa was stopped, once it restarts', async () => {
      const inv = await createInvoice('ETH');
      const snapshot = await chain.anvil.rpc<Hex>('evm_snapshot');
      const txid = await sendEth(chain, to(inv), due(inv));
      await mine(chain, 12);
      await until(inv.id, 'paid');
      await settled();
      await shutdown();
      // While Kassa is down the node forgets the transaction and follows a longer chain.
      await chain.anvil.rpc('evm_revert', [snapshot]);
      await mine(chain, 14);
      expect(await chain.anvil.rpc('eth_getTransactionByHash', [txid])).toBeNull();
      await boot();
      const back = await until(inv.id, 'created');
      expect(back.received_units).toBe('0');
      expect(back.received_unconfirmed_units).toBe('0');
      expect((await payments(inv.id))[0]).toMatchObject({
        txid,
        confirmations: 0,
        block_hash: null,
        dropped: true,
      });
    });

    it('misses nothing mined while Kassa was stopped, resuming from its cursor', async () => {
      const eth = await createInvoice('ETH');
      const usdt = await createInvoice('USDT_ERC20');
      await shutdown();
      await sendEth(chain, to(eth), due(eth));
      await mine(chain, 5);
      await sendToken(chain, chain.usdt, to(usdt), due(usdt));
      await mine(chain, 12);
      await boot();
      await until(eth.id, 'paid');
      await until(usdt.id, 'paid');
      expect(watcher.health().height).toBe(await headHeight(chain));
    });

    it('keeps running while the node is unreachable and picks payments up when it returns', async () => {
      const inv = await createInvoice('USDT_ERC20');
      await node.down();
      let down = true;
      try {
        await waitFor('the watcher to see the node down', () => !watcher.health().nodeReachable);
        await sendToken(chain, chain.usdt, to(inv), due(inv));
        await mine(chain, USDT_CONFIRMATIONS);
        expect((await invoice(inv.id)).status).toBe('created');
        await node.up();
        down = false;
      } finally {
        if (down) await node.up();
      }
      await until(inv.id, 'paid');
      expect(watcher.health().nodeReachable).toBe(true);
    });
  },
);
