/** Accounts, projects, invoices and events written straight into a store, as the app would. */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { InvoiceView, PaymentView } from '../../../src/app/invoice-view.js';
import { newId } from '../../../src/app/ids.js';
import { eventRouting } from '../../../src/callbacks/routing.js';
import { withCallbackTables } from '../../../src/store/deliveries-repository.js';
import { enqueueDeliveries } from '../../../src/store/outbox.js';
import type { Database, EventsTable } from '../../../src/store/schema.js';

export interface Seeded {
  accountId: string;
  shopId: string;
  secretKey: string;
}

export async function seedProject(db: Kysely<Database>, name = 'Shop'): Promise<Seeded> {
  const now = Date.now();
  const accountId = `acc_${randomBytes(5).toString('hex')}`;
  const shopId = `shop_${randomBytes(5).toString('hex')}`;
  const secretKey = `sk_${randomBytes(16).toString('hex')}`;
  await db.insertInto('accounts').values({ id: accountId, name, created_at: now }).execute();
  await db
    .insertInto('projects')
    .values({
      id: shopId,
      account_id: accountId,
      name,
      settings: '{}',
      secret_key: secretKey,
      test_mode: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { accountId, shopId, secretKey };
}

export async function seedInvoice(db: Kysely<Database>, s: Seeded, orderId: string | null = null) {
  const now = Date.now();
  const id = `inv_${randomBytes(8).toString('hex')}`;
  const short = randomBytes(4).toString('hex').toUpperCase();
  await db
    .insertInto('invoices')
    .values({
      id,
      short_id: short,
      project_id: s.shopId,
      account_id: s.accountId,
      amount: '100.00',
      price_currency: 'USD',
      order_id: orderId,
      email: null,
      description: null,
      expires_at: null,
      available_currencies: null,
      test_mode: 1,
      locale: 'en',
      metadata: null,
      status: 'created',
      context: null,
      resolution: null,
      manual_resolution: null,
      cancelled_at: null,
      received_confirmed: '0',
      received_unconfirmed: '0',
      watch_until: null,
      recheck_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, short, uuid: `INV-${short}` };
}

/** A BTC invoice snapshot: 0.00150000 BTC due (150000 sat). */
export function invoiceSnapshot(
  inv: { id: string; uuid: string },
  shopId: string,
  over: Partial<InvoiceView> = {},
): InvoiceView {
  const at = new Date().toISOString();
  return {
    id: inv.id,
    uuid: inv.uuid,
    shop_id: shopId,
    order_id: 'order-1',
    status: 'created',
    context: null,
    resolution: null,
    amount: '100.00',
    currency: 'USD',
    quote: {
      currency: 'BTC',
      network: 'BTC',
      address: 'bcrt1qexampleaddress000000000000000000000',
      amount_due: '0.0015',
      amount_due_units: '150000',
      rate: '66666.67',
      rate_source: 'fixed',
      fixed_at: at,
      required_confirmations: 1,
      payment_uri: 'bitcoin:bcrt1qexampleaddress000000000000000000000?amount=0.0015',
    },
    received: '0',
    received_units: '0',
    received_unconfirmed: '0',
    received_unconfirmed_units: '0',
    remaining: '0.0015',
    remaining_units: '150000',
    email: null,
    description: null,
    metadata: null,
    locale: 'en',
    test_mode: true,
    link: `http://127.0.0.1/pay/${inv.id}`,
    expires_at: null,
    cancelled_at: null,
    created_at: at,
    updated_at: at,
    ...over,
  };
}

export function paymentSnapshot(over: Partial<PaymentView> = {}): PaymentView {
  return {
    id: `pay_${randomBytes(4).toString('hex')}`,
    currency: 'BTC',
    chain: 'test',
    txid: randomBytes(32).toString('hex'),
    index: 0,
    address: 'bcrt1qexampleaddress000000000000000000000',
    amount: '0.0015',
    amount_units: '150000',
    confirmations: 0,
    required_confirmations: 1,
    confirmed: false,
    dropped: false,
    rbf: false,
    block_hash: null,
    block_height: null,
    first_seen_at: new Date().toISOString(),
    ...over,
  };
}

export interface NewEvent {
  invoiceId: string;
  type: string;
  data: Record<string, unknown>;
}

/** Appends events and their deliveries in one transaction, the way state changes do. */
export async function appendEvents(
  db: Kysely<Database>,
  shopId: string,
  events: NewEvent[],
): Promise<EventsTable[]> {
  const now = Date.now();
  const rows: EventsTable[] = events.map((e) => ({
    id: newId('evt'),
    invoice_id: e.invoiceId,
    project_id: shopId,
    type: e.type,
    data: JSON.stringify(e.data),
    created_at: now,
  }));
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('events').values(rows).execute();
    await enqueueDeliveries(trx, rows, eventRouting);
  });
  return rows;
}

export async function addEndpoint(
  db: Kysely<Database>,
  shopId: string,
  url: string,
  format: string,
  secret: string,
  extra: {
    content_type?: string;
    events?: string[];
    previous_secret?: string;
    enabled?: boolean;
  } = {},
): Promise<string> {
  const id = newId('whep');
  const now = Date.now();
  await withCallbackTables(db)
    .insertInto('callback_endpoints')
    .values({
      id,
      project_id: shopId,
      url,
      format,
      content_type: extra.content_type ?? 'json',
      events: extra.events ? JSON.stringify(extra.events) : null,
      secret,
      previous_secret: extra.previous_secret ?? null,
      previous_secret_expires_at: extra.previous_secret ? now + 3_600_000 : null,
      enabled: extra.enabled === false ? 0 : 1,
      description: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export async function deliveryRows(db: Kysely<Database>) {
  return withCallbackTables(db).selectFrom('deliveries').selectAll().orderBy('event_id').execute();
}

export const quietLogger = async () => (await import('pino')).pino({ level: 'silent' });
