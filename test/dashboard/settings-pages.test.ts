/**
 * Project settings, API keys and the CSV export's progress in chromium against
 * a running Kassa: changes saved and audited, a key shown once whose scope the
 * API enforces, the export's row count shown while it streams; axe, no
 * third-party requests, 375 px, Russian.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../support/browser.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { expectAccessible, watchPage } from '../pay/helpers.js';
import { addUser, PASSWORD } from './helpers.js';

async function signIn(page: Page, url: string, email: string) {
  await page.goto(`${url}/dashboard/sign-in?locale=en`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
}

describe('project settings, API keys and CSV progress in chromium', () => {
  let kassa: TestKassa;
  let browser: BrowserSession;

  beforeAll(async () => {
    kassa = await startTestKassa({
      KASSA_TEST_MODE: 'true',
      DASHBOARD_SIGN_INS_PER_MINUTE: '1000',
    });
    browser = await openBrowser({ acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    await kassa?.stop();
  });

  it('changes project settings and audits what changed', async () => {
    const { page } = browser;
    const seen = watchPage(page);
    const admin = await addUser(kassa, 'admin');
    await signIn(page, kassa.url, admin.email);
    await page.getByRole('link', { name: 'Projects' }).click();
    await expectAccessible(page);
    await page.locator(`a[href="/dashboard/projects/${kassa.shopId}"]`).click();
    await expectAccessible(page);
    await page.getByLabel('Name', { exact: true }).fill('Tea shop');
    await page.getByRole('checkbox', { name: 'LTC', exact: true }).uncheck();
    await page.getByRole('textbox', { name: 'BTC', exact: true }).fill('3');
    await page.getByLabel('Underpayment tolerance, percent').fill('1.5');
    await page.getByLabel('Payment after expiry').selectOption('accept');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The project was saved.');
    const p = (await kassa.api('GET', `/api/v1/projects/${kassa.shopId}`)).body;
    expect(p.name).toBe('Tea shop');
    expect(p.enabled_currencies).not.toContain('LTC');
    expect(p.enabled_currencies).toContain('BTC');
    expect(p.confirmations.BTC).toBe(3);
    expect(p.rules).toMatchObject({
      underpaid_tolerance_percent: '1.5',
      late_payment_action: 'accept',
    });
    // A bad value names its field and changes nothing.
    await page.getByRole('textbox', { name: 'BTC', exact: true }).fill('lots');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/confirmations\.BTC/);
    expect(
      (await kassa.api('GET', `/api/v1/projects/${kassa.shopId}`)).body.confirmations.BTC,
    ).toBe(3);
    const log = await kassa.access.audit.list(admin.accountId, 50);
    const entry = log.find((e) => e.action === 'project.updated' && e.userId === admin.id);
    expect(entry?.detail).toBe(
      'name, currencies, confirmations, rules.underpaidTolerancePercent, rules.latePaymentAction',
    );
    expect(seen.requests.filter((u) => !u.startsWith(kassa.url))).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 120_000);

  it('creates a read-only key shown once, which the API refuses writes to, and revokes it', async () => {
    const { page } = browser;
    await page.goto(`${kassa.url}/dashboard/api-keys`);
    await expectAccessible(page);
    await page.getByLabel('Label').fill('reporting');
    await page.getByLabel('read only').check();
    await page.locator('select[name=project]').selectOption(kassa.shopId);
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The key was created.');
    const key = (await page.locator('#new-key').textContent())!.trim();
    expect(key).toMatch(/^kassa_/);
    await expectAccessible(page);
    const row = page.locator('#keys tr', { hasText: 'reporting' });
    expect(await row.locator('.scope').textContent()).toBe(`read only · ${kassa.shopId}`);
    // A reload after creating shows "already shown": no second key, no secret.
    const accountId = (await kassa.ctx.store.accounts.list())[0]!.id;
    const labelled = async () =>
      (await kassa.ctx.store.apiKeys.list(accountId)).filter((k) => k.label === 'reporting');
    expect(await labelled()).toHaveLength(1);
    await page.reload();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^This secret was already shown/);
    expect(await page.content()).not.toContain(key);
    expect(await page.locator('#new-key').count()).toBe(0);
    expect(await labelled()).toHaveLength(1);
    await expectAccessible(page);
    // Another session cannot read it either, even with the same link.
    const other = await openBrowser();
    try {
      await signIn(other.page, kassa.url, (await addUser(kassa, 'admin')).email);
      await other.page.goto(page.url());
      expect(await other.page.content()).not.toContain(key);
    } finally {
      await other.close();
    }
    await page.goto(`${kassa.url}/dashboard/api-keys`);
    expect(await page.content()).not.toContain(key);

    const api = (method: string, path: string, body?: unknown) =>
      fetch(kassa.url + path, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await api('GET', '/api/v1/invoices')).status).toBe(200);
    const write = await api('POST', '/api/v1/invoices', { shop_id: kassa.shopId, amount: '1' });
    expect(write.status).toBe(403);

    await page.locator('#keys tr', { hasText: 'reporting' }).getByRole('button').click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The key was revoked.');
    expect((await api('GET', '/api/v1/invoices')).status).toBe(401);
    const actions = (
      await kassa.access.audit.list((await kassa.ctx.store.accounts.list())[0]!.id, 50)
    ).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['api_key.created', 'api_key.revoked']));
  }, 120_000);

  it('shows the CSV export’s progress and saves the whole file', async () => {
    const { page } = browser;
    for (let i = 0; i < 3; i++)
      await kassa.api('POST', '/api/v1/invoices', {
        shop_id: kassa.shopId,
        amount: `${i + 1}.25`,
        order_id: `CSV-${i}`,
      });
    const all = (await kassa.api('GET', '/api/v1/invoices?limit=100')).body.data as {
      amount: string;
    }[];
    expect(all).toHaveLength(3);
    await page.goto(`${kassa.url}/dashboard/invoices`);
    const download = page.waitForEvent('download');
    await page.locator('#csv-export').click();
    await expect
      .poll(() => page.locator('#csv-status').textContent())
      .toBe('Export finished: 3 rows.');
    const file = await (await download).path();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[7])
        .sort(),
    ).toEqual(['1.25', '2.25', '3.25']);
    expect((await download).suggestedFilename()).toMatch(/^invoices-\d{4}-\d{2}-\d{2}\.csv$/);
    await expectAccessible(page);
  }, 120_000);

  it('is usable at 375 px and in Russian', async () => {
    const narrow = await openBrowser({ viewport: { width: 375, height: 812 } });
    try {
      const { page } = narrow;
      const owner = await addUser(kassa, 'owner');
      await signIn(page, kassa.url, owner.email);
      for (const p of [
        '/dashboard/webhooks',
        `/dashboard/projects/${kassa.shopId}`,
        '/dashboard/api-keys',
      ]) {
        await page.goto(`${kassa.url}${p}?locale=ru`);
        expect(await page.locator('html').getAttribute('lang')).toBe('ru');
        const overflow = await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        );
        expect(overflow, p).toBeLessThanOrEqual(0);
        await expectAccessible(page);
      }
      expect(await page.locator('h1').textContent()).toBe('API-ключи');
    } finally {
      await narrow.close();
    }
  }, 120_000);
});
