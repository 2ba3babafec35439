/**
 * The event vocabulary: what Kassa reports about an invoice, and the callback
 * formats an endpoint can receive it in.
 */

export const NATIVE_EVENT_TYPES = [
  'invoice.created',
  'invoice.quote_fixed',
  'invoice.status_changed',
  'invoice.canceled',
  'invoice.resolved',
  'invoice.refund_requested',
  'payment.seen',
  'payment.confirmed',
  'payment.unconfirmed',
  'payment.dropped',
  'payment.unexpected',
] as const;

export type NativeEventType = (typeof NATIVE_EVENT_TYPES)[number];

/** Events that only say "the invoice's state moved"; several in one transaction make one callback. */
export const STATE_EVENT_TYPES: readonly string[] = [
  'invoice.status_changed',
  'invoice.canceled',
  'invoice.resolved',
] satisfies readonly NativeEventType[];

export function isStateEvent(type: string): boolean {
  return STATE_EVENT_TYPES.includes(type);
}

/** The event type of a test callback sent from the API. */
export const TEST_EVENT_TYPE = 'webhook.test';

export type FormatName = 'native' | 'cryptocloud' | 'cryptopay' | 'coinspaid';
export const FORMAT_NAMES: readonly FormatName[] = [
  'native',
  'cryptocloud',
  'cryptopay',
  'coinspaid',
];

export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}

/** The public key id of a CoinsPaid-format endpoint, sent as `X-Processing-Key`. */
export function coinsPaidProcessingKey(endpointId: string): string {
  return endpointId;
}
