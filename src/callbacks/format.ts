/** What every callback format shares: the event it renders and the signed request it produces. */
import type { EventData } from '../app/event-data.js';
import type { FormatName } from '../domain/events.js';

export type ContentType = 'json' | 'form';

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
