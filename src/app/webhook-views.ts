/** What the API shows of endpoints, deliveries and attempts. Secrets are never part of a view. */
import { coinsPaidProcessingKey } from '../domain/events.js';
import type { AttemptRecord, DeliveryRecord, EndpointRecord } from './ports/webhooks.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export interface EndpointView {
  id: string;
  shop_id: string;
  url: string;
  format: string;
  content_type: string;
  events: string[] | null;
  enabled: boolean;
  description: string | null;
  /** CoinsPaid format: the public key id sent as `X-Processing-Key` beside the signature. */
  processing_key?: string;
  /** While set, the secret before the last rotation still signs too. */
  previous_secret_valid_until: string | null;
  created_at: string;
  updated_at: string;
}

export function endpointView(e: EndpointRecord, now: number): EndpointView {
  const overlap =
    e.previous_secret_expires_at !== null && Number(e.previous_secret_expires_at) > now;
  return {
    id: e.id,
    shop_id: e.project_id,
    url: e.url,
    format: e.format,
    content_type: e.content_type,
    events: e.events ? (JSON.parse(e.events) as string[]) : null,
    enabled: e.enabled === 1,
    description: e.description,
    ...(e.format === 'coinspaid' ? { processing_key: coinsPaidProcessingKey(e.id) } : {}),
    previous_secret_valid_until: overlap ? iso(e.previous_secret_expires_at) : null,
    created_at: iso(e.created_at) ?? '',
    updated_at: iso(e.updated_at) ?? '',
  };
}

export interface AttemptView {
  attempt: number;
  started_at: string;
  duration_ms: number;
  request: { url: string; headers: Record<string, string>; body: string };
  response_code: number | null;
  response_body: string | null;
  error: string | null;
}

export function attemptView(a: AttemptRecord): AttemptView {
  return {
    attempt: a.attempt,
    started_at: iso(a.started_at) ?? '',
    duration_ms: a.duration_ms,
    request: {
      url: a.request_url,
      headers: JSON.parse(a.request_headers) as Record<string, string>,
      body: a.request_body,
    },
    response_code: a.response_code,
    response_body: a.response_excerpt,
    error: a.error,
  };
}

export interface DeliveryView {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  /** Null for test callbacks, which belong to no invoice. */
  invoice_id: string | null;
  status: string;
  attempts: number;
  /** When the next attempt is due; null once delivered, failed or superseded. */
  next_attempt_at: string | null;
  last_attempt: AttemptView | null;
  delivered_at: string | null;
  redelivery_of: string | null;
  created_at: string;
}

export function deliveryView(d: DeliveryRecord, last: AttemptRecord | null): DeliveryView {
  return {
    id: d.id,
    event_id: d.event_id,
    event_type: d.event_type,
    endpoint_id: d.endpoint_id,
    invoice_id: d.invoice_id.startsWith('test:') ? null : d.invoice_id,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
    last_attempt: last ? attemptView(last) : null,
    delivered_at: iso(d.delivered_at),
    redelivery_of: d.redelivery_of,
    created_at: iso(d.created_at) ?? '',
  };
}
