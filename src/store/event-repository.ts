import type { Kysely } from 'kysely';
import type { EventRouting } from '../app/ports/outbox.js';
import type { UnitOfWork } from '../app/ports/store.js';
import { faultPoint } from './fault-injection.js';
import { enqueueDeliveries } from './outbox.js';
import { fromEvent, toEvent } from './rows.js';
import type { Database } from './schema.js';

/**
 * Appends events; callers run inside a transaction so the outbox commits with them.
 * `onQueued` hears of deliveries queued, so the dispatcher is woken only when there is work.
 */
export function eventRepository(
  db: Kysely<Database>,
  routing: EventRouting,
  onQueued: () => void = () => {},
): UnitOfWork['events'] {
  return {
    async append(events) {
      if (events.length === 0) return;
      const rows = events.map(fromEvent);
      await db.insertInto('events').values(rows).execute();
      await faultPoint('events-inserted', db);
      if ((await enqueueDeliveries(db, rows, routing)) > 0) onQueued();
      await faultPoint('deliveries-inserted', db);
    },
    async forInvoice(invoiceId) {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('invoice_id', '=', invoiceId)
        .orderBy('id')
        .execute();
      return rows.map(toEvent);
    },
  };
}
