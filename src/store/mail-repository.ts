/** The durable schedule of invoice e-mails (migration 007). */
import type { Kysely } from 'kysely';
import type { InvoiceMail, InvoiceMailStore, MailPeriod } from '../app/ports/mail.js';
import type { Database } from './schema.js';

export interface InvoiceMailsTable {
  id: string;
  invoice_id: string;
  email: string;
  period: string | null;
  next_send_at: number | null;
  sent_count: number;
  failures: number;
  last_sent_at: number | null;
  last_error: string | null;
  created_at: number;
}

export type MailDb = Database & { invoice_mails: InvoiceMailsTable };

const num = (v: number | null) => (v === null ? null : Number(v));

function toMail(r: InvoiceMailsTable): InvoiceMail {
  return {
    id: r.id,
    invoiceId: r.invoice_id,
    email: r.email,
    period: r.period as MailPeriod | null,
    nextSendAt: num(r.next_send_at),
    sentCount: Number(r.sent_count),
    failures: Number(r.failures),
    lastSentAt: num(r.last_sent_at),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
  };
}

export function mailRepository(base: Kysely<Database>): InvoiceMailStore {
  const db = base as unknown as Kysely<MailDb>;
  return {
    async insert(m) {
      await db
        .insertInto('invoice_mails')
        .values({
          id: m.id,
          invoice_id: m.invoiceId,
          email: m.email,
          period: m.period,
          next_send_at: m.nextSendAt,
          sent_count: m.sentCount,
          failures: m.failures,
          last_sent_at: m.lastSentAt,
          last_error: m.lastError,
          created_at: m.createdAt,
        })
        .execute();
    },
    async forInvoice(invoiceId) {
      const rows = await db
        .selectFrom('invoice_mails')
        .selectAll()
        .where('invoice_id', '=', invoiceId)
        .orderBy('created_at')
        .execute();
      return rows.map(toMail);
    },
    async due(now, limit) {
      const rows = await db
        .selectFrom('invoice_mails')
        .selectAll()
        .where('next_send_at', 'is not', null)
        .where('next_send_at', '<=', now)
        .orderBy('next_send_at')
        .limit(limit)
        .execute();
      return rows.map(toMail);
    },
    async claim(id, expected, leaseUntil) {
      const r = await db
        .updateTable('invoice_mails')
        .set({ next_send_at: leaseUntil })
        .where('id', '=', id)
        .where('next_send_at', '=', expected)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async update(id, p) {
      const set: Partial<InvoiceMailsTable> = {};
      if (p.nextSendAt !== undefined) set.next_send_at = p.nextSendAt;
      if (p.sentCount !== undefined) set.sent_count = p.sentCount;
      if (p.failures !== undefined) set.failures = p.failures;
      if (p.lastSentAt !== undefined) set.last_sent_at = p.lastSentAt;
      if (p.lastError !== undefined) set.last_error = p.lastError;
      await db.updateTable('invoice_mails').set(set).where('id', '=', id).execute();
    },
  };
}
