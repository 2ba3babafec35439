/**
 * Webhook use cases behind the API: endpoints (secrets shown once, rotation with
 * an overlap), the delivery log, redelivery and test callbacks. Every call is
 * scoped to the caller's account; anything else answers "not found".
 */
import { randomBytes } from 'node:crypto';
import {
  FORMAT_NAMES,
  isFormatName,
  NATIVE_EVENT_TYPES,
  TEST_EVENT_TYPE,
  type FormatName,
} from '../domain/events.js';
import { invalid, invalidState, KassaError, notFound } from '../domain/errors.js';
import { newId } from './ids.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { DeliveryQueue, EndpointRecord, WebhookStore } from './ports/webhooks.js';
import { sampleEventData } from './webhook-test-event.js';
import {
  attemptView,
  deliveryView,
  endpointView,
  type AttemptView,
  type DeliveryView,
  type EndpointView,
} from './webhook-views.js';

export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;
const MAX_ENDPOINTS_PER_PROJECT = 20;

export interface EndpointInput {
  url: string;
  format: string;
  content_type?: string;
  events?: string[] | null;
  description?: string | null;
}

export interface EndpointPatch {
  url?: string;
  enabled?: boolean;
  content_type?: string;
  events?: string[] | null;
  description?: string | null;
}

export interface WebhookServiceOptions {
  store: WebhookStore;
  queue: DeliveryQueue;
  /** Throws when callbacks may not go to this URL (private addresses unless allowed). */
  checkUrl: (url: string) => Promise<unknown>;
  clock?: Clock;
  publicUrl?: string;
  /** Called after a delivery is queued from the API, e.g. to wake the dispatcher. */
  onQueued?: () => void;
}

/** Secrets: Standard Webhooks `whsec_<base64>` for native; hex for the HMAC formats. */
function newSecret(format: FormatName): string {
  if (format === 'native') return `whsec_${randomBytes(24).toString('base64')}`;
  // CryptoCloud postbacks are signed with the project's secret key, as CryptoCloud does.
  if (format === 'cryptocloud') return '';
  return randomBytes(32).toString('hex');
}

function checkEvents(events: string[] | null | undefined): string | null {
  if (events === undefined || events === null) return null;
  const known = new Set<string>(NATIVE_EVENT_TYPES);
  const bad = events.find((e) => !known.has(e));
  if (bad !== undefined) throw invalid('events', `unknown event type ${bad}`);
  if (events.length === 0) throw invalid('events', 'events must name at least one event type');
  return JSON.stringify([...new Set(events)]);
}

function checkContentType(format: FormatName, contentType: string | undefined): string {
  const ct = contentType ?? 'json';
  if (ct !== 'json' && ct !== 'form')
    throw invalid('content_type', 'content_type must be json or form');
  if (ct === 'form' && format !== 'cryptocloud')
    throw invalid('content_type', 'only cryptocloud postbacks can be form-encoded');
  return ct;
}

export class WebhookService {
  private readonly store: WebhookStore;
  private readonly clock: Clock;

  constructor(private readonly opts: WebhookServiceOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
  }

  async createEndpoint(
    accountId: string,
    shopId: string,
    input: EndpointInput,
  ): Promise<EndpointView & { secret: string | null }> {
    await this.project(accountId, shopId);
    if (!isFormatName(input.format))
      throw invalid('format', `format must be one of ${FORMAT_NAMES.join(', ')}`);
    const format = input.format;
    const contentType = checkContentType(format, input.content_type);
    const events = checkEvents(input.events);
    await this.opts.checkUrl(input.url);
    if ((await this.store.countEndpoints(shopId)) >= MAX_ENDPOINTS_PER_PROJECT)
      throw invalidState(`a project has at most ${MAX_ENDPOINTS_PER_PROJECT} webhook endpoints`);
    const now = this.clock.now();
    const row: EndpointRecord = {
      id: newId('whep'),
      project_id: shopId,
      url: input.url,
      format,
      content_type: contentType,
      events,
      secret: newSecret(format),
      previous_secret: null,
      previous_secret_expires_at: null,
      enabled: 1,
      description: input.description ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.store.insertEndpoint(row);
    return { ...endpointView(row, now), secret: row.secret || null };
  }

  async listEndpoints(accountId: string, shopId: string): Promise<EndpointView[]> {
    await this.project(accountId, shopId);
    const rows = await this.store.endpoints(shopId);
    const now = this.clock.now();
    return rows.map((r) => endpointView(r, now));
  }

  async updateEndpoint(
    accountId: string,
    shopId: string,
    endpointId: string,
    patch: EndpointPatch,
  ): Promise<EndpointView> {
    const ep = await this.endpoint(accountId, shopId, endpointId);
    const set: Partial<EndpointRecord> = { updated_at: this.clock.now() };
    if (patch.url !== undefined) {
      await this.opts.checkUrl(patch.url);
      set.url = patch.url;
    }
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.content_type !== undefined)
      set.content_type = checkContentType(ep.format as FormatName, patch.content_type);
    if (patch.events !== undefined) set.events = checkEvents(patch.events);
    if (patch.description !== undefined) set.description = patch.description;
    await this.store.updateEndpoint(ep.id, set);
    return endpointView({ ...ep, ...set }, this.clock.now());
  }

