/**
 * axe-core on every dashboard page, light and dark, in Debian's chromium:
 * each GET page with data on it, the confirmation pages, the pages a secret is
 * shown on (and "already shown"), and the error states a form can come back
 * with. No serious or critical violations; no request leaves the origin.
 */
import { base32nopad } from '@scure/base';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../src/app/totp.js';
import { openBrowser, type BrowserSession } from '../support/browser.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { expectAccessible, watchPage } from '../pay/helpers.js';
import { addUser, PASSWORD } from './helpers.js';

/** Checks the page as it is, in the light scheme and in the dark one. */
async function bothSchemes(page: Page, what: string) {
  const backgrounds = new Set<string>();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    backgrounds.add(await page.evaluate('getComputedStyle(document.body).backgroundColor'));
    try {
      await expectAccessible(page);
    } catch (e) {
      throw new Error(`${what} (${colorScheme}): ${(e as Error).message}`, { cause: e });
    }
  }
  // The dark scheme really applied: its colours were the ones checked.
  expect(backgrounds.size, what).toBe(2);
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Submits a form skipping the browser's own checks, so the server's error page shows. */
async function submitUnchecked(page: Page, action: string) {
  // The caller then waits for the server's answer (its alert) to show.
  await page.evaluate(
    `(() => { const f = document.querySelector('form[action="${action}"]'); f.noValidate = true; f.requestSubmit(); })()`,
  );
}

describe('dashboard accessibility on every page', () => {
  let kassa: TestKassa;
  let receiver: Receiver;
  let browser: BrowserSession;

  beforeAll(async () => {
    kassa = await startTestKassa({
      KASSA_TEST_MODE: 'true',
      DASHBOARD_SIGN_INS_PER_MINUTE: '1000',
      CALLBACK_RETRY_SECONDS: '600',
    });
    receiver = await startReceiver();
    receiver.respond = () => ({ status: 500, body: 'down' });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await kassa?.stop();
  });

  it('has no serious or critical violations, light or dark', async () => {
    const { page } = browser;
    const seen = watchPage(page);
    const base = kassa.url;

    // Data for the pages: an endpoint, a paid invoice whose callback got a 500, then a redelivery.
    const ep = await kassa.api('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/cb`,
    });
    expect(ep.status).toBe(201);
    const inv = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '12.50',
      order_id: 'A11Y-1',
    });
    const invoiceId = inv.body.id as string;
    const chose = await fetch(`${base}/pay/${invoiceId}/currency`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'currency=LTC',
    });
    expect(chose.status).toBe(200);
    expect(
      (await kassa.api('POST', `/api/v1/invoices/${invoiceId}/test-payments`, {})).status,
    ).toBe(201);
    let deliveryId = '';
    await expect
      .poll(async () => {
        const d = (await kassa.api('GET', `/api/v1/invoices/${invoiceId}/deliveries`)).body.data;
        deliveryId = d.find((x: { attempts: number }) => x.attempts >= 1)?.id ?? '';
        return deliveryId;
      })
      .toMatch(/^dlv_/);
    const copy = await kassa.api('POST', `/api/v1/deliveries/${deliveryId}/redeliver`);
    expect(copy.status).toBe(202);

    // Signed out: the sign-in page and its error.
    await page.goto(`${base}/dashboard/sign-in`);
    await bothSchemes(page, 'sign-in');
    const owner = await addUser(kassa, 'owner');
    await page.getByLabel('E-mail').fill(owner.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Wrong/);
    await bothSchemes(page, 'sign-in error');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');

    const pages = [
      '/dashboard',
      '/dashboard/invoices',
      '/dashboard/invoices?status=paid',
      '/dashboard/invoices/new',
      `/dashboard/invoices/${invoiceId}`,
      `/dashboard/invoices/${invoiceId}/confirm/cancel`,
      `/dashboard/invoices/${invoiceId}/confirm/complete`,
      `/dashboard/invoices/${invoiceId}/confirm/refund`,
      '/dashboard/projects',
      `/dashboard/projects/${kassa.shopId}`,
      '/dashboard/wallets',
      '/dashboard/webhooks',
      `/dashboard/webhooks/${kassa.shopId}/${ep.body.id}`,
      `/dashboard/webhooks/${kassa.shopId}/${ep.body.id}/rotate`,
      `/dashboard/deliveries/${deliveryId}`,
      `/dashboard/deliveries/${copy.body.id}`,
      '/dashboard/api-keys',
      '/dashboard/users',
      '/dashboard/audit',
      '/dashboard/account',
    ];
    for (const p of pages) {
      const res = await page.goto(base + p);
      expect(res!.status(), p).toBe(200);
      await bothSchemes(page, p);
    }

    // Error states, as the server sends them back.
    await page.goto(`${base}/dashboard/invoices/new`);
    await page.getByLabel('Amount', { exact: true }).fill('ten');
    await submitUnchecked(page, '/dashboard/invoices');
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await bothSchemes(page, 'new invoice error');

    await page.goto(`${base}/dashboard/invoices/${invoiceId}/confirm/refund`);
    await submitUnchecked(page, `/dashboard/invoices/${invoiceId}/refund`);
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await bothSchemes(page, 'refund error');

    await page.goto(`${base}/dashboard/webhooks`);
    await page.getByLabel('URL').fill('not a url');
    await submitUnchecked(page, '/dashboard/webhooks');
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await bothSchemes(page, 'webhook error');

    await page.goto(`${base}/dashboard/wallets`);
    await page.getByLabel('Extended public key or descriptor').fill('not a key');
    await page.getByRole('button', { name: 'Preview addresses' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await bothSchemes(page, 'wallet preview error');

    await page.goto(`${base}/dashboard/users`);
    await page.locator('form[action="/dashboard/users"] input[name=email]').fill('x@shop.test');
    await page.locator('form[action="/dashboard/users"] input[name=password]').fill('short');
    await submitUnchecked(page, '/dashboard/users');
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await bothSchemes(page, 'users error');

    // Secrets shown once, then "already shown".
    await page.goto(`${base}/dashboard/api-keys`);
    await page.getByLabel('Label').fill('a11y');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.locator('#new-key').count()).toBe(1);
    await bothSchemes(page, 'new API key');
    await page.reload();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/already shown/);
    await bothSchemes(page, 'API key already shown');
    await page.goto(`${base}/dashboard/webhooks/${kassa.shopId}/${ep.body.id}/rotate`);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.locator('#secret').count()).toBe(1);
    await bothSchemes(page, 'rotated secret');

    // Two-factor: a wrong code, then switched on.
    await page.goto(`${base}/dashboard/account`);
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    await page.getByLabel('Code').fill('000000');
    await page.locator('form[action="/dashboard/account/totp/on"] button').click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await bothSchemes(page, '2FA error');
    const again = (await page.locator('#totp-secret').textContent())!.trim();
    expect(again).toBe(secret);
    await page.getByLabel('Code').fill(totp(base32nopad.decode(secret), Date.now()));
    await page.locator('form[action="/dashboard/account/totp/on"] button').click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/./);
    expect((await kassa.access.users.get(owner.id))!.totpSecret).toBe(secret);
    await bothSchemes(page, '2FA on');

    expect(seen.requests.filter((u) => !u.startsWith(base))).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 300_000);
});
