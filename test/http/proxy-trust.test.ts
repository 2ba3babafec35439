/**
 * Per-address rate limits behind a real reverse proxy (a local HTTP server
 * that appends the client's address to X-Forwarded-For, as nginx does).
 * Customers connect from distinct loopback addresses (127.0.0.2, .3, ...).
 * A client that writes its own X-Forwarded-For must not get a fresh bucket
 * per request; customers behind the proxy must not share one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_LIMITS } from '../../src/http/pay/index.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

interface Proxy {
  readonly port: number;
  close(): Promise<void>;
}

/** A reverse proxy on 127.0.0.1 that forwards to Kassa and appends the peer to X-Forwarded-For. */
async function startProxy(target: URL): Promise<Proxy> {
  const server = http.createServer((req, res) => {
    const prior = req.headers['x-forwarded-for'];
    const xff = [prior, req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': xff },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** One form post from a given local address, optionally with a forged X-Forwarded-For. */
function post(port: number, path: string, from: string, forged?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...(forged ? { 'x-forwarded-for': forged } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end('currency=');
  });
}

const LIMIT = DEFAULT_LIMITS.forms;

describe('proxy trust', () => {
  let k: TestKassa | undefined;
  let proxy: Proxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await k?.stop();
    proxy = undefined;
    k = undefined;
  });
  afterAll(async () => k?.stop());

  async function setup(trust?: string) {
    k = await startTestKassa(trust === undefined ? {} : { TRUST_PROXY: trust });
    proxy = await startProxy(new URL(k.url));
    const inv = await k.api('POST', '/api/v1/invoices', { shop_id: k.shopId, amount: '10' });
    return `/pay/${inv.body.id}/currency`;
  }

  /** Statuses of `n` posts from one address, each with a different forged client address. */
  async function rotating(port: number, path: string, from: string, n: number) {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await post(port, path, from, `198.51.100.${i + 1}`));
    return out;
  }

  for (const trust of ['127.0.0.1', '10.0.0.0/8, 127.0.0.1/32', '1']) {
    it(`TRUST_PROXY=${trust}: a client forging X-Forwarded-For is still limited, other customers are not`, async () => {
      const path = await setup(trust);
      const statuses = await rotating(proxy!.port, path, '127.0.0.4', LIMIT + 5);
      expect(statuses.slice(0, LIMIT).every((s) => s === 400)).toBe(true);
      expect(statuses.slice(LIMIT)).toEqual(Array(5).fill(429));
      // Customers behind the same proxy keep their own buckets.
      expect(await post(proxy!.port, path, '127.0.0.2')).toBe(400);
      expect(await post(proxy!.port, path, '127.0.0.3')).toBe(400);
    });
  }

  it('TRUST_PROXY=<proxy address>: a client bypassing the proxy cannot forge its address either', async () => {
    const path = await setup('127.0.0.1');
    const statuses = await rotating(Number(new URL(k!.url).port), path, '127.0.0.5', LIMIT + 3);
    expect(statuses.slice(LIMIT)).toEqual(Array(3).fill(429));
  });

  it('without TRUST_PROXY every customer behind a proxy shares one bucket', async () => {
    const path = await setup();
    await rotating(proxy!.port, path, '127.0.0.4', LIMIT);
    expect(await post(proxy!.port, path, '127.0.0.2')).toBe(429);
  });

  it('refuses TRUST_PROXY=true and malformed addresses, naming the setting', () => {
    const load = (v: string) => () => loadConfig({ TRUST_PROXY: v, DATA_DIR: '/tmp/x' });
    for (const bad of [
      'true',
      'yes',
      '11',
      '10.0.0.0/33',
      'proxy.example',
      '10.0.0.1,,',
      '::1/129',
    ]) {
      expect(load(bad), bad).toThrow(ConfigError);
      expect(load(bad), bad).toThrow(/TRUST_PROXY/);
    }
    expect(loadConfig({ TRUST_PROXY: '2', DATA_DIR: '/tmp/x' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false', DATA_DIR: '/tmp/x' }).TRUST_PROXY).toBe(false);
    expect(
      loadConfig({ TRUST_PROXY: '10.0.0.0/8, fd00::/8,loopback', DATA_DIR: '/tmp/x' }).TRUST_PROXY,
    ).toEqual(['10.0.0.0/8', 'fd00::/8', 'loopback']);
  });
});