  /** A new secret, shown once; the old one keeps signing native callbacks for 24 hours. */
  async rotateSecret(accountId: string, shopId: string, endpointId: string) {
    const ep = await this.endpoint(accountId, shopId, endpointId);
    if (ep.format === 'cryptocloud')
      throw invalidState(
        "cryptocloud postbacks are signed with the project's secret key; rotate that instead",
      );
    const now = this.clock.now();
    const secret = newSecret(ep.format as FormatName);
    const set = {
      secret,
      previous_secret: ep.secret,
      previous_secret_expires_at: now + ROTATION_OVERLAP_MS,
      updated_at: now,
    };
    await this.store.updateEndpoint(ep.id, set);
    return { ...endpointView({ ...ep, ...set }, now), secret };
  }

  async listInvoiceDeliveries(accountId: string, invoiceId: string): Promise<DeliveryView[]> {
    const id = await this.invoice(accountId, invoiceId);
    return this.deliveries({ invoiceId: id }, 500);
  }

  async listEndpointDeliveries(
    accountId: string,
    shopId: string,
    endpointId: string,
    limit = 100,
  ): Promise<DeliveryView[]> {
    const ep = await this.endpoint(accountId, shopId, endpointId);
    return this.deliveries({ endpointId: ep.id }, Math.min(Math.max(limit, 1), 500));
  }

  async getDelivery(
    accountId: string,
    deliveryId: string,
  ): Promise<DeliveryView & { attempt_log: AttemptView[] }> {
    const d = await this.delivery(accountId, deliveryId);
    const view = await this.view(d.id);
    const attempts = await this.store.attempts(d.id);
    return { ...view, attempt_log: attempts.map(attemptView) };
  }

  /**
   * Sends a delivery again as a new delivery with its own attempt log, due now.
   * A still-pending original is closed in the same transaction: otherwise the
   * copy would queue behind it (one event at a time per invoice and endpoint)
   * and the receiver could get the event from both.
   */
  async redeliver(accountId: string, deliveryId: string): Promise<DeliveryView> {
    const d = await this.delivery(accountId, deliveryId);
    const now = this.clock.now();
    const id = newId('dlv');
    await this.opts.queue.redeliver(
      {
        id,
        event_id: d.event_id,
        event_type: d.event_type,
        endpoint_id: d.endpoint_id,
        project_id: d.project_id,
        invoice_id: d.invoice_id,
        test_data: d.test_data,
        redelivery_of: d.id,
      },
      d.status === 'pending' ? d.id : null,
      now,
    );
    this.opts.onQueued?.();
    return this.view(id);
  }

  /** The project of one of the account's deliveries, or null (API key scopes). */
  async deliveryProject(accountId: string, deliveryId: string): Promise<string | null> {
    try {
      return (await this.delivery(accountId, deliveryId)).project_id;
    } catch (err) {
      if (err instanceof KassaError && err.code === 'not_found') return null;
      throw err;
    }
  }

  async sendTest(accountId: string, shopId: string, endpointId: string): Promise<DeliveryView> {
    const ep = await this.endpoint(accountId, shopId, endpointId);
    const now = this.clock.now();
    const id = newId('dlv');
    const data = sampleEventData(ep.project_id, now, this.opts.publicUrl ?? 'http://localhost');
    await this.opts.queue.add(
      {
        id,
        event_id: newId('evt_test'),
        event_type: TEST_EVENT_TYPE,
        endpoint_id: ep.id,
        project_id: ep.project_id,
        // Its own ordering key: a test callback never waits behind an invoice's callbacks.
        invoice_id: `test:${id}`,
        test_data: JSON.stringify(data),
      },
      now,
    );
    this.opts.onQueued?.();
    return this.view(id);
  }

  private async deliveries(
    filter: Parameters<WebhookStore['deliveries']>[0],
    limit: number,
  ): Promise<DeliveryView[]> {
    const rows = await this.store.deliveries(filter, limit);
    return rows.map((r) => deliveryView(r.delivery, r.lastAttempt));
  }

  private async view(id: string): Promise<DeliveryView> {
    const [view] = await this.deliveries({ id }, 1);
    if (!view) throw notFound('delivery');
    return view;
  }

  private async project(accountId: string, shopId: string): Promise<void> {
    if ((await this.store.projectOwner(shopId)) !== accountId) throw notFound('project');
  }

  private async endpoint(accountId: string, shopId: string, endpointId: string) {
    await this.project(accountId, shopId);
    const ep = await this.store.endpoint(shopId, endpointId);
    if (!ep) throw notFound('webhook endpoint');
    return ep;
  }

  /** Accepts the invoice id, its `INV-XXXXXXXX` uuid or the bare short id. */
  private async invoice(accountId: string, invoiceId: string): Promise<string> {
    const inv = await this.store.invoiceOwner(invoiceId, invoiceId.replace(/^INV-/, ''));
    if (!inv || inv.accountId !== accountId) throw notFound('invoice');
    return inv.id;
  }

  private async delivery(accountId: string, deliveryId: string) {
    const d = await this.store.delivery(deliveryId);
    if (!d || d.accountId !== accountId) throw notFound('delivery');
    return d;
  }
}

/** The webhook use cases as faces call them (a fake can stand in). */
export type WebhookUseCases = Pick<WebhookService, keyof WebhookService>;
