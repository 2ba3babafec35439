/**
 * Static wallets: a permanent address per customer; every payment to it, as a
 * chain watcher reports it to the payment ledger, becomes its own paid invoice.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, createProject } from '../../src/app/accounts.js';
import type { ObservedTransfer } from '../../src/app/ports/chain.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { cc, ddmmyyyy, otherMerchant, rawNumber } from './helpers.js';

describe('CryptoCloud static wallets', () => {
  let k: TestKassa;
  const today = ddmmyyyy(Date.now());
  const transfer = (
    address: string,
    currency: string,
    amount: bigint,
    mined = true,
  ): ObservedTransfer => ({
    chain: 'test',
    txid: randomBytes(32).toString('hex'),
    index: 0,
    address,
    currency,
    amount,
    blockHash: mined ? `blk-${randomBytes(4).toString('hex')}` : null,
    blockHeight: mined ? 1 : null,
  });
  const listAll = async () =>
    (await cc(k, '/v2/invoice/merchant/list', { start: today, end: today, limit: 100 })).body
      .result as {
      uuid: string;
      status: string;
      order_id: string | null;
      address: string;
    }[];

  beforeAll(async () => {
    k = await startTestKassa();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('gives each customer one permanent address per currency', async () => {
    const a = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'BTC',
      identify: 'user-7',
    });
    expect(a.status).toBe(200);
    expect(a.body.result.address).toMatch(/^test_btc_/);
    expect(a.body.result.currency).toMatchObject({
      id: 1,
      code: 'BTC',
      short_code: 'BTC',
      enable: true,
      obj_network: { code: 'BTC' },
    });
    expect(a.body.result.uuid).toEqual(expect.any(String));
    const again = await cc(
      k,
      '/v2/invoice/static/create',
      { shop_id: k.shopId, currency: 'btc', identify: 'user-7' },
      { as: 'form' },
    );
    expect(again.body.result.address).toBe(a.body.result.address);
    const other = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'BTC',
      identify: 'user-8',
    });
    expect(other.body.result.address).not.toBe(a.body.result.address);
    const usdt = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'USDT_TRC20',
      identify: 'user-7',
    });
    expect(usdt.body.result.currency).toMatchObject({
      id: 4,
      code: 'USDT_TRC20',
      short_code: 'USDT',
    });
    expect(usdt.body.result.address).not.toBe(a.body.result.address);
    // Chain watchers only report addresses on the watch list.
    expect(k.watchList.lookup('test', a.body.result.address)).toBeDefined();
  });

  it('never hands a static address to an invoice', async () => {
    const w = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'LTC',
      identify: 'user-9',
    });
    const inv = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 10,
      add_fields: { cryptocurrency: 'LTC' },
    });
    expect(inv.body.result.address).not.toBe(w.body.result.address);
  });

  it('turns every payment to the address into its own paid record carrying identify as order_id', async () => {
    const w = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'USDT_TRC20',
      identify: 'player-1',
    });
    const address = w.body.result.address as string;
    const before = (await listAll()).length;
    const t1 = transfer(address, 'USDT_TRC20', 12_345_678n);
    await k.ledger.recordTransfer(t1);
    await k.ledger.recordTransfer(t1); // reported twice by the watcher: still one record
    await k.ledger.recordTransfer(transfer(address, 'USDT_TRC20', 5_000_000n));
    // TRC-20 needs 19 confirmations: the watcher reports the tip moving on.
    await k.ledger.tipChanged('test', 19);
    const after = await listAll();
    expect(after.length - before).toBe(2);
    const records = after.filter((x) => x.order_id === 'player-1');
    expect(records).toHaveLength(2);
    expect(records.every((x) => x.status === 'paid' && x.address === address)).toBe(true);
    const info = await cc(k, '/v2/invoice/merchant/info', { uuids: records.map((x) => x.uuid) });
    expect(rawNumber(info.text, 'received').sort()).toEqual(['12.345678', '5.0']);
    expect(info.body.result.map((x: { invoice_status: string }) => x.invoice_status)).toEqual([
      'success',
      'success',
    ]);
  });

  it('waits for confirmations before a static payment counts as paid', async () => {
    const w = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'LTC',
      identify: 'slow-payer',
    });
    const t = transfer(w.body.result.address, 'LTC', 150_000_000n, false);
    await k.ledger.recordTransfer(t);
    const rec = (await listAll()).find((x) => x.order_id === 'slow-payer')!;
    expect(rec.status).toBe('created');
    await k.ledger.recordTransfer({ ...t, blockHash: 'blk-mined', blockHeight: 50 });
    expect(
      (await cc(k, '/v2/invoice/merchant/info', { uuids: [rec.uuid] })).body.result[0].status,
    ).toBe('created');
    // LTC needs 2 confirmations.
    await k.ledger.tipChanged('test', 51);
    const info = await cc(k, '/v2/invoice/merchant/info', { uuids: [rec.uuid] });
    expect(info.body.result[0].status).toBe('paid');
    expect(rawNumber(info.text, 'received')).toEqual(['1.5']);
  });

  it('ignores a transfer of another currency to a static address', async () => {
    const w = await cc(k, '/v2/invoice/static/create', {
      shop_id: k.shopId,
      currency: 'ETH',
      identify: 'eth-only',
    });
    const before = (await listAll()).length;
    await k.ledger.recordTransfer(transfer(w.body.result.address, 'USDT_ERC20', 1_000_000n));
    expect((await listAll()).length).toBe(before);
  });

  describe('in a live project with a real wallet key', () => {
    // BIP84 test vector: account 0 of "abandon ... about".
    const zpub =
      'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
    let shopId: string;

    beforeAll(async () => {
      const accountId = (await authenticate(k.ctx, k.apiKey))!;
      const { project } = await createProject(k.ctx, accountId, {
        name: 'Live shop',
        testMode: false,
        enabledCurrencies: ['BTC'],
        wallets: { BTC: { key: zpub } },
      });
      shopId = project.id;
    });

    it('derives static addresses from the project wallet and records a watcher-reported payment', async () => {
      const a = await cc(k, '/v2/invoice/static/create', {
        shop_id: shopId,
        currency: 'BTC',
        identify: 'live-1',
      });
      expect(a.body.result.address).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
      const b = await cc(k, '/v2/invoice/static/create', {
        shop_id: shopId,
        currency: 'BTC',
        identify: 'live-2',
      });
      expect(b.body.result.address).toBe('bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g');

      // A Bitcoin watcher reports a mined payment to the static address.
      await k.ledger.recordTransfer({
        ...transfer(a.body.result.address, 'BTC', 2_500n),
        chain: 'BTC',
        blockHeight: 800_000,
      });
      const rec = (await listAll()).find((x) => x.order_id === 'live-1')!;
      expect(rec).toMatchObject({
        status: 'paid',
        address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
      });
      const info = await cc(k, '/v2/invoice/merchant/info', { uuids: [rec.uuid] });
      expect(info.body.result[0]).toMatchObject({
        test_mode: false,
        currency: { fullcode: 'BTC' },
      });
      expect(rawNumber(info.text, 'received')).toEqual(['0.000025']);
    });

    it('shares the wallet index sequence with invoices, so an invoice never gets a static address', async () => {
      const inv = await cc(k, '/v2/invoice/create', {
        shop_id: shopId,
        amount: 10,
        add_fields: { cryptocurrency: 'BTC' },
      });
      expect(inv.status, inv.text).toBe(200);
      expect(inv.body.result.test_mode).toBe(false);
      expect([
        'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
        'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
      ]).not.toContain(inv.body.result.address);
    });
  });

  it('refuses bad static wallet requests with validate_error', async () => {
    const other = await otherMerchant(k);
    for (const body of [
      { shop_id: k.shopId, currency: 'DOGE', identify: 'x' },
      { shop_id: k.shopId, currency: 'BTC' },
      { shop_id: k.shopId, identify: 'x' },
      { shop_id: other.shopId, currency: 'BTC', identify: 'x' },
    ]) {
      const r = await cc(k, '/v2/invoice/static/create', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.status).toBe('error');
      expect(typeof r.body.result.validate_error).toBe('string');
    }
  });
});
