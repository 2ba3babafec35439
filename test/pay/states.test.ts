/**
 * Every state of an invoice has its own screen and next step; the page
 * follows time-driven changes (expiry) live, and speaks Russian.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../support/browser.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import {
  createInvoice,
  expectAccessible,
  getInvoice,
  movableClock,
  shot,
  startShop,
} from './helpers.js';

describe('payment page states in chromium', () => {
  let kassa: TestKassa;
  let shop: Awaited<ReturnType<typeof startShop>>;
  let browser: BrowserSession;
  const clock = movableClock();

  beforeAll(async () => {
    kassa = await startTestKassa({}, { clock });
    shop = await startShop();
    const res = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
      name: 'Coffee Roasters',
      success_url: `${shop.url}/thanks`,
      fail_url: `${shop.url}/cart`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await kassa?.stop();
  });

  const h1 = () => browser.page.locator('h1').textContent();

  it('turns a waiting invoice into the expired screen live when its time runs out, saying what to do if already paid', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC', expires_in: 60 });
    await page.goto(invoice.link);
    await expect.poll(h1).toBe('Send the payment');
    await page.evaluate('window.__sameDocument = true');
    clock.advance(61_000);
    await expect.poll(h1, { timeout: 10_000 }).toBe('This invoice has expired');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect((await getInvoice(kassa, invoice.id)).status).toBe('canceled');
    expect(await page.locator('h2').first().textContent()).toBe('Already paid?');
    expect(await page.locator('main').textContent()).toContain(
      (await getInvoice(kassa, invoice.id)).uuid as string,
    );
    expect(await page.locator('#address').count()).toBe(0);
    expect(await page.locator('svg.qr').count()).toBe(0);
    expect(
      await page.getByRole('link', { name: 'Return to Coffee Roasters' }).getAttribute('href'),
    ).toBe(`${shop.url}/cart`);
    await shot(page, 'expired');
    await expectAccessible(page);
  });

  it('shows an invoice that expired part-paid with what arrived and a refund request form', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'LTC', expires_in: 60 });
    await page.goto(invoice.link);
    await page.getByRole('button', { name: 'Partial (half)' }).click();
    await expect.poll(h1).toBe('Partially paid');
    clock.advance(61_000);
    await expect
      .poll(h1, { timeout: 10_000 })
      .toBe('The invoice expired before it was paid in full');
    expect((await page.locator('#status-line').textContent())?.replace(/\u00a0/g, ' ')).toContain(
      'Received 0.625 LTC of 1.25 LTC',
    );
    expect(await page.getByLabel('Your LTC address on Litecoin').count()).toBe(1);
    await shot(page, 'underpaid');
    await expectAccessible(page);
  });

  it('takes a refund request for a late payment, refusing an invalid address and showing the accepted one back', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'USDT_TRC20', expires_in: 600 });
    await page.goto(invoice.link);
    await page.getByRole('button', { name: 'Late payment' }).click();
    await expect.poll(h1).toBe('Your payment arrived after the invoice expired');
    expect((await getInvoice(kassa, invoice.id)).context).toBe('paid_late');
    await shot(page, 'paid-late');
    await expectAccessible(page);

    const field = page.getByLabel('Your USDT address on Tron (TRC-20)');
    await field.fill('not an address!');
    await page.getByRole('button', { name: 'Request a refund' }).click();
    await expect
      .poll(() => page.locator('#refund-error').textContent())
      .toContain('This is not a valid Tron (TRC-20) address');
    expect(await field.inputValue()).toBe('not an address!');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'refund-invalid');
    await expectAccessible(page);

    await field.fill('test_refund_address_42');
    await page.getByRole('button', { name: 'Request a refund' }).click();
    await expect
      .poll(() => page.locator('#refund-requested').textContent())
      .toContain('Refund requested to test_refund_address_42');
    const refunds = await kassa.api('GET', `/api/v1/invoices/${invoice.id}/refunds`);
    expect(JSON.stringify(refunds.body)).toContain('test_refund_address_42');
    await shot(page, 'refund-requested');
    await expectAccessible(page);
  });

  it('tells the customer not to pay a cancelled invoice', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'ETH' });
    await page.goto(invoice.link);
    await expect.poll(h1).toBe('Send the payment');
    const res = await kassa.api('POST', `/api/v1/invoices/${invoice.id}/cancel`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expect.poll(h1, { timeout: 10_000 }).toBe('This invoice was cancelled');
    expect(await page.locator('#address').count()).toBe(0);
    await shot(page, 'cancelled');
    await expectAccessible(page);
  });

  it('shows a refunded invoice with the refund the merchant recorded', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'TRX' });
    const paid = await kassa.api('POST', `/api/v1/invoices/${invoice.id}/test-payments`, {});
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const refund = await kassa.api('POST', `/api/v1/invoices/${invoice.id}/refunds`, {
      amount: '400',
      currency: 'TRX',
      address: 'test_customer_wallet',
      txid: 'refundtx123',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBeLessThan(300);
    await page.goto(invoice.link);
    await expect.poll(h1).toBe('Refunded');
    const text = (await page.locator('main').textContent())?.replace(/\u00a0/g, ' ');
    expect(text).toContain('400 TRX to test_customer_wallet');
    expect(text).toContain('refundtx123');
    await shot(page, 'refunded');
    await expectAccessible(page);
  });

  it('speaks Russian for a ru invoice, with Russian number and date formats, and switches by ?locale=', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { amount: '1234.5', currency: 'RUB', locale: 'ru' });
    await page.goto(invoice.link);
    await expect.poll(h1).toBe('Выберите способ оплаты');
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    expect((await page.locator('#price').textContent())?.replace(/\s/g, ' ')).toBe('1 234,50 ₽');
    await page.getByLabel('BTC · Bitcoin').check();
    await page.getByRole('button', { name: 'Продолжить' }).click();
    await expect.poll(h1).toBe('Отправьте платёж');
    const api = await getInvoice(kassa, invoice.id);
    const due = api.quote!.amount_due;
    expect(await page.locator('#amount').getAttribute('data-value')).toBe(due);
    expect(
      (await page.locator('.notice').first().textContent())?.replace(/\u00a0/g, ' '),
    ).toContain(`${due.replace('.', ',')} BTC`);
    expect(await page.locator('time[data-local]').textContent()).toMatch(/\d{4}/);
    expect(await page.locator('time[data-local]').textContent()).toMatch(/[а-я]/);
    await shot(page, 'waiting-ru');
    await expectAccessible(page);

    await page.goto(`${invoice.link}?locale=en`);
    await expect.poll(h1).toBe('Send the payment');
    expect((await page.locator('#price').textContent())?.replace(/\s/g, ' ')).toBe('RUB 1,234.50');
  });
});

describe('payment page without JavaScript and on a phone', () => {
  let kassa: TestKassa;
  let shop: Awaited<ReturnType<typeof startShop>>;

  beforeAll(async () => {
    kassa = await startTestKassa();
    shop = await startShop();
    const res = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
      name: 'Coffee Roasters',
      success_url: `${shop.url}/thanks`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  afterAll(async () => {
    await shop?.close();
    await kassa?.stop();
  });

  it('works end to end with JavaScript off: choose, pay part, see the remainder, pay in full, return to the shop', async () => {
    const browser = await openBrowser({ javaScriptEnabled: false });
    try {
      const { page } = browser;
      const invoice = await createInvoice(kassa);
      await page.goto(invoice.link);
      expect(await page.locator('h1').textContent()).toBe('Choose how to pay');
      await page.getByLabel('ETH · Ethereum').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(invoice.link);
      expect(await page.locator('h1').textContent()).toBe('Send the payment');
      const api = await getInvoice(kassa, invoice.id);
      expect(await page.locator('#amount').getAttribute('data-value')).toBe(api.quote?.amount_due);
      expect((await page.locator('#address').textContent())?.trim()).toBe(api.quote?.address);
      // Copy buttons need the script; without it they stay hidden and the text is selectable.
      expect(await page.locator('button[data-copy]').first().isVisible()).toBe(false);
      expect(await page.locator('svg.qr').isVisible()).toBe(true);
      expect(await page.locator('noscript').first().innerHTML()).toContain('http-equiv="refresh"');
      // (axe needs script in the page; the same screens are checked with it on above.)
      await shot(page, 'nojs-waiting');

      await page.getByRole('button', { name: 'Partial (half)' }).click();
      await page.waitForURL(invoice.link);
      expect(await page.locator('h1').textContent()).toBe('Partially paid');
      expect(await page.locator('#amount').getAttribute('data-value')).toBe(
        (await getInvoice(kassa, invoice.id)).remaining,
      );
      await page.getByRole('button', { name: 'Full payment' }).click();
      await page.waitForURL(invoice.link);
      expect(await page.locator('h1').textContent()).toBe('Paid, thank you!');
      await shot(page, 'nojs-paid');
      await page.waitForURL(`${shop.url}/thanks`, { timeout: 15_000 });
    } finally {
      await browser.close();
    }
  });

  it('fits a 375 px wide phone screen without sideways scrolling, in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const browser = await openBrowser({
        viewport: { width: 375, height: 812 },
        isMobile: true,
        hasTouch: true,
        colorScheme,
      });
      try {
        const { page } = browser;
        const invoice = await createInvoice(kassa, {
          payment_currency: 'USDT_ERC20',
          order_id: `ORDER-${colorScheme === 'light' ? 1001 : 1002}`,
          description: 'Two bags of coffee',
        });
        await page.goto(invoice.link);
        await expect.poll(() => page.locator('h1').textContent()).toBe('Send the payment');
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          375,
        );
        const qr = await page.locator('svg.qr').boundingBox();
        expect(qr!.width).toBeGreaterThan(150);
        expect(qr!.x + qr!.width).toBeLessThanOrEqual(375);
        await shot(page, `mobile-waiting-${colorScheme}`);
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Full payment' }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe('Paid, thank you!');
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          375,
        );
        await shot(page, `mobile-paid-${colorScheme}`);
        await expectAccessible(page);
      } finally {
        await browser.close();
      }
    }
  });
});
