/**
 * Webhook use cases behind the API: endpoints (secrets shown once, rotation with
 * an overlap), the delivery log, redelivery and test callbacks. Every call is
 * scoped to the caller's account; anything else answers "not found".
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../app/ports/clock.js';
import { invalid, invalidState, notFound } from '../domain/errors.js';
import { newId } from '../app/ids.js';
import {
  FORMAT_NAMES,
  NATIVE_EVENT_TYPES,
  TEST_EVENT_TYPE,
  type FormatName,
} from '../domain/events.js';
import {
  blankDelivery,
  withCallbackTables,
  type CallbackDb,
  type CallbackEndpointsTable,
  type DeliveriesTable,
} from '../store/deliveries-repository.js';
import type { Database } from '../store/schema.js';
import { attemptLog, listDeliveries } from './delivery-log.js';
import { sampleEventData } from './sample-event.js';
import { assertCallbackUrlAllowed } from './url-guard.js';
import { endpointView, type AttemptView, type DeliveryView, type EndpointView } from './views.js';

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
  db: Kysely<Database>;
  allowPrivate: boolean;
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
  private readonly db: CallbackDb;
  private readonly clock: Clock;

  constructor(private readonly opts: WebhookServiceOptions) {
    this.db = withCallbackTables(opts.db);
    this.clock = opts.clock ?? systemClock;
  }

  async createEndpoint(
    accountId: string,
    shopId: string,
    input: EndpointInput,
  ): Promise<EndpointView & { secret: string | null }> {
    await this.project(accountId, shopId);
    if (!(FORMAT_NAMES as readonly string[]).includes(input.format))
      throw invalid('format', `format must be one of ${FORMAT_NAMES.join(', ')}`);
    const format = input.format as FormatName;
    const contentType = checkContentType(format, input.content_type);
    const events = checkEvents(input.events);
    await assertCallbackUrlAllowed(input.url, this.opts.allowPrivate);
    const count = await this.db
      .selectFrom('callback_endpoints')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('project_id', '=', shopId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_ENDPOINTS_PER_PROJECT)
      throw invalidState(`a project has at most ${MAX_ENDPOINTS_PER_PROJECT} webhook endpoints`);
    const now = this.clock.now();
    const row: CallbackEndpointsTable = {
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
    await this.db.insertInto('callback_endpoints').values(row).execute();
    return { ...endpointView(row, now), secret: row.secret || null };
  }

  async listEndpoints(accountId: string, shopId: string): Promise<EndpointView[]> {
    await this.project(accountId, shopId);
    const rows = await this.db
      .selectFrom('callback_endpoints')
      .selectAll()
      .where('project_id', '=', shopId)
      .orderBy('created_at')
      .execute();
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
    const set: Partial<CallbackEndpointsTable> = { updated_at: this.clock.now() };
    if (patch.url !== undefined) {
      await assertCallbackUrlAllowed(patch.url, this.opts.allowPrivate);
      set.url = patch.url;
    }
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.content_type !== undefined)
      set.content_type = checkContentType(ep.format as FormatName, patch.content_type);
    if (patch.events !== undefined) set.events = checkEvents(patch.events);
    if (patch.description !== undefined) set.description = patch.description;
    await this.db.updateTable('callback_endpoints').set(set).where('id', '=', ep.id).execute();
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
    await this.db.updateTable('callback_endpoints').set(set).where('id', '=', ep.id).execute();
    return { ...endpointView({ ...ep, ...set }, now), secret };
  }

  async listInvoiceDeliveries(accountId: string, invoiceId: string): Promise<DeliveryView[]> {
    const id = await this.invoice(accountId, invoiceId);
    return listDeliveries(this.db, { invoiceId: id }, 500);
  }

  async listEndpointDeliveries(
    accountId: string,
    shopId: string,
    endpointId: string,
    limit = 100,
  ): Promise<DeliveryView[]> {
    const ep = await this.endpoint(accountId, shopId, endpointId);
    return listDeliveries(this.db, { endpointId: ep.id }, Math.min(Math.max(limit, 1), 500));
  }

  async getDelivery(
    accountId: string,
    deliveryId: string,
  ): Promise<DeliveryView & { attempt_log: AttemptView[] }> {
    const d = await this.delivery(accountId, deliveryId);
    const view = await this.view(d.id);
    return { ...view, attempt_log: await attemptLog(this.db, d.id) };
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
    await this.db.transaction().execute(async (trx) => {
      if (d.status === 'pending')
        await trx
          .updateTable('deliveries')
          .set({ status: 'failed', last_error: `superseded by redelivery ${id}`, updated_at: now })
          .where('id', '=', d.id)
          .where('status', '=', 'pending')
          .execute();
      await trx
        .insertInto('deliveries')
        .values({
          ...blankDelivery(now),
          id,
          event_id: d.event_id,
          event_type: d.event_type,
          endpoint_id: d.endpoint_id,
          project_id: d.project_id,
          invoice_id: d.invoice_id,
          test_data: d.test_data,
          redelivery_of: d.id,
        })
        .execute();
    });
    this.opts.onQueued?.();
    return this.view(id);
  }

  async sendTest(accountId: string, shopId: string, endpointId: string): Promise<DeliveryView> {
    const ep = await this.endpoint(accountId, shopId, endpointId);
    const now = this.clock.now();
    const id = newId('dlv');
    const data = sampleEventData(ep.project_id, now, this.opts.publicUrl ?? 'http://localhost');
    await this.db
      .insertInto('deliveries')
      .values({
        ...blankDelivery(now),
        id,
        event_id: newId('evt_test'),
        event_type: TEST_EVENT_TYPE,
        endpoint_id: ep.id,
        project_id: ep.project_id,
        // Its own ordering key: a test callback never waits behind an invoice's callbacks.
        invoice_id: `test:${id}`,
        test_data: JSON.stringify(data),
      })
      .execute();
    this.opts.onQueued?.();
    return this.view(id);
  }

  private async view(id: string): Promise<DeliveryView> {
    const [view] = await listDeliveries(this.db, { id }, 1);
    if (!view) throw notFound('delivery');
    return view;
  }

  private async project(accountId: string, shopId: string) {
    const p = await this.db
      .selectFrom('projects')
      .select(['id', 'account_id'])
      .where('id', '=', shopId)
      .executeTakeFirst();
    if (!p || p.account_id !== accountId) throw notFound('project');
    return p;
  }

  private async endpoint(accountId: string, shopId: string, endpointId: string) {
    await this.project(accountId, shopId);
    const ep = await this.db
      .selectFrom('callback_endpoints')
      .selectAll()
      .where('id', '=', endpointId)
      .where('project_id', '=', shopId)
      .executeTakeFirst();
    if (!ep) throw notFound('webhook endpoint');
    return ep;
  }

  /** Accepts the invoice id, its `INV-XXXXXXXX` uuid or the bare short id. */
  private async invoice(accountId: string, invoiceId: string): Promise<string> {
    const short = invoiceId.replace(/^INV-/, '');
    const inv = await this.db
      .selectFrom('invoices')
      .select(['id', 'account_id'])
      .where((eb) => eb.or([eb('id', '=', invoiceId), eb('short_id', '=', short)]))
      .executeTakeFirst();
    if (!inv || inv.account_id !== accountId) throw notFound('invoice');
    return inv.id;
  }

  private async delivery(accountId: string, deliveryId: string): Promise<DeliveriesTable> {
    const d = await this.db
      .selectFrom('deliveries as d')
      .innerJoin('projects as p', 'p.id', 'd.project_id')
      .selectAll('d')
      .select('p.account_id')
      .where('d.id', '=', deliveryId)
      .executeTakeFirst();
    if (!d || d.account_id !== accountId) throw notFound('delivery');
    const { account_id: _owner, ...row } = d;
    return row;
  }
}
