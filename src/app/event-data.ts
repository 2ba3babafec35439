/** What an invoice event carries: the invoice, its payments and the shop, as views. */
import type { InvoiceView, PaymentView } from './invoice-view.js';

/** The project's redirect targets, as the payment page uses them. */
export interface ShopView {
  readonly name: string;
  readonly success_url: string | null;
  readonly fail_url: string | null;
}

export interface EventData {
  readonly invoice: InvoiceView;
  /** The payment this event is about, if any. */
  readonly payment?: PaymentView;
  /** Every payment to the invoice's current quote at the time of the event (absent in older events). */
  readonly payments?: readonly PaymentView[];
  readonly shop?: ShopView;
  readonly previous_status?: string;
  readonly [key: string]: unknown;
}

/** Every payment the event knows of; events written before the list existed carry one. */
export function eventPayments(data: EventData): readonly PaymentView[] {
  if (data.payments) return data.payments;
  return data.payment ? [data.payment] : [];
}
