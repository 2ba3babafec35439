/**
 * Forwarder deposit addresses through the real Kassa on anvil: invoices in ETH,
 * a USDT-like token (6 decimals, no return value) and a TUSD-like one (18)
 * paid to codeless CREATE2 addresses, detected by the ETH watcher, collected
 * in batches by the merchant's own wallet (the API's ready transaction) and by
 * the gas-only collector key, recorded per payment with the collect transaction.
 */
import { getAddress, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  depositSalt,
  forwarderAddress,
  FORWARDER_FACTORY,
} from '../../../src/chains/evm/forwarder.js';
import { startTestKassa, type TestKassa } from '../../support/kassa.js';
import {
  deployContract,
  ethBalance,
  mined,
  payEth,
  payToken,
  quirkyToken,
  startForwarderChain,
  tokenBalance,
  type ForwarderChain,
} from '../../support/forwarder/chain.js';
import { waitFor } from './harness.js';

/** anvil's account #9 (test mnemonic): the gas-only collector key. */
const COLLECTOR_KEY = '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6';
const TREASURY: Address = getAddress('0x7e5f4552091a69125d5dfcb7b8c2659029395bdf');
const BATCH = 20;

interface Invoice {
  id: string;
  status: string;
  quote: { address: string; amount_due_units: string; currency: string } | null;
}
interface CollectionBody {
  id: string;
  txid: string;
  status: string;
  sender: string;
  fee_wei: string;
  items: {
    payment_id: string;
    invoice_id: string;
    currency: string;
    amount_units: string;
    unexpected: boolean;
  }[];
}
interface PlanBody {
  to: Address;
  data: Hex;
  value: string;
  gas: string | null;
  addresses: string[];
  payments: { payment_id: string }[];
}

let c: ForwarderChain;
let kassa: TestKassa;
const tokenOf = (cur: string) => (cur === 'USDT_ERC20' ? c.usdt : c.tusd);

async function treasury() {
  return {
    ETH: await ethBalance(c, TREASURY),
    USDT_ERC20: await tokenBalance(c, c.usdt, TREASURY),
    TUSD_ERC20: await tokenBalance(c, c.tusd, TREASURY),
  };
}

