/** What every callback format shares: the event it renders and the signed request it produces. */
import type { InvoiceView, PaymentView } from '../app/invoice-view.js';
import type { FormatName } from '../domain/events.js';

export type ContentType = 'json' | 'form';

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

/** An event as the dispatcher hands it to a format. `createdAt` is epoch milliseconds. */
export interface OutgoingEvent {
  readonly id: string;
  readonly type: string;
  readonly createdAt: number;
  readonly data: EventData;
}

export interface SigningContext {
  /** The endpoint the request goes to (CoinsPaid names it in `X-Processing-Key`). */
  readonly endpointId?: string;
  /** Endpoint secrets that are valid now, the current one first. */
  readonly secrets: readonly string[];
  /** The project's secret key (CryptoCloud signs its postback token with it). */
  readonly projectSecretKey: string;
  readonly contentType: ContentType;
  /** Epoch milliseconds of the attempt. */
  readonly now: number;
}

export interface RenderedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface CallbackFormat {
  readonly name: FormatName;
  /** Native event types an endpoint of this format receives unless it chose its own list. */
  readonly defaultEvents: readonly string[];
  /** Whether this event, given its data, makes a callback in this format at all. */
  wants(event: { type: string; data: EventData }): boolean;
  /**
   * At most one callback per invoice and endpoint (retries and redeliveries aside):
   * once an endpoint has one the format wanted, later events of that invoice send nothing.
   */
  readonly oncePerInvoice?: boolean;
  render(event: OutgoingEvent, ctx: SigningContext): Promise<RenderedRequest>;
}

export const JSON_HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'Kassa-Webhooks/1',
} as const;
