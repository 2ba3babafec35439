/**
 * The merchant dashboard in Debian's chromium against a running Kassa with a
 * real local callback receiver: sign in, create an invoice, watch it get paid
 * live, see and redeliver its callback, decide an unresolved invoice, export
 * CSV, preview a wallet; every page checked with axe-core and for requests
 * leaving the origin.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { HDKey } from '@scure/bip32';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../support/browser.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { expectAccessible, watchPage } from '../pay/helpers.js';
import { addUser, PASSWORD } from './helpers.js';

const run = promisify(execFile);
const ARTIFACTS = path.resolve('test-artifacts/dashboard');

async function shot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('dashboard in chromium', () => {
  let kassa: TestKassa;
  let receiver: Receiver;
  let browser: BrowserSession;
  let email: string;

  beforeAll(async () => {
    kassa = await startTestKassa({
      KASSA_TEST_MODE: 'true',
      DASHBOARD_SIGN_INS_PER_MINUTE: '1000',
    });
    receiver = await startReceiver();
    receiver.respond = () => ({ status: 500, body: 'shop database is down' });
    const endpoint = await kassa.api('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/kassa-callback`,
    });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    email = (await addUser(kassa, 'owner')).email;
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await kassa?.stop();
  });

  const checked = async (page: Page, shotName?: string) => {
    await expectAccessible(page);
    if (shotName) await shot(page, shotName);
  };

  it('runs an invoice from creation through live payment, callback redelivery, a manual decision and CSV export', async () => {
    const { page, context } = browser;
    const seen = watchPage(page);

    await page.goto(`${kassa.url}/dashboard`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    await checked(page, 'sign-in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Wrong e-mail, password or code.');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
    await checked(page);

    // Create an invoice in the dashboard: it shows the link and QR to send to the customer.
    await page.getByRole('link', { name: 'New invoice' }).click();
    await checked(page);
    await page.getByLabel('Amount', { exact: true }).fill('25.50');
    await page.getByLabel('Order id').fill('ORDER-77');
    await page.getByLabel('Description').fill('Green tea');
    await page.getByRole('button', { name: 'Create invoice' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Invoice INV-[A-Z0-9]{8}$/);
    const invoiceId = /\/dashboard\/invoices\/(inv_[a-z0-9]+)/.exec(page.url())![1]!;
    const link = await page.locator('dd a.mono').textContent();
    expect(link).toBe(`${kassa.url}/pay/${invoiceId}`);
    expect(await page.locator('svg.qr').count()).toBe(1);
    await checked(page);

    // The customer picks a currency on the payment page (their own browser tab).
    const customer = await context.newPage();
    await customer.goto(link!);
    await customer.getByLabel('BTC · Bitcoin').check();
    await customer.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => customer.locator('h1').textContent()).toBe('Send the payment');
    await customer.close();

    // The list and the detail page both follow the payment live (no reload).
    const list = await context.newPage();
    const seenList = watchPage(list);
    await list.goto(`${kassa.url}/dashboard/invoices`);
    const row = list.locator(`tr[data-invoice="${invoiceId}"]`);
    await expect.poll(() => row.locator('td.status').textContent()).toContain('created');
    await checked(list);
    await page.reload();
    await expect.poll(() => page.locator('#received').textContent()).toBe('0 BTC');
    await page.evaluate('window.__sameDocument = true');
    await list.evaluate('window.__sameDocument = true');
    const api = (await kassa.api('GET', `/api/v1/invoices/${invoiceId}`)).body;
    const paid = await kassa.api('POST', `/api/v1/invoices/${invoiceId}/test-payments`, {});
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    await expect.poll(() => row.locator('td.status').textContent()).toContain('paid');
    await expect
      .poll(() => page.locator('#received').textContent())
      .toBe(`${api.quote.amount_due} BTC`);
    await expect.poll(() => page.locator('#status').textContent()).toContain('paid');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await list.evaluate('window.__sameDocument')).toBe(true);
    expect(await page.locator('#payments tr').count()).toBe(1);

    // The shop's endpoint answered 500: the delivery shows with that code and the shop's text.
    await receiver.waitFor((r) => r.length > 0);
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('#deliveries').textContent();
      })
      .toMatch(/500[\s\S]*shop database is down/);
    await shot(page, 'invoice-detail');
    await checked(page);

    receiver.respond = () => ({ status: 200, body: 'ok' });
    const before = receiver.requests.length;
    await page.locator('#deliveries button', { hasText: 'Redeliver' }).first().click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('A new delivery was queued.');
    await receiver.waitFor((r) => r.length > before);
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('#deliveries tr').first().textContent();
      })
      .toMatch(/delivered[\s\S]*200/);

    // A payment after cancellation needs a decision; staff complete it by hand after confirming.
    await page.goto(`${kassa.url}/dashboard/invoices/new`);
    await page.getByLabel('Amount', { exact: true }).fill('7.25');
    await page.getByLabel('Order id').fill('ORDER-78');
    await page.getByRole('button', { name: 'Create invoice' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Invoice INV-/);
    const lateId = /\/dashboard\/invoices\/(inv_[a-z0-9]+)/.exec(page.url())![1]!;
    const chose = await fetch(`${kassa.url}/pay/${lateId}/currency`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'currency=LTC',
    });
    expect(chose.status).toBe(200);
    await page.reload();
    await page.getByRole('link', { name: 'Cancel invoice' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Confirm: Cancel invoice');
    await checked(page);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('The invoice was cancelled.');
    const late = await kassa.api('POST', `/api/v1/invoices/${lateId}/test-payments`, {});
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    await expect.poll(() => page.locator('#status').textContent()).toContain('paid_late');
    await page.goto(`${kassa.url}/dashboard`);
    expect(await page.locator('#h-unresolved + ul').textContent()).toContain(`INV-`);
    await page.goto(`${kassa.url}/dashboard/invoices/${lateId}`);
    await page.getByRole('link', { name: 'Mark as complete' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('The invoice was marked complete.');
    expect((await kassa.api('GET', `/api/v1/invoices/${lateId}`)).body.resolution).toBe(
      'completed',
    );

    // CSV export of the filtered set carries the exact amounts.
    const lateApi = (await kassa.api('GET', `/api/v1/invoices/${lateId}`)).body;
    const csv = await page.request.get(`${kassa.url}/dashboard/invoices.csv?q=ORDER-78`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'id,uuid,project,order_id,status,context,resolution,amount,price_currency,crypto_currency,amount_due,received,test_mode,created_at',
    );
    expect(lines[1]!.split(',')).toEqual([
      lateId,
      lateApi.uuid,
      kassa.shopId,
      'ORDER-78',
      lateApi.status,
      lateApi.context ?? '',
      'completed',
      '7.25',
      'USD',
      'LTC',
      lateApi.quote.amount_due,
      lateApi.received,
      'true',
      lateApi.created_at,
    ]);

    await page.goto(`${kassa.url}/dashboard`);
    await shot(page, 'overview');
    await checked(page);
    for (const p of [
      '/dashboard/users',
      '/dashboard/audit',
      '/dashboard/account',
      '/dashboard/wallets',
    ]) {
      await page.goto(kassa.url + p);
      await checked(page);
    }
    expect(await page.locator('h1').textContent()).toBe('Wallet preview');
    await page.goto(`${kassa.url}/dashboard/audit`);
    const audit = await page.locator('#audit').textContent();
    for (const action of [
      'sign_in.failed',
      'sign_in',
      'invoice.created',
      'invoice.cancel',
      'invoice.complete',
      'delivery.redelivered',
    ])
      expect(audit).toContain(action);

    const everything = [...seen.requests, ...seenList.requests];
    expect(everything.filter((u) => !u.startsWith(kassa.url))).toEqual([]);
    expect([...seen.cspViolations, ...seenList.cspViolations]).toEqual([]);
    expect(seenList.requests.some((u) => u.endsWith('/dashboard/events'))).toBe(true);
    await list.close();
  }, 180_000);

  it('previews wallet addresses that equal what `kassa address` prints', async () => {
    const { page } = browser;
    const account = HDKey.fromMasterSeed(randomBytes(32)).derive("m/84'/0'/0'");
    const xpub = account.publicExtendedKey;
    await page.goto(`${kassa.url}/dashboard/wallets`);
    await page.getByLabel('Currency').selectOption('BTC');
    await page.getByLabel('Network').selectOption('mainnet');
    await page.getByLabel('Extended public key or descriptor').fill(xpub);
    await page.getByRole('button', { name: 'Preview addresses' }).click();
    const rows = await page.locator('#preview tbody tr').allTextContents();
    expect(rows).toHaveLength(5);
    await checked(page);
    const cli = await Promise.all(
      [0, 4].map(async (i) => {
        const r = await run(
          process.execPath,
          [
            '--import',
            'tsx',
            'src/cli/main.ts',
            'address',
            '--currency',
            'BTC',
            '--key',
            xpub,
            '--index',
            String(i),
          ],
          { env: { ...process.env, LOG_LEVEL: 'silent' } },
        );
        return r.stdout.trim();
      }),
    );
    const shown = await page.locator('#preview tbody tr td:nth-child(3)').allTextContents();
    expect([shown[0], shown[4]]).toEqual(cli);
    expect(await page.locator('#preview tbody tr td:nth-child(2)').allTextContents()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `(key)/0/${i}`),
    );
  }, 120_000);

  it('is usable at 375 px wide', async () => {
    const narrow = await openBrowser({ viewport: { width: 375, height: 812 } });
    try {
      const { page } = narrow;
      await page.goto(`${kassa.url}/dashboard/sign-in`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
      for (const p of ['/dashboard', '/dashboard/invoices']) {
        await page.goto(kassa.url + p);
        const overflow = await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        );
        expect(overflow, p).toBeLessThanOrEqual(0);
        await checked(page);
      }
      await shot(page, 'invoices-375');
    } finally {
      await narrow.close();
    }
  });
});
