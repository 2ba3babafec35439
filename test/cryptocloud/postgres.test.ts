/** The CryptoCloud face's own tables (static wallets, mail schedule) on a real PostgreSQL. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailRepository } from '../../src/store/mail-repository.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';
import { cc, ddmmyyyy } from './helpers.js';

describe('CryptoCloud face on PostgreSQL', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let k: TestKassa;

  beforeAll(async () => {
    db = await createTestDatabase('kassa_cc');
    smtp = await startSmtpSink();
    k = await startTestKassa({ DATABASE_URL: db.url, SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await k?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('opens one static wallet per identify even under concurrent requests, and records payments to it', async () => {
    const body = { shop_id: k.shopId, currency: 'USDT_ERC20', identify: 'pg-user' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => cc(k, '/v2/invoice/static/create', body)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.result.address)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.result.uuid)).size).toBe(1);

    await k.ledger.recordTransfer({
      chain: 'test',
      txid: randomBytes(32).toString('hex'),
      index: 3,
      address: answers[0]!.body.result.address,
      currency: 'USDT_ERC20',
      amount: 7_000_000n,
      blockHash: 'pg-block',
      blockHeight: 10,
    });
    await k.ledger.tipChanged('test', 30);
    const today = ddmmyyyy(Date.now());
    const list = await cc(k, '/v2/invoice/merchant/list', { start: today, end: today });
    expect(list.body.all_count).toBe(1);
    expect(list.body.result[0]).toMatchObject({ order_id: 'pg-user', status: 'paid' });
  });

  it('schedules and sends invoice e-mail', async () => {
    const r = await cc(k, '/v2/invoice/create', {
      shop_id: k.shopId,
      amount: '3.10',
      add_fields: { email_to_send: 'pg@example.com', period: 'month' },
    });
    expect(r.status).toBe(200);
    await smtp.waitFor(1);
    const inv = (await k.ctx.store.invoices.byShortId(r.body.result.uuid.slice(4)))!;
    const deadline = Date.now() + 5000;
    let rows = await mailRepository(k.store.db).forInvoice(inv.id);
    while (rows[0]?.sentCount !== 1 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 100));
      rows = await mailRepository(k.store.db).forInvoice(inv.id);
    }
    expect(rows[0]).toMatchObject({ email: 'pg@example.com', period: 'month', sentCount: 1 });
    expect(rows[0]!.nextSendAt! - rows[0]!.lastSentAt!).toBe(30 * 24 * 3600_000);
  });
});
