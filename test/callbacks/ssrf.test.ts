/**
 * Callbacks never reach the operator's own network unless allowed: endpoint
 * URLs are refused when saved, and connections are refused after DNS resolution.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/callbacks/dispatcher.js';
import { WebhookService } from '../../src/app/webhooks.js';
import { DeliveriesRepository } from '../../src/store/deliveries-repository.js';
import { webhookRepository } from '../../src/store/webhook-repository.js';
import { isPrivateAddress } from '../../src/callbacks/private-address.js';
import { assertCallbackUrlAllowed } from '../../src/callbacks/url-guard.js';
import { KassaError } from '../../src/domain/errors.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import {
  addEndpoint,
  appendEvents,
  deliveryRows,
  invoiceSnapshot,
  quietLogger,
  seedInvoice,
  seedProject,
} from './helpers/fixtures.js';
import { createTestStore, type TestStore } from './helpers/stores.js';

describe('private address ranges', () => {
  it.each([
    '127.0.0.1',
    '169.254.169.254',
    '10.0.0.5',
    '172.16.3.4',
    '192.168.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    // Everything that carries or tunnels to an IPv4 address, public or not.
    '::ffff:8.8.8.8',
    '::ffff:10.0.0.1',
    '::ffff:0:7f00:1',
    '::7f00:1',
    '::8.8.8.8',
    '::a00:1',
    '64:ff9b::8.8.8.8',
    '64:ff9b::7f00:1',
    '64:ff9b:1::a00:1',
    '64:ff9b:1:ffff::1',
    '2002:7f00:1::1',
    '2002:a00:1::',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2001::1',
    '100::1',
    '0:0:0:0:0:ffff:127.0.0.1',
  ])('treats %s as private', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2003::1',
    '64:ff9b:2::1',
  ])('treats %s as public', (ip) => expect(isPrivateAddress(ip)).toBe(false));
});

describe('endpoint URL guard', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:8080/',
    'http://localhost:3000/cb',
    'http://10.1.2.3/',
    'http://0x7f000001/',
    'http://[::ffff:7f00:1]/',
    'http://[2002:7f00:1::1]/',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'http://[64:ff9b::a9fe:a9fe]/',
  ])('refuses %s when private callbacks are not allowed', async (url) => {
    const err = await assertCallbackUrlAllowed(url, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KassaError);
    expect((err as KassaError).field).toBe('url');
  });

  it('accepts loopback when the operator allows private callbacks', async () => {
    await expect(assertCallbackUrlAllowed('http://127.0.0.1:9/hook', true)).resolves.toBeInstanceOf(
      URL,
    );
  });

  it('accepts a public address and refuses other schemes', async () => {
    await expect(
      assertCallbackUrlAllowed('https://93.184.216.34/hook', false),
    ).resolves.toBeInstanceOf(URL);
    await expect(assertCallbackUrlAllowed('ftp://93.184.216.34/hook', false)).rejects.toMatchObject(
      { field: 'url' },
    );
    await expect(assertCallbackUrlAllowed('not a url', false)).rejects.toMatchObject({
      field: 'url',
    });
  });
});

describe('SSRF guard on SQLite', () => {
  let store: TestStore;
  let receiver: Receiver;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await store.destroy();
  });

  it('refuses to create endpoints at http://127.0.0.1 and http://169.254.169.254', async () => {
    const s = await seedProject(store.db);
    const service = new WebhookService({
      store: webhookRepository(store.db),
      queue: new DeliveriesRepository(store.db, 'sqlite'),
      checkUrl: (url) => assertCallbackUrlAllowed(url, false),
    });
    for (const url of ['http://127.0.0.1/hook', 'http://169.254.169.254/latest/meta-data/'])
      await expect(
        service.createEndpoint(s.accountId, s.shopId, { url, format: 'native' }),
      ).rejects.toMatchObject({
        code: 'invalid_request',
        field: 'url',
      });
    expect(await service.listEndpoints(s.accountId, s.shopId)).toEqual([]);
  });

  it('refuses at send time a stored endpoint that resolves to a private address', async () => {
    const s = await seedProject(store.db);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    await addEndpoint(
      store.db,
      s.shopId,
      `http://localhost:${receiver.port}/by-name`,
      'native',
      secret,
    );
    await addEndpoint(
      store.db,
      s.shopId,
      `http://127.0.0.1:${receiver.port}/by-ip`,
      'native',
      secret,
    );
    await addEndpoint(
      store.db,
      s.shopId,
      'http://169.254.169.254/latest/meta-data/',
      'native',
      secret,
    );
    const inv = await seedInvoice(store.db, s);
    await appendEvents(store.db, s.shopId, [
      {
        invoiceId: inv.id,
        type: 'invoice.created',
        data: { invoice: invoiceSnapshot(inv, s.shopId) },
      },
    ]);
    const d = new Dispatcher({
      queue: new DeliveriesRepository(store.db, 'sqlite'),
      logger: await quietLogger(),
      allowPrivate: false,
    });
    expect(await d.runOnce()).toBe(3);
    await d.stop();
    const rows = await deliveryRows(store.db);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'pending', attempts: 1, last_response_code: null });
      expect(r.last_error).toMatch(/private address/);
    }
    expect(receiver.requests).toHaveLength(0);
  });
});
