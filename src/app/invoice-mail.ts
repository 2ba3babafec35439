/**
 * Invoices sent by e-mail (CryptoCloud `email_to_send`), re-sent on a `period`
 * until paid. The schedule is durable: a restart picks up where it stopped, and
 * several processes never send the same mail twice (each send is claimed first).
 */
import { formatDecimal, parseDecimal } from '../domain/money.js';
import type { Invoice } from '../domain/invoice.js';
import type { AppContext } from './context.js';
import { newId } from './ids.js';
import type { InvoiceView } from './invoice-view.js';
import { backoffMs, Loop } from './loop.js';
import { invoiceDetails } from './invoices.js';
import type {
  InvoiceMail,
  InvoiceMailStore,
  Mailer,
  MailPeriod,
  OutgoingMail,
} from './ports/mail.js';

export const PERIOD_MS: Readonly<Record<MailPeriod, number>> = {
  day: 24 * 3600_000,
  week: 7 * 24 * 3600_000,
  month: 30 * 24 * 3600_000,
};
/** A claimed send not finished by then (crashed sender) is retried. */
const LEASE_MS = 5 * 60_000;
const MAX_FAILURES = 20;
const MAX_BACKOFF_MS = 3600_000;

/** Nothing more to send once the customer paid, or the invoice is closed for good. */
function finished(inv: Invoice): boolean {
  return (
    inv.status === 'paid' ||
    inv.status === 'overpaid' ||
    inv.status === 'canceled' ||
    inv.status === 'refunded' ||
    inv.resolution !== null
  );
}

const TEXT = {
  en: {
    subject: (v: InvoiceView) => `Invoice ${v.uuid}: ${v.amount} ${v.currency}`,
    intro: 'You have an invoice to pay.',
    amount: 'Amount',
    pay: 'Pay here',
    address: 'Address',
    due: 'Amount due',
    expires: 'Expires at (UTC)',
  },
  ru: {
    subject: (v: InvoiceView) => `Счёт ${v.uuid}: ${v.amount} ${v.currency}`,
    intro: 'Вам выставлен счёт на оплату.',
    amount: 'Сумма',
    pay: 'Оплатить',
    address: 'Адрес',
    due: 'К оплате',
    expires: 'Действует до (UTC)',
  },
} as const;

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function renderInvoiceMail(v: InvoiceView, to: string): OutgoingMail {
  const t = TEXT[v.locale === 'ru' ? 'ru' : 'en'];
  const lines: [string, string][] = [
    [t.amount, `${formatDecimal(parseDecimal(v.amount))} ${v.currency}`],
  ];
  if (v.quote) {
    lines.push([t.due, `${v.quote.amount_due} ${v.quote.currency}`]);
    lines.push([t.address, v.quote.address]);
  }
  if (v.expires_at) lines.push([t.expires, v.expires_at.replace('T', ' ').slice(0, 19)]);
  lines.push([t.pay, v.link]);
  const text = [t.intro, '', ...lines.map(([k, val]) => `${k}: ${val}`)].join('\n');
  const rows = lines.map(
    ([k, val]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(val)}</td></tr>`,
  );
  const html = `<p>${escapeHtml(t.intro)}</p><table>${rows.join('')}</table><p><a href="${escapeHtml(v.link)}">${escapeHtml(t.pay)}</a></p>`;
  return { to, subject: t.subject(v), text, html };
}

export class InvoiceMailScheduler {
  private readonly loop: Loop;

  constructor(
    private readonly ctx: AppContext,
    private readonly store: InvoiceMailStore,
    private readonly mailer: Mailer | null,
    intervalMs = 5000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.loop = new Loop({
      intervalMs,
      clock: ctx.clock,
      round: async () => {
        await this.sendDue();
      },
      onFailure: (err) => this.onError(err),
    });
  }

  /** Whether this instance can send mail at all (SMTP_URL is set). */
  get enabled(): boolean {
    return this.mailer !== null;
  }

  /** Schedules the first send now and, with a period, the re-sends after it. */
  async schedule(
    invoiceId: string,
    email: string,
    period: MailPeriod | null,
  ): Promise<InvoiceMail> {
    const now = this.ctx.clock.now();
    const mail: InvoiceMail = {
      id: newId('mail', now),
      invoiceId,
      email,
      period,
      nextSendAt: now,
      sentCount: 0,
      failures: 0,
      lastSentAt: null,
      lastError: null,
      createdAt: now,
    };
    await this.store.insert(mail);
    this.wake();
    return mail;
  }

  async mailsOf(invoiceId: string): Promise<InvoiceMail[]> {
    return this.store.forInvoice(invoiceId);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Runs a pass now instead of at the next tick (where this process sends mail). */
  wake(): void {
    if (this.loop.isRunning) this.loop.wake();
  }

  /** One pass: sends every mail that is due. */
  async sendDue(): Promise<number> {
    if (!this.mailer) return 0;
    const now = this.ctx.clock.now();
    let sent = 0;
    for (const m of await this.store.due(now, 50)) {
      if (m.nextSendAt === null || !(await this.store.claim(m.id, m.nextSendAt, now + LEASE_MS)))
        continue;
      if (await this.sendOne(m, now)) sent++;
    }
    return sent;
  }

  private async sendOne(m: InvoiceMail, now: number): Promise<boolean> {
    const inv = await this.ctx.store.invoices.get(m.invoiceId);
    if (!inv || (m.sentCount > 0 && finished(inv))) {
      await this.store.update(m.id, { nextSendAt: null });
      return false;
    }
    try {
      await this.mailer!.send(renderInvoiceMail(await invoiceDetails(this.ctx, inv), m.email));
      const next = m.period && !finished(inv) ? now + PERIOD_MS[m.period] : null;
      await this.store.update(m.id, {
        sentCount: m.sentCount + 1,
        lastSentAt: now,
        nextSendAt: next,
        failures: 0,
        lastError: null,
      });
      return true;
    } catch (err) {
      const failures = m.failures + 1;
      const backoff = backoffMs(30_000, failures - 1, MAX_BACKOFF_MS);
      await this.store.update(m.id, {
        failures,
        lastError: err instanceof Error ? err.message.slice(0, 500) : String(err),
        nextSendAt: failures >= MAX_FAILURES ? null : now + backoff,
      });
      this.onError(err);
      return false;
    }
  }
}
