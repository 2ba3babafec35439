/**
 * The payment page over plain HTTP: what it serves, what it refuses, what it
 * never reveals, its live stream and its rate limits.
 */
import { randomBytes } from 'node:crypto';
import { HDKey } from '@scure/bip32';
import { base32nopad } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import type { PublicState } from '../../src/http/pay/page-data.js';
import { createInvoice, getInvoice } from './helpers.js';

const root = HDKey.fromMasterSeed(randomBytes(32));
const xpub = (path: string) => root.derive(path).publicExtendedKey;

function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    redirect: 'manual',
  };
}

/** Reads server-sent events until `until` says stop or the stream ends. */
async function readEvents(
  res: Response,
  until: (events: unknown[]) => boolean,
): Promise<{ events: any[]; ended: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: any[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { events, ended: true };
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (block.includes('event: state') && data) events.push(JSON.parse(data.slice(6)));
    }
    if (until(events)) {
      await reader.cancel();
      return { events, ended: false };
    }
  }
}

describe('payment page over HTTP', () => {
  let kassa: TestKassa;

  beforeAll(async () => {
    kassa = await startTestKassa();
  });

  afterAll(async () => {
    await kassa?.stop();
  });

  it('serves the page with a strict Content-Security-Policy and only its own scripts and styles', async () => {
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC' });
    const res = await fetch(invoice.link);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const external = refs.filter((r) => /^(https?:)?\/\//.test(r));
    expect(external).toEqual([]);
    for (const asset of refs.filter((r) => r.startsWith('/assets/'))) {
      const a = await fetch(kassa.url + asset);
      expect(a.status, asset).toBe(200);
      expect(a.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('keeps the page, its style and its script under 50 KB before compression', async () => {
    const invoice = await createInvoice(kassa, { payment_currency: 'USDT_ERC20' });
    const html = await (await fetch(invoice.link)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/pay\.[^"]+\.(?:css|js))"/g)].map(
      (m) => m[1]!,
    );
    expect(assets).toHaveLength(2);
    let bytes = Buffer.byteLength(html);
    for (const a of assets) bytes += (await (await fetch(kassa.url + a)).arrayBuffer()).byteLength;
    expect(bytes).toBeLessThan(50 * 1024);
  });

  it("shows the project's name and logo, allowing images from the logo's origin only", async () => {
    const patch = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
      name: 'Coffee <Roasters>',
      logo_url: 'https://cdn.coffee.example/logo.png',
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC' });
    const res = await fetch(invoice.link);
    const html = await res.text();
    expect(html).toContain('<img src="https://cdn.coffee.example/logo.png"');
    expect(html).toContain('Coffee &lt;Roasters&gt;');
    expect(html).not.toContain('<Roasters>');
    expect(res.headers.get('content-security-policy')).toContain(
      "img-src 'self' https://cdn.coffee.example;",
    );
    await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
      name: 'Demo shop',
      logo_url: null,
    });
  });

  it('refuses short invoice ids and ids that do not exist, revealing nothing', async () => {
    const invoice = await getInvoice(kassa, (await createInvoice(kassa)).id);
    const short = invoice.uuid as string;
    const fake = `inv_${base32nopad.encode(randomBytes(16)).toLowerCase()}`;
    for (const id of [short, short.replace('INV-', ''), fake, 'inv_x', '..%2Fapi']) {
      for (const suffix of ['', '/status.json', '/events']) {
        const res = await fetch(`${kassa.url}/pay/${id}${suffix}`);
        expect(res.status, `${id}${suffix}`).toBe(404);
        const body = await res.text();
        expect(body).not.toContain(invoice.id);
        expect(body).not.toContain('Demo shop');
      }
    }
    const html = await (await fetch(`${kassa.url}/pay/${short}`)).text();
    expect(html).toContain('Payment link not found');
  });

  it('keeps internal fields out of the public JSON state', async () => {
    const invoice = await createInvoice(kassa, {
      payment_currency: 'LTC',
      email: 'buyer@example.com',
      order_id: 'SECRET-ORDER-7',
      metadata: { note: 'internal-note' },
    });
    const state = (await (await fetch(`${invoice.link}/status.json`)).json()) as PublicState;
    expect(Object.keys(state).sort()).toEqual(
      [
        'amount',
        'context',
        'currency',
        'expires_at',
        'final',
        'id',
        'payment',
        'resolution',
        'server_time',
        'state',
        'status',
        'test_mode',
        'version',
      ].sort(),
    );
    const text = JSON.stringify(state);
    const [account] = await kassa.ctx.store.accounts.list();
    for (const secret of [
      'buyer@example.com',
      'SECRET-ORDER-7',
      'internal-note',
      kassa.shopId,
      kassa.secretKey,
      kassa.apiKey,
      account!.id,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(state.payment?.address).toBe(invoice.quote?.address);
  });

  it('pushes every change over server-sent events and ends the stream once the invoice is paid', async () => {
    const invoice = await createInvoice(kassa, { payment_currency: 'ETH' });
    const res = await fetch(`${invoice.link}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    // Each payment waits until the stream has shown the state before it, so every step is seen.
    let seen = 0;
    const shown = (n: number) =>
      vi.waitFor(
        () => {
          if (seen < n) throw new Error(`${seen} of ${n} states shown so far`);
        },
        { timeout: 15_000, interval: 20 },
      );
    const pay = async () => {
      await shown(1);
      await kassa.api('POST', `/api/v1/invoices/${invoice.id}/test-payments`, { amount: '0.01' });
      await shown(2);
      await kassa.api('POST', `/api/v1/invoices/${invoice.id}/test-payments`, {});
    };
    const observe = (events: unknown[]) => {
      seen = events.length;
      return false;
    };
    const [{ events, ended }] = await Promise.all([readEvents(res, observe), pay()]);
    expect(ended).toBe(true);
    expect(events[0].state).toBe('waiting');
    expect(events.map((e) => e.state)).toContain('partial');
    expect(events.at(-1).state).toBe('paid');
    expect(events.at(-1).final).toBe(true);
    expect(new Set(events.map((e) => e.version)).size).toBe(events.length);
  });

  it('offers only the currencies of the invoice and refuses any other', async () => {
    const invoice = await createInvoice(kassa, { available_currencies: ['BTC', 'USDT_TRC20'] });
    const html = await (await fetch(invoice.link)).text();
    expect([...html.matchAll(/name="currency"\s+value="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'USDT_TRC20',
      'BTC',
    ]);
    const res = await fetch(`${invoice.link}/currency`, form({ currency: 'ETH' }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('This coin is not available for this invoice');
    expect((await getInvoice(kassa, invoice.id)).quote).toBeNull();
    const ok = await fetch(`${invoice.link}/currency?locale=ru`, form({ currency: 'BTC' }));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/pay/${invoice.id}?locale=ru`);
    expect((await getInvoice(kassa, invoice.id)).quote?.currency).toBe('BTC');
  });

  it('refuses form posts from other sites', async () => {
    const invoice = await createInvoice(kassa);
    const res = await fetch(
      `${invoice.link}/currency`,
      form({ currency: 'BTC' }, { origin: 'https://evil.example' }),
    );
    expect(res.status).toBe(403);
    expect((await getInvoice(kassa, invoice.id)).quote).toBeNull();
  });

  it('has no test panel and refuses simulated payments for a real invoice', async () => {
    const patch = await kassa.api('PATCH', `/api/v1/projects/${kassa.shopId}`, {
      wallets: {
        BTC: { key: xpub("m/84'/0'/0'") },
        LTC: { key: xpub("m/84'/2'/0'") },
        ETH: { key: xpub("m/44'/60'/0'") },
        TRON: { key: xpub("m/44'/195'/0'") },
      },
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const invoice = await createInvoice(kassa, { test_mode: false });
    const html = await (await fetch(invoice.link)).text();
    expect(html).toContain('Choose how to pay');
    expect(html).not.toContain('test-panel');
    expect(html).not.toContain('Test mode');
    const res = await fetch(`${invoice.link}/test-payment`, form({ kind: 'full' }));
    expect(res.status).toBe(404);
    expect((await getInvoice(kassa, invoice.id)).received).toBe('0');
  });
});

describe('payment page rate limits', () => {
  let kassa: TestKassa;

  beforeAll(async () => {
    kassa = await startTestKassa();
  });

  afterAll(async () => {
    await kassa?.stop();
  });

  it('limits how often one client may open the event stream', async () => {
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC' });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const ac = new AbortController();
      const res = await fetch(`${invoice.link}/events`, { signal: ac.signal });
      statuses.push(res.status);
      ac.abort();
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('limits how often one client may load the page, with a readable page when it does', async () => {
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC' });
    let last: Response | null = null;
    for (let i = 0; i < 121; i++) {
      last = await fetch(invoice.link);
      if (i < 120) {
        expect(last.status).toBe(200);
        await last.arrayBuffer();
      }
    }
    expect(last!.status).toBe(429);
    expect(last!.headers.get('retry-after')).toBeTruthy();
    expect(await last!.text()).toContain('Too many requests');
  });
});

describe('payment page shutdown', () => {
  it('ends open event streams when Kassa shuts down instead of waiting for them', async () => {
    const kassa = await startTestKassa();
    const invoice = await createInvoice(kassa, { payment_currency: 'BTC' });
    const res = await fetch(`${invoice.link}/events`);
    const reading = readEvents(res, () => false);
    const started = Date.now();
    await kassa.stop();
    const { events, ended } = await reading;
    expect(ended).toBe(true);
    expect(events[0].state).toBe('waiting');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
