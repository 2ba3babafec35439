/** Sending invoices by e-mail, and the durable schedule of (re-)sends. */

export type MailPeriod = 'day' | 'week' | 'month';

export interface InvoiceMail {
  readonly id: string;
  readonly invoiceId: string;
  readonly email: string;
  /** Re-send on this schedule until the invoice is paid; null sends once. */
  readonly period: MailPeriod | null;
  /** When the next send is due; null once nothing more is to be sent. */
  readonly nextSendAt: number | null;
  readonly sentCount: number;
  readonly failures: number;
  readonly lastSentAt: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
}

export interface InvoiceMailStore {
  insert(m: InvoiceMail): Promise<void>;
  forInvoice(invoiceId: string): Promise<InvoiceMail[]>;
  due(now: number, limit: number): Promise<InvoiceMail[]>;
  /** Moves the schedule on only if nobody else did since `expectedNextSendAt` (one sender wins). */
  claim(id: string, expectedNextSendAt: number, leaseUntil: number): Promise<boolean>;
  update(
    id: string,
    patch: Partial<
      Pick<InvoiceMail, 'nextSendAt' | 'sentCount' | 'failures' | 'lastSentAt' | 'lastError'>
    >,
  ): Promise<void>;
}

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}
