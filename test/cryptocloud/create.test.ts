/** POST /v2/invoice/create and legacy /v1/invoice/create, as public CryptoCloud clients call them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/app/accounts.js';
import { FIAT_CURRENCIES } from '../../src/domain/currencies.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { CC_TIME, cc, ccTimeMs, otherMerchant, rawNumber } from './helpers.js';

describe('CryptoCloud invoice creation', () => {
  let k: TestKassa;
  let accountId: string;
  const invoiceCount = () => k.ctx.store.invoices.count({ accountId, limit: 1 });

  beforeAll(async () => {
    k = await startTestKassa();
    accountId = (await authenticate(k.ctx, k.apiKey))!;
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('creates an invoice from the documented curl request (amount as a JSON number)', async () => {
    const r = await cc(k, '/v2/invoice/create', {
      amount: 100,
      shop_id: k.shopId,
      currency: 'USD',
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('success');
    const inv = r.body.result;
    expect(inv.uuid).toMatch(/^INV-[A-Z0-9]{8}$/);
    expect(inv.created).toMatch(CC_TIME);
    expect(inv.expiry_date).toMatch(CC_TIME);
    // Default time_to_pay is 24 hours.
    expect(ccTimeMs(inv.expiry_date) - ccTimeMs(inv.created)).toBe(24 * 3600_000);
    expect(inv).toMatchObject({
      address: '',
      status: 'created',
      fiat_currency: 'USD',
      side_commission: 'client',
      side_commission_cc: 'client',
      type_payments: 'crypto',
      is_email_required: false,
      test_mode: true,
      // As in the seed: the default currency is named before the customer chooses, address empty.
      currency: { id: 4, code: 'USDT', fullcode: 'USDT_TRC20' },
      invoice_id: null,
      service_fee: 0,
      fee: 0,
    });
    // Typed clients (crypto-cloud-py's pydantic models) declare these as strings.
    expect(r.body.result.project.fail).toBe('');
    expect(r.body.result.project.success).toBe('');
    expect(typeof r.body.result.currency.icon_network).toBe('string');
    expect(rawNumber(r.text, 'amount_in_fiat')).toEqual(['100.0']);
    expect(rawNumber(r.text, 'amount_usd')).toEqual(['100.0']);
    expect(inv.link).toBe(
      `${k.url}/pay/${(await k.ctx.store.invoices.byShortId(inv.uuid.slice(4)))!.id}`,
    );
    expect(inv.project).toMatchObject({ shop_id: k.shopId, name: 'Demo shop' });
    expect(Number.isInteger(inv.project.id)).toBe(true);
  });

  it('keeps a JSON number amount exact instead of passing it through a float', async () => {
    // As a float this is 1000000000000000; an exact reader keeps every digit.
    const raw = `{"shop_id":"${k.shopId}","amount":999999999999999.99,"currency":"RUB"}`;
    const r = await cc(k, '/v2/invoice/create', undefined, { rawBody: raw });
    expect(r.status).toBe(200);
    expect(rawNumber(r.text, 'amount_in_fiat')).toEqual(['999999999999999.99']);
    const stored = await k.ctx.store.invoices.byShortId(r.body.result.uuid.slice(4));
    expect(stored?.amount).toBe('999999999999999.99');
  });

  it('reads Python-style exponent amounts exactly and refuses more precision than the currency has', async () => {
    const tiny = await cc(k, '/v2/invoice/create', undefined, {
      rawBody: `{"shop_id":"${k.shopId}","amount":5e-2,"currency":"EUR"}`,
    });
    expect(tiny.status).toBe(200);
    expect(rawNumber(tiny.text, 'amount_in_fiat')).toEqual(['0.05']);
    const before = await invoiceCount();
    const r = await cc(k, '/v2/invoice/create', undefined, {
      rawBody: `{"shop_id":"${k.shopId}","amount":0.30000000000000004}`,
    });
    expect(r.status).toBe(400);
    expect(r.body.status).toBe('error');
    expect(r.body.result.validate_error).toMatch(/decimal places/);
    expect(await invoiceCount()).toBe(before);
  });

  it('accepts amount as a string with unknown extra fields, as the Paymenter module sends it', async () => {
    const r = await cc(
      k,
      '/v2/invoice/create',
      {
        shop_id: k.shopId,
        amount: '100.50',
        currency: 'EUR',
        order_id: 'paymenter-42',
        callback_url: 'https://shop.example/extensions/cryptocloud/webhook',
        locale: 'en',
        add_fields: { time_to_pay: { hours: 24, minutes: 0 } },
      },
      { query: '?locale=ru' },
    );
    expect(r.status).toBe(200);
    expect(rawNumber(r.text, 'amount_in_fiat')).toEqual(['100.5']);
    expect(r.body.result.fiat_currency).toBe('EUR');
    // 100.50 EUR at the demo 0.92 EUR per USD, to the nearest cent.
    expect(rawNumber(r.text, 'amount_usd')).toEqual(['109.24']);
    const native = await k.api('GET', `/api/v1/invoices/${r.body.result.uuid}`);
    expect(native.body).toMatchObject({
      order_id: 'paymenter-42',
      locale: 'ru',
      currency: 'EUR',
    });
    expect(native.body.amount).toMatch(/^100\.50?$/);
  });

  it('accepts a form-encoded body with empty fields, as the Omnipay driver posts it', async () => {
    const r = await cc(
      k,
      '/v2/invoice/create',
      { shop_id: k.shopId, amount: '25.00', order_id: 'omni-1', email: '', currency: '' },
      { as: 'form' },
    );
    expect(r.status).toBe(200);
    expect(r.body.result.fiat_currency).toBe('USD');
    expect(rawNumber(r.text, 'amount_in_fiat')).toEqual(['25.0']);
  });

  it('reads PHP-style nested add_fields from a form body (time_to_pay)', async () => {
    const r = await cc(
      k,
      '/v2/invoice/create',
      { shop_id: k.shopId, amount: '10', add_fields: { time_to_pay: { hours: 1, minutes: 30 } } },
      { as: 'form' },
    );
    expect(r.status).toBe(200);
    const inv = r.body.result;
    expect(ccTimeMs(inv.expiry_date) - ccTimeMs(inv.created)).toBe(90 * 60_000);
  });

  it('fixes the address and crypto amount at creation with add_fields.cryptocurrency', async () => {
    const r = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 100,
      add_fields: { cryptocurrency: 'BTC' },
    });
    expect(r.status).toBe(200);
    const inv = r.body.result;
    expect(inv.address).not.toBe('');
    // 100 USD at 60000 USD/BTC, rounded up to the satoshi.
    expect(rawNumber(r.text, 'amount')).toEqual(['0.00166667']);
    expect(inv.currency).toMatchObject({
      id: 1,
      code: 'BTC',
      fullcode: 'BTC',
      name: 'Bitcoin',
      stablecoin: false,
      network: { code: 'BTC', id: 1, fullname: 'Bitcoin' },
    });
    expect(inv.currency.icon_base).toBe(`${k.url}/assets/icons/btc.svg`);

    const usdt = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: '100.2',
      add_fields: { cryptocurrency: 'USDT_TRC20' },
    });
    expect(usdt.body.result.currency).toMatchObject({
      id: 4,
      code: 'USDT',
      fullcode: 'USDT_TRC20',
      stablecoin: true,
      order: 1,
      network: { code: 'TRC20', id: 4, fullname: 'Tron' },
    });
    expect(usdt.body.result.currency.icon_network).toBe(`${k.url}/assets/icons/network-trc20.svg`);
    expect(rawNumber(usdt.text, 'amount')).toEqual(['100.2']);
  });

  it('limits payment currencies with available_currencies, leaving out ones it does not carry', async () => {
    const r = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 10,
      add_fields: { available_currencies: ['USDT_TRC20', ' USDT_ERC20', 'USDT_TON'] },
    });
    expect(r.status).toBe(200);
    const id = r.body.result.uuid;
    expect(
      (await k.api('POST', `/api/v1/invoices/${id}/quote`, { currency: 'BTC' })).status,
    ).toBeGreaterThanOrEqual(400);
    expect(
      (await k.api('POST', `/api/v1/invoices/${id}/quote`, { currency: 'USDT_ERC20' })).status,
    ).toBe(200);
    const none = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 10,
      add_fields: { available_currencies: ['USDT_TON'] },
    });
    expect(none.status).toBe(400);
    expect(none.body.result.validate_error).toMatch(/USDT_TON/);
  });

  it('prices in every one of the 25 fiat currencies of CryptoCloud', async () => {
    expect(FIAT_CURRENCIES).toHaveLength(25);
    for (const { code } of FIAT_CURRENCIES) {
      const r = await cc(k, '/v2/invoice/create', {
        shop_id: k.shopId,
        amount: '1000',
        currency: code,
      });
      expect(r.status, `${code}: ${r.text}`).toBe(200);
      expect(r.body.result.fiat_currency).toBe(code);
      expect(typeof r.body.result.amount_usd).toBe('number');
    }
  });

  it('answers the same invoice for a repeated order_id', async () => {
    const a = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 5,
      order_id: 'same-order',
    });
    const b = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: '5.00',
      order_id: 'same-order',
    });
    expect(b.body.result.uuid).toBe(a.body.result.uuid);
  });

  it('refuses bad requests with validate_error and a 400, writing nothing', async () => {
    const other = await otherMerchant(k);
    const before = await invoiceCount();
    const cases: [unknown, RegExp][] = [
      [{ amount: 10 }, /shop_id/],
      [{ shop_id: k.shopId }, /amount/],
      [{ shop_id: k.shopId, amount: -5 }, /greater than zero/],
      [{ shop_id: k.shopId, amount: 0 }, /greater than zero/],
      [{ shop_id: k.shopId, amount: 'ten' }, /amount/],
      [{ shop_id: k.shopId, amount: 10, currency: 'XYZ' }, /currency/],
      [{ shop_id: other.shopId, amount: 10 }, /not found/],
      [{ shop_id: k.shopId, amount: 10, add_fields: { cryptocurrency: 'DOGE' } }, /DOGE/],
      [
        { shop_id: k.shopId, amount: 10, add_fields: { time_to_pay: { hours: 0, minutes: 0 } } },
        /time_to_pay/,
      ],
      [
        { shop_id: k.shopId, amount: 10, add_fields: { email_to_send: 'not-an-email' } },
        /email_to_send/,
      ],
    ];
    for (const [body, msg] of cases) {
      const r = await cc(k, '/v2/invoice/create', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.status).toBe('error');
      expect(r.body.result.validate_error).toMatch(msg);
    }
    const broken = await cc(k, '/v2/invoice/create', undefined, { rawBody: '{"shop_id": ' });
    expect(broken.status).toBe(400);
    expect(broken.body.status).toBe('error');
    expect(await invoiceCount()).toBe(before);
  });

  it("answers 403 with CryptoCloud's authorization error (and detail) for a missing or unknown API key", async () => {
    const unauthorized = { status: 'error', result: { authorization: 'Unauthorized request.' } };
    for (const path of ['/v2/invoice/create', '/v1/invoice/create', '/v1/invoice/info']) {
      const none = await cc(k, path, { shop_id: k.shopId, amount: 1 }, { key: null });
      expect(none.status).toBe(403);
      expect(none.body).toMatchObject(unauthorized);
      expect(typeof none.body.detail).toBe('string');
      const bad = await cc(
        k,
        path,
        { shop_id: k.shopId, amount: 1 },
        { key: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.bad' },
      );
      expect(bad.status).toBe(403);
      expect(bad.body).toMatchObject(unauthorized);
    }
  });

  it("answers unknown paths under /v1 and /v2 in CryptoCloud's error shape", async () => {
    for (const path of ['/v2/invoice/nope', '/v1/nothing/here', '/v2/']) {
      const r = await cc(k, path, {});
      expect(r.status).toBe(404);
      expect(r.body.status).toBe('error');
      expect(typeof r.body.result.validate_error).toBe('string');
    }
    const wrongMethod = await cc(k, '/v2/invoice/create', undefined, { method: 'GET' });
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body.status).toBe('error');
  });

  it('serves the legacy v1 create and info, as cryptocloud.js (v1) calls them', async () => {
    const created = await cc(k, '/v1/invoice/create', {
      shop_id: k.shopId,
      amount: 12.5,
      currency: 'GBP',
      order_id: 'v1-order',
    });
    expect(created.status).toBe(200);
    // v1 documents `currency` as a crypto code: the invoice gets its first payable currency.
    expect(created.body).toMatchObject({ status: 'success' });
    expect(created.body.currency).toMatch(/^(BTC|LTC|ETH|TRX|USDT|USDC|TUSD)$/);
    expect(created.body.invoice_id).toMatch(/^[A-Z0-9]{8}$/);
    expect(created.body.pay_url).toMatch(/\/pay\/inv_/);
    const native = await k.api('GET', `/api/v1/invoices/INV-${created.body.invoice_id}`);
    expect(native.body.quote.currency.startsWith(created.body.currency)).toBe(true);
    expect(rawNumber(created.text, 'amount')).toEqual([native.body.quote.amount_due]);
    expect(rawNumber(created.text, 'amount_usd')).toHaveLength(1);
    // cryptocloud.js sends GET /v1/invoice/info?uuid=INV-XXXXXXXX
    const info = await cc(k, '/v1/invoice/info', undefined, {
      method: 'GET',
      query: `?uuid=INV-${created.body.invoice_id}`,
    });
    expect(info.body).toEqual({
      status: 'success',
      status_invoice: 'created',
      currency: created.body.currency,
    });
    const bare = await cc(k, '/v1/invoice/info', { uuid: created.body.invoice_id });
    expect(bare.body.status_invoice).toBe('created');
    const unknown = await cc(k, '/v1/invoice/info', undefined, {
      method: 'GET',
      query: '?uuid=INV-ZZZZZZZZ',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.status).toBe('error');
  });
});
