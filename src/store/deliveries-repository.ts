/**
 * The callback outbox's tables: endpoints, deliveries and the attempt log.
 * One code path for SQLite and PostgreSQL; PostgreSQL claims with
 * `FOR UPDATE SKIP LOCKED` so several dispatchers can share the queue.
 */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../app/ids.js';
import type {
  AttemptOutcome,
  AttemptRecord,
  AttemptReport,
  DeliveryQueue,
  DeliveryRecord,
  DueDelivery,
  EndpointRecord,
  NewDelivery,
} from '../app/ports/webhooks.js';
import type { Database } from './schema.js';

export type CallbackEndpointsTable = EndpointRecord;
export type DeliveriesTable = DeliveryRecord;
export type DeliveryAttemptsTable = AttemptRecord;

/** A new, pending delivery's bookkeeping fields, due at `now`. */
export function blankDelivery(
  now: number,
): Omit<
  DeliveriesTable,
  'id' | 'event_id' | 'event_type' | 'endpoint_id' | 'project_id' | 'invoice_id'
> {
  return {
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    test_data: null,
    redelivery_of: null,
    last_attempt_at: null,
    last_response_code: null,
    last_response_excerpt: null,
    last_error: null,
    last_duration_ms: null,
    delivered_at: null,
    created_at: now,
    updated_at: now,
  };
}

export type CallbackTables = {
  callback_endpoints: CallbackEndpointsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
};

export type CallbackDb = Kysely<Database & CallbackTables>;
export type CallbackTrx = Transaction<Database & CallbackTables>;

export function withCallbackTables(db: Kysely<Database>): CallbackDb {
  return db.withTables<CallbackTables>();
}

export class DeliveriesRepository implements DeliveryQueue {
  readonly db: CallbackDb;

  constructor(
    db: Kysely<Database>,
    private readonly engine: 'sqlite' | 'postgres',
  ) {
    this.db = withCallbackTables(db);
  }

  async add(d: NewDelivery, now: number): Promise<void> {
    await this.db
      .insertInto('deliveries')
      .values({ ...blankDelivery(now), ...d })
      .execute();
  }

  async redeliver(copy: NewDelivery, supersedes: string | null, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (supersedes !== null)
        await trx
          .updateTable('deliveries')
          .set({
            status: 'superseded',
            last_error: `superseded by redelivery ${copy.id}`,
            updated_at: now,
          })
          .where('id', '=', supersedes)
          .where('status', '=', 'pending')
          .execute();
      await trx
        .insertInto('deliveries')
        .values({ ...blankDelivery(now), ...copy })
        .execute();
    });
  }

  /**
   * Takes up to `limit` due deliveries by moving their due time to the end of a
   * lease; a dispatcher that dies lets the lease run out and another takes over.
   * Only the earliest pending delivery per (endpoint, invoice) is eligible, which
   * keeps each invoice's callbacks in order at each endpoint.
   */
  async claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    /** Endpoints this dispatcher already has enough requests in flight to. */
    busyEndpoints: readonly string[] = [],
  ): Promise<DueDelivery[]> {
    if (limit <= 0) return [];
    // One statement: the claim is atomic on both engines without an explicit transaction.
    const due = this.db
      .selectFrom('deliveries as d')
      .innerJoin('callback_endpoints as e', 'e.id', 'd.endpoint_id')
      .select('d.id')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where('e.enabled', '=', 1)
      .$if(busyEndpoints.length > 0, (q) => q.where('d.endpoint_id', 'not in', busyEndpoints))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('deliveries as p')
              .select('p.id')
              .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
              .whereRef('p.invoice_id', '=', 'd.invoice_id')
              .where('p.status', '=', 'pending')
              .where((eb) =>
                eb.or([
                  eb('p.event_id', '<', eb.ref('d.event_id')),
                  eb.and([
                    eb('p.event_id', '=', eb.ref('d.event_id')),
                    eb('p.id', '<', eb.ref('d.id')),
                  ]),
                ]),
              ),
          ),
        ),
      )
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(limit)
      .$if(this.engine === 'postgres', (q) => q.forUpdate('d').skipLocked());
    const claimed = await this.db
      .updateTable('deliveries')
      .set({ next_attempt_at: now + leaseMs, updated_at: now })
      .where('id', 'in', due)
      .returning('id')
      .execute();
    const ids = claimed.map((r) => r.id);
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('deliveries as d')
      .innerJoin('callback_endpoints as e', 'e.id', 'd.endpoint_id')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .leftJoin('events as ev', 'ev.id', 'd.event_id')
      .select([
        'd.id',
        'd.event_id',
        'd.event_type',
        'd.invoice_id',
        'd.attempts',
        'd.test_data',
        'd.created_at',
        'ev.data as event_data',
        'ev.created_at as event_created_at',
        'e.id as endpoint_id',
        'e.url',
        'e.format',
        'e.content_type',
        'e.secret',
        'e.previous_secret',
        'e.previous_secret_expires_at',
        'p.secret_key as project_secret_key',
      ])
      .where('d.id', 'in', ids)
      .execute();
  }

  /** Gives claimed deliveries back unsent, due again at `now`. */
  async release(ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('deliveries')
      .set({ next_attempt_at: now, updated_at: now })
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Logs one attempt and moves the delivery on; never reverts a delivery another dispatcher finished. */
  async recordAttempt(
    d: Pick<DueDelivery, 'id' | 'attempts'>,
    a: AttemptReport,
    outcome: AttemptOutcome,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('delivery_attempts')
        .values({
          id: newId('att'),
          delivery_id: d.id,
          attempt: d.attempts + 1,
          started_at: a.startedAt,
          duration_ms: a.durationMs,
          request_url: a.url,
          request_headers: JSON.stringify(a.headers),
          request_body: a.body,
          response_code: a.responseCode,
          response_excerpt: a.responseExcerpt,
          error: a.error,
        })
        .execute();
      await trx
        .updateTable('deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          status: outcome.kind === 'retry' ? 'pending' : outcome.kind,
          next_attempt_at: outcome.kind === 'retry' ? outcome.nextAttemptAt : outcome.at,
          delivered_at: outcome.kind === 'delivered' ? outcome.at : null,
          last_attempt_at: a.startedAt,
          last_response_code: a.responseCode,
          last_response_excerpt: a.responseExcerpt,
          last_error: a.error,
          last_duration_ms: a.durationMs,
          updated_at: outcome.at,
        }))
        .where('id', '=', d.id)
        .where('status', '=', 'pending')
        .execute();
    });
  }

  /** Deliveries waiting to be sent (the callback queue depth). */
  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