async function createInvoice(currency: string, usd: string): Promise<Invoice> {
  const res = await kassa.api('POST', '/api/v1/invoices', {
    shop_id: kassa.shopId,
    amount: usd,
    currency: 'USD',
    payment_currency: currency,
    test_mode: false,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Invoice;
}

async function pay(inv: Invoice, amount = BigInt(inv.quote!.amount_due_units)): Promise<void> {
  const to = inv.quote!.address as Address;
  if (inv.quote!.currency === 'ETH') await payEth(c, to, amount);
  else await payToken(c, tokenOf(inv.quote!.currency), to, amount);
}

async function collections(query = ''): Promise<CollectionBody[]> {
  const res = await kassa.api('GET', `/api/v1/collections${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { data: CollectionBody[] }).data;
}

async function collectedPaymentIds(): Promise<string[]> {
  return (await collections('?limit=500')).flatMap((x) => x.items.map((i) => i.payment_id));
}

async function uncollectedMetric(currency: string): Promise<number> {
  const text = await (await fetch(`${kassa.url}/metrics`)).text();
  const m = new RegExp(`^kassa_uncollected_units\\{currency="${currency}"\\} (\\S+)$`, 'm').exec(
    text,
  );
  return m ? Number(m[1]) : 0;
}

async function allPaid(ids: string[]) {
  await waitFor(
    `${ids.length} invoices paid`,
    async () => {
      for (const id of ids) {
        const inv = (await kassa.api('GET', `/api/v1/invoices/${id}`)).body as Invoice;
        if (inv.status !== 'paid') return false;
      }
      return true;
    },
    60_000,
  );
}

beforeAll(async () => {
  c = await startForwarderChain();
  expect(privateKeyToAccount(COLLECTOR_KEY).address).toBe(c.accounts[9]);
  kassa = await startTestKassa({
    ETH_RPC_URL: c.anvil.url,
    ETH_CHAIN_ID: String(c.anvil.chainId),
    ETH_TOKEN_CONTRACTS: JSON.stringify({ USDT_ERC20: c.usdt, TUSD_ERC20: c.tusd }),
    WATCH_POLL_MS: '50',
    EVM_COLLECTOR_KEY: COLLECTOR_KEY,
    EVM_COLLECT_BATCH_SIZE: String(BATCH),
    EVM_COLLECT_MAX_GAS_PRICE_GWEI: '1000',
    EVM_COLLECT_MIN_VALUE_RATIO: '0',
  });
  const res = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
    enabled_currencies: ['ETH', 'USDT_ERC20', 'TUSD_ERC20'],
    wallets: { ETH: { key: `forwarder(${TREASURY})`, gap_limit: 1000 } },
    confirmations: { ETH: 1, USDT_ERC20: 1, TUSD_ERC20: 1 },
    test_mode: false,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});

afterAll(async () => {
  await kassa?.stop();
  await c?.close();
});

describe('forwarder deposit addresses through Kassa', () => {
  it('hands out the CREATE2 address of the treasury and quote index, as kassa address computes it', async () => {
    const inv = await createInvoice('USDT_ERC20', '1');
    const res = await kassa.api('GET', `/api/v1/invoices/${inv.id}`);
    const address = (res.body as Invoice).quote!.address;
    const indexes = Array.from({ length: 200 }, (_, i) =>
      forwarderAddress({ factory: FORWARDER_FACTORY, treasury: TREASURY, salt: depositSalt(i) }),
    );
    expect(indexes).toContain(getAddress(address));
    expect(await c.client.getCode({ address: address as Address })).toBeUndefined();
  });

  it('collects 100 paid invoices in batches: treasury grows by exactly the sums, each payment recorded once', async () => {
    const currencies = ['ETH', 'USDT_ERC20', 'TUSD_ERC20'];
    const invoices: Invoice[] = [];
    for (let i = 0; i < 100; i++) {
      invoices.push(await createInvoice(currencies[i % 3]!, `${10 + (i % 7)}.${i % 10}3`));
    }
    const before = await treasury();
    const sums: Record<string, bigint> = { ETH: 0n, USDT_ERC20: 0n, TUSD_ERC20: 0n };
    for (const inv of invoices) {
      await pay(inv);
      sums[inv.quote!.currency] = sums[inv.quote!.currency]! + BigInt(inv.quote!.amount_due_units);
    }
    await allPaid(invoices.map((i) => i.id));
    await waitFor('uncollected metric', async () => (await uncollectedMetric('USDT_ERC20')) > 0);

    // The merchant's own wallet sends the first ready transactions (batches of 10).
    const ready = await kassa.api('POST', '/api/v1/collections/transaction', {
      batch_size: 10,
      from: c.accounts[3],
    });
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    const plans = (ready.body as { data: PlanBody[] }).data;
    expect(plans.length).toBeGreaterThanOrEqual(10);
    for (const p of plans.slice(0, 4)) {
      expect(p.addresses.length).toBeLessThanOrEqual(10);
      const hash = await c.wallet.sendTransaction({
        account: c.accounts[3]!,
        to: p.to,
        data: p.data,
        value: BigInt(p.value),
        gas: BigInt(p.gas!),
        chain: c.wallet.chain,
      });
      await mined(c, hash);
    }
    const byWallet = plans.slice(0, 4).flatMap((p) => p.payments.map((x) => x.payment_id));
    await waitFor('wallet collections recorded', async () => {
      const ids = await collectedPaymentIds();
      return byWallet.every((id) => ids.includes(id));
    });

    // The collector key does the rest, at most BATCH addresses per transaction.
    await kassa.forwarders.autoCollect!.runOnce();
    const all = await collections('?limit=500');
    const ids = all.flatMap((x) => x.items.map((i) => i.payment_id));
    expect(ids.length).toBe(new Set(ids).size);
    for (const inv of invoices) {
      expect(all.some((x) => x.items.some((i) => i.invoice_id === inv.id))).toBe(true);
    }
    const auto = all.filter((x) => x.sender === c.accounts[9]);
    expect(auto.length).toBeGreaterThan(0);
    for (const x of auto)
      expect(new Set(x.items.map((i) => i.invoice_id)).size).toBeLessThanOrEqual(BATCH);
    for (const x of all) {
      expect(x.status).toBe('mined');
      const receipt = await c.client.getTransactionReceipt({ hash: x.txid as Hex });
      expect(x.fee_wei).toBe(String(receipt.gasUsed * receipt.effectiveGasPrice));
    }

    const after = await treasury();
    // The first test's invoice was never paid, so the sums are exactly these invoices'.
    expect(after.ETH - before.ETH).toBe(sums.ETH);
    expect(after.USDT_ERC20 - before.USDT_ERC20).toBe(sums.USDT_ERC20);
    expect(after.TUSD_ERC20 - before.TUSD_ERC20).toBe(sums.TUSD_ERC20);
    expect(await uncollectedMetric('USDT_ERC20')).toBe(0);
    expect(await uncollectedMetric('ETH')).toBe(0);

    // Shown per invoice.
    const one = await collections(`?invoice_id=${invoices[0]!.id}`);
    expect(one).toHaveLength(1);
    expect(one[0]!.items).toHaveLength(1);
  });

  it('detects and collects a second payment to an already collected address', async () => {
    const inv = await createInvoice('ETH', '5');
    await pay(inv);
    await allPaid([inv.id]);
    await kassa.forwarders.autoCollect!.runOnce();
    const before = await treasury();
    await payEth(c, inv.quote!.address as Address, 12_345n);
    await waitFor('second payment', async () => {
      const res = await kassa.api('GET', `/api/v1/invoices/${inv.id}/payments`);
      return (res.body as { data: unknown[] }).data.length === 2;
    });
    await waitFor('second payment confirmed', async () => {
      await kassa.forwarders.autoCollect!.runOnce();
      return (await collections(`?invoice_id=${inv.id}`)).length === 2;
    });
    expect((await treasury()).ETH - before.ETH).toBe(12_345n);
  });

  it('leaves a payment mined after the collect in the same block uncollected, and collects it next', async () => {
    const inv = await createInvoice('USDT_ERC20', '4');
    const address = inv.quote!.address as Address;
    await pay(inv);
    await allPaid([inv.id]);
    const ready = await kassa.api('POST', '/api/v1/collections/transaction', { batch_size: 200 });
    const plan = (ready.body as { data: PlanBody[] }).data.find((p) =>
      p.addresses.some((a) => getAddress(a) === getAddress(address)),
    )!;
    // Hold the tracker so the later payment is on record before the collect is read.
    const tracker = kassa.forwarders.tracker!;
    await tracker.stop();
    await c.anvil.rpc('evm_setAutomine', [false]);
    let collectHash: Hex;
    let lateHash: Hex;
    try {
      // One sender, consecutive nonces: the collect comes first in the block, the payment after it.
      collectHash = await c.wallet.sendTransaction({
        account: c.payer,
        to: plan.to,
        data: plan.data,
        gas: BigInt(plan.gas!) * 2n,
        chain: c.wallet.chain,
      });
      lateHash = await c.wallet.writeContract({
        address: c.usdt,
        abi: quirkyToken('NoReturnToken').abi,
        functionName: 'transfer',
        args: [address, 777n],
        // Estimated before the collect empties the balance, which makes this write dearer.
        gas: 100_000n,
        account: c.payer,
        chain: c.wallet.chain,
      });
      await c.anvil.rpc('evm_mine');
    } finally {
      await c.anvil.rpc('evm_setAutomine', [true]);
    }
    const [collect, late] = [await mined(c, collectHash), await mined(c, lateHash)];
    expect(late.blockHash).toBe(collect.blockHash);
    expect(late.transactionIndex).toBeGreaterThan(collect.transactionIndex);
    expect(await tokenBalance(c, c.usdt, address)).toBe(777n);
    await waitFor('late payment recorded', async () => {
      const res = await kassa.api('GET', `/api/v1/invoices/${inv.id}/payments`);
      return (res.body as { data: unknown[] }).data.length === 2;
    });
    await tracker.start();
    const first = await waitFor(
      'collect recorded',
      async () => (await collections(`?invoice_id=${inv.id}`))[0],
    );
    expect(first.txid).toBe(collectHash);
    expect(first.items.map((i) => i.amount_units)).toEqual([inv.quote!.amount_due_units]);

    await waitFor('late payment collected', async () => {
      await kassa.forwarders.autoCollect!.runOnce();
      return (await collections(`?invoice_id=${inv.id}`)).length === 2;
    });
    const second = (await collections(`?invoice_id=${inv.id}`)).find(
      (x) => x.txid !== collectHash,
    )!;
    expect(second.items.map((i) => i.amount_units)).toEqual(['777']);
    expect(await tokenBalance(c, c.usdt, address)).toBe(0n);
  });

  it('detects ETH that a contract sends to deposit addresses by internal calls, and collects it', async () => {
    const batcher = await deployContract(c, quirkyToken('BatchPayer'), [], c.payer);
    const [a, b] = [await createInvoice('ETH', '6'), await createInvoice('ETH', '8')];
    const amounts = [a, b].map((inv) => BigInt(inv.quote!.amount_due_units));
    const before = await treasury();
    const hash = await c.wallet.writeContract({
      address: batcher,
      abi: quirkyToken('BatchPayer').abi,
      functionName: 'pay',
      args: [[a.quote!.address, b.quote!.address], amounts],
      value: amounts[0]! + amounts[1]!,
      account: c.accounts[2]!,
      chain: c.wallet.chain,
    });
    const receipt = await mined(c, hash);
    // No transaction goes to a deposit address itself: only the batcher's internal calls.
    const tx = await c.client.getTransaction({ hash });
    expect(getAddress(tx.to!)).toBe(getAddress(batcher));
    await allPaid([a.id, b.id]);
    const res = await kassa.api('GET', `/api/v1/invoices/${a.id}/payments`);
    const payments = (res.body as { data: { amount_units: string; block_height: number }[] }).data;
    expect(payments.map((p) => p.amount_units)).toEqual([String(amounts[0])]);
    expect(payments[0]!.block_height).toBe(Number(receipt.blockNumber));

    await waitFor('collected', async () => {
      await kassa.forwarders.autoCollect!.runOnce();
      const ids = (await collections('?limit=500')).flatMap((x) =>
        x.items.map((i) => i.invoice_id),
      );
      return ids.includes(a.id) && ids.includes(b.id);
    });
    expect((await treasury()).ETH - before.ETH).toBe(amounts[0]! + amounts[1]!);
  });

  it('records a wrong coin at a deposit address for the merchant and collects it with the rest', async () => {
    const inv = await createInvoice('USDT_ERC20', '5');
    const address = inv.quote!.address as Address;
    const before = await treasury();
    await payToken(c, c.tusd, address, 3n * 10n ** 18n);
    await payEth(c, address, 12_345n);
    type Wrong = {
      currency: string;
      expected_currency: string;
      amount_units: string;
      collection_id: string | null;
    };
    const wrong = async () =>
      (await kassa.api('GET', `/api/v1/collections/unexpected?invoice_id=${inv.id}`)).body
        .data as Wrong[];
    const seen = await waitFor('wrong coins recorded', async () => {
      const rows = await wrong();
      return rows.length === 2 ? rows : undefined;
    });
    expect(
      seen.map((d) => [d.currency, d.expected_currency, d.amount_units, d.collection_id]).sort(),
    ).toEqual([
      ['ETH', 'USDT_ERC20', '12345', null],
      ['TUSD_ERC20', 'USDT_ERC20', String(3n * 10n ** 18n), null],
    ]);
    // Not a payment of the invoice, but an event on it (and so a callback).
    const res = await kassa.api('GET', `/api/v1/invoices/${inv.id}/payments`);
    expect((res.body as { data: unknown[] }).data).toEqual([]);
    const events = (await kassa.api('GET', `/api/v1/invoices/${inv.id}/events`)).body.data as {
      type: string;
      data: { unexpected_payment?: { currency: string; amount_units: string } };
    }[];
    expect(
      events
        .filter((e) => e.type === 'payment.unexpected')
        .map((e) => [e.data.unexpected_payment!.currency, e.data.unexpected_payment!.amount_units])
        .sort(),
    ).toEqual([
      ['ETH', '12345'],
      ['TUSD_ERC20', String(3n * 10n ** 18n)],
    ]);

    await waitFor('wrong coins collected', async () => {
      await kassa.forwarders.autoCollect!.runOnce();
      return (await wrong()).every((d) => d.collection_id !== null);
    });
    const after = await treasury();
    expect(after.TUSD_ERC20 - before.TUSD_ERC20).toBe(3n * 10n ** 18n);
    expect(after.ETH - before.ETH).toBe(12_345n);
    const [collection] = await collections(`?invoice_id=${inv.id}`);
    expect(collection!.items.map((i) => [i.currency, i.amount_units, i.unexpected]).sort()).toEqual(
      [
        ['ETH', '12345', true],
        ['TUSD_ERC20', String(3n * 10n ** 18n), true],
      ],
    );
  });

  it('collects a token Kassa does not list when its contract is passed later', async () => {
    const inv = await createInvoice('TUSD_ERC20', '3');
    const stray = await deployContract(
      c,
      quirkyToken('NoReturnToken'),
      ['Stray', 'STR', 8, 10n ** 12n],
      c.payer,
    );
    await payToken(c, stray, inv.quote!.address as Address, 4242n);
    const project = await kassa.api('GET', `/api/v1/invoices/${inv.id}`);
    expect(project.status).toBe(200);
    const index = Array.from({ length: 400 }, (_, i) => i).find(
      (i) =>
        forwarderAddress({
          factory: FORWARDER_FACTORY,
          treasury: TREASURY,
          salt: depositSalt(i),
        }) === getAddress(inv.quote!.address),
    )!;
    const res = await kassa.api('POST', '/api/v1/collections/transaction', {
      shop_id: kassa.shopId,
      indexes: [index],
      tokens: [stray],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [plan] = (res.body as { data: PlanBody[] }).data;
    const hash = await c.wallet.sendTransaction({
      account: c.accounts[4]!,
      to: plan!.to,
      data: plan!.data,
      chain: c.wallet.chain,
    });
    await mined(c, hash);
    expect(await tokenBalance(c, stray, TREASURY)).toBe(4242n);
  });

  it('honours the gas price ceiling: nothing is sent above it', async () => {
    const inv = await createInvoice('USDT_ERC20', '7');
    await pay(inv);
    await allPaid([inv.id]);
    const mined = await kassa.forwarders.collections.autoCollect({
      batchSize: BATCH,
      maxGasPrice: 1n,
      minValueToCost: '0',
    });
    expect(mined).toEqual([]);
    expect(await tokenBalance(c, c.usdt, inv.quote!.address as Address)).toBe(
      BigInt(inv.quote!.amount_due_units),
    );
    await kassa.forwarders.autoCollect!.runOnce();
    expect(await tokenBalance(c, c.usdt, inv.quote!.address as Address)).toBe(0n);
  });

  it('forgets a collection whose transaction a reorg removed, and collects again', async () => {
    const inv = await createInvoice('USDT_ERC20', '9');
    await pay(inv);
    await allPaid([inv.id]);
    const snapshot = await c.anvil.rpc<Hex>('evm_snapshot');
    await kassa.forwarders.autoCollect!.runOnce();
    const first = await waitFor(
      'collected',
      async () => (await collections(`?invoice_id=${inv.id}`))[0],
    );
    await c.anvil.rpc('evm_revert', [snapshot]);
    await c.anvil.rpc('anvil_mine', ['0x3']);
    await waitFor(
      'collection orphaned',
      async () => (await collections(`?invoice_id=${inv.id}`)).length === 0,
    );
    expect(await tokenBalance(c, c.usdt, inv.quote!.address as Address)).toBe(
      BigInt(inv.quote!.amount_due_units),
    );
    await kassa.forwarders.autoCollect!.runOnce();
    const again = await waitFor(
      'collected again',
      async () => (await collections(`?invoice_id=${inv.id}`))[0],
    );
    expect(again.txid).not.toBe(first.txid);
    expect(await tokenBalance(c, c.usdt, inv.quote!.address as Address)).toBe(0n);
  });

  it('refuses a project whose forwarder factory is a look-alike or missing', async () => {
    const lookAlike = await deployContract(c, quirkyToken('HostileToken'), [0, 0n], c.payer);
    for (const factory of [lookAlike, '0x000000000000000000000000000000000000dEaD']) {
      const res = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
        wallets: { ETH: { key: `forwarder(${TREASURY},${factory})` } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.field).toBe('wallets.ETH.key');
    }
  });
});
