/**
 * Native callbacks: the event as JSON, signed per the Standard Webhooks spec.
 * During a secret rotation both secrets sign, so receivers holding either verify.
 */
import { createHmac } from 'node:crypto';
import { NATIVE_EVENT_TYPES } from '../domain/events.js';
import { JSON_HEADERS, type CallbackFormat } from './format.js';

/** The HMAC key of a `whsec_<base64>` secret is the decoded bytes. */
export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

export function standardWebhookSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  const mac = createHmac('sha256', standardWebhookKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

export const nativeFormat: CallbackFormat = {
  name: 'native',
  defaultEvents: NATIVE_EVENT_TYPES,
  wants: () => true,
  async render(event, ctx) {
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      created_at: new Date(event.createdAt).toISOString(),
      data: event.data,
    });
    const timestamp = Math.floor(ctx.now / 1000);
    const signature = ctx.secrets
      .map((s) => standardWebhookSignature(s, event.id, timestamp, body))
      .join(' ');
    return {
      headers: {
        ...JSON_HEADERS,
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
      body,
    };
  },
};
