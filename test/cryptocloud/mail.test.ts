/** add_fields.email_to_send and period: invoices mailed through a real local SMTP server, re-sent until paid. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/app/accounts.js';
import { mailRepository } from '../../src/store/mail-repository.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { decodeQuotedPrintable, startSmtpSink, type SmtpSink } from '../support/smtp.js';
import { cc } from './helpers.js';

class FakeClock {
  constructor(public t = Date.now()) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

const DAY = 24 * 3600_000;
/** The mail loop looks for due mail every 50 ms here, so a moved clock needs no real 5 s tick. */
const MAIL_LOOP = { mail: 50 };

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('CryptoCloud invoices sent by e-mail', () => {
  // A fresh SMTP sink, clock, data directory and Kassa per scenario: one failure does not cascade.
  let smtp: SmtpSink;
  let k: TestKassa;
  let clock: FakeClock;
  let dataDir: string;
  const mails = (invoiceId: string) => mailRepository(k.store.db).forInvoice(invoiceId);
  const idOf = async (uuid: string) => (await k.ctx.store.invoices.byShortId(uuid.slice(4)))!.id;

  beforeEach(async () => {
    clock = new FakeClock();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-cc-mail-'));
    smtp = await startSmtpSink();
    k = await startTestKassa(
      { SMTP_URL: `${smtp.url}?from=shop%40example.com`, DATA_DIR: dataDir },
      { clock, loopIntervalsMs: MAIL_LOOP },
    );
  });
  afterEach(async () => {
    await k?.stop();
    await smtp?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('mails the invoice to email_to_send and re-sends it every period until it is paid', async () => {
    const r = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 40,
      add_fields: {
        email_to_send: 'buyer@example.com',
        period: 'day',
        time_to_pay: { hours: 100, minutes: 0 },
        cryptocurrency: 'LTC',
      },
    });
    expect(r.status).toBe(200);
    const { uuid } = r.body.result;
    const [first] = await smtp.waitFor(1);
    expect(first!.to).toEqual(['buyer@example.com']);
    expect(first!.from).toBe('shop@example.com');
    const text = decodeQuotedPrintable(first!.raw);
    expect(text).toContain(uuid);
    expect(text).toContain(r.body.result.link);
    expect(text).toContain(r.body.result.address);

    const id = await idOf(uuid);
    const [scheduled] = await until(
      () => mails(id),
      (m) => m[0]?.sentCount === 1,
    );
    expect(scheduled!.nextSendAt).toBe(clock.now() + DAY);

    clock.advance(DAY + 1000);
    await smtp.waitFor(2);
    expect(smtp.messages[1]!.to).toEqual(['buyer@example.com']);

    await k.api('POST', `/api/v1/invoices/${uuid}/test-payments`, {});
    clock.advance(DAY + 1000);
    const [done] = await until(
      () => mails(id),
      (m) => m[0]?.nextSendAt === null,
    );
    expect(done!.sentCount).toBe(2);
    expect(smtp.messages).toHaveLength(2);
  });

  it('sends once without a period', async () => {
    const before = smtp.messages.length;
    const r = await cc(
      k,
      '/v2/invoice/create',
      { shop_id: k.shopId, amount: '9.99', add_fields: { email_to_send: 'once@example.com' } },
      { as: 'form' },
    );
    expect(r.status).toBe(200);
    await smtp.waitFor(before + 1);
    const id = await idOf(r.body.result.uuid);
    const [m] = await until(
      () => mails(id),
      (x) => x[0]?.sentCount === 1,
    );
    expect(m!.nextSendAt).toBeNull();
    expect(smtp.messages.at(-1)!.to).toEqual(['once@example.com']);
  });

  it('keeps the re-send schedule across a restart', async () => {
    const r = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 15,
      add_fields: {
        email_to_send: 'weekly@example.com',
        period: 'week',
        time_to_pay: { hours: 24 * 30 },
      },
    });
    const id = await idOf(r.body.result.uuid);
    await until(
      () => mails(id),
      (m) => m[0]?.sentCount === 1,
    );
    const apiKey = k.apiKey;
    await k.stop();
    clock.advance(7 * DAY + 1000);
    k = await startTestKassa(
      { SMTP_URL: smtp.url, DATA_DIR: dataDir },
      { clock, loopIntervalsMs: MAIL_LOOP },
    );
    const [m] = await until(
      () => mails(id),
      (x) => x[0]?.sentCount === 2,
    );
    expect(m!.nextSendAt).toBe(clock.now() + 7 * DAY);
    expect(smtp.messages.filter((x) => x.to[0] === 'weekly@example.com')).toHaveLength(2);
    expect(apiKey).toBeTruthy();
  });
});

describe('CryptoCloud email_to_send without SMTP', () => {
  let k: TestKassa;
  beforeAll(async () => {
    k = await startTestKassa();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('refuses the invoice and writes nothing when no SMTP server is configured', async () => {
    const accountId = (await authenticate(k.ctx, k.apiKey))!;
    const before = await k.ctx.store.invoices.count({ accountId, limit: 1 });
    const r = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: 5,
      add_fields: { email_to_send: 'a@example.com' },
    });
    expect(r.status).toBe(400);
    expect(r.body.result.validate_error).toMatch(/SMTP_URL/);
    expect(await k.ctx.store.invoices.count({ accountId, limit: 1 })).toBe(before);
  });
});
