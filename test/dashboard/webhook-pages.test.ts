/**
 * Webhook endpoint pages in chromium against a running Kassa and a real local
 * receiver: create (secret shown once), test event, live delivery log, delivery
 * detail, redelivery as a new delivery, secret rotation, disable and enable.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyNativeWebhook } from '../../src/sdk/verify.js';
import { openBrowser, type BrowserSession } from '../support/browser.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { expectAccessible, watchPage } from '../pay/helpers.js';
import { addUser, PASSWORD } from './helpers.js';

async function signIn(page: Page, url: string, email: string) {
  await page.goto(`${url}/dashboard/sign-in`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
}

describe('webhook endpoint pages in chromium', () => {
  let kassa: TestKassa;
  let receiver: Receiver;
  let browser: BrowserSession;

  beforeAll(async () => {
    kassa = await startTestKassa({
      KASSA_TEST_MODE: 'true',
      DASHBOARD_SIGN_INS_PER_MINUTE: '1000',
    });
    receiver = await startReceiver();
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await kassa?.stop();
  });

  it('creates an endpoint, sends a test event, follows the log live, redelivers, rotates and disables', async () => {
    const { page } = browser;
    const seen = watchPage(page);
    const admin = await addUser(kassa, 'admin');
    await signIn(page, kassa.url, admin.email);

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Webhook endpoints');
    await expectAccessible(page);
    await page.getByLabel('URL').fill(`${receiver.url}/hook`);
    await page.getByLabel('Format').selectOption('native');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The endpoint was added.');
    const secret = (await page.locator('#secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await expectAccessible(page);
    // A reload does not add a second endpoint and does not show the secret again.
    const endpoints = async () =>
      (
        await kassa.api('GET', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`)
      ).body.data.filter((e: { url: string }) => e.url === `${receiver.url}/hook`);
    expect(await endpoints()).toHaveLength(1);
    await page.reload();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^This secret was already shown/);
    expect(await page.content()).not.toContain(secret);
    expect(await endpoints()).toHaveLength(1);
    // Shown once: the list does not show it again.
    await page.goto(`${kassa.url}/dashboard/webhooks`);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('link', { name: `${receiver.url}/hook` }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Webhook endpoint');
    const endpointUrl = page.url();
    const endpointId = endpointUrl.split('/').at(-1)!;
    await expectAccessible(page);

    // The test event is sent, signed with the secret, and the log row turns delivered without a reload.
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('A test event was queued.');
    await page.evaluate('window.__sameDocument = true');
    await receiver.waitFor((r) => r.some((x) => x.path === '/hook'));
    const sent = receiver.requests.find((x) => x.path === '/hook')!;
    expect(JSON.parse(sent.body).type).toBe('webhook.test');
    expect(verifyNativeWebhook({ body: sent.body, headers: sent.headers, secret })).toBe(true);
    await expect.poll(() => page.locator('#deliveries').textContent()).toMatch(/delivered/);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);

    // Delivery detail: the request as sent and the response.
    await page.locator('#deliveries a').first().click();
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Delivery dlv_/);
    const originalId = page.url().split('/').at(-1)!;
    await page.getByText('Request', { exact: true }).click();
    expect(await page.locator('#attempts').textContent()).toContain(`POST ${receiver.url}/hook`);
    expect(await page.locator('#attempts').textContent()).toContain('200');
    await expectAccessible(page);

    // Redeliver makes a new delivery with its own attempt; the original keeps its one attempt.
    receiver.respond = () => ({ status: 503, body: 'busy' });
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('A new delivery was queued.');
    const copyId = page.url().split('/').at(-1)!.split('?')[0]!;
    expect(copyId).not.toBe(originalId);
    expect(await page.locator('#live').textContent()).toContain(originalId);
    await page.evaluate('window.__sameDocument = true');
    await expect.poll(() => page.locator('#attempts').textContent()).toContain('503');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await expect.poll(() => page.locator('#next-retry').textContent()).toMatch(/UTC$/);
    const original = await kassa.api('GET', `/api/v1/deliveries/${originalId}`);
    expect(original.body).toMatchObject({ attempts: 1, status: 'delivered' });
    const copy = await kassa.api('GET', `/api/v1/deliveries/${copyId}`);
    expect(copy.body).toMatchObject({ redelivery_of: originalId, status: 'pending' });
    expect(copy.body.attempt_log).toHaveLength(1);
    receiver.respond = () => ({ status: 200, body: 'ok' });

    // Rotation: confirmation first, then a new secret once; later callbacks verify with it.
    await page.goto(endpointUrl);
    await page.getByRole('link', { name: 'Rotate secret' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Confirm: Rotate secret');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The secret was rotated.');
    const rotated = (await page.locator('#secret').textContent())!.trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    // A reload neither rotates again nor shows the secret.
    await page.reload();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^This secret was already shown/);
    expect(await page.content()).not.toContain(rotated);
    const rotations = (await kassa.access.audit.list(admin.accountId, 100)).filter(
      (e) => e.action === 'webhook.secret_rotated' && e.target === endpointId,
    );
    expect(rotations).toHaveLength(1);
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await receiver.waitFor((r) => r.length > before && r.at(-1)!.path === '/hook');
    const after = receiver.requests.at(-1)!;
    expect(verifyNativeWebhook({ body: after.body, headers: after.headers, secret: rotated })).toBe(
      true,
    );

    // Disable and enable.
    await page.getByRole('button', { name: 'Disable' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^The endpoint is disabled/);
    expect(await page.locator('#endpoint-status').textContent()).toContain('disabled');
    let list = await kassa.api('GET', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`);
    expect(list.body.data.find((e: { id: string }) => e.id === endpointId).enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('The endpoint is enabled.');
    list = await kassa.api('GET', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`);
    expect(list.body.data.find((e: { id: string }) => e.id === endpointId).enabled).toBe(true);

    const audit = (await kassa.access.audit.list(admin.accountId, 100))
      .filter((e) => e.userId === admin.id)
      .map((e) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining([
        'webhook.created',
        'webhook.test_sent',
        'delivery.redelivered',
        'webhook.secret_rotated',
        'webhook.disabled',
        'webhook.enabled',
      ]),
    );
    expect(seen.requests.filter((u) => !u.startsWith(kassa.url))).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 180_000);

  it('shows a viewer the log but no actions, and refuses the viewer’s hand-made POSTs', async () => {
    const viewer = await addUser(kassa, 'viewer');
    const session = await openBrowser();
    try {
      const { page } = session;
      await signIn(page, kassa.url, viewer.email);
      await page.goto(`${kassa.url}/dashboard/webhooks`);
      expect(await page.getByRole('button', { name: 'Add', exact: true }).count()).toBe(0);
      await page.locator('table a').first().click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Webhook endpoint');
      expect(await page.getByRole('button', { name: 'Send test event' }).count()).toBe(0);
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const res = await page.request.post(`${page.url()}/test`, {
        form: { _csrf: csrf },
        headers: { origin: kassa.url },
      });
      expect(res.status()).toBe(403);
      await expectAccessible(page);
    } finally {
      await session.close();
    }
  }, 120_000);
});
