/**
 * The payment page in Debian's chromium: a customer opens a test-mode
 * invoice, chooses a currency, pays part, sees the remainder live, tops up
 * and is returned to the shop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../support/browser.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import {
  createInvoice,
  expectAccessible,
  getInvoice,
  shot,
  startShop,
  watchPage,
} from './helpers.js';

describe('payment page in chromium', () => {
  let kassa: TestKassa;
  let shop: Awaited<ReturnType<typeof startShop>>;
  let browser: BrowserSession;

  beforeAll(async () => {
    kassa = await startTestKassa();
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

  it('takes a customer from choosing a currency through a partial payment to paid and back to the shop', async () => {
    const { page } = browser;
    const seen = watchPage(page);
    const invoice = await createInvoice(kassa, {
      order_id: 'ORDER-1001',
      description: 'Two bags of coffee',
      expires_in: 3600,
    });

    await page.goto(invoice.link);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Choose how to pay');
    await expect.poll(() => page.locator('#price').textContent()).toBe('$100.00');
    await shot(page, 'choose');
    await expectAccessible(page);

    await page.getByLabel('USDT · Tron (TRC-20)').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Send the payment');

    const api = await getInvoice(kassa, invoice.id);
    expect(api.quote?.currency).toBe('USDT_TRC20');
    expect(await page.locator('#address').getAttribute('data-value')).toBe(api.quote?.address);
    expect((await page.locator('#address').textContent())?.trim()).toBe(api.quote?.address);
    expect(await page.locator('#amount').getAttribute('data-value')).toBe(api.quote?.amount_due);
    expect(await page.locator('#amount').textContent()).toContain(`${api.quote?.amount_due} USDT`);
    expect(await page.locator('button[data-copy]').count()).toBe(2);
    await expect.poll(() => page.locator('button[data-copy]').first().isVisible()).toBe(true);
    expect(await page.locator('svg.qr').count()).toBe(1);
    expect(await page.locator('[data-expires]').textContent()).toMatch(
      /^0?:?\d{2}:\d{2}$|^\d+:\d{2}:\d{2}$/,
    );
    await shot(page, 'waiting');
    await expectAccessible(page);

    await page.evaluate('window.__sameDocument = true');
    await page.getByRole('button', { name: 'Partial (half)' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Partially paid');
    const partial = await getInvoice(kassa, invoice.id);
    expect(partial.status).toBe('partial');
    expect(await page.locator('#amount').getAttribute('data-value')).toBe(partial.remaining);
    expect(await page.locator('figure.qr-box a').getAttribute('href')).toBe(
      partial.quote?.payment_uri,
    );
    expect(partial.quote?.payment_uri).toContain(`amount=${partial.remaining}`);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await shot(page, 'partial');
    await expectAccessible(page);

    // The top-up arrives from outside the page (as from a wallet): the page learns it over SSE.
    const topUp = await kassa.api('POST', `/api/v1/invoices/${invoice.id}/test-payments`, {});
    expect(topUp.status, JSON.stringify(topUp.body)).toBe(201);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Paid, thank you!');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(
      await page.getByRole('link', { name: 'Return to Coffee Roasters' }).getAttribute('href'),
    ).toBe(`${shop.url}/thanks`);
    await shot(page, 'paid');
    await expectAccessible(page);

    await page.waitForURL(`${shop.url}/thanks`, { timeout: 15_000 });
    expect(await page.locator('h1').textContent()).toBe('Thank you for your order');

    const foreign = seen.requests.filter(
      (u) => !u.startsWith(kassa.url) && !u.startsWith(shop.url),
    );
    expect(foreign).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
    expect(seen.requests.some((u) => u.endsWith(`/pay/${invoice.id}/events`))).toBe(true);
  });

  it('copies the exact amount and the address to the clipboard', async () => {
    const { page, context } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'ETH' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: kassa.url });
    await page.goto(invoice.link);
    await page.getByRole('button', { name: 'Copy amount' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Copy amount' }).textContent())
      .toBe('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(invoice.quote?.amount_due);
    await page.getByRole('button', { name: 'Copy address' }).click();
    await expect
      .poll(() => page.evaluate('navigator.clipboard.readText()'))
      .toBe(invoice.quote?.address);
  });

  it('falls back to polling the status when the event stream is unavailable', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC' });
    const polled: string[] = [];
    await page.route('**/events', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
    page.on('request', (r) => {
      if (r.url().endsWith('/status.json')) polled.push(r.url());
    });
    try {
      await page.goto(invoice.link);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Send the payment');
      await page.evaluate('window.__sameDocument = true');
      const paid = await kassa.api('POST', `/api/v1/invoices/${invoice.id}/test-payments`, {});
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      await expect
        .poll(() => page.locator('h1').textContent(), { timeout: 15_000 })
        .toBe('Paid, thank you!');
      expect(await page.evaluate('window.__sameDocument')).toBe(true);
      expect(polled.length).toBeGreaterThan(0);
    } finally {
      await page.unroute('**/events');
    }
  });

  it('shows a payment seen on the chain with its confirmations, then paid once confirmed', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC' });
    await page.goto(invoice.link);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Send the payment');
    await page.getByRole('button', { name: 'Seen, unconfirmed' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Payment received, confirming');
    expect(await page.locator('#confirmations').textContent()).toBe('Confirmations: 0 of 1');
    await shot(page, 'seen');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirm pending payments' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Paid, thank you!');
    expect((await getInvoice(kassa, invoice.id)).status).toBe('paid');
  });

  it('tells an overpaying customer the order is paid and by how much they overpaid', async () => {
    const { page } = browser;
    const invoice = await createInvoice(kassa, { payment_currency: 'LTC' });
    await page.goto(invoice.link);
    await page.getByRole('button', { name: 'Overpayment (+10%)' }).click();
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Paid, with more than the amount due');
    const api = await getInvoice(kassa, invoice.id);
    expect(api.status).toBe('overpaid');
    // 100 USD at 80 USD/LTC = 1.25 LTC due; +10% = 0.125 LTC more.
    expect((await page.locator('#status-line').textContent())?.replace(/\u00a0/g, ' ')).toContain(
      'You sent 1.375 LTC, which is 0.125 LTC more than the 1.25 LTC due',
    );
    await shot(page, 'overpaid');
    await expectAccessible(page);
  });
});
